use bytes::{BufMut, BytesMut};
use http::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;

use super::{IntoResponse, Response};
use crate::exception::HttpException;

/// A JSON response (`application/json; charset=utf-8`), and the JSON form of
/// [`Body`](crate::Body) when used as an injector's payload type.
///
/// ```
/// use nestling::response::Json;
/// #[derive(serde::Serialize)]
/// struct Cat { name: String }
/// let body = Json(Cat { name: "Tom".into() });
/// # let _ = body;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

pub(crate) const APPLICATION_JSON: HeaderValue =
    HeaderValue::from_static("application/json; charset=utf-8");

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut buf = BytesMut::with_capacity(128).writer();
        match serde_json::to_writer(&mut buf, &self.0) {
            Ok(()) => {
                let mut response = Response::new(buf.into_inner().freeze().into());
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, APPLICATION_JSON);
                response
            }
            Err(error) => {
                tracing::error!(%error, "failed to serialize a JSON response");
                HttpException::internal_server_error().into_response()
            }
        }
    }
}

impl IntoResponse for serde_json::Value {
    fn into_response(self) -> Response {
        Json(self).into_response()
    }
}
