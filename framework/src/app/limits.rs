use std::time::Duration;

/// Limits that protect the server from slow or oversized requests, with the
/// defaults in brackets. Set them with [`Application::set_limits`](crate::Application::set_limits).
///
/// ```
/// use std::time::Duration;
/// use nestling::Limits;
///
/// let limits = Limits::default()
///     .body_size(5 * 1024 * 1024)
///     .header_read_timeout(Duration::from_secs(5));
/// assert_eq!(limits.get_body_size(), 5 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub(crate) header_read_timeout: Duration,
    pub(crate) max_header_size: usize,
    pub(crate) max_headers: usize,
    pub(crate) body_size: usize,
    pub(crate) body_read_timeout: Duration,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) http2_keep_alive_interval: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_header_size: 16 * 1024,
            max_headers: 100,
            body_size: 1024 * 1024,
            body_read_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(10),
            http2_keep_alive_interval: Some(Duration::from_secs(60)),
        }
    }
}

impl Limits {
    /// How long a client may take to send a request's headers, and how long an
    /// idle keep-alive connection stays open [10 s]. Defeats slowloris.
    ///
    /// A connection's first request head gets exactly this long, counted
    /// from the accept and again from its first byte (as hyper counts).
    /// The wait after a response is checked on a timer, not timed from the
    /// response (reading the clock per request costs half a percent of a
    /// small request), so an idle keep-alive connection is closed between
    /// one and one and a quarter times this after its last response.
    /// `Duration::MAX` never cuts a connection off.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// The most bytes of request head an HTTP/1.1 client may send; more is
    /// answered with 431 [16 KiB, as Node; at least 8 KiB].
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.max_header_size = bytes.max(8 * 1024);
        self
    }

    /// The most headers a request may have [100].
    pub fn max_headers(mut self, count: usize) -> Self {
        self.max_headers = count;
        self
    }

    /// The largest request body `Body<T>` and `RawBody` read; larger is 413 [1 MiB].
    pub fn body_size(mut self, bytes: usize) -> Self {
        self.body_size = bytes;
        self
    }

    /// How long reading a request body may take; longer is 408 [30 s].
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// How long graceful shutdown waits for in-flight requests [10 s].
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How often idle HTTP/2 connections are pinged; dead peers are dropped
    /// [60 s; `None` disables].
    pub fn http2_keep_alive_interval(mut self, interval: Option<Duration>) -> Self {
        self.http2_keep_alive_interval = interval;
        self
    }

    /// The body size limit in bytes.
    pub fn get_body_size(&self) -> usize {
        self.body_size
    }
}
