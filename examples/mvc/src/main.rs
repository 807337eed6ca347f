use mvc::{AppModule, configure};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut app = nestling::create::<AppModule>().await?;
    configure(&mut app).await?;
    app.listen(("127.0.0.1", nestling::port_from_env())).await?;
    Ok(())
}
