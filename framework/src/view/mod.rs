//! Server-rendered views with [Tera](https://keats.github.io/tera/) (Nest's
//! MVC on Express with a view engine).
//!
//! * `settings.rs`: what the [`Application`](crate::Application) collects
//!   (`set_base_views_dir`, `set_local`, `set_view_cache`,
//!   `configure_view_engine`, `use_view_locals`).
//! * `engine.rs`: the folder parsed at start-up (a broken template stops
//!   start-up), names with or without `.html`, reloaded on change unless the
//!   view cache is on (it is in release builds).
//! * `response.rs`: [`View`] / [`render`] for a template chosen at run time,
//!   and [`ViewContext`], what a `#[render("name")]` handler returns.
//! * `rendering.rs`: one render on the request path; `error_page.rs`: the 500
//!   page of debug builds.
//! * `locals.rs`: [`Locals`], the per-request variables (Express's `res.locals`).
//!
//! A template's variables come from, highest priority first: the handler's
//! context, the request's [`Locals`], the app's globals (`set_local`).
//!
//! ```no_run
//! use nestling::prelude::*;
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Index { message: &'static str }
//!
//! #[injectable]
//! struct AppController;
//!
//! #[controller]
//! impl AppController {
//!     #[get]
//!     #[render("index")] // views/index.html
//!     async fn root(&self) -> Index {
//!         Index { message: "Hello world!" }
//!     }
//! }
//!
//! #[module(controllers = [AppController])]
//! struct AppModule;
//!
//! #[tokio::main]
//! async fn main() -> nestling::Result<()> {
//!     let mut app = nestling::create::<AppModule>().await?;
//!     app.set_base_views_dir("views").set_local("site", &"My site");
//!     app.listen(("127.0.0.1", 3000)).await
//! }
//! ```

mod engine;
mod error;
mod error_page;
mod locals;
pub(crate) mod rendering;
mod response;
mod settings;

pub(crate) use engine::{ViewEngine, routes_without_views};
pub use error::ViewError;
pub use locals::Locals;
pub(crate) use rendering::{is_pending, render_pending, waits_for_session};
pub(crate) use response::PendingView;
pub use response::{View, ViewContext, render};
pub(crate) use settings::ViewSettings;

/// The Tera version nestling renders with, for
/// [`configure_view_engine`](crate::Application::configure_view_engine)
/// (registering filters and functions) and [`Locals::insert_value`].
pub use tera;
