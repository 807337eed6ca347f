//! The bench app: `PORT` (default 3000) on 127.0.0.1, one tokio thread as
//! the peers it is compared with. Logging is off unless `RUST_LOG` is set.
//! With `BENCH_REDIS_URL` (e.g. `redis://127.0.0.1:6379`) it also serves
//! `/redis/visits`, the session counter on the Redis store.
//! `SESSION_BACKEND=cookie` serves `/visits` on encrypted cookie sessions
//! instead of the memory store.

use bench::{AppModule, WithRedisModule};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let redis = std::env::var("BENCH_REDIS_URL").ok();
        let mut app = match &redis {
            Some(url) => {
                let mut app = nestling::create::<WithRedisModule>().await?;
                // Before `/`: a request gets the first mount covering it.
                app.use_session_at("/redis", bench::visits::redis_session_options(url).await?);
                app
            }
            None => nestling::create::<AppModule>().await?,
        };
        app.set_base_views_dir(bench::page::VIEWS_DIR);
        if bench::visits::cookie_backend() {
            app.use_secure_session(bench::visits::secure_session_options());
        } else {
            app.use_session(bench::visits::session_options());
        }
        app.listen(("127.0.0.1", nestling::port_from_env())).await
    })?;
    Ok(())
}
