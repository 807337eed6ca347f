//! Testing: Nest's `Test.createTestingModule` with provider overrides, and an
//! in-process [`TestClient`] that keeps a cookie jar across requests, so a
//! login flow is a few lines and needs no socket.
//!
//! * `module.rs`: [`Test`], [`TestingModuleBuilder`], [`TestingModule`].
//! * `client.rs`: [`TestClient`] and its request builder.
//! * `response.rs`: [`TestResponse`].
//! * `jar.rs`: the cookie jar.

mod client;
mod jar;
mod module;
mod response;

pub use client::{TestClient, TestRequest};
pub use module::{Test, TestingModule, TestingModuleBuilder};
pub use response::TestResponse;
