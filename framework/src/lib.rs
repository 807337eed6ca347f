//! # nestling
//!
//! A small, fast MVC web framework in the shape of NestJS: controllers with
//! route attributes, modules, injectors for every part of a request, and
//! Nest's error bodies, on hyper and tokio.
//!
//! ```no_run
//! use nestling::prelude::*;
//!
//! #[injectable]
//! struct CatsController;
//!
//! #[controller("cats")]
//! impl CatsController {
//!     #[get(":id")]
//!     async fn find_one(&self, id: Param<u32>) -> Result<String, HttpException> {
//!         if *id == 0 {
//!             return Err(NotFoundException::new("Cat 0 not found"));
//!         }
//!         Ok(format!("cat #{}", *id))
//!     }
//! }
//!
//! #[module(controllers = [CatsController])]
//! struct AppModule;
//!
//! #[tokio::main]
//! async fn main() -> nestling::Result<()> {
//!     let app = nestling::create::<AppModule>().await?;
//!     app.listen(("127.0.0.1", nestling::port_from_env())).await
//! }
//! ```
//!
//! ## How the crate is laid out
//!
//! Follow one request top-down, one folder per step:
//!
//! * [`server`]: accepts connections (hyper + hyper-util), applies the
//!   [`Limits`], shuts down gracefully; `server/service.rs` dispatches a request.
//! * `routing`: Nest paths translated to matchit (`routing/pattern.rs`, shared
//!   with the macros), the route table built once (`routing/router.rs`).
//! * [`controller`] and [`module`]: the static data the macros register.
//! * [`injector`]: `Param`, `Query`, `Body`, `Req`, ... read the request;
//!   [`form`]: `Valid<T>`, bodies checked against their validation rules.
//! * [`session`]: express-session; [`flash`]: connect-flash on top of it;
//!   [`csrf`]: csurf's tokens, checked before the handlers of unsafe requests.
//! * [`response`]: [`IntoResponse`] turns handler results into responses.
//! * [`exception`]: Nest's `HttpException` family and its JSON bodies.
//! * [`view`]: Tera templates, `#[render]` and [`View`]; [`static_files`]:
//!   public folders, tried before the routes.
//! * `app`: [`create`] walks the module graph; [`Application`] holds settings.

pub mod app;
pub mod controller;
pub mod csrf;
pub mod di;
mod error;
pub mod exception;
pub mod flash;
pub mod form;
pub mod injector;
pub mod module;
pub mod request;
pub mod response;
pub mod routing;
pub mod server;
pub mod session;
pub mod static_files;
pub mod testing;
pub mod view;

#[doc(hidden)]
pub mod __private;

pub use app::{Application, Limits, create, port_from_env};
pub use di::{
    BeforeApplicationShutdown, DynamicModule, Inject, Lazy, OnApplicationBootstrap,
    OnApplicationShutdown, OnModuleDestroy, OnModuleInit, Provider, Scope,
};
pub use error::{Error, Result};
pub use exception::*;
pub use flash::Flash;
pub use form::{FormErrors, Invalid, Valid};
pub use injector::{
    Body, Header, Headers, HostParam, Injector, Ip, Param, Params, Query, RawBody, Req,
};
pub use request::{RequestContext, RequestHead};
pub use response::{Html, IntoResponse, Json, Redirect, Response, Streaming, Text};
pub use routing::{ArgInfo, ArgKind};
pub use server::{AppService, PeerAddr, Server, serve};
pub use session::{
    CookieOptions, MemoryStore, SecureSessionOptions, Session, SessionOptions, SessionStore,
};
pub use static_files::StaticOptions;
pub use view::{Locals, View, render};

pub use nestling_macros::{
    all, controller, delete, get, head, header, http_code, injectable, module, options, patch,
    post, put, redirect, render, skip_csrf,
};

/// Re-exported so users need not depend on `http` themselves.
pub use http;

/// A boxed error, as tower and hyper use.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything a controller file needs: `use nestling::prelude::*;`.
pub mod prelude {
    pub use crate::di::{
        BeforeApplicationShutdown, DynamicModule, Inject, Lazy, OnApplicationBootstrap,
        OnApplicationShutdown, OnModuleDestroy, OnModuleInit, Provider, Scope,
    };
    pub use crate::exception::*;
    pub use crate::flash::Flash;
    pub use crate::form::{FormErrors, Invalid, Valid};
    pub use crate::injector::{
        Body, Header, Headers, HostParam, Injector, Ip, Param, Params, Query, RawBody, Req,
    };
    pub use crate::response::{Html, IntoResponse, Json, Redirect, Streaming, Text};
    pub use crate::session::Session;
    pub use crate::view::{View, render};
    pub use nestling_macros::{
        all, controller, delete, get, head, header, http_code, injectable, module, options, patch,
        post, put, redirect, render, skip_csrf,
    };
}
