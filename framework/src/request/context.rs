use std::net::SocketAddr;
use std::sync::Arc;

use super::{PathParams, RequestBody};
use crate::app::AppShared;
use crate::routing::Endpoint;

/// The request head, shared (behind an `Arc`) by injectors such as
/// [`Req`](crate::Req) and [`Headers`](crate::Headers) once one asks for it.
#[derive(Debug)]
pub struct RequestHead {
    pub(crate) parts: http::request::Parts,
    pub(crate) params: PathParams,
    pub(crate) peer: Option<SocketAddr>,
    pub(crate) app: Arc<AppShared>,
    pub(crate) endpoint: usize,
    /// The session, loaded on first use (`Session`, `Req::session()`).
    pub(crate) session: std::sync::OnceLock<Option<crate::session::Session>>,
}

impl RequestHead {
    /// Method, URI, version, headers and extensions.
    pub fn parts(&self) -> &http::request::Parts {
        &self.parts
    }

    /// The address of the peer that opened the connection.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.peer
    }

    pub(crate) fn endpoint(&self) -> &Endpoint {
        self.app.router.endpoint(self.endpoint)
    }

    /// The raw (percent-encoded) value of path parameter `name`.
    pub(crate) fn raw_param(&self, name: &str) -> Option<&str> {
        let endpoint = self.endpoint();
        let index = endpoint.param_index(name)?;
        // An empty wildcard (`/files/` for `/files/*`) matched the alias route,
        // which has no value for it.
        Some(self.params.raw(self.parts.uri.path(), index).unwrap_or(""))
    }

    pub(crate) fn app(&self) -> &AppShared {
        &self.app
    }
}

// Inline on purpose: most handlers never share the head, and the context
// already lives in the handler's boxed future, so boxing it would cost an
// allocation per request for nothing.
#[allow(clippy::large_enum_variant)]
enum Head {
    Owned(RequestHead),
    Shared(Arc<RequestHead>),
    /// Only while `shared_head` moves the head into its `Arc`.
    Moving,
}

/// Everything injectors read a request from. Handlers never see it: they
/// declare injectors (`Param<T>`, `Body<T>`, `Req`, ...) instead.
pub struct RequestContext {
    head: Head,
    body: Option<RequestBody>,
    /// Request-scoped provider instances, created on first use.
    scope: Option<Box<crate::di::RequestScope>>,
    /// Template variables for this request (`res.locals`), once one is set:
    /// most requests have none, and an empty map still costs a call to drop.
    locals: Option<crate::view::Locals>,
}

impl RequestContext {
    #[inline]
    pub(crate) fn new(head: RequestHead, body: RequestBody) -> Self {
        RequestContext {
            head: Head::Owned(head),
            body: Some(body),
            scope: None,
            locals: None,
        }
    }

    /// The request head.
    pub fn head(&self) -> &RequestHead {
        match &self.head {
            Head::Owned(h) => h,
            Head::Shared(h) => h,
            Head::Moving => unreachable!("the head is only moving inside shared_head"),
        }
    }

    /// The head while the request is routed, before any injector shared it.
    pub(crate) fn owned_head_mut(&mut self) -> &mut RequestHead {
        match &mut self.head {
            Head::Owned(head) => head,
            Head::Shared(_) | Head::Moving => {
                unreachable!("the head is shared only once a handler runs")
            }
        }
    }

    /// The head behind an `Arc`, for injectors that keep it (`Req`, `Headers`).
    /// The first call moves it into the `Arc`; later calls clone the `Arc`.
    pub fn shared_head(&mut self) -> Arc<RequestHead> {
        let shared = match std::mem::replace(&mut self.head, Head::Moving) {
            Head::Owned(head) => Arc::new(head),
            Head::Shared(head) => head,
            Head::Moving => unreachable!("the head is only moving inside shared_head"),
        };
        self.head = Head::Shared(Arc::clone(&shared));
        shared
    }

    /// The request-scoped provider instances of this request.
    pub(crate) fn request_scope(&mut self) -> &mut crate::di::RequestScope {
        self.scope.get_or_insert_with(Default::default)
    }

    /// The request's template variables (Express's `res.locals`), merged
    /// into every view this request renders, under the handler's own
    /// context. Sessions, flash messages and CSRF protection put theirs here;
    /// see [`locals_mut`](Self::locals_mut) for an example.
    pub fn locals(&self) -> &crate::view::Locals {
        static NONE: std::sync::OnceLock<crate::view::Locals> = std::sync::OnceLock::new();
        match &self.locals {
            Some(locals) => locals,
            None => NONE.get_or_init(crate::view::Locals::new),
        }
    }

    /// The request's template variables, to add to (from an injector).
    ///
    /// ```
    /// use nestling::prelude::*;
    /// use nestling::{ArgInfo, RequestContext};
    ///
    /// /// Every view this request renders can show `{{ user }}`.
    /// struct CurrentUser;
    ///
    /// impl Injector for CurrentUser {
    ///     type Rejection = HttpException;
    ///     async fn inject(ctx: &mut RequestContext, _: &'static ArgInfo) -> Result<Self, HttpException> {
    ///         ctx.locals_mut()
    ///             .insert("user", "ada")
    ///             .map_err(|_| HttpException::internal_server_error())?;
    ///         Ok(CurrentUser)
    ///     }
    /// }
    /// ```
    pub fn locals_mut(&mut self) -> &mut crate::view::Locals {
        self.locals.get_or_insert_with(crate::view::Locals::new)
    }

    /// Takes the locals for a render.
    pub(crate) fn take_locals(&mut self) -> crate::view::Locals {
        self.locals.take().unwrap_or_default()
    }

    /// Puts a body back (one that was read before the handler, by the CSRF
    /// check), for the handler's injectors.
    pub(crate) fn put_body(&mut self, body: RequestBody) {
        self.body = Some(body);
    }

    /// Takes the body; `None` if an injector already took it.
    pub fn take_body(&mut self) -> Option<RequestBody> {
        self.body.take()
    }
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext")
            .field("method", &self.head().parts.method)
            .field("uri", &self.head().parts.uri)
            .finish()
    }
}
