//! Nest's first-steps app in nestling: `GET /` says hello through an
//! `AppService`, and a `CatsModule` lists, finds and creates cats through a
//! `CatsService`. A `ConfigModule::for_root(..)` shows a dynamic module.
//! `main.rs` runs it; the tests import `AppModule`.

pub mod app;
pub mod cats;
pub mod config;

pub use app::AppModule;
