//! The comparison endpoints (`/work/shared/bench/README.md` in the project's
//! notes): every framework nestling is measured against serves exactly these,
//! byte for byte. One controller per endpoint, so each later endpoint
//! (`/visits`, `/page`) is one more file and one more entry in [`AppModule`].
//!
//! `main.rs` serves [`AppModule`]; `bin/baseline.rs` serves the same bytes
//! from a hand-written hyper server, the yardstick of `scripts/bench-http.sh`.

pub mod json;
pub mod page;
pub mod plaintext;
pub mod visits;

use nestling::prelude::*;

pub use json::{JsonController, Message};
pub use page::PageController;
pub use plaintext::PlaintextController;
pub use visits::{RedisVisitsController, VisitsController};

/// The text both `/plaintext` and `/json` answer.
pub const HELLO: &str = "Hello, World!";

/// The bench app's root module.
#[module(controllers = [PlaintextController, JsonController, PageController, VisitsController])]
pub struct AppModule;

/// [`AppModule`] and `/redis/visits`, the seed's counter on the Redis
/// store (the bench app serves it when given `BENCH_REDIS_URL`).
#[module(imports = [AppModule], controllers = [RedisVisitsController])]
pub struct WithRedisModule;
