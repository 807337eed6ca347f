//! `cargo run -p cluster`: the app on every port of `PORTS` (default
//! `3001,3002`), sharing the store `STORE` chooses (`redis` or `postgres`).

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> nestling::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let settings = cluster::Settings::from_env()?;
    let ports = std::env::var("PORTS").unwrap_or_else(|_| "3001,3002".to_owned());
    let mut servers = Vec::new();
    for port in ports.split(',') {
        let Ok(port) = port.trim().parse::<u16>() else {
            eprintln!("PORTS={ports:?}: give ports separated by commas, e.g. PORTS=3001,3002");
            std::process::exit(2);
        };
        let app = cluster::build_instance(&settings).await?;
        let server = app.start(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        println!("instance on {}", server.url("/me"));
        servers.push(server);
    }
    // As `listen` does for one server: on SIGINT or SIGTERM, every
    // instance stops accepting and finishes its requests.
    let signal = nestling::server::shutdown_signal().await;
    for server in servers {
        server.shutdown_with_signal(Some(signal)).await;
    }
    Ok(())
}
