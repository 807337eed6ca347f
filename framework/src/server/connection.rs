//! One accepted connection: its first bytes tell HTTP/2's preface from an
//! HTTP/1 request, then hyper's builder for that protocol serves it.
//!
//! hyper-util's `auto` builder does the same, but keeps the bytes it read in
//! a rewind buffer that every later read of the connection goes through
//! (about 60 instructions per keep-alive request). Here the connection's
//! [`DeadlineIo`] reads them and hands them back to hyper itself.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use hyper::body::{Body, Incoming};
use hyper::rt::bounds::Http2ServerConnExec;
use hyper::server::conn::{http1, http2};
use hyper::service::HttpService;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use pin_project_lite::pin_project;
use tokio::io::{AsyncRead, AsyncWrite};

use super::deadline::DeadlineIo;
use super::drain::Watcher;
use crate::BoxError;
use crate::app::Limits;

/// The protocol a connection speaks, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    Http1,
    /// The client sent HTTP/2's preface (prior knowledge, as `h2c`).
    Http2,
}

/// hyper's HTTP/1 limit on the number of request headers.
const HYPER_DEFAULT_MAX_HEADERS: usize = 100;

/// hyper's connection builders, configured with the server's [`Limits`].
pub(crate) struct Builders {
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
}

impl Builders {
    pub(crate) fn new(limits: &Limits) -> Self {
        let mut http1 = http1::Builder::new();
        // No timer for HTTP/1: the head deadline is `DeadlineIo`'s (see deadline.rs).
        //
        // `half_close`: as in Node (so Express), a client may shut down its
        // sending side after the request and still get the answer, and an
        // EOF does not cancel the handler in flight. It also spares a read
        // per request: without it hyper reads while the request is in
        // flight, to notice an EOF, and that read takes a fresh 8 KiB buffer
        // because the request still holds the current one (~700 of the
        // ~8,800 instructions of `/plaintext`; docs/benchmarks.md).
        http1
            .max_buf_size(limits.max_header_size)
            .keep_alive(true)
            .half_close(true);
        // With an explicit limit hyper initialises two arrays of that size
        // element by element for every request head (about 1,700
        // instructions); with its default it does not. The default is the
        // same limit: set only another.
        if limits.max_headers != HYPER_DEFAULT_MAX_HEADERS {
            http1.max_headers(limits.max_headers);
        }
        let mut http2 = http2::Builder::new(TokioExecutor::new());
        http2
            .timer(TokioTimer::new())
            .max_header_list_size(limits.max_header_size as u32)
            .keep_alive_interval(limits.http2_keep_alive_interval)
            .max_concurrent_streams(256);
        Builders { http1, http2 }
    }

    /// Serves one connection until it closes; once the server drains,
    /// `watcher` tells it to finish what is in flight. The future is what
    /// the connection's task runs.
    pub(crate) fn serve<T, S>(
        self: Arc<Self>,
        io: DeadlineIo<T>,
        service: S,
        watcher: Watcher,
        peer: SocketAddr,
    ) -> Serving<T, S>
    where
        T: AsyncRead + AsyncWrite + Unpin + 'static,
        S: HttpService<Incoming>,
    {
        Serving {
            told: false,
            watcher,
            builders: self,
            peer,
            stage: Stage::Sniffing {
                sniff: Sniff {
                    io: Some(io),
                    cancelled: false,
                },
                service: Some(service),
            },
        }
    }
}

type Io<T> = TokioIo<DeadlineIo<T>>;

pin_project! {
    /// One connection, as its task polls it: the wait for its first bytes,
    /// then hyper's connection for its protocol, told to finish when the
    /// server drains.
    ///
    /// One struct rather than nested `async` blocks, so that the fields
    /// every poll of a keep-alive connection reads share a cache line
    /// instead of lying at the offsets of each nested future's state
    /// (docs/benchmarks.md, session 6). The compiler places them after
    /// hyper's connection; `#[repr(C)]`, which puts them first, measured
    /// 1.3% more CPU per request.
    pub(crate) struct Serving<T, S>
    where
        S: HttpService<Incoming>,
    {
        // Whether the current stage was told to finish.
        told: bool,
        watcher: Watcher,
        builders: Arc<Builders>,
        peer: SocketAddr,
        #[pin]
        stage: Stage<T, S>,
    }
}

pin_project! {
    #[project = StageProj]
    enum Stage<T, S>
    where
        S: HttpService<Incoming>,
    {
        // Reading the first bytes; the service waits for the connection.
        Sniffing { sniff: Sniff<T>, service: Option<S> },
        Http1 { #[pin] connection: http1::Connection<Io<T>, S> },
        Http2 { #[pin] connection: http2::Connection<Io<T>, S, TokioExecutor> },
    }
}

impl<T, S, B> Future for Serving<T, S>
where
    T: AsyncRead + AsyncWrite + Unpin + 'static,
    S: HttpService<Incoming, ResBody = B>,
    S::Error: Into<BoxError>,
    B: Body + 'static,
    B::Error: Into<BoxError>,
    TokioExecutor: Http2ServerConnExec<S::Future, B>,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        loop {
            if !*this.told && this.watcher.draining(cx) {
                *this.told = true;
                match this.stage.as_mut().project() {
                    StageProj::Sniffing { sniff, .. } => sniff.cancelled = true,
                    StageProj::Http1 { connection } => connection.graceful_shutdown(),
                    StageProj::Http2 { connection } => connection.graceful_shutdown(),
                }
            }
            let result: Result<(), BoxError> = match this.stage.as_mut().project() {
                StageProj::Http1 { connection } => ready!(connection.poll(cx)).map_err(Into::into),
                StageProj::Http2 { connection } => ready!(connection.poll(cx)).map_err(Into::into),
                StageProj::Sniffing { sniff, service } => match ready!(Pin::new(sniff).poll(cx)) {
                    Ok((protocol, io)) => match service.take() {
                        Some(service) => {
                            let io = TokioIo::new(io);
                            this.stage.set(match protocol {
                                Protocol::Http1 => Stage::Http1 {
                                    connection: this.builders.http1.serve_connection(io, service),
                                },
                                Protocol::Http2 => Stage::Http2 {
                                    connection: this.builders.http2.serve_connection(io, service),
                                },
                            });
                            // The new stage has not been told yet.
                            *this.told = false;
                            continue;
                        }
                        None => Err(io::Error::other("polled after it completed").into()),
                    },
                    Err(error) => Err(error.into()),
                },
            };
            if let Err(error) = result {
                tracing::debug!(peer = %this.peer, error = %error, "connection ended with an error");
            }
            return Poll::Ready(());
        }
    }
}

/// Reads a connection's first bytes (see [`DeadlineIo::poll_protocol`]).
struct Sniff<T> {
    /// Taken when the protocol is known.
    io: Option<DeadlineIo<T>>,
    /// Whether the server started draining: an idle connection just closes.
    cancelled: bool,
}

impl<T: AsyncRead + Unpin> Future for Sniff<T> {
    type Output = io::Result<(Protocol, DeadlineIo<T>)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.cancelled {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "the server shut down before a request arrived",
            )));
        }
        let protocol = match self.io.as_mut() {
            Some(io) => std::task::ready!(io.poll_protocol(cx))?,
            None => return Poll::Ready(Err(io::Error::other("polled after it completed"))),
        };
        Poll::Ready(
            self.io
                .take()
                .map(|io| (protocol, io))
                .ok_or_else(|| io::Error::other("polled after it completed")),
        )
    }
}
