//! The request-head deadline (`Limits::header_read_timeout`): a connection
//! that is waiting for a request head must receive it within the deadline,
//! counted from the accept for the first request and from the end of the
//! previous response for the next ones. It cuts off slowloris clients and
//! closes idle keep-alive connections.
//!
//! hyper has the same timeout, but arms a fresh timer for every request and
//! polls the connection once more after every response to start it: about a
//! tenth of the instructions nestling spends on a keep-alive request. Here the
//! connection's IO keeps one tokio `Sleep`, and a keep-alive request touches
//! neither the timer nor the clock:
//!
//! - The sleep fires at most a quarter of the timeout after it was last set
//!   ([`CHECKS_PER_TIMEOUT`]), and only then is the clock read (about 25 ns
//!   here, half a percent of a small request's whole cost, so it is kept off
//!   the per-request path).
//! - The end of a response starts a wait without reading the clock: the wait
//!   is dated when the sleep next fires, at most a quarter of the timeout
//!   later. So a client waiting after a response is cut off between one and
//!   one and a quarter timeouts after it; the first wait of a connection,
//!   dated at the accept and at the first byte, gets exactly the timeout.
//!   (Node checks its `headersTimeout` on a timer too, every 30 s by default.)
//!
//! Three parts share a connection's [`HeadClock`]: [`DeadlineIo`] (reads fail
//! once the deadline passed), [`Tracked`] (the service: a request head has
//! arrived) and [`TrackedBody`] (the response ended: the wait starts again).
//! HTTP/2 connections and upgraded ones (101) have no head deadline, as with
//! hyper.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode, Version};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::connection::Protocol;
use crate::BoxError;
use crate::response::ResponseBody;

/// What a connection is doing: waiting for a request head (since
/// `DeadlineIo::waiting_since`), serving a request, done with a response (the
/// wait starts at the next write, which flushes it), or without a deadline.
const WAITING: u8 = 0;
const BUSY: u8 = 1;
const RESPONDED: u8 = 2;
const OFF: u8 = 3;

/// The state of one connection, shared by its IO, service and bodies.
pub(crate) struct HeadClock {
    state: AtomicU8,
    timeout: Duration,
}

impl HeadClock {
    pub(crate) fn new(timeout: Duration) -> Arc<Self> {
        Arc::new(HeadClock {
            state: AtomicU8::new(WAITING),
            timeout,
        })
    }

    fn state(&self) -> u8 {
        self.state.load(Ordering::Relaxed)
    }

    fn set_unless_off(&self, state: u8) {
        // Only this connection's task touches the clock: no race to lose.
        if self.state() != OFF {
            self.state.store(state, Ordering::Relaxed);
        }
    }

    fn turn_off(&self) {
        self.state.store(OFF, Ordering::Relaxed);
    }
}

/// The connection's IO: a read that would wait past the head deadline fails
/// with `TimedOut` instead, and hyper closes the connection.
pub(crate) struct DeadlineIo<T> {
    inner: T,
    clock: Arc<HeadClock>,
    /// When the current (or last) wait for a head started, if the clock was
    /// read then (the accept, the first byte); `None` for a wait started by
    /// the end of a response, which the next firing of `sleep` dates. Kept
    /// here, not in the shared clock, as only the IO starts a wait.
    waiting_since: Option<Instant>,
    /// Fires at or before the current deadline, and at most a
    /// `CHECKS_PER_TIMEOUT`th of the timeout after it was last set.
    sleep: Pin<Box<Sleep>>,
    /// Whether `sleep` was polled since it was last set, so that it will wake
    /// the connection's task.
    polled: bool,
    /// The first bytes, read to tell the protocol (`poll_protocol`), and
    /// handed to hyper by the first reads after it.
    first: [u8; H2_PREFACE.len()],
    received: u8,
    replayed: u8,
}

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// How often, at least, the head-deadline sleep fires while it is waited on,
/// per timeout: a wait that started at the end of a response is dated at the
/// next firing, so it may last this fraction of the timeout longer.
pub(crate) const CHECKS_PER_TIMEOUT: u32 = 4;

impl<T> DeadlineIo<T> {
    pub(crate) fn new(inner: T, clock: Arc<HeadClock>) -> Self {
        let accepted = Instant::now();
        let first = after(accepted, check_interval(clock.timeout));
        DeadlineIo {
            inner,
            clock,
            waiting_since: Some(accepted),
            sleep: Box::pin(tokio::time::sleep_until(first)),
            polled: false,
            first: [0; H2_PREFACE.len()],
            received: 0,
            replayed: 0,
        }
    }

