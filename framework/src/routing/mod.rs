//! From a request path to a handler.
//!
//! * `pattern.rs`: Nest/Express paths -> matchit syntax (shared with the macros).
//! * `route.rs`: the static data `#[controller]` emits for each handler.
//! * `host.rs`: `#[controller(host = ":account.example.com")]` patterns.
//! * `router.rs`: the table built once at start-up, and the lookup each request does.

mod host;
pub mod pattern;
mod route;
mod router;

pub(crate) use host::HostPattern;
pub use route::{ArgInfo, ArgKind, RouteDef, RouteMethod};
pub use router::RouteConflict;
pub(crate) use router::{Endpoint, Lookup, MountedController, Router};
