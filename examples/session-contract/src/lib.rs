//! The session-contract app (`shared/specs/session-contract.md`): every
//! express-session option side by side, one configuration per path prefix
//! (`/std`, `/eager`, `/rolling`, ...), each with its own recording store,
//! plus endpoints that show what the stores hold and were asked, inject
//! store failures and disconnect stores. It is how anyone can check from
//! outside, over plain HTTP, that nestling's sessions behave as
//! express-session 1.19's.
//!
//! * `configs.rs`: the configurations (the contract's §1 table);
//! * `store.rs`: the memory configurations' store, express-session's
//!   MemoryStore; `redis_store.rs`: the `redis*` configurations' store,
//!   nestling's `RedisStore` on the real Redis; `config_store.rs`: either;
//! * `recorder.rs`: what every store records (op log, error log, faults,
//!   connect/disconnect);
//! * `actions.rs`: the per-configuration actions (§2);
//! * `observe.rs`: the observation endpoints (§3);
//! * `contract.rs`: the state they share; `js.rs`, `query.rs`: JavaScript's
//!   ways with values and query strings.
//!
//! The `redis*` configurations need Redis (`REDIS_URL`, default
//! `redis://127.0.0.1:6379`); each keeps its keys under its own prefix
//! (`CONTRACT_REDIS_NAMESPACE`, default `session-contract:`, then the
//! configuration's name).

mod actions;
mod config_store;
mod configs;
mod contract;
mod js;
mod observe;
mod query;
mod recorder;
mod redis_store;
mod store;

use nestling::Application;
use nestling::prelude::*;

pub use configs::{MEMORY_STORE_WARNING, NAMES};
pub use contract::{Configuration, Contract};
pub use observe::REFERENCE;
pub use redis_store::RedisSettings;

use actions::ActionsController;
use observe::ObservationController;

/// The app's module: the observation endpoints, the actions, and the state
/// they share.
#[module(
    controllers = [ObservationController, ActionsController],
    providers = [Contract],
)]
pub struct AppModule;

/// The app, every configuration mounted, ready to `start` or `listen`;
/// the `redis*` configurations on the Redis of `REDIS_URL`.
///
/// ```no_run
/// # async fn run() -> nestling::Result<()> {
/// let app = session_contract::build_app().await?;
/// let server = app.start("127.0.0.1:0").await?;
/// println!("try {}", server.url("/std/visits"));
/// # Ok(()) }
/// ```
pub async fn build_app() -> nestling::Result<Application> {
    build_app_with(&RedisSettings::from_env()).await
}

/// The app, with the `redis*` configurations on the Redis and under the
/// namespace of `redis` (tests give each app a namespace of its own).
///
/// ```no_run
/// # async fn run() -> nestling::Result<()> {
/// let redis = session_contract::RedisSettings {
///     url: "redis://127.0.0.1:6379".into(),
///     namespace: "contract-test-1:".into(),
/// };
/// let app = session_contract::build_app_with(&redis).await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// When Redis cannot be reached, with a message naming `REDIS_URL`.
pub async fn build_app_with(redis: &RedisSettings) -> nestling::Result<Application> {
    let mut app = nestling::create::<AppModule>().await?;
    let contract = app.get::<Contract>().expect("AppModule provides Contract");
    let configurations = Configuration::connect_all(redis).await?;
    contract.install(configurations);
    configs::mount_all(&mut app, &contract);
    Ok(app)
}