    /// Reads the first bytes, as many as tell HTTP/2's preface from an
    /// HTTP/1 request (hyper-util's `auto` builder does the same; reading
    /// them here spares every later read its rewind buffer). The first byte
    /// restarts the head wait, as hyper's own timer starts only once the
    /// protocol is known; an HTTP/2 connection has no head deadline.
    pub(crate) fn poll_protocol(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Protocol>>
    where
        T: AsyncRead + Unpin,
    {
        loop {
            let seen = usize::from(self.received);
            if seen == H2_PREFACE.len() {
                self.clock.turn_off();
                return Poll::Ready(Ok(Protocol::Http2));
            }
            let mut buf = ReadBuf::new(&mut self.first[seen..]);
            let read = match Pin::new(&mut self.inner).poll_read(cx, &mut buf) {
                Poll::Ready(result) => result.map(|()| buf.filled().len()),
                Poll::Pending if self.expired(cx) => Err(timed_out()),
                Poll::Pending => return Poll::Pending,
            }?;
            if read == 0 {
                return Poll::Ready(Ok(Protocol::Http1));
            }
            if seen == 0 {
                self.wait_from_now();
            }
            // At most 24 bytes: the count fits.
            self.received += read as u8;
            if self.first[seen..seen + read] != H2_PREFACE[seen..seen + read] {
                return Poll::Ready(Ok(Protocol::Http1));
            }
        }
    }

    /// Whether the deadline has passed. Keeps the sleep armed for the task
    /// (`cx`), reading the clock only when it fired.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        match self.clock.state() {
            // hyper is reading again, so it has written the whole response.
            RESPONDED => self.wait_started(),
            WAITING => {}
            // Serving a request, or no deadline: nothing to check. A sleep
            // that fires meanwhile is seen by the next wait.
            _ => return false,
        }
        // Until the sleep fires, neither the deadline nor the next check is
        // due; and it was polled since it was last set (by this
        // connection's task, the only one that polls its IO), so polling it
        // again would only register the same waker.
        if self.polled && !self.sleep.is_elapsed() {
            return false;
        }
        loop {
            self.polled = true;
            if self.sleep.as_mut().poll(cx).is_pending() {
                return false;
            }
            let now = Instant::now();
            let since = *self.waiting_since.get_or_insert(now);
            let deadline = after(since, self.clock.timeout);
            if now >= deadline {
                return true;
            }
            let next_check = after(now, check_interval(self.clock.timeout));
            self.sleep.as_mut().reset(deadline.min(next_check));
        }
    }

    /// Writes after the response ended flush it: the wait starts after the
    /// last one.
    fn wrote(&mut self, written: usize) {
        if written > 0 && matches!(self.clock.state(), RESPONDED | WAITING) {
            self.wait_started();
        }
    }

    /// A wait for a head starts now, dated by the sleep's next firing.
    fn wait_started(&mut self) {
        self.waiting_since = None;
        self.clock.set_unless_off(WAITING);
    }

    /// A wait for a head starts now, dated exactly (once per connection).
    fn wait_from_now(&mut self) {
        self.waiting_since = Some(Instant::now());
        self.clock.set_unless_off(WAITING);
    }
}

/// The longest the sleep goes between checks.
fn check_interval(timeout: Duration) -> Duration {
    timeout / CHECKS_PER_TIMEOUT
}

/// `at + by`, or a time decades away for a timeout too long to add
/// (`Duration::MAX` as "no timeout"), as tokio's `sleep` does.
fn after(at: Instant, by: Duration) -> Instant {
    const DECADES: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    at.checked_add(by).unwrap_or(at + DECADES)
}

fn timed_out() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "no request head within the header read timeout",
    )
}

impl<T: AsyncRead + Unpin> AsyncRead for DeadlineIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.replayed < this.received {
            let first = &this.first[usize::from(this.replayed)..usize::from(this.received)];
            let n = first.len().min(buf.remaining());
            buf.put_slice(&first[..n]);
            this.replayed += n as u8;
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for DeadlineIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write(cx, buf))?;
        self.wrote(written);
        Poll::Ready(Ok(written))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write_vectored(cx, bufs))?;
        self.wrote(written);
        Poll::Ready(Ok(written))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The connection's service: a call means a whole head arrived.
pub(crate) struct Tracked<S> {
    inner: S,
    clock: Arc<HeadClock>,
}

impl<S> Tracked<S> {
    pub(crate) fn new(inner: S, clock: Arc<HeadClock>) -> Self {
        Tracked { inner, clock }
    }
}

