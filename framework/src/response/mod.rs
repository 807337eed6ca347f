//! What handlers return. [`IntoResponse`] turns a handler's value into a
//! [`Response`]; the types here cover text, HTML, JSON, redirects, status and
//! header tuples and streaming bodies.

mod body;
mod into_response;
mod json;
mod redirect;
mod stream;
mod text;

pub use body::ResponseBody;
pub use into_response::IntoResponse;
pub use json::Json;
pub use redirect::Redirect;
pub use stream::Streaming;
pub use text::{Html, Text};

pub(crate) fn json_content_type() -> http::HeaderValue {
    json::APPLICATION_JSON
}

/// The response type of a nestling app: an `http::Response` with nestling's body.
pub type Response = http::Response<ResponseBody>;
