//! A small response leaves with one `write`, not one `writev`.
//!
//! hyper queues a response's body beside the buffer that holds its head and
//! hands both to the socket with `writev`. For the kernel a `write` from one
//! buffer is the cheaper call (one contiguous range to copy from, no iovec
//! array to read and walk): on a small response the difference is about 2 %
//! of the whole request's CPU time. So a vectored write of at most
//! [`COALESCE_MAX`] bytes is copied into one buffer first; a larger one is
//! passed on, its body not copied (the copy would cost more than the call
//! saves; docs/benchmarks.md, session 7). A single buffer (a head without
//! a body) is written as it is.
//!
//! The buffer is the thread's, not the connection's: the copy and the write
//! happen within one call, so idle keep-alive connections hold no extra
//! memory.

use std::cell::RefCell;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The largest vectored write sent as one `write` (head and body of a
/// response up to this size: JSON, pages, small assets, 304s).
pub(crate) const COALESCE_MAX: usize = 16 * 1024;

thread_local! {
    /// Where a small vectored write is gathered, reused by every
    /// connection served on this thread.
    static GATHER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A connection's socket, with small vectored writes gathered into one.
#[derive(Debug)]
pub(crate) struct SmallWrites<T> {
    inner: T,
}

impl<T> SmallWrites<T> {
    pub(crate) fn new(inner: T) -> Self {
        SmallWrites { inner }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for SmallWrites<T> {
    #[inline]
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for SmallWrites<T> {
    #[inline]
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let inner = Pin::new(&mut self.inner);
        match bufs {
            // A head alone (204, 304, a redirect): `write` it as it is.
            [one] => return inner.poll_write(cx, one),
            [] => return inner.poll_write_vectored(cx, bufs),
            _ if bufs.iter().map(|b| b.len()).sum::<usize>() > COALESCE_MAX => {
                return inner.poll_write_vectored(cx, bufs);
            }
            _ => {}
        }
        GATHER.with_borrow_mut(|gathered| {
            gathered.clear();
            for buf in bufs {
                gathered.extend_from_slice(buf);
            }
            // A partial write reports what it wrote, as `writev` would;
            // the caller offers the rest again.
            inner.poll_write(cx, gathered)
        })
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    #[inline]
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    use super::*;

    /// A socket that records the calls it gets and keeps what it is sent.
    #[derive(Default)]
    struct Recording {
        writes: usize,
        vectored: usize,
        sent: Vec<u8>,
        /// At most this many bytes per call, to make writes partial.
        room: Option<usize>,
    }

    impl AsyncWrite for Recording {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.writes += 1;
            let n = self.room.map_or(buf.len(), |room| room.min(buf.len()));
            self.sent.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            self.vectored += 1;
            let mut n = 0;
            for buf in bufs {
                self.sent.extend_from_slice(buf);
                n += buf.len();
            }
            Poll::Ready(Ok(n))
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn a_small_vectored_write_is_one_write() {
        let mut io = SmallWrites::new(Recording::default());
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n";
        let body = b"Hello, World!";
        let n = io
            .write_vectored(&[IoSlice::new(head), IoSlice::new(body)])
            .await
            .unwrap();
        assert_eq!(n, head.len() + body.len());
        assert_eq!((io.inner.writes, io.inner.vectored), (1, 0));
        assert_eq!(io.inner.sent, [&head[..], &body[..]].concat());
    }

    #[tokio::test]
    async fn a_single_buffer_is_written_as_it_is() {
        let mut io = SmallWrites::new(Recording::default());
        let head = b"HTTP/1.1 304 Not Modified\r\n\r\n";
        let n = io.write_vectored(&[IoSlice::new(head)]).await.unwrap();
        assert_eq!(n, head.len());
        assert_eq!((io.inner.writes, io.inner.vectored), (1, 0));
        assert_eq!(io.inner.sent, head);
    }

    #[tokio::test]
    async fn a_large_vectored_write_is_passed_on_without_a_copy() {
        let mut io = SmallWrites::new(Recording::default());
        let head = b"HTTP/1.1 200 OK\r\n\r\n";
        let body = vec![7u8; COALESCE_MAX];
        let n = io
            .write_vectored(&[IoSlice::new(head), IoSlice::new(&body)])
            .await
            .unwrap();
        assert_eq!(n, head.len() + body.len());
        assert_eq!((io.inner.writes, io.inner.vectored), (0, 1));
    }

    #[tokio::test]
    async fn a_partial_write_reports_what_it_sent_and_the_rest_follows() {
        let mut io = SmallWrites::new(Recording {
            room: Some(5),
            ..Recording::default()
        });
        let (a, b) = (&b"hello "[..], &b"world"[..]);
        let first = io
            .write_vectored(&[IoSlice::new(a), IoSlice::new(b)])
            .await
            .unwrap();
        assert_eq!(first, 5);
        // As hyper does: offer what is left.
        let second = io
            .write_vectored(&[IoSlice::new(&a[5..]), IoSlice::new(b)])
            .await
            .unwrap();
        assert_eq!(second, 5);
        io.write_all(&b[4..]).await.unwrap();
        assert_eq!(io.inner.sent, b"hello world");
    }

    #[tokio::test]
    async fn reads_and_plain_writes_pass_through() {
        let (server, mut client) = duplex(64);
        let mut io = SmallWrites::new(server);
        client.write_all(b"ping").await.unwrap();
        let mut got = [0u8; 4];
        io.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        io.write_all(b"pong").await.unwrap();
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"pong");
    }
}
