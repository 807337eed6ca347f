use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Weak};

use super::container::{Container, DiError, Resolver};
use super::provider::{Dependency, unerase};
use super::token::Token;
use crate::exception::HttpException;
use crate::injector::{Injector, Req};
use crate::request::RequestContext;
use crate::routing::{ArgInfo, ArgKind};

/// A dependency, injected by type: a field of an `#[injectable]` struct, a
/// factory argument, or a handler parameter.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// pub struct CatsRepository;
///
/// #[injectable]
/// pub struct CatsService {
///     repo: Inject<CatsRepository>,
/// }
/// ```
pub struct Inject<T: ?Sized>(Arc<T>);

impl<T: ?Sized> Inject<T> {
    /// Wraps an `Arc` (handy in tests).
    pub fn new(value: Arc<T>) -> Self {
        Inject(value)
    }

    /// The shared instance.
    pub fn arc(&self) -> Arc<T> {
        Arc::clone(&self.0)
    }
}

impl<T: ?Sized> Deref for Inject<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Clone for Inject<T> {
    fn clone(&self) -> Self {
        Inject(Arc::clone(&self.0))
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Inject<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A dependency resolved on first use instead of at construction: the
/// explicit way to break a dependency cycle (`A -> B -> A`).
///
/// `get` works once the app is created (in handlers and lifecycle hooks);
/// calling it from a factory during start-up panics with a message.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// pub struct A { b: Lazy<B> }
///
/// #[injectable]
/// pub struct B { a: Inject<A> }
/// ```
pub struct Lazy<T: ?Sized> {
    container: Weak<Container>,
    slot: usize,
    token: Token,
    _type: std::marker::PhantomData<fn() -> Arc<T>>,
}

impl<T: ?Sized + Send + Sync + 'static> Lazy<T> {
    /// The instance, or `None` while the app is still being created or after
    /// it was dropped.
    pub fn try_get(&self) -> Option<Arc<T>> {
        let container = self.container.upgrade()?;
        container.singleton(self.slot).and_then(unerase::<T>)
    }

    /// The instance.
    ///
    /// # Panics
    /// When called before the app finished creating (from a factory).
    pub fn get(&self) -> Arc<T> {
        match self.try_get() {
            Some(value) => value,
            None => panic!(
                "Lazy<{}>::get() was called before the app finished starting; call it from handlers or lifecycle hooks",
                self.token
            ),
        }
    }
}

impl<T: ?Sized> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lazy<{}>", self.token)
    }
}

/// A type that can be a field of an `#[injectable]` struct or an argument of
/// a factory: [`Inject<T>`], `Option<Inject<T>>`, [`Lazy<T>`], and, in
/// request-scoped providers, [`Req`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be injected",
    label = "not injectable",
    note = "injected fields are `Inject<T>`, `Option<Inject<T>>`, `Lazy<T>` or (request scope) `Req`; mark other fields `#[inject(default)]` to fill them with `Default::default()`"
)]
pub trait InjectField: Sized + Send + 'static {
    /// The dependency this field declares.
    fn dependency(label: Cow<'static, str>) -> Dependency;
    /// Produces the value.
    fn resolve(resolver: &mut Resolver<'_>, dependency: &Dependency) -> Result<Self, DiError>;
}

impl<T: ?Sized + Send + Sync + 'static> InjectField for Inject<T> {
    fn dependency(label: Cow<'static, str>) -> Dependency {
        Dependency::new(Token::of::<T>(), label)
    }

    fn resolve(resolver: &mut Resolver<'_>, dependency: &Dependency) -> Result<Self, DiError> {
        match resolver.get(dependency)? {
            Some(erased) => unerase::<T>(&erased)
                .map(Inject)
                .ok_or_else(|| DiError::internal("provider has the wrong type")),
            None => Err(DiError::missing(dependency)),
        }
    }
}

impl<T: ?Sized + Send + Sync + 'static> InjectField for Option<Inject<T>> {
    fn dependency(label: Cow<'static, str>) -> Dependency {
        Dependency::new(Token::of::<T>(), label).optional()
    }

    fn resolve(resolver: &mut Resolver<'_>, dependency: &Dependency) -> Result<Self, DiError> {
        Ok(resolver
            .get(dependency)?
            .and_then(|erased| unerase::<T>(&erased))
            .map(Inject))
    }
}

impl<T: ?Sized + Send + Sync + 'static> InjectField for Lazy<T> {
    fn dependency(label: Cow<'static, str>) -> Dependency {
        Dependency::new(Token::of::<T>(), label).lazy()
    }

    fn resolve(resolver: &mut Resolver<'_>, dependency: &Dependency) -> Result<Self, DiError> {
        let slot = resolver
            .slot(dependency)
            .ok_or_else(|| DiError::missing(dependency))?;
        Ok(Lazy {
            container: resolver.container_weak(),
            slot,
            token: dependency.token,
            _type: std::marker::PhantomData,
        })
    }
}

impl InjectField for Req {
    fn dependency(label: Cow<'static, str>) -> Dependency {
        Dependency::new(Token::of::<Req>(), label).request()
    }

    fn resolve(resolver: &mut Resolver<'_>, _dependency: &Dependency) -> Result<Self, DiError> {
        resolver
            .request_context()
            .map(|ctx| Req::from_head(ctx.shared_head()))
            .ok_or_else(|| DiError::internal("Req injected outside a request"))
    }
}

/// `Inject<T>` as a handler parameter: singletons are shared, request-scoped
/// providers are built once per request, transient ones per parameter.
impl<T: ?Sized + Send + Sync + 'static> Injector for Inject<T> {
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::Provider(Token::of::<T>);

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let head = ctx.head();
        let app = std::sync::Arc::clone(&head.app);
        let endpoint = app.router.endpoint(head.endpoint);
        let Some(slot) = endpoint.inject_slots.get(arg.position).copied().flatten() else {
            return Err(HttpException::internal_server_error().cause(format!(
                "{}: no provider slot for `{}`",
                arg.handler, arg.name
            )));
        };
        let erased = app
            .container
            .produce(slot, Some(ctx))
            .map_err(|e| HttpException::internal_server_error().cause(e))?;
        unerase::<T>(&erased).map(Inject).ok_or_else(|| {
            HttpException::internal_server_error().cause("provider has the wrong type")
        })
    }
}
