use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::{Response, ResponseBody};

/// Anything a route handler can return.
///
/// Implemented for text (`String`, `&'static str`, [`Text`](super::Text)),
/// [`Html`](super::Html), [`Json`](super::Json), [`Redirect`](super::Redirect),
/// [`Streaming`](super::Streaming), `()` (an empty body), `StatusCode`,
/// tuples that add a status and/or headers in front of a body,
/// [`HttpException`](crate::HttpException), a whole [`Response`], and
/// `Result<T, E>` where both sides implement it.
///
/// ```
/// use nestling::prelude::*;
/// use nestling::http::StatusCode;
///
/// fn created() -> impl IntoResponse {
///     (StatusCode::CREATED, [("x-request-id", "42")], Json(vec![1, 2, 3]))
/// }
/// # let _ = created().into_response();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a route handler",
    label = "this type does not implement `IntoResponse`",
    note = "return a `String`, `Json<T>`, `Html<T>`, `Redirect`, `()`, an `HttpException`, a `(StatusCode, T)` tuple, or `Result<T, E>` of those; or implement `nestling::IntoResponse` for your type"
)]
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(ResponseBody::empty())
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut response = Response::new(ResponseBody::empty());
        *response.status_mut() = self;
        response
    }
}

const OCTET_STREAM: HeaderValue = HeaderValue::from_static("application/octet-stream");

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        let mut response = Response::new(self.into());
        response.headers_mut().insert(CONTENT_TYPE, OCTET_STREAM);
        response
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Bytes::from(self).into_response()
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

/// Headers that can precede a body in a response tuple.
///
/// Implemented for `HeaderMap` and arrays of `(name, value)` string pairs.
/// A pair that is not a valid header is logged and skipped rather than
/// failing the response.
pub trait IntoResponseHeaders {
    /// Adds the headers to `headers`, replacing same-named ones.
    fn apply(self, headers: &mut HeaderMap);
}

impl IntoResponseHeaders for HeaderMap {
    fn apply(self, headers: &mut HeaderMap) {
        headers.extend(self);
    }
}

impl<K, V, const N: usize> IntoResponseHeaders for [(K, V); N]
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    fn apply(self, headers: &mut HeaderMap) {
        for (name, value) in self {
            let (name, value) = (name.as_ref(), value.as_ref());
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                (Ok(n), Ok(v)) => {
                    headers.insert(n, v);
                }
                _ => tracing::error!(header = name, "skipping an invalid response header"),
            }
        }
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        *response.status_mut() = self.0;
        response
    }
}

impl<H: IntoResponseHeaders, T: IntoResponse> IntoResponse for (H, T) {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        self.0.apply(response.headers_mut());
        response
    }
}

impl<H: IntoResponseHeaders, T: IntoResponse> IntoResponse for (StatusCode, H, T) {
    fn into_response(self) -> Response {
        let mut response = self.2.into_response();
        *response.status_mut() = self.0;
        self.1.apply(response.headers_mut());
        response
    }
}
