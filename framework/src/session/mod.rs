//! Sessions that behave exactly like express-session 1.19: same options and
//! defaults, same cookie on the wire, same store contract and documents.
//! Rule numbers in comments (R3, C4, ...) refer to
//! `shared/specs/express-session.md`.
//!
//! How the pieces meet:
//!
//! * [`SessionOptions`] and [`CookieOptions`] (`options.rs`) are the
//!   builders users write; `into_config` validates them into a
//!   [`SessionConfig`] (`config.rs`), which runs a request's session step
//!   by step: path check, reading the signed cookie (`cookie_header.rs`,
//!   `signature.rs`), generating (`id.rs`) or loading, and the
//!   end-of-request commit.
//! * [`SessionState`] (`state.rs`) is one request's session: its
//!   [`SessionData`] (`data.rs`), its [`SessionCookie`] (`cookie.rs`) and the
//!   flags express-session keeps per request; `decision.rs` holds the pure
//!   rules that decide saving, touching, destroying and `Set-Cookie`
//!   (written by `set_cookie.rs`).
//! * Stores (`store/`) keep the JSON document of `document.rs`, written with
//!   JavaScript's number format (`json.rs`) and dates (`date.rs`); the
//!   cookie member's last text and value are remembered per thread
//!   (`cookie_memo.rs`), since most documents share it;
//!   [`MemoryStore`] is the default and purges expired sessions.
//! * [`Session`] (`handle.rs`) is the injector handlers take; `request.rs`
//!   loads it on first use and commits it after the handler
//!   (`controller::finish`), with the store call run to completion even if
//!   the client goes away (`completion.rs`).
//! * `secure.rs` decides whether a request is secure (`proxy`, trust proxy).
//! * `secure_cookie/` is the other backend: no store, the session encrypted
//!   in the cookie as @fastify/secure-session does ([`SecureSessionOptions`],
//!   `app.use_secure_session`); `mounts.rs` holds both kinds.

mod completion;
mod config;
mod cookie;
mod cookie_header;
mod cookie_memo;
mod data;
mod date;
mod decision;
mod document;
mod error;
mod handle;
mod id;
mod json;
mod mounts;
mod options;
pub(crate) mod request;
mod secure;
mod secure_cookie;
mod set_cookie;
mod signature;
mod state;
pub mod store;

pub use config::SessionConfig;
pub use cookie::{Priority, SameSite, SessionCookie};
pub use cookie_header::CookieId;
pub use data::SessionData;
pub use decision::{
    Commit, Rules, StoreAction, should_destroy, should_save, should_set_cookie, should_touch,
};
pub use error::SessionError;
pub use handle::Session;
pub use id::generate_id;
pub(crate) use mounts::{Mount, MountOptions, SessionMounts};
pub use options::{
    CookieOptions, DEPRECATED_RESAVE, DEPRECATED_SAVE_UNINITIALIZED, Secure, SessionOptions, Unset,
};
pub use secure::is_secure;
pub use secure_cookie::{SecureSessionConfig, SecureSessionOptions, SessionKey};
pub use state::SessionState;
#[cfg(feature = "postgres")]
pub use store::PostgresStore;
#[cfg(feature = "redis")]
pub use store::RedisStore;
pub use store::{
    MemoryStore, PRODUCTION_WARNING, SessionStore, SharedStore, StoreError, StoredSession,
};
