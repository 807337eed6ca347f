use std::any::Any;
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::container::{DiError, Resolver};
use super::inject::InjectField;
use super::injectable::Injectable;
use super::lifecycle::Hooks;
use super::token::Token;
use crate::BoxError;

/// A built provider, type-erased: an `Arc<dyn Any>` holding an `Arc<T>`
/// (so `T` may be a trait object).
pub(crate) type Erased = Arc<dyn Any + Send + Sync>;

pub(crate) fn erase<T: ?Sized + Send + Sync + 'static>(value: Arc<T>) -> Erased {
    Arc::new(value)
}

pub(crate) fn unerase<T: ?Sized + Send + Sync + 'static>(value: &Erased) -> Option<Arc<T>> {
    value.downcast_ref::<Arc<T>>().cloned()
}

/// How long a provider's instance lives (Nest's `Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// One instance for the app, built at start-up [default].
    #[default]
    Singleton,
    /// One instance per request, built when a handler first asks for it;
    /// it may take request injectors such as `Req`.
    Request,
    /// A new instance for every consumer that injects it.
    Transient,
}

impl Scope {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Scope::Singleton => "a singleton",
            Scope::Request => "request-scoped",
            Scope::Transient => "transient",
        }
    }
}

/// One dependency of a provider or controller: a field, a factory argument
/// or a handler parameter.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub(crate) token: Token,
    pub(crate) optional: bool,
    pub(crate) lazy: bool,
    /// A request injector (`Req`): only request-scoped providers can take it.
    pub(crate) request: bool,
    /// How the consumer names it: `field `logger``, `argument #1`.
    pub(crate) label: Cow<'static, str>,
}

impl Dependency {
    /// A required dependency on `token`.
    pub fn new(token: Token, label: impl Into<Cow<'static, str>>) -> Self {
        Dependency {
            token,
            optional: false,
            lazy: false,
            request: false,
            label: label.into(),
        }
    }

    /// `Option<Inject<T>>`: `None` when nothing provides it.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// `Lazy<T>`: resolved after start-up, which breaks cycles.
    pub fn lazy(mut self) -> Self {
        self.lazy = true;
        self
    }

    /// A request injector.
    pub fn request(mut self) -> Self {
        self.request = true;
        self
    }

    /// Asks for the provider registered under `name`.
    pub fn named(mut self, name: &'static str) -> Self {
        self.token = self.token.with_name(Some(name));
        self
    }

    /// The token asked for.
    pub fn token(&self) -> Token {
        self.token
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type FactoryFn = Arc<
    dyn Fn(&mut Resolver<'_>) -> Result<BoxFuture<Result<Erased, BoxError>>, DiError> + Send + Sync,
>;

#[derive(Clone)]
pub(crate) enum Build {
    Class(fn(&mut Resolver<'_>) -> Result<Erased, DiError>),
    Value(Erased),
    Factory(FactoryFn),
    Existing(Token),
}

/// A provider, as listed in `#[module(providers = [...])]`: a class (an
/// `#[injectable]` type, listed by name), a value, an async factory or an
/// alias (Nest's `useClass`, `useValue`, `useFactory`, `useExisting`).
///
/// ```
/// use nestling::di::{Inject, Provider};
///
/// #[derive(Clone)]
/// struct Config { url: String }
/// struct Pool { url: String }
///
/// let config = Provider::value(Config { url: "postgres://localhost".into() });
/// let pool = Provider::factory(|config: Inject<Config>| async move {
///     Pool { url: config.url.clone() }
/// });
/// let replica = Provider::value(Config { url: "postgres://replica".into() }).named("replica");
/// # let _ = (config, pool, replica);
/// ```
#[derive(Clone)]
pub struct Provider {
    pub(crate) token: Token,
    pub(crate) scope: Scope,
    pub(crate) deps: Vec<Dependency>,
    pub(crate) build: Build,
    pub(crate) hooks: Hooks,
    pub(crate) kind: &'static str,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("token", &self.token)
            .field("kind", &self.kind)
            .field("scope", &self.scope)
            .finish()
    }
}

impl Provider {
    /// An `#[injectable]` class under its own type (what listing the type does).
    pub fn class<T: Injectable>() -> Provider {
        Provider {
            token: Token::of::<T>(),
            scope: T::SCOPE,
            deps: T::dependencies(),
            build: Build::Class(|resolver| T::construct(resolver).map(|v| erase(Arc::new(v)))),
            hooks: T::hooks(),
            kind: "class",
        }
    }

    /// A ready value (Nest's `useValue`).
    pub fn value<T: Send + Sync + 'static>(value: T) -> Provider {
        Self::value_arc(Arc::new(value))
    }

    /// A ready value behind an `Arc`, which may be a trait object
    /// (`Provider::value_arc::<dyn Repo>(Arc::new(PgRepo))`).
    pub fn value_arc<T: ?Sized + Send + Sync + 'static>(value: Arc<T>) -> Provider {
        Provider {
            token: Token::of::<T>(),
            scope: Scope::Singleton,
            deps: Vec::new(),
            build: Build::Value(erase(value)),
            hooks: Hooks::default(),
            kind: "value",
        }
    }

    /// An async factory whose arguments are injected (`Inject<T>`,
    /// `Option<Inject<T>>`, `Lazy<T>`); it runs once at start-up and the app
    /// waits for it (Nest's `useFactory` + `inject`).
    pub fn factory<T, Args, F>(factory: F) -> Provider
    where
        T: Send + Sync + 'static,
        F: Factory<Args, Output = T>,
        Args: FactoryArgs,
    {
        fn finish<T: Send + Sync + 'static>(value: T) -> Result<Erased, BoxError> {
            Ok(erase(Arc::new(value)))
        }
        Self::from_factory::<T, Args, F>(factory, finish::<T>)
    }

    /// A fallible async factory: an `Err` stops start-up with its message.
    pub fn try_factory<T, E, Args, F>(factory: F) -> Provider
    where
        T: Send + Sync + 'static,
        E: Into<BoxError>,
        F: Factory<Args, Output = Result<T, E>>,
        Args: FactoryArgs,
    {
        fn finish<T: Send + Sync + 'static, E: Into<BoxError>>(
            result: Result<T, E>,
        ) -> Result<Erased, BoxError> {
            result
                .map(|value| erase(Arc::new(value)))
                .map_err(Into::into)
        }
        Self::from_factory::<T, Args, F>(factory, finish::<T, E>)
    }

