//! From the socket to a response.
//!
//! * `serve.rs`: the accept loop, graceful shutdown, and the [`Server`] handle.
//! * `connection.rs`: one connection: HTTP/1 or HTTP/2 by its first bytes,
//!   served by hyper's builder for it, configured with the limits.
//! * `deadline.rs`: the request-head deadline (slowloris, idle keep-alive).
//! * `drain.rs`: graceful shutdown of the open connections.
//! * `service.rs`: [`AppService`], which routes a request, runs the handler
//!   (catching panics) and applies the route's status and headers.
//! * `shutdown.rs`: SIGINT / SIGTERM.
//! * `small_writes.rs`: a small response sent with one `write`, not `writev`.

mod connection;
mod deadline;
mod drain;
mod serve;
mod service;
mod shutdown;
mod small_writes;

pub use serve::{Server, serve};
pub use service::{AppService, PeerAddr};
pub use shutdown::shutdown_signal;
