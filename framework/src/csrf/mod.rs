//! CSRF protection (csurf's synchronizer token): a secret kept in the
//! session, a token derived from it in every form, and a check of that
//! token on every unsafe request before its handler runs.
//!
//! * `options.rs`: [`CsrfOptions`] (`app.use_csrf(..)`), checked at start-up.
//! * `token.rs`: csurf's tokens: a secret of 18 random bytes, tokens
//!   `salt-hash` made fresh for each render (so a compressed page does not
//!   leak a fixed token), compared in constant time.
//! * `guard.rs`: the check on POST, PUT, PATCH and DELETE (the token from a
//!   header or the form field), a 403 with Nest's body when it fails;
//!   `#[skip_csrf]` routes are left out.
//! * `locals.rs`: `csrf_token` for every rendered template, and the Tera
//!   functions `csrf_token()` and `csrf_field()`.
//! * `injector.rs`: [`CsrfToken`], the token for handlers that hand it to
//!   scripts.
//!
//! The secret is part of the session, so `session.regenerate()` on login
//! replaces it: a token taken before login is refused after it.
//!
//! ```no_run
//! use nestling::csrf::CsrfOptions;
//! use nestling::SessionOptions;
//! # #[nestling::module] struct AppModule;
//! # async fn run() -> nestling::Result<()> {
//! let mut app = nestling::create::<AppModule>().await?;
//! app.use_session(SessionOptions::new().secret("keyboard cat"))
//!     .set_base_views_dir("views")
//!     .use_csrf(CsrfOptions::default());
//! # Ok(()) }
//! ```

mod guard;
mod injector;
pub(crate) mod locals;
mod options;
mod token;

pub(crate) use guard::{guarded, guards};
pub use injector::CsrfToken;
pub(crate) use options::CsrfConfig;
pub use options::CsrfOptions;
