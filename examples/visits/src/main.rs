#[tokio::main]
async fn main() -> nestling::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut app = nestling::create::<visits::AppModule>().await?;
    app.use_session(visits::session_options());
    app.listen(("127.0.0.1", nestling::port_from_env())).await
}
