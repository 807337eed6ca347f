//! Lifecycle hooks, as Nest's: implement the trait on a provider or a
//! controller and nestling calls it at the right moment. `#[injectable]`
//! detects which hooks a type implements (see `probe`), so nothing is
//! registered by hand.

use std::future::Future;
use std::pin::Pin;

use super::provider::Erased;

type HookFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
/// A hook without arguments, type-erased.
pub type Hook = for<'a> fn(&'a Erased) -> HookFuture<'a>;
/// A shutdown hook that receives the signal's name (`SIGTERM`), type-erased.
pub type SignalHook = for<'a> fn(&'a Erased, Option<&'a str>) -> HookFuture<'a>;

/// Called once the module's providers are built (Nest's `onModuleInit`).
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// pub struct Cache;
///
/// impl OnModuleInit for Cache {
///     async fn on_module_init(&self) {
///         tracing::info!("warming the cache");
///     }
/// }
/// ```
pub trait OnModuleInit: Send + Sync + 'static {
    /// The hook.
    fn on_module_init(&self) -> impl Future<Output = ()> + Send;
}

/// Called once every module is initialised, before listening
/// (Nest's `onApplicationBootstrap`).
pub trait OnApplicationBootstrap: Send + Sync + 'static {
    /// The hook.
    fn on_application_bootstrap(&self) -> impl Future<Output = ()> + Send;
}

/// First step of shutdown (Nest's `onModuleDestroy`).
pub trait OnModuleDestroy: Send + Sync + 'static {
    /// The hook.
    fn on_module_destroy(&self) -> impl Future<Output = ()> + Send;
}

/// After every `on_module_destroy`, before connections close
/// (Nest's `beforeApplicationShutdown(signal)`).
pub trait BeforeApplicationShutdown: Send + Sync + 'static {
    /// The hook; `signal` is `Some("SIGTERM")` or `Some("SIGINT")` on a signal.
    fn before_application_shutdown(&self, signal: Option<&str>) -> impl Future<Output = ()> + Send;
}

/// After the server closed (Nest's `onApplicationShutdown(signal)`).
pub trait OnApplicationShutdown: Send + Sync + 'static {
    /// The hook; `signal` is `Some("SIGTERM")` or `Some("SIGINT")` on a signal.
    fn on_application_shutdown(&self, signal: Option<&str>) -> impl Future<Output = ()> + Send;
}

/// The hooks one type implements.
#[derive(Clone, Copy, Default)]
pub struct Hooks {
    /// `OnModuleInit`.
    pub on_module_init: Option<Hook>,
    /// `OnApplicationBootstrap`.
    pub on_application_bootstrap: Option<Hook>,
    /// `OnModuleDestroy`.
    pub on_module_destroy: Option<Hook>,
    /// `BeforeApplicationShutdown`.
    pub before_application_shutdown: Option<SignalHook>,
    /// `OnApplicationShutdown`.
    pub on_application_shutdown: Option<SignalHook>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("on_module_init", &self.on_module_init.is_some())
            .field(
                "on_application_bootstrap",
                &self.on_application_bootstrap.is_some(),
            )
            .field("on_module_destroy", &self.on_module_destroy.is_some())
            .field(
                "before_application_shutdown",
                &self.before_application_shutdown.is_some(),
            )
            .field(
                "on_application_shutdown",
                &self.on_application_shutdown.is_some(),
            )
            .finish()
    }
}

/// Detects at compile time which hook traits a concrete type implements
/// (autoref specialisation): `(&&Probe::<T>::new()).on_module_init()` picks
/// the impl on `&Probe<T>` when `T: OnModuleInit` and falls back to the one
/// on `Probe<T>` otherwise. Used by `#[injectable]`'s generated code.
#[doc(hidden)]
pub mod probe {
    use std::marker::PhantomData;
    use std::sync::Arc;

    use super::*;

