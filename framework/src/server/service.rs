//! One request, top to bottom: route it, build the injectors' context, run the
//! handler (a panic becomes a 500; the handler's future applies the route's
//! status and headers itself, in `controller::finish`).

use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::Request;
use http::header::{ALLOW, CONTENT_TYPE, HeaderValue};

use crate::BoxError;
use crate::app::AppShared;
use crate::controller::HandlerFuture;
use crate::exception::{HttpException, NotFoundException};
use crate::injector::host_of;
use crate::request::{RequestBody, RequestContext, RequestHead};
use crate::response::{IntoResponse, Response};
use crate::routing::{Endpoint, Lookup};
use crate::static_files::{Check, StaticFuture};

/// The peer's address, put in request extensions by [`serve`](crate::serve)
/// for an app that is wrapped in tower layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// A nestling app as a service: `tower::Service` (so tower-http layers can
/// wrap it) and `hyper::service::Service`.
///
/// ```no_run
/// # use nestling::prelude::*;
/// # #[injectable] struct AppController;
/// # #[controller] impl AppController { #[get] async fn hi(&self) -> &'static str { "hi" } }
/// # #[module(controllers = [AppController])] struct AppModule;
/// # async fn run() -> nestling::Result<()> {
/// let app = nestling::create::<AppModule>().await?;
/// // Any tower layer applies; tower-http's CorsLayer, CompressionLayer, ... too.
/// let service = tower::ServiceBuilder::new()
///     .map_response(|mut response: nestling::Response| {
///         response.headers_mut().insert("x-powered-by", "nestling".parse().unwrap());
///         response
///     })
///     .service(app.into_service()?);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
/// nestling::serve(listener, service).await
/// # }
/// ```
#[derive(Clone)]
pub struct AppService {
    app: Arc<AppShared>,
    peer: Option<SocketAddr>,
}

impl std::fmt::Debug for AppService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppService")
            .field("peer", &self.peer)
            .finish()
    }
}

impl AppService {
    pub(crate) fn new(app: Arc<AppShared>) -> Self {
        AppService { app, peer: None }
    }

    pub(crate) fn shared(&self) -> &AppShared {
        &self.app
    }

    pub(crate) fn for_peer(&self, peer: SocketAddr) -> Self {
        AppService {
            app: Arc::clone(&self.app),
            peer: Some(peer),
        }
    }

    /// Handles one request.
    pub fn dispatch(&self, request: Request<RequestBody>) -> Dispatch {
        let (parts, body) = request.into_parts();
        self.dispatch_parts(parts, body)
    }

    /// [`dispatch`](Self::dispatch) on a request already taken apart, as
    /// hyper's body is wrapped without rebuilding the request around it.
    #[inline]
    fn dispatch_parts(&self, parts: http::request::Parts, body: RequestBody) -> Dispatch {
        let span = tracing::info_span!(
            "request",
            method = %parts.method,
            path = %parts.uri.path(),
            status = tracing::field::Empty,
            latency_us = tracing::field::Empty,
        );
        let start = (!span.is_disabled()).then(Instant::now);
        // Static folders come first, as Express middleware registered with
        // `app.useStaticAssets` runs before Nest's router (static_files/mod.rs).
        if !self.app.static_files.is_empty() {
            let state = match self
                .app
                .static_files
                .check(Request::from_parts(parts, body))
            {
                Check::Route(request) => {
                    let (parts, body) = request.into_parts();
                    self.route(parts, body, &span)
                }
                Check::Answer(response) => State::Answer(Some(Box::new(response))),
                Check::Serve(future) => State::Static {
                    future,
                    service: self.clone(),
                },
            };
            return Dispatch { state, span, start };
        }
        let state = self.route(parts, body, &span);
        Dispatch { state, span, start }
    }

    /// Finds the route and starts its handler.
    #[inline]
    fn route(&self, parts: http::request::Parts, body: RequestBody, span: &tracing::Span) -> State {
        let _enter = span.enter();
        // The context is built first, with the parts moved in once, and the
        // lookup reads them there: building it after the lookup copied them
        // twice more.
        let mut ctx = RequestContext::new(
            RequestHead {
                parts,
                params: Default::default(),
                peer: self.peer,
                app: Arc::clone(&self.app),
                endpoint: 0,
                session: Default::default(),
            },
            body,
        );
        let head = ctx.owned_head_mut();
        let router = &self.app.router;
        let host = if router.has_hosts() {
            host_of(&head.parts)
        } else {
            None
        };
        match router.lookup(&head.parts.method, head.parts.uri.path(), host) {
            Lookup::Found { endpoint, params } => {
                head.params = params;
                head.endpoint = endpoint;
                if head.peer.is_none() {
                    head.peer = head.parts.extensions.get::<PeerAddr>().map(|p| p.0);
                }
                // `use_csrf`: unsafe requests pass its check first.
                let guarded = crate::csrf::guards(&self.app, endpoint, &head.parts.method);
                // Building the future runs no user code (`#[controller]`'s
                // closure clones the controller's `Arc` and captures the
                // context): handlers and injectors run when it is polled,
                // inside `Dispatch::poll`'s `catch_unwind`. Not wrapping this
                // call in one spares moving the context in and out of a
                // closure.
                let future = if guarded {
                    crate::csrf::guarded(Arc::clone(&self.app), endpoint, ctx)
                } else {
                    (router.endpoint(endpoint).handler)(ctx)
                };
                State::Handler {
                    future,
                    route: Route::of(router.endpoint(endpoint)),
                }
            }
            Lookup::AutoOptions(allow) => State::AutoOptions(allow),
            Lookup::NotFound => {
                let parts = &head.parts;
                let url = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                State::NotFound(format!("Cannot {} {url}", parts.method))
            }
        }
    }
}