impl<S> hyper::service::Service<Request<hyper::body::Incoming>> for Tracked<S>
where
    S: hyper::service::Service<
            Request<hyper::body::Incoming>,
            Response = http::Response<ResponseBody>,
        >,
    S::Future: Unpin,
{
    type Response = http::Response<TrackedBody>;
    type Error = S::Error;
    type Future = TrackedFuture<S::Future>;

    fn call(&self, request: Request<hyper::body::Incoming>) -> Self::Future {
        if request.version() == Version::HTTP_2 {
            self.clock.turn_off();
        } else {
            self.clock.set_unless_off(BUSY);
        }
        TrackedFuture {
            inner: self.inner.call(request),
            clock: Some(Arc::clone(&self.clock)),
        }
    }
}

/// The response future of [`Tracked`].
pub(crate) struct TrackedFuture<F> {
    inner: F,
    clock: Option<Arc<HeadClock>>,
}

impl<F, E> Future for TrackedFuture<F>
where
    F: Future<Output = Result<http::Response<ResponseBody>, E>> + Unpin,
{
    type Output = Result<http::Response<TrackedBody>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let response = ready!(Pin::new(&mut this.inner).poll(cx))?;
        let clock = this.clock.take();
        if response.status() == StatusCode::SWITCHING_PROTOCOLS
            && let Some(clock) = &clock
        {
            clock.turn_off();
        }
        Poll::Ready(Ok(response.map(|body| TrackedBody { inner: body, clock })))
    }
}

/// A response body that restarts the head wait when hyper is done with it.
pub(crate) struct TrackedBody {
    inner: ResponseBody,
    clock: Option<Arc<HeadClock>>,
}

