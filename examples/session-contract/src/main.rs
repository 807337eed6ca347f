//! `cargo run -p session-contract` (`PORT`, default 3000; 127.0.0.1).

#[tokio::main]
async fn main() -> nestling::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let app = session_contract::build_app().await?;
    app.listen(("127.0.0.1", nestling::port_from_env())).await
}