/// The handler a request went to, for the log line if it panics (kept
/// without the app, so a request in flight holds no reference to it).
#[derive(Clone, Copy)]
struct Route {
    controller: &'static str,
    handler: &'static str,
}

impl Route {
    fn of(endpoint: &Endpoint) -> Self {
        Route {
            controller: endpoint.controller,
            handler: endpoint.def.handler,
        }
    }
}

fn report_panic(route: Route, panic: Box<dyn Any + Send>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_string());
    tracing::error!(
        handler = %format_args!("{}::{}", route.controller, route.handler),
        panic = %message,
        "route handler panicked; answered 500"
    );
    HttpException::internal_server_error().into_response()
}

fn auto_options(allow: String) -> Response {
    let mut response = Response::new(allow.clone().into());
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(ALLOW, value);
    }
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The future of one request.
pub struct Dispatch {
    state: State,
    span: tracing::Span,
    start: Option<Instant>,
}

enum State {
    /// A static folder is looking on disk; the request comes back if no
    /// file answers it.
    Static {
        future: StaticFuture,
        service: AppService,
    },
    /// The handler's future also applies the route's status and headers
    /// (`controller::finish`).
    Handler { future: HandlerFuture, route: Route },
    /// No route: the 404's message.
    NotFound(String),
    /// An `OPTIONS` request for a path other methods have: the `Allow` list.
    AutoOptions(String),
    /// Answered before routing (a static folder's 405); boxed, as it is
    /// rare and every request's future is the size of the largest state.
    Answer(Option<Box<Response>>),
}

impl Future for Dispatch {
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let _enter = this.span.enter();
        let response = loop {
            match &mut this.state {
                State::Handler { future, route } => {
                    let polled =
                        std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)));
                    break match polled {
                        Ok(Poll::Pending) => return Poll::Pending,
                        Ok(Poll::Ready(response)) => response,
                        Err(panic) => report_panic(*route, panic),
                    };
                }
                state => match poll_without_handler(state, &this.span, cx) {
                    Poll::Ready(Some(response)) => break response,
                    // A static folder passed the request to a handler.
                    Poll::Ready(None) => continue,
                    Poll::Pending => return Poll::Pending,
                },
            }
        };
        if let Some(start) = this.start {
            this.span.record("status", response.status().as_u16());
            this.span
                .record("latency_us", start.elapsed().as_micros() as u64);
            tracing::debug!("request completed");
        }
        Poll::Ready(Ok(response))
    }
}

/// The states other than a handler's, out of `Dispatch::poll`'s way: `None`
/// once a static folder passed the request on to a handler.
#[inline(never)]
fn poll_without_handler(
    state: &mut State,
    span: &tracing::Span,
    cx: &mut Context<'_>,
) -> Poll<Option<Response>> {
    Poll::Ready(Some(match state {
        State::Static { future, service } => {
            let polled = std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)));
            match polled {
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(Ok(response))) => response,
                Ok(Poll::Ready(Err(request))) => {
                    let (parts, body) = request.into_parts();
                    *state = service.route(parts, body, span);
                    return Poll::Ready(None);
                }
                Err(_) => {
                    tracing::error!("serving a static file panicked; answered 500");
                    HttpException::internal_server_error().into_response()
                }
            }
        }
        State::NotFound(message) => NotFoundException::new(std::mem::take(message)).into_response(),
        State::AutoOptions(allow) => auto_options(std::mem::take(allow)),
        State::Answer(response) => match response.take() {
            Some(response) => *response,
            None => HttpException::internal_server_error().into_response(),
        },
        State::Handler { .. } => return Poll::Ready(None),
    }))
}

impl hyper::service::Service<Request<hyper::body::Incoming>> for AppService {
    type Response = Response;
    type Error = Infallible;
    type Future = Dispatch;

    fn call(&self, request: Request<hyper::body::Incoming>) -> Dispatch {
        let (parts, body) = request.into_parts();
        self.dispatch_parts(parts, RequestBody::Incoming(body))
    }
}

impl<B> tower_service::Service<Request<B>> for AppService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Dispatch;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Dispatch {
        // Keep hyper's body unboxed when no layer changed its type.
        let mut slot = Some(request);
        let any: &mut dyn Any = &mut slot;
        let request = match any.downcast_mut::<Option<Request<hyper::body::Incoming>>>() {
            Some(incoming) => match incoming.take() {
                Some(r) => r.map(RequestBody::Incoming),
                None => unreachable!("the slot was just filled"),
            },
            None => match slot.take() {
                Some(r) => r.map(RequestBody::new),
                None => unreachable!("the slot was just filled"),
            },
        };
        self.dispatch(request)
    }
}
