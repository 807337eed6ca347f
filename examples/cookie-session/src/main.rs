#[tokio::main]
async fn main() -> nestling::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut app = nestling::create::<cookie_session::AppModule>().await?;
    app.use_secure_session(cookie_session::session_options());
    app.listen(("127.0.0.1", nestling::port_from_env())).await
}
