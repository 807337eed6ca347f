//! Encrypted cookie sessions, byte-compatible with @fastify/secure-session
//! 8 (`shared/specs/secure-session.md`): the whole session is JSON inside
//! one cookie, encrypted and authenticated with XSalsa20-Poly1305; no
//! store. The same [`Session`](crate::Session) handle serves both backends.
//!
//! How the pieces meet:
//!
//! * [`SecureSessionOptions`] (`options.rs`) is the builder users write;
//!   `into_config` checks it and, for a secret, derives the key once
//!   (`key.rs`: [`SessionKey`], Argon2id) into a [`SecureSessionConfig`]
//!   (`config.rs`).
//! * A request's cookie is found (`session/cookie_header.rs`), its escapes
//!   undone, parts split and base64 decoded in one pass (`cookie_value.rs`,
//!   with Node's lenient `base64.rs`), opened under the keys in order
//!   (`codec.rs`), and its JSON read (`payload.rs`) into a `CookieState`
//!   (`state.rs`), which keeps the plugin's `changed`/`deleted` flags.
//! * At the end of the request, `config.rs` encrypts the payload under the
//!   first key with a fresh nonce (`nonce.rs`) and writes the `Set-Cookie` with the
//!   attributes of `set_cookie.rs`, refusing one over 4096 bytes.
//! * `session.rs` is the wiring: what a `Session` handle holds, loading on
//!   first use and the commit after the handler.

mod base64;
mod codec;
mod config;
mod cookie_value;
mod key;
mod nonce;
mod options;
mod payload;
mod scratch;
pub(crate) mod session;
mod set_cookie;
mod state;

pub use config::SecureSessionConfig;
pub use key::SessionKey;
pub use options::SecureSessionOptions;
pub(crate) use session::CookieSession;