    pub struct Probe<T>(PhantomData<T>);

    impl<T> Probe<T> {
        #[allow(clippy::new_without_default)]
        pub fn new() -> Self {
            Probe(PhantomData)
        }
    }

    fn this<T: Send + Sync + 'static>(erased: &Erased) -> Option<&T> {
        erased.downcast_ref::<Arc<T>>().map(|arc| &**arc)
    }

    macro_rules! probe {
        ($found:ident, $fallback:ident, $method:ident, $trait:ident, plain) => {
            pub trait $found {
                fn $method(&self) -> Option<Hook>;
            }
            impl<T: $trait> $found for &Probe<T> {
                fn $method(&self) -> Option<Hook> {
                    Some(|erased| {
                        Box::pin(async move {
                            if let Some(value) = this::<T>(erased) {
                                value.$method().await;
                            }
                        })
                    })
                }
            }
            pub trait $fallback {
                fn $method(&self) -> Option<Hook>;
            }
            impl<T> $fallback for Probe<T> {
                fn $method(&self) -> Option<Hook> {
                    None
                }
            }
        };
        ($found:ident, $fallback:ident, $method:ident, $trait:ident, signal) => {
            pub trait $found {
                fn $method(&self) -> Option<SignalHook>;
            }
            impl<T: $trait> $found for &Probe<T> {
                fn $method(&self) -> Option<SignalHook> {
                    Some(|erased, signal| {
                        Box::pin(async move {
                            if let Some(value) = this::<T>(erased) {
                                value.$method(signal).await;
                            }
                        })
                    })
                }
            }
            pub trait $fallback {
                fn $method(&self) -> Option<SignalHook>;
            }
            impl<T> $fallback for Probe<T> {
                fn $method(&self) -> Option<SignalHook> {
                    None
                }
            }
        };
    }

    probe!(
        HasOnModuleInit,
        NoOnModuleInit,
        on_module_init,
        OnModuleInit,
        plain
    );
    probe!(
        HasOnApplicationBootstrap,
        NoOnApplicationBootstrap,
        on_application_bootstrap,
        OnApplicationBootstrap,
        plain
    );
    probe!(
        HasOnModuleDestroy,
        NoOnModuleDestroy,
        on_module_destroy,
        OnModuleDestroy,
        plain
    );
    probe!(
        HasBeforeApplicationShutdown,
        NoBeforeApplicationShutdown,
        before_application_shutdown,
        BeforeApplicationShutdown,
        signal
    );
    probe!(
        HasOnApplicationShutdown,
        NoOnApplicationShutdown,
        on_application_shutdown,
        OnApplicationShutdown,
        signal
    );

    /// The hooks of a concrete type; `#[injectable]` expands to a call.
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __nestling_hooks {
        ($ty:ty) => {{
            #[allow(unused_imports)]
            use $crate::di::probe::{
                HasBeforeApplicationShutdown as _, HasOnApplicationBootstrap as _,
                HasOnApplicationShutdown as _, HasOnModuleDestroy as _, HasOnModuleInit as _,
                NoBeforeApplicationShutdown as _, NoOnApplicationBootstrap as _,
                NoOnApplicationShutdown as _, NoOnModuleDestroy as _, NoOnModuleInit as _,
            };
            $crate::di::Hooks {
                on_module_init: (&&$crate::di::probe::Probe::<$ty>::new()).on_module_init(),
                on_application_bootstrap: (&&$crate::di::probe::Probe::<$ty>::new())
                    .on_application_bootstrap(),
                on_module_destroy: (&&$crate::di::probe::Probe::<$ty>::new()).on_module_destroy(),
                before_application_shutdown: (&&$crate::di::probe::Probe::<$ty>::new())
                    .before_application_shutdown(),
                on_application_shutdown: (&&$crate::di::probe::Probe::<$ty>::new())
                    .on_application_shutdown(),
            }
        }};
    }
}
