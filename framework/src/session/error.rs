//! Errors of the session API: a value of the wrong type, a reserved key, a
//! stored session that cannot be read, a store failure.

use std::borrow::Cow;
use std::fmt;

use super::store::StoreError;
use crate::exception::HttpException;

/// An error from a session operation. Its `Display` says what went wrong and
/// what to do; inside a handler it converts into a 500
/// [`HttpException`] with `?`.
pub struct SessionError {
    kind: Kind,
}

enum Kind {
    /// `get::<T>` found a value that is not a `T`.
    Type {
        key: String,
        error: serde_json::Error,
    },
    /// `insert` was given a value serde cannot turn into JSON.
    Serialize {
        key: String,
        error: serde_json::Error,
    },
    /// `insert` was given a name express-session reserves.
    Reserved(String),
    /// The store returned a document that is not a session.
    Corrupt(Cow<'static, str>),
    /// `reload()` found nothing in the store (express-session's
    /// `failed to load session`).
    NotFound,
    /// The session was destroyed (or unset) earlier in this request.
    Gone,
    /// The session cookie cannot be written (spec §4.7).
    Cookie(Cow<'static, str>),
    /// The operating system's random source failed.
    Random(getrandom::Error),
    /// The session store failed.
    Store(StoreError),
}

impl SessionError {
    pub(crate) fn type_mismatch(key: &str, error: serde_json::Error) -> Self {
        Self::of(Kind::Type {
            key: key.to_owned(),
            error,
        })
    }

    pub(crate) fn serialize(key: &str, error: serde_json::Error) -> Self {
        Self::of(Kind::Serialize {
            key: key.to_owned(),
            error,
        })
    }

    pub(crate) fn reserved(key: &str) -> Self {
        Self::of(Kind::Reserved(key.to_owned()))
    }

    pub(crate) fn corrupt(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::of(Kind::Corrupt(reason.into()))
    }

    pub(crate) fn not_found() -> Self {
        Self::of(Kind::NotFound)
    }

    pub(crate) fn gone() -> Self {
        Self::of(Kind::Gone)
    }

    pub(crate) fn cookie(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::of(Kind::Cookie(reason.into()))
    }

    pub(crate) fn random(error: getrandom::Error) -> Self {
        Self::of(Kind::Random(error))
    }

    fn of(kind: Kind) -> Self {
        SessionError { kind }
    }

    /// Whether a stored value did not have the type asked for.
    pub fn is_type_mismatch(&self) -> bool {
        matches!(self.kind, Kind::Type { .. })
    }

    /// Whether a key is reserved (`cookie`, or a name express-session uses
    /// for a method, spec §3.2 I5).
    pub fn is_reserved(&self) -> bool {
        matches!(self.kind, Kind::Reserved(_))
    }

    /// Whether the store's document for this session is not a session.
    pub fn is_corrupt(&self) -> bool {
        matches!(self.kind, Kind::Corrupt(_))
    }

    /// Whether `reload()` found no session in the store.
    pub fn is_not_found(&self) -> bool {
        matches!(self.kind, Kind::NotFound)
    }

    /// Whether the session was destroyed earlier in this request.
    pub fn is_gone(&self) -> bool {
        matches!(self.kind, Kind::Gone)
    }

    /// Whether the session cookie could not be written.
    pub fn is_cookie(&self) -> bool {
        matches!(self.kind, Kind::Cookie(_))
    }

    /// The store's error, when the store failed.
    pub fn store_error(&self) -> Option<&StoreError> {
        match &self.kind {
            Kind::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for SessionError {
    fn from(error: StoreError) -> Self {
        Self::of(Kind::Store(error))
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Type { key, error } => write!(
                f,
                "the session value `{key}` does not have the type asked for: {error}"
            ),
            Kind::Serialize { key, error } => write!(
                f,
                "the value for session key `{key}` cannot be stored as JSON: {error}"
            ),
            Kind::Reserved(key) => write!(
                f,
                "`{key}` cannot be a session key: express-session reserves it \
                 (`cookie` holds the session cookie; `id`, `req`, `save`, `reload`, \
                 `touch`, `destroy`, `regenerate`, `resetMaxAge` and JavaScript's \
                 `Object.prototype` names are dropped when a session is loaded); \
                 choose another name"
            ),
            Kind::Corrupt(reason) => write!(f, "the stored session cannot be read: {reason}"),
            Kind::NotFound => f.write_str("failed to load session"),
            Kind::Gone => f.write_str(
                "the session was destroyed earlier in this request; \
                 call `regenerate()` for a new one",
            ),
            Kind::Cookie(reason) => write!(f, "the session cookie cannot be set: {reason}"),
            Kind::Random(e) => write!(
                f,
                "cannot generate a session id: the operating system's random source failed ({e})"
            ),
            Kind::Store(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Debug for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for SessionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Type { error, .. } | Kind::Serialize { error, .. } => Some(error),
            Kind::Store(e) => Some(e),
            Kind::Random(e) => Some(e),
            _ => None,
        }
    }
}

impl From<SessionError> for HttpException {
    /// A session failure inside a handler is a server error: Nest's 500
    /// body, with the cause logged, never sent.
    fn from(error: SessionError) -> Self {
        HttpException::internal_server_error().cause(error)
    }
}
