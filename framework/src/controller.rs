//! Controllers: what `#[controller]` registers, and how a handler is bound to
//! its controller instance once at start-up.

use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::di::{Dependency, DiError, Hooks, Injectable, Resolver, Scope};
use crate::request::RequestContext;
use crate::response::Response;
use crate::routing::RouteDef;
use crate::session::request::Committing;

/// A constructed controller, shared by all its handlers: an `Arc<dyn Any>`
/// holding the controller's `Arc<C>`, like every provider instance.
pub type Instance = Arc<dyn Any + Send + Sync>;

/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A handler bound to its controller instance.
pub type BoundHandler = Box<dyn Fn(RequestContext) -> HandlerFuture + Send + Sync>;

/// Implemented by `#[controller]` for the type of the `impl` block; a module
/// lists such types in `controllers = [...]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a controller",
    label = "not a controller",
    note = "add `#[controller]` (or `#[controller(\"prefix\")]`) to an `impl {Self}` block with route handlers"
)]
pub trait Controller: Send + Sync + 'static {
    /// The static description emitted by `#[controller]`.
    fn definition() -> &'static ControllerDef;
}

/// What `#[controller]` emits for one `impl` block.
pub struct ControllerDef {
    /// The type's name, for messages.
    pub name: &'static str,
    /// The type's `TypeId`.
    pub type_id: fn() -> TypeId,
    /// `#[controller(host = "...")]`.
    pub host: Option<&'static str>,
    /// The handlers, in declaration order.
    pub routes: &'static [RouteDef],
    /// The controller's injected fields.
    pub dependencies: fn() -> Vec<Dependency>,
    /// The scope its `#[injectable]` declares (controllers must be singletons).
    pub scope: fn() -> Scope,
    /// Builds the controller from its resolved fields.
    pub construct: fn(&mut Resolver<'_>) -> Result<Instance, DiError>,
    /// The lifecycle hooks it implements.
    pub hooks: fn() -> Hooks,
}

impl std::fmt::Debug for ControllerDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControllerDef")
            .field("name", &self.name)
            .field("routes", &self.routes)
            .finish()
    }
}

/// The `inventory` entry for a controller.
pub struct ControllerRegistration(pub &'static ControllerDef);
inventory::collect!(ControllerRegistration);

/// Builds a controller through its `#[injectable]` implementation.
pub fn construct_controller<C: Injectable>(
    resolver: &mut Resolver<'_>,
) -> Result<Instance, DiError> {
    C::construct(resolver).map(|c| Arc::new(Arc::new(c)) as Instance)
}

/// The scope of an `#[injectable]` type.
pub fn scope_of<C: Injectable>() -> Scope {
    C::SCOPE
}

/// Recovers the concrete controller from an [`Instance`].
pub fn downcast<C: Send + Sync + 'static>(instance: Instance) -> Option<Arc<C>> {
    instance.downcast_ref::<Arc<C>>().cloned()
}

/// Boxes a handler closure into a [`BoundHandler`].
pub fn bound<F, Fut>(handler: F) -> BoundHandler
where
    F: Fn(RequestContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    Box::new(move |ctx| {
        // Allocated first and written in place: `Box::pin(handler(ctx))`
        // builds the future on the stack and copies it into the box.
        let future: Box<Fut> = Box::write(Box::new_uninit(), handler(ctx));
        Box::into_pin(future) as HandlerFuture
    })
}

/// The last step of every handler, after the injectors and the method ran
/// (`response` is the method's, or an injector's rejection): where per-request state is
/// committed before the response leaves, and the route's declared status,
/// headers and redirect are applied.
///
/// Not an `async fn`: most responses are done here, and `#[controller]`'s
/// code returns them without storing and polling a future (awaiting
/// [`Finished`] does the same for other callers).
pub fn finish(ctx: &mut RequestContext, mut response: Response) -> Finished<'_> {
    // The common case: no view to render, no session to commit.
    if !crate::view::is_pending(&response) && !matches!(ctx.head().session.get(), Some(Some(_))) {
        ctx.head().endpoint().respond(&mut response);
        return Finished::Done(response);
    }
    finish_with_state(ctx, response)
}

/// [`finish`] for a view to render or a session to commit.
#[cold]
fn finish_with_state(ctx: &mut RequestContext, response: Response) -> Finished<'_> {
    // A view that needs the session (flash messages, CSRF tokens) is
    // rendered once it is loaded, then the session is committed.
    if crate::view::waits_for_session(ctx, &response) {
        return Finished::Pending(Box::pin(async move {
            let response = match crate::session::request::session_of(ctx.head()).await {
                Ok(_) => crate::view::render_pending(ctx, response),
                Err(error) => crate::response::IntoResponse::into_response(error),
            };
            let mut response = crate::session::request::commit(ctx.head(), response).await;
            ctx.head().endpoint().respond(&mut response);
            response
        }));
    }
    // A returned `View` is rendered here, where the request's locals are.
    let mut response = crate::view::render_pending(ctx, response);
    if !matches!(ctx.head().session.get(), Some(Some(_))) {
        ctx.head().endpoint().respond(&mut response);
        return Finished::Done(response);
    }
    // Then the session is saved, touched or destroyed, before the response
    // leaves (express-session's order); a store that never waits (the
    // memory store, or none with cookie sessions) is done with here.
    match crate::session::request::commit_now(ctx.head(), response) {
        Committing::Ready(mut response) => {
            ctx.head().endpoint().respond(&mut response);
            Finished::Done(response)
        }
        Committing::Wait(committing) => Finished::Pending(Box::pin(async move {
            let mut response = committing.await;
            ctx.head().endpoint().respond(&mut response);
            response
        })),
    }
}

/// What [`finish`] returns: the response, or the work that still makes it
/// (rendering a view once the session is loaded, committing the session).
/// Awaiting it gives the response either way.
pub enum Finished<'a> {
    /// The response, ready to leave.
    Done(Response),
    /// The response once the view is rendered or the session committed.
    Pending(Pin<Box<dyn Future<Output = Response> + Send + 'a>>),
}

impl<'a> std::future::IntoFuture for Finished<'a> {
    type Output = Response;
    type IntoFuture = Finish<'a>;

    fn into_future(self) -> Finish<'a> {
        Finish(Some(self))
    }
}

/// The future of an awaited [`Finished`].
pub struct Finish<'a>(Option<Finished<'a>>);

impl Future for Finish<'_> {
    type Output = Response;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Response> {
        match self.0.take() {
            Some(Finished::Done(response)) => std::task::Poll::Ready(response),
            Some(Finished::Pending(mut pending)) => {
                let polled = pending.as_mut().poll(cx);
                if polled.is_pending() {
                    self.0 = Some(Finished::Pending(pending));
                }
                polled
            }
            None => panic!("`Finish` polled after it completed"),
        }
    }
}
