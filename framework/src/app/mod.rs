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
    /// `use_session`: express-session's middleware, validated, by mount path.
    pub(crate) sessions: crate::session::SessionMounts,
    pub(crate) container: Arc<Container>,
    pub(crate) lifecycle: Lifecycle,
    /// MVC: the templates (`None` without `set_base_views_dir`) and the
    /// static folders, tried before the routes.
    pub(crate) views: Option<crate::view::ViewEngine>,
    pub(crate) static_files: crate::static_files::StaticFiles,
    /// `use_csrf`: checked before the handlers of unsafe requests.
    pub(crate) csrf: Option<Arc<crate::csrf::CsrfConfig>>,
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
        sessions: Vec::new(),
        initialized: false,
        views: Default::default(),
        static_assets: Vec::new(),
        session_users: Vec::new(),
        csrf: None,
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
    sessions: Vec<(String, crate::session::MountOptions)>,
    initialized: bool,
    views: crate::view::ViewSettings,
    static_assets: Vec<(std::path::PathBuf, crate::static_files::StaticOptions)>,
    /// What was enabled that keeps its state in the session (`use_flash`,
    /// `use_csrf`), checked against `use_session` at start-up.
    session_users: Vec<&'static str>,
    /// `use_csrf`, or the problems of its options.
    csrf: Option<std::result::Result<Arc<crate::csrf::CsrfConfig>, Vec<String>>>,
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
            .field("views", &self.views)
            .field("static_assets", &self.static_assets)
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

    /// Turns sessions on, as `app.use(session({...}))` does in Express: the
    /// same options, defaults and cookie (see [`SessionOptions`]). Handlers
    /// then take a [`Session`](crate::Session) (or call `req.session()`).
    /// Invalid options (a missing secret, ...) stop the app at start-up.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use nestling::session::{CookieOptions, Secure, SessionOptions};
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_session(
    ///     SessionOptions::new()
    ///         .secret("my-secret")
    ///         .resave(false)
    ///         .save_uninitialized(false)
    ///         .cookie(CookieOptions::default().secure(Secure::Auto).max_age(Duration::from_secs(3600))),
    /// );
    /// # Ok(()) }
    /// ```
    ///
    /// [`SessionOptions`]: crate::session::SessionOptions
    pub fn use_session(&mut self, options: crate::session::SessionOptions) -> &mut Self {
        self.use_session_at("/", options)
    }

    /// Sessions for the routes under `path` only, as Express's
    /// `app.use('/admin', session({...}))`: a request gets the session of the
    /// first mount whose path is a prefix of its path (segment by segment,
    /// ignoring ASCII case as Express does: `/ADMIN/x` is under `/admin`).
    /// Several mounts can have different options and stores.
    ///
    /// ```no_run
    /// use nestling::session::SessionOptions;
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_session_at("/admin", SessionOptions::new().name("admin.sid").secret("s3cr3t"));
    /// # Ok(()) }
    /// ```
    pub fn use_session_at(
        &mut self,
        path: impl Into<String>,
        options: crate::session::SessionOptions,
    ) -> &mut Self {
        self.sessions.push((path.into(), options.into()));
        self
    }

    /// Turns on encrypted cookie sessions, as `fastify.register(
    /// require('@fastify/secure-session'), {...})` does: the whole session
    /// lives in one cookie, encrypted with the key, and no store is
    /// involved. Handlers take the same [`Session`](crate::Session) as with
    /// [`use_session`](Self::use_session). A Fastify app with the same key
    /// and cookie name reads and writes the same cookies. Invalid options
    /// (no key, a key that is not 32 bytes, a short secret, ...) stop the
    /// app at start-up.
    ///
    /// ```no_run
    /// use nestling::session::SecureSessionOptions;
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_secure_session(
    ///     SecureSessionOptions::new().key(std::env::var("SESSION_KEY").unwrap_or_default()),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn use_secure_session(
        &mut self,
        options: crate::session::SecureSessionOptions,
    ) -> &mut Self {
        self.use_secure_session_at("/", options)
    }

    /// Encrypted cookie sessions for the routes under `path` only; mounts
    /// of both kinds can sit side by side (see
    /// [`use_session_at`](Self::use_session_at)).
    ///
    /// ```no_run
    /// use nestling::session::SecureSessionOptions;
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_secure_session_at("/api", SecureSessionOptions::new().key([7u8; 32]).cookie_name("api"));
    /// # Ok(()) }
    /// ```
    pub fn use_secure_session_at(
        &mut self,
        path: impl Into<String>,
        options: crate::session::SecureSessionOptions,
    ) -> &mut Self {
        self.sessions.push((path.into(), options.into()));
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
        let (views, static_files) = mvc(self.views, self.static_assets, &router)?;
        let csrf = match self.csrf {
            Some(Ok(config)) => Some(config),
            Some(Err(problems)) => return Err(Error::startup(problems)),
            None => None,
        };
        if let Some(user) = self.session_users.first()
            && self.sessions.is_empty()
        {
            return Err(Error::startup(vec![format!(
                "{user} keeps its state in the session, but sessions are not enabled: \
                 call app.use_session(SessionOptions::new().secret(..)) as well"
            )]));
        }
        let sessions = crate::session::SessionMounts::new(self.sessions)?;
        Ok(Arc::new(AppShared {
            router,
            limits: self.limits,
            trust_proxy: self.trust_proxy,
            sessions,
            container: self.container,
            lifecycle: self.lifecycle,
            views,
            static_files,
            csrf,
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

// ---- MVC: views and static assets ------------------------------------------
// Thin settings methods; the work is in `crate::view` and `crate::static_files`.

impl Application {
    /// The folder of the app's Tera templates (Nest's `app.setBaseViewsDir`,
    /// Express's `views`), relative to the working directory or absolute.
    ///
    /// Every file in it (and its sub-folders, except hidden ones) is parsed
    /// at start-up: a template that does not parse stops the app with its
    /// file, line and message. Templates are named by their path in the
    /// folder, with or without `.html` (`"index"`, `"cats/show.html"`).
    /// Unless the view cache is on ([`set_view_cache`](Self::set_view_cache);
    /// it is in release builds), a changed file is parsed again before the
    /// next render.
    ///
    /// ```no_run
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.set_base_views_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/views"));
    /// # Ok(()) }
    /// ```
    pub fn set_base_views_dir(&mut self, dir: impl Into<std::path::PathBuf>) -> &mut Self {
        self.views.dir = Some(dir.into());
        self
    }

    /// Sets an app-wide template variable (Nest's `app.setLocal`, Express's
    /// `app.locals`), visible in every template unless the handler's context
    /// or the request's locals have the same name.
    ///
    /// ```no_run
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.set_base_views_dir("views")
    ///     .set_local("site_name", "Cat Shelter")
    ///     .set_local("year", &2025);
    /// # Ok(()) }
    /// ```
    pub fn set_local<T: serde::Serialize + ?Sized>(
        &mut self,
        key: impl Into<String>,
        value: &T,
    ) -> &mut Self {
        self.views.set_local(key.into(), value);
        self
    }

    /// Express's `view cache`: when on, templates are parsed once at
    /// start-up; when off, a template file that changed is parsed again
    /// before the next render (a stat of each file per render). Default: on
    /// in release builds, off in debug builds.
    ///
    /// ```no_run
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.set_base_views_dir("views").set_view_cache(true);
    /// # Ok(()) }
    /// ```
    pub fn set_view_cache(&mut self, cache: bool) -> &mut Self {
        self.views.cache = Some(cache);
        self
    }

    /// Adjusts the Tera instance before the templates are parsed (and again
    /// on every reload): register filters, functions and tests, change the
    /// autoescaped extensions. Nest's `setViewEngine` is fixed to Tera.
    ///
    /// ```no_run
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// use nestling::view::tera::{Kwargs, State};
    ///
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.set_base_views_dir("views").configure_view_engine(|tera| {
    ///     tera.register_filter("shout", |text: &str, _: Kwargs, _: &State| text.to_uppercase());
    /// });
    /// # Ok(()) }
    /// ```
    pub fn configure_view_engine(
        &mut self,
        configure: impl Fn(&mut crate::view::tera::Tera) + Send + Sync + 'static,
    ) -> &mut Self {
        self.views.configure.push(Arc::new(configure));
        self
    }

    /// Adds per-request template variables just before each render (as an
    /// Express middleware setting `res.locals`): the provider gets the
    /// request and its [`Locals`](crate::view::Locals). Providers run in the
    /// order they were added, only for requests that render a view.
    ///
    /// ```no_run
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_view_locals(|request, locals| {
    ///     let path = request.head().parts().uri.path().to_string();
    ///     let _ = locals.insert("current_path", &path);
    /// });
    /// # Ok(()) }
    /// ```
    pub fn use_view_locals(
        &mut self,
        provider: impl Fn(&mut crate::RequestContext, &mut crate::view::Locals) + Send + Sync + 'static,
    ) -> &mut Self {
        self.views.providers.push(Box::new(provider));
        self
    }

    /// Flash messages in templates (connect-flash's `app.use(flash())` with
    /// the usual `res.locals.messages = req.flash()`): every rendered
    /// template sees the waiting messages as `flash`, a map from kind to
    /// messages (`{}` when there are none), and they leave the session. The
    /// [`Flash`](crate::Flash) injector works with or without it. Needs
    /// [`use_session`](Self::use_session); without it the app does not start.
    ///
    /// ```no_run
    /// use nestling::SessionOptions;
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_session(SessionOptions::new().secret("keyboard cat"))
    ///     .use_flash();
    /// # Ok(()) }
    /// ```
    ///
    /// ```html
    /// {% for kind, messages in flash %}{% for m in messages %}
    ///   <p class="flash {{ kind }}">{{ m }}</p>
    /// {% endfor %}{% endfor %}
    /// ```
    pub fn use_flash(&mut self) -> &mut Self {
        self.session_users.push("app.use_flash()");
        self.views.load_session = true;
        self.views
            .providers
            .push(Box::new(crate::flash::locals::provide));
        self
    }

    /// CSRF protection (csurf's synchronizer token): POST, PUT, PATCH and
    /// DELETE requests must carry a token made from a secret in their
    /// session, in the `_csrf` form field or an `x-csrf-token` header, or
    /// they are refused with Nest's 403 before the handler runs
    /// (`{"statusCode":403,"message":"invalid csrf token","error":"Forbidden"}`).
    /// Templates get the token as `csrf_token`, and the functions
    /// `{{ csrf_token() }}` and `{{ csrf_field() }}` (a hidden input). A
    /// route opts out with `#[skip_csrf]`. Needs
    /// [`use_session`](Self::use_session); without it the app does not start.
    ///
    /// ```no_run
    /// use nestling::csrf::CsrfOptions;
    /// use nestling::SessionOptions;
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_session(SessionOptions::new().secret("keyboard cat"))
    ///     .use_csrf(CsrfOptions::default());
    /// # Ok(()) }
    /// ```
    ///
    /// ```html
    /// <form method="post" action="/notes">{{ csrf_field() }} ... </form>
    /// ```
    pub fn use_csrf(&mut self, options: crate::csrf::CsrfOptions) -> &mut Self {
        self.session_users.push("app.use_csrf(..)");
        let config = options.build().map(Arc::new);
        // Registered even when the options are wrong, so that their
        // problems are reported rather than templates that do not parse.
        let field = config
            .as_ref()
            .map_or("_csrf".to_owned(), |c| c.field.clone());
        self.views
            .configure
            .push(Arc::new(move |tera: &mut tera::Tera| {
                crate::csrf::locals::register(tera, &field)
            }));
        if let Ok(config) = &config {
            self.views.load_session = true;
            self.views
                .providers
                .push(Box::new(crate::csrf::locals::provider(Arc::clone(config))));
        }
        self.csrf = Some(config);
        self
    }

    /// Serves the files of `dir` (Nest's `app.useStaticAssets`, Express's
    /// serve-static), with [`StaticOptions`](crate::static_files::StaticOptions)
    /// (prefix, index, dotfiles, caching, ...). Folders are tried before the
    /// routes, in the order they were added; a missing folder stops start-up.
    ///
    /// ```no_run
    /// # #[nestling::module] struct AppModule;
    /// # async fn run() -> nestling::Result<()> {
    /// use nestling::static_files::StaticOptions;
    ///
    /// let mut app = nestling::create::<AppModule>().await?;
    /// app.use_static_assets("public", StaticOptions::default().prefix("/static"));
    /// # Ok(()) }
    /// ```
    pub fn use_static_assets(
        &mut self,
        dir: impl Into<std::path::PathBuf>,
        options: crate::static_files::StaticOptions,
    ) -> &mut Self {
        self.static_assets.push((dir.into(), options));
        self
    }
}

/// Loads the views and opens the static folders at start-up, reporting every
/// problem at once (a broken template, a missing folder, a `#[render]`
/// template that does not exist).
fn mvc(
    views: crate::view::ViewSettings,
    static_assets: Vec<(std::path::PathBuf, crate::static_files::StaticOptions)>,
    router: &Router,
) -> Result<(
    Option<crate::view::ViewEngine>,
    crate::static_files::StaticFiles,
)> {
    let mut problems = Vec::new();
    let views = match crate::view::ViewEngine::load(views) {
        Ok(Some(engine)) => {
            problems.extend(engine.check_routes(router.endpoints()));
            Some(engine)
        }
        Ok(None) => {
            problems.extend(crate::view::routes_without_views(router.endpoints()));
            None
        }
        Err(found) => {
            problems.extend(found.into_iter().map(|problem| {
                if problem.contains("Unknown function `csrf_") {
                    format!(
                        "{problem}\ncsrf_token() and csrf_field() exist once CSRF protection \
                         is on: call app.use_csrf(CsrfOptions::default())"
                    )
                } else {
                    problem
                }
            }));
            None
        }
    };
    let static_files =
        crate::static_files::StaticFiles::new(static_assets).unwrap_or_else(|found| {
            problems.extend(found);
            Default::default()
        });
    if problems.is_empty() {
        Ok((views, static_files))
    } else {
        Err(Error::startup(problems))
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
