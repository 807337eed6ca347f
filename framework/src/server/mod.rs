//! From the socket to a response.
//!
//! * `serve.rs`: the accept loop, hyper's connection builder with the limits,
//!   graceful shutdown, and the [`Server`] handle.
//! * `deadline.rs`: the request-head deadline (slowloris, idle keep-alive).
//! * `drain.rs`: graceful shutdown of the open connections.
//! * `service.rs`: [`AppService`], which routes a request, runs the handler
//!   (catching panics) and applies the route's status and headers.
//! * `shutdown.rs`: SIGINT / SIGTERM.

mod deadline;
mod drain;
mod serve;
mod service;
mod shutdown;

pub use serve::{Server, serve};
pub use service::{AppService, PeerAddr};
pub use shutdown::shutdown_signal;
