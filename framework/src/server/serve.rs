use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::connection::Builders;
use super::deadline::{DeadlineIo, HeadClock, Tracked};
use super::drain::Drain;
use super::service::{AppService, PeerAddr};
use super::small_writes::SmallWrites;
use crate::app::{AppShared, Limits};
use crate::error::{Error, Result};

/// A running server: its address, and a graceful shutdown.
///
/// ```no_run
/// # use nestling::prelude::*;
/// # #[injectable] struct AppController;
/// # #[controller] impl AppController { #[get] async fn hi(&self) -> &'static str { "hi" } }
/// # #[module(controllers = [AppController])] struct AppModule;
/// # async fn run() -> nestling::Result<()> {
/// let app = nestling::create::<AppModule>().await?;
/// let server = app.start("127.0.0.1:0").await?;
/// println!("serving on {}", server.url("/"));
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Server {
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    app: Arc<AppShared>,
}

impl Server {
    pub(crate) fn spawn(
        listener: TcpListener,
        app: Arc<AppShared>,
        limits: Limits,
    ) -> Result<Server> {
        let local_addr = listener.local_addr().map_err(Error::io)?;
        let (stop, stopped) = oneshot::channel();
        let service = AppService::new(Arc::clone(&app));
        let task = tokio::spawn(accept_loop(
            listener,
            move |peer| service.for_peer(peer),
            limits,
            async move {
                let _ = stopped.await;
            },
        ));
        Ok(Server {
            local_addr,
            stop: Some(stop),
            task,
            app,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.local_addr, path)
    }

    /// Stops accepting, lets in-flight requests finish (up to the shutdown
    /// timeout), runs the shutdown hooks (`on_module_destroy`,
    /// `before_application_shutdown`, `on_application_shutdown`) and returns.
    pub async fn shutdown(self) {
        self.shutdown_with_signal(None).await;
    }

    /// [`shutdown`](Self::shutdown), telling the hooks which signal caused it.
    pub async fn shutdown_with_signal(mut self, signal: Option<&str>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.app.lifecycle.destroy(signal).await;
        self.app.lifecycle.shutdown(signal).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept_loop<S, F>(
    listener: TcpListener,
    make_service: F,
    limits: Limits,
    stop: impl std::future::Future<Output = ()>,
) where
    F: Fn(SocketAddr) -> S,
    S: hyper::service::Service<
            http::Request<hyper::body::Incoming>,
            Response = http::Response<crate::response::ResponseBody>,
            Error = std::convert::Infallible,
        > + Send
        + 'static,
    S::Future: Send + Unpin + 'static,
{
    let builders = Arc::new(Builders::new(&limits));
    let drain = Drain::default();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "failed to accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let clock = HeadClock::new(limits.header_read_timeout);
        let io = DeadlineIo::new(SmallWrites::new(stream), Arc::clone(&clock));
        let service = Tracked::new(make_service(peer), clock);
        tokio::spawn(Arc::clone(&builders).serve(io, service, drain.watcher(), peer));
    }
    drop(listener);
    tokio::select! {
        () = drain.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_timeout) => {
            tracing::warn!(
                timeout_ms = limits.shutdown_timeout.as_millis() as u64,
                "in-flight requests did not finish within the shutdown timeout; closing them"
            );
        }
    }
}

/// Serves any `tower::Service` (an [`AppService`] wrapped in tower layers,
/// usually) with nestling's server and default [`Limits`], until SIGINT or
/// SIGTERM. The peer's address reaches the app as a [`PeerAddr`] extension.
pub async fn serve<S, B>(listener: TcpListener, service: S) -> Result<()>
where
    S: tower_service::Service<http::Request<hyper::body::Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<crate::BoxError>,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<crate::BoxError>,
{
    let addr = listener.local_addr().map_err(Error::io)?;
    tracing::info!("nestling listening on http://{addr}");
    accept_loop(
        listener,
        move |peer| Layered {
            inner: service.clone(),
            peer,
        },
        Limits::default(),
        async {
            super::shutdown_signal().await;
        },
    )
    .await;
    Ok(())
}

/// Adapts a tower service to hyper, adding the peer address.
#[derive(Clone)]
struct Layered<S> {
    inner: S,
    peer: SocketAddr,
}

impl<S, B> hyper::service::Service<http::Request<hyper::body::Incoming>> for Layered<S>
where
    S: tower_service::Service<http::Request<hyper::body::Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<crate::BoxError>,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<crate::BoxError>,
{
    type Response = http::Response<crate::response::ResponseBody>;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn call(&self, mut request: http::Request<hyper::body::Incoming>) -> Self::Future {
        use tower::ServiceExt;
        request.extensions_mut().insert(PeerAddr(self.peer));
        let service = self.inner.clone();
        Box::pin(async move {
            match service.oneshot(request).await {
                Ok(response) => Ok(response.map(crate::response::ResponseBody::new)),
                Err(error) => {
                    let error: crate::BoxError = error.into();
                    tracing::error!(%error, "a tower layer failed; answered 500");
                    Ok(crate::IntoResponse::into_response(
                        crate::HttpException::internal_server_error(),
                    ))
                }
            }
        })
    }
}