    fn from_factory<T, Args, F>(
        factory: F,
        finish: fn(F::Output) -> Result<Erased, BoxError>,
    ) -> Provider
    where
        T: Send + Sync + 'static,
        F: Factory<Args>,
        Args: FactoryArgs,
    {
        let factory = Arc::new(factory);
        Provider {
            token: Token::of::<T>(),
            scope: Scope::Singleton,
            deps: Args::dependencies(),
            build: Build::Factory(Arc::new(move |resolver| {
                let args = Args::resolve(resolver)?;
                let future = factory.call(args);
                Ok(Box::pin(async move { finish(future.await) }))
            })),
            hooks: Hooks::default(),
            kind: "factory",
        }
    }

    /// An alias: this provider's token gives the same instance as `target`
    /// (Nest's `useExisting`). Usually combined with [`named`](Self::named):
    /// `Provider::existing::<Db>().named("primary")`.
    pub fn existing<T: ?Sized + Send + Sync + 'static>() -> Provider {
        Self::existing_token::<T>(Token::of::<T>())
    }

    /// An alias of the provider registered under `target`, for type `T`.
    pub fn existing_token<T: ?Sized + Send + Sync + 'static>(target: Token) -> Provider {
        Provider {
            token: Token::of::<T>(),
            scope: Scope::Singleton,
            deps: vec![Dependency::new(target, "alias target")],
            build: Build::Existing(target),
            hooks: Hooks::default(),
            kind: "alias",
        }
    }

    /// Registers the provider under `name`, for several providers of one type.
    pub fn named(mut self, name: &'static str) -> Provider {
        self.token = self.token.with_name(Some(name));
        self
    }

    /// Changes the scope (classes declare theirs with `#[injectable(scope = ..)]`).
    pub fn scope(mut self, scope: Scope) -> Provider {
        self.scope = scope;
        self
    }

    /// The token this provider is registered under.
    pub fn token(&self) -> Token {
        self.token
    }
}

/// A closure usable as a factory: `Fn(A, B, ...) -> impl Future<Output = T>`
/// where each argument is an [`InjectField`].
pub trait Factory<Args>: Send + Sync + 'static {
    /// What the future resolves to.
    type Output;
    /// The future.
    type Future: Future<Output = Self::Output> + Send + 'static;
    /// Calls the factory.
    fn call(&self, args: Args) -> Self::Future;
}

/// The injected arguments of a factory.
pub trait FactoryArgs: Sized + Send + 'static {
    /// The dependencies, in argument order.
    fn dependencies() -> Vec<Dependency>;
    /// Resolves the arguments.
    fn resolve(resolver: &mut Resolver<'_>) -> Result<Self, DiError>;
}

macro_rules! factory_arity {
    ($($arg:ident),*) => {
        impl<Func, Fut, $($arg,)*> Factory<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            $($arg: InjectField,)*
        {
            type Output = Fut::Output;
            type Future = Fut;
            #[allow(non_snake_case)]
            fn call(&self, ($($arg,)*): ($($arg,)*)) -> Fut {
                (self)($($arg),*)
            }
        }

        impl<$($arg: InjectField,)*> FactoryArgs for ($($arg,)*) {
            #[allow(unused_mut)]
            fn dependencies() -> Vec<Dependency> {
                let mut deps = Vec::new();
                let mut _index = 0usize;
                $(
                    deps.push($arg::dependency(Cow::Owned(format!("argument #{_index}"))));
                    _index += 1;
                )*
                deps
            }
            #[allow(unused_variables, unused_mut)]
            fn resolve(resolver: &mut Resolver<'_>) -> Result<Self, DiError> {
                let deps = Self::dependencies();
                let mut deps = deps.iter();
                Ok(($(
                    match deps.next() {
                        Some(dep) => $arg::resolve(resolver, dep)?,
                        None => return Err(DiError::internal("factory arity")),
                    },
                )*))
            }
        }
    };
}

factory_arity!();
factory_arity!(A1);
factory_arity!(A1, A2);
factory_arity!(A1, A2, A3);
factory_arity!(A1, A2, A3, A4);
factory_arity!(A1, A2, A3, A4, A5);
factory_arity!(A1, A2, A3, A4, A5, A6);
factory_arity!(A1, A2, A3, A4, A5, A6, A7);
factory_arity!(A1, A2, A3, A4, A5, A6, A7, A8);
