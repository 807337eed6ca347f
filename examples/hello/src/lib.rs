//! Nest's first-steps app: `GET /` says hello, and a cats controller lists,
//! finds and creates cats. `main.rs` runs it; the tests import `AppModule`.

pub mod app;
pub mod cats;

pub use app::AppModule;
