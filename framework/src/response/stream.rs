use bytes::Bytes;
use futures_core::Stream;
use http_body::Frame;
use http_body_util::StreamBody;

use super::{IntoResponse, Response, ResponseBody};
use crate::BoxError;

/// A streaming response body: each item of the stream is written as it comes
/// (chunked on HTTP/1.1). Set the content type with a header tuple.
///
/// ```
/// use nestling::response::Streaming;
/// use bytes::Bytes;
/// let chunks = futures_core_stream();
/// let body = Streaming::new(chunks);
/// # let _ = body;
/// # fn futures_core_stream() -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
/// #     tokio_stream_like::Once(Some(Ok(Bytes::from_static(b"hi"))))
/// # }
/// # mod tokio_stream_like {
/// #     pub struct Once<T>(pub Option<T>);
/// #     impl<T: Unpin> futures_core::Stream for Once<T> {
/// #         type Item = T;
/// #         fn poll_next(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<T>> {
/// #             std::task::Poll::Ready(self.0.take())
/// #         }
/// #     }
/// # }
/// ```
pub struct Streaming<S>(S);

impl<S> Streaming<S> {
    /// Wraps a stream of byte chunks.
    pub fn new(stream: S) -> Self {
        Streaming(stream)
    }
}

struct Frames<S>(S);

impl<S, E> Stream for Frames<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<Frame<Bytes>, E>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::pin::Pin::new(&mut self.0)
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }
}

impl<S, E> IntoResponse for Streaming<S>
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<BoxError> + 'static,
{
    fn into_response(self) -> Response {
        let body = StreamBody::new(Frames(Box::pin(self.0)));
        Response::new(ResponseBody::new(body))
    }
}
