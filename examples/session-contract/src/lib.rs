//! The session-contract app (`shared/specs/session-contract.md`): every
//! express-session option side by side, one configuration per path prefix
//! (`/std`, `/eager`, `/rolling`, ...), each with its own recording store,
//! plus endpoints that show what the stores hold and were asked, inject
//! store failures and disconnect stores. It is how anyone can check from
//! outside, over plain HTTP, that nestling's sessions behave as
//! express-session 1.19's.
//!
//! * `configs.rs`: the configurations (the contract's §1 table);
//! * `store.rs`: the recording store, express-session's MemoryStore with a
//!   log, faults and connect/disconnect;
//! * `actions.rs`: the per-configuration actions (§2);
//! * `observe.rs`: the observation endpoints (§3);
//! * `contract.rs`: the state they share; `js.rs`, `query.rs`: JavaScript's
//!   ways with values and query strings.
//!
//! The `redis*` configurations need nestling's Redis store (issue 5): until
//! it exists they answer 501.

mod actions;
mod configs;
mod contract;
mod js;
mod observe;
mod query;
mod store;

use nestling::Application;
use nestling::http::StatusCode;
use nestling::prelude::*;
use serde_json::json;

pub use configs::{MEMORY_STORE_WARNING, NAMES};
pub use contract::Contract;
pub use observe::REFERENCE;

use actions::ActionsController;
use observe::ObservationController;

/// The app's module: the observation endpoints, the actions, and the state
/// they share.
#[module(
    controllers = [ObservationController, ActionsController],
    providers = [Contract],
)]
pub struct AppModule;

/// The app, every configuration mounted, ready to `start` or `listen`.
///
/// ```no_run
/// # async fn run() -> nestling::Result<()> {
/// let app = session_contract::build_app().await?;
/// let server = app.start("127.0.0.1:0").await?;
/// println!("try {}", server.url("/std/visits"));
/// # Ok(()) }
/// ```
pub async fn build_app() -> nestling::Result<Application> {
    let mut app = nestling::create::<AppModule>().await?;
    let contract = app.get::<Contract>().expect("AppModule provides Contract");
    configs::mount_all(&mut app, &contract);
    Ok(app)
}

/// The answer of the `redis*` configurations until nestling has a Redis
/// store.
fn not_implemented(name: &str) -> nestling::Response {
    actions::reply(
        StatusCode::NOT_IMPLEMENTED,
        json!({
            "error": "not implemented",
            "cfg": name,
            "reason": "the redis configurations need nestling's Redis session store (issue 5), which does not exist yet",
        }),
    )
}
