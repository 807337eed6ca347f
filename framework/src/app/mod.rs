//! The application: `create::<AppModule>()` resolves the module graph, builds
//! every provider and controller; `Application` holds app-wide settings until
//! `listen` (or `start`, or `into_service`) builds the router and serves.

mod lifecycle;
mod limits;

use std::sync::Arc;

pub(crate) use lifecycle::Lifecycle;
pub use limits::Limits;

use crate::di::{Container, Import, Token, build_graph};
use crate::error::{Error, Result};
use crate::module::Module;
use crate::routing::{MountedController, Router};
use crate::server::{AppService, Server};

/// What every request of a running app shares.
#[derive(Debug)]
pub(crate) struct AppShared {
    pub(crate) router: Router,
    pub(crate) limits: Limits,
    pub(crate) trust_proxy: bool,
    pub(crate) container: Arc<Container>,
    pub(crate) lifecycle: Lifecycle,
}

/// Creates an app from its root module (Nest's `NestFactory.create(AppModule)`).
///
/// The whole module graph is checked before anything is built or bound, and
/// every problem is reported at once, each with its fix. Then providers are
/// built in dependency order (async factories are awaited) and controllers
/// are constructed.
///
/// ```no_run
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct AppController;
///
/// #[controller]
/// impl AppController {
///     #[get]
///     async fn get_hello(&self) -> &'static str {
///         "Hello World!"
///     }
/// }
///
/// #[module(controllers = [AppController])]
/// struct AppModule;
///
/// #[tokio::main]
/// async fn main() -> nestling::Result<()> {
///     let app = nestling::create::<AppModule>().await?;
///     app.listen(("127.0.0.1", 3000)).await
/// }
/// ```
pub async fn create<M: Module>() -> Result<Application> {
    create_from(Import::Static(M::definition()), Vec::new()).await
}

/// Creates an app with some providers replaced (the testing module's overrides).
pub(crate) async fn create_from(
    root: Import,
    overrides: Vec<crate::di::Provider>,
) -> Result<Application> {
    let started = std::time::Instant::now();
    let graph = build_graph(root, overrides).map_err(Error::startup)?;
    let container = Container::build(graph).await.map_err(Error::startup)?;
    let mut lifecycle = Lifecycle::default();
    for (slot, instance) in container.instances() {
        lifecycle.push(
            container.graph.slots[slot].provider.hooks,
            Arc::clone(instance),
        );
    }
    let mut controllers = Vec::new();
    let mut problems = Vec::new();
    for node in &container.graph.controllers {
        match container.construct(node.module, node.def.construct) {
            Ok(instance) => {
                lifecycle.push((node.def.hooks)(), Arc::clone(&instance));
                controllers.push(MountedController {
                    def: node.def,
                    instance,
                    module: node.module,
                });
            }
            Err(error) => problems.push(format!("{} could not be created: {error}", node.def.name)),
        }
    }
    if !problems.is_empty() {
        return Err(Error::startup(problems));
    }
    tracing::debug!(
        providers = container.graph.slots.len(),
        controllers = controllers.len(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "dependencies resolved"
    );
    Ok(Application {
        container,
        controllers,
        lifecycle,
        global_prefix: String::new(),
        limits: Limits::default(),
        trust_proxy: false,
        initialized: false,
    })
}

/// A created app, not yet serving. Configure it, then call
/// [`listen`](Self::listen).
pub struct Application {
    container: Arc<Container>,
    controllers: Vec<MountedController>,
    lifecycle: Lifecycle,
    global_prefix: String,
    limits: Limits,
    trust_proxy: bool,
    initialized: bool,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field(
                "controllers",
                &self
                    .controllers
                    .iter()
                    .map(|c| c.def.name)
                    .collect::<Vec<_>>(),
            )
            .field("global_prefix", &self.global_prefix)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Application {
    /// Prefixes every route (Nest's `app.setGlobalPrefix('api')`).
    pub fn set_global_prefix(&mut self, prefix: impl Into<String>) -> &mut Self {
        self.global_prefix = prefix.into();
        self
    }

    /// Replaces the server's limits (see [`Limits`]).
    pub fn set_limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Trusts `X-Forwarded-For` and `X-Forwarded-Proto` from the peer
    /// (Express's `app.set('trust proxy', true)`); off by default. Turn it on
    /// only behind a proxy that sets those headers.
    pub fn set_trust_proxy(&mut self, trust: bool) -> &mut Self {
        self.trust_proxy = trust;
        self
    }

    /// A singleton provider of the root module's context, by type (Nest's
    /// `app.get(CatsService)`); `None` if nothing provides it there.
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.container.get_visible::<T>(Token::of::<T>())
    }

    /// Runs `on_module_init` then `on_application_bootstrap` on every
    /// provider and controller that implements them (Nest's `app.init()`).
    /// `listen` and `start` call it; call it yourself before `into_service`.
    pub async fn init(&mut self) -> &mut Self {
        if !self.initialized {
            self.initialized = true;
            self.lifecycle.init().await;
        }
        self
    }

    /// Runs the shutdown hooks without a server (Nest's `app.close()`).
    pub async fn close(self) {
        self.lifecycle.destroy(None).await;
        self.lifecycle.shutdown(None).await;
    }

    fn shared(self) -> Result<Arc<AppShared>> {
        let router = Router::build(&self.controllers, &self.global_prefix, &self.container)
            .map_err(|problems| {
                Error::startup(problems.into_iter().map(|p| p.to_string()).collect())
            })?;
        for endpoint in router.endpoints() {
            tracing::debug!(
                method = endpoint.def.method.as_str(),
                path = %endpoint.path,
                handler = %endpoint.label(),
                "mapped route"
            );
        }
        Ok(Arc::new(AppShared {
            router,
            limits: self.limits,
            trust_proxy: self.trust_proxy,
            container: self.container,
            lifecycle: self.lifecycle,
        }))
    }

    /// Turns the app into a `tower::Service`, so tower layers can wrap it;
    /// serve the result with [`nestling::serve`](crate::serve). Call
    /// [`init`](Self::init) first if providers have lifecycle hooks.
    pub fn into_service(self) -> Result<AppService> {
        Ok(AppService::new(self.shared()?))
    }

    /// Runs the init hooks, binds `addr` and serves in the background; the
    /// returned [`Server`] tells the bound address and shuts down gracefully
    /// (running the shutdown hooks). Tests use port 0.
    pub async fn start(mut self, addr: impl tokio::net::ToSocketAddrs) -> Result<Server> {
        self.init().await;
        let limits = self.limits;
        let shared = self.shared()?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::bind(None, e))?;
        Server::spawn(listener, shared, limits)
    }

    /// Serves on `addr` until SIGINT or SIGTERM, then shuts down gracefully:
    /// stops accepting, lets in-flight requests finish (up to the shutdown
    /// timeout), runs the shutdown hooks and returns.
    pub async fn listen(self, addr: impl tokio::net::ToSocketAddrs) -> Result<()> {
        let server = self.start(addr).await?;
        tracing::info!("nestling listening on http://{}", server.local_addr());
        let signal = crate::server::shutdown_signal().await;
        tracing::info!(signal, "shutting down");
        server.shutdown_with_signal(Some(signal)).await;
        Ok(())
    }
}

/// The port examples listen on: `PORT`, or 3000 as in Nest.
///
/// ```
/// let port = nestling::port_from_env();
/// assert!(port > 0);
/// ```
pub fn port_from_env() -> u16 {
    std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000)
}
