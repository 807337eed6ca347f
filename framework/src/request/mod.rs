//! One request as injectors see it: the head (method, URI, headers, path
//! parameters, peer address) and the body, which only one injector takes.

mod body;
mod context;
pub(crate) mod params;

pub use body::RequestBody;
pub(crate) use body::read_to_bytes;
pub use context::{RequestContext, RequestHead};
pub(crate) use params::PathParams;
