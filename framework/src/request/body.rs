use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

use crate::BoxError;
use crate::exception::{
    BadRequestException, HttpException, PayloadTooLargeException, RequestTimeoutException,
};

/// The body of a request: hyper's own body on the direct path, or a boxed
/// body when tower layers changed its type.
pub enum RequestBody {
    /// Straight from hyper.
    Incoming(hyper::body::Incoming),
    /// Any other body (after a tower layer, or from the test client).
    Boxed(UnsyncBoxBody<Bytes, BoxError>),
}

impl RequestBody {
    /// Wraps any body.
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        RequestBody::Boxed(UnsyncBoxBody::new(body.map_err(Into::into)))
    }

    /// An empty body.
    pub fn empty() -> Self {
        Self::new(http_body_util::Empty::<Bytes>::new())
    }
}

impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestBody")
    }
}

/// Reads a whole body, refusing more than `limit` bytes (413) or taking longer
/// than `timeout` (408).
pub(crate) async fn read_to_bytes(
    body: RequestBody,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, HttpException> {
    let read = async {
        match body {
            RequestBody::Incoming(b) => collect(b, limit).await,
            RequestBody::Boxed(b) => collect(b, limit).await,
        }
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(RequestTimeoutException::new(
            "the request body took too long to arrive",
        )),
    }
}

async fn collect<B>(mut body: B, limit: usize) -> Result<Bytes, HttpException>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let mut first: Option<Bytes> = None;
    let mut buffer = BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            BadRequestException::new("the request body could not be read").cause(error)
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        total += data.len();
        if total > limit {
            return Err(PayloadTooLargeException::new("request entity too large"));
        }
        // The common case is one frame: keep it without copying.
        match first.take() {
            None if buffer.is_empty() => first = Some(data),
            None => buffer.extend_from_slice(&data),
            Some(previous) => {
                buffer.extend_from_slice(&previous);
                buffer.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| buffer.freeze()))
}