impl Drop for TrackedBody {
    fn drop(&mut self) {
        if let Some(clock) = &self.clock {
            clock.set_unless_off(RESPONDED);
        }
    }
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};

    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(10);

    fn connection() -> (DeadlineIo<DuplexStream>, DuplexStream, Arc<HeadClock>) {
        let (server, client) = duplex(1024);
        let clock = HeadClock::new(TIMEOUT);
        (DeadlineIo::new(server, Arc::clone(&clock)), client, clock)
    }

    /// Reads until the read fails; returns the error and when it came.
    async fn read_until_error(io: &mut DeadlineIo<DuplexStream>) -> (io::ErrorKind, Duration) {
        let start = Instant::now();
        let mut buf = [0u8; 64];
        loop {
            match io.read(&mut buf).await {
                Ok(n) => assert!(n > 0, "the client does not close"),
                Err(error) => return (error.kind(), start.elapsed()),
            }
        }
    }

    /// Whether a read is still waiting after `wait` (no data, no error).
    async fn still_waiting_after(io: &mut DeadlineIo<DuplexStream>, wait: Duration) -> bool {
        let mut buf = [0u8; 64];
        tokio::time::timeout(wait, io.read(&mut buf)).await.is_err()
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_that_sends_nothing_fails_at_the_deadline() {
        let (mut io, _client, _) = connection();
        assert_eq!(
            read_until_error(&mut io).await,
            (io::ErrorKind::TimedOut, TIMEOUT)
        );
    }

    async fn protocol(io: &mut DeadlineIo<DuplexStream>) -> io::Result<Protocol> {
        std::future::poll_fn(|cx| io.poll_protocol(cx)).await
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_that_sends_nothing_fails_at_the_deadline_before_its_protocol_is_known() {
        let (mut io, _client, _) = connection();
        let start = Instant::now();
        let error = protocol(&mut io).await.unwrap_err();
        assert_eq!(
            (error.kind(), start.elapsed()),
            (io::ErrorKind::TimedOut, TIMEOUT)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_byte_restarts_the_wait() {
        let (mut io, mut client, _) = connection();
        tokio::time::advance(Duration::from_secs(9)).await;
        client.write_all(b"G").await.unwrap();
        assert_eq!(protocol(&mut io).await.unwrap(), Protocol::Http1);
        let mut byte = [0u8; 1];
        io.read_exact(&mut byte).await.unwrap();
        assert_eq!(
            &byte, b"G",
            "the byte read to tell the protocol is read again"
        );
        client.write_all(b"ET / HTTP/1.1\r\n").await.unwrap();
        assert_eq!(
            read_until_error(&mut io).await,
            (io::ErrorKind::TimedOut, TIMEOUT)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_being_served_has_no_head_deadline_and_the_wait_restarts_after_its_response()
    {
        let (mut io, mut client, clock) = connection();
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        assert_eq!(protocol(&mut io).await.unwrap(), Protocol::Http1);
        let mut head = [0u8; 18];
        io.read_exact(&mut head).await.unwrap();

        clock.set_unless_off(BUSY); // hyper called the service
        assert!(still_waiting_after(&mut io, 3 * TIMEOUT).await);

        clock.set_unless_off(RESPONDED); // hyper dropped the response body
        tokio::time::advance(Duration::from_secs(7)).await;
        io.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap(); // and flushed it
        assert_eq!(
            read_until_error(&mut io).await,
            (io::ErrorKind::TimedOut, TIMEOUT)
        );
    }

    /// A head arrives (`send`: the client sends it first), is served for
    /// 300 ms, and answered.
    async fn exchange(
        io: &mut DeadlineIo<DuplexStream>,
        client: &mut DuplexStream,
        clock: &HeadClock,
        send: bool,
    ) {
        if send {
            client.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        }
        let mut head = [0u8; 18];
        io.read_exact(&mut head).await.unwrap();
        clock.set_unless_off(BUSY); // hyper called the service
        tokio::time::advance(Duration::from_millis(300)).await;
        clock.set_unless_off(RESPONDED); // hyper dropped the response body
        io.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap(); // and flushed it
        let mut response = [0u8; 19];
        client.read_exact(&mut response).await.unwrap();
    }

    /// The connection after its first request was answered.
    async fn answered_once(
        (mut io, mut client, clock): (DeadlineIo<DuplexStream>, DuplexStream, Arc<HeadClock>),
    ) -> (DeadlineIo<DuplexStream>, DuplexStream, Arc<HeadClock>) {
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        assert_eq!(protocol(&mut io).await.unwrap(), Protocol::Http1);
        exchange(&mut io, &mut client, &clock, false).await;
        (io, client, clock)
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_after_a_response_is_cut_off_within_a_quarter_timeout_of_its_deadline() {
        // The response ends before the sleep's first firing, so the wait is
        // dated at that firing: later than it started, never earlier.
        let (mut io, _client, _) = answered_once(connection()).await;
        let (kind, waited) = read_until_error(&mut io).await;
        assert_eq!(kind, io::ErrorKind::TimedOut);
        assert!(
            waited > TIMEOUT && waited <= TIMEOUT + TIMEOUT / CHECKS_PER_TIMEOUT,
            "cut off after {waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_keep_alive_connection_is_never_cut_off() {
        let (mut io, mut client, clock) = answered_once(connection()).await;
        // A request every 9 s (the timeout is 10 s), for five timeouts.
        for _ in 0..6 {
            assert!(still_waiting_after(&mut io, TIMEOUT - Duration::from_secs(1)).await);
            exchange(&mut io, &mut client, &clock, true).await;
        }
        // Then a wait is cut off after all.
        let (kind, waited) = read_until_error(&mut io).await;
        assert_eq!(kind, io::ErrorKind::TimedOut);
        assert!(waited >= TIMEOUT, "cut off after {waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_too_long_to_add_to_the_clock_is_no_deadline() {
        let (server, client) = duplex(1024);
        let clock = HeadClock::new(Duration::MAX);
        let io = DeadlineIo::new(server, Arc::clone(&clock));
        let (mut io, _client, _) = answered_once((io, client, clock)).await;
        assert!(still_waiting_after(&mut io, Duration::from_secs(365 * 24 * 60 * 60)).await);
    }

    #[tokio::test(start_paused = true)]
    async fn http2_connections_have_no_head_deadline() {
        let (mut io, mut client, _) = connection();
        // Part of the preface does not tell yet.
        client.write_all(&H2_PREFACE[..10]).await.unwrap();
        let wait = Duration::from_secs(1);
        assert!(tokio::time::timeout(wait, protocol(&mut io)).await.is_err());
        client.write_all(&H2_PREFACE[10..]).await.unwrap();
        assert_eq!(protocol(&mut io).await.unwrap(), Protocol::Http2);
        let mut preface = [0u8; 24];
        io.read_exact(&mut preface).await.unwrap();
        assert_eq!(&preface[..], H2_PREFACE);
        assert!(still_waiting_after(&mut io, 3 * TIMEOUT).await);
    }

    #[tokio::test(start_paused = true)]
    async fn an_http1_request_starting_like_the_preface_keeps_its_deadline() {
        let (mut io, mut client, _) = connection();
        client.write_all(b"PRI * HTTP/1.1\r\n").await.unwrap();
        assert_eq!(protocol(&mut io).await.unwrap(), Protocol::Http1);
        assert_eq!(
            read_until_error(&mut io).await,
            (io::ErrorKind::TimedOut, TIMEOUT)
        );
    }
}
