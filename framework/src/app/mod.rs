//! The application: `create::<AppModule>()` walks the module graph and builds
//! the controllers; `Application` holds app-wide settings until `listen`
//! (or `start`, or `into_service`) builds the router and serves.

mod graph;
mod limits;

use std::sync::Arc;

pub use limits::Limits;

use crate::controller::{ControllerDef, Instance};
use crate::error::{Error, Result};
use crate::module::Module;
use crate::routing::Router;
use crate::server::{AppService, Server};

/// What every request of a running app shares.
#[derive(Debug)]
pub(crate) struct AppShared {
    pub(crate) router: Router,
    pub(crate) limits: Limits,
    pub(crate) trust_proxy: bool,
}

/// Creates an app from its root module (Nest's `NestFactory.create(AppModule)`).
///
/// Every problem in the module graph is reported at once, before any socket
/// is bound.
///
/// ```no_run
/// use nestling::prelude::*;
///
/// #[derive(Default)]
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
    let controllers = graph::controllers(M::definition()).map_err(Error::startup)?;
    Ok(Application {
        controllers,
        global_prefix: String::new(),
        limits: Limits::default(),
        trust_proxy: false,
    })
}

/// A created app, not yet serving. Configure it, then call
/// [`listen`](Self::listen).
pub struct Application {
    controllers: Vec<(&'static ControllerDef, Instance)>,
    global_prefix: String,
    limits: Limits,
    trust_proxy: bool,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field(
                "controllers",
                &self
                    .controllers
                    .iter()
                    .map(|(d, _)| d.name)
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

    fn shared(self) -> Result<Arc<AppShared>> {
        let router = Router::build(&self.controllers, &self.global_prefix).map_err(|problems| {
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
        }))
    }

    /// Turns the app into a `tower::Service`, so tower layers can wrap it;
    /// serve the result with [`nestling::serve`](crate::serve).
    pub fn into_service(self) -> Result<AppService> {
        Ok(AppService::new(self.shared()?))
    }

    /// Binds `addr` and serves in the background; the returned [`Server`]
    /// tells the bound address and shuts down gracefully. Tests use port 0.
    pub async fn start(self, addr: impl tokio::net::ToSocketAddrs) -> Result<Server> {
        let limits = self.limits;
        let shared = self.shared()?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::bind(None, e))?;
        Server::spawn(listener, shared, limits)
    }

    /// Serves on `addr` until SIGINT or SIGTERM, then shuts down gracefully:
    /// stops accepting, lets in-flight requests finish (up to the shutdown
    /// timeout) and returns.
    pub async fn listen(self, addr: impl tokio::net::ToSocketAddrs) -> Result<()> {
        let server = self.start(addr).await?;
        tracing::info!("nestling listening on http://{}", server.local_addr());
        crate::server::shutdown_signal().await;
        tracing::info!("shutting down");
        server.shutdown().await;
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
