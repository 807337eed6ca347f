//! The error a session store reports.

use std::borrow::Cow;
use std::fmt;

use crate::BoxError;

/// A session store's failure: opaque, with a message for whoever reads the
/// logs and, optionally, the underlying cause.
///
/// A `get` that fails with [`StoreError::not_found`] counts as "no such
/// session" (express-session's `ENOENT` rule, spec R9); any other `get`
/// error fails the request with a 500.
///
/// ```
/// use nestling::session::StoreError;
///
/// let io = std::io::Error::other("connection reset");
/// let error = StoreError::with_cause("cannot reach the session database", io);
/// assert_eq!(error.to_string(), "cannot reach the session database: connection reset");
/// ```
pub struct StoreError {
    kind: Kind,
    message: Cow<'static, str>,
    cause: Option<BoxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Failed,
    NotFound,
    Unsupported,
}

impl StoreError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        StoreError {
            kind: Kind::Failed,
            message: message.into(),
            cause: None,
        }
    }

    /// A failure described by `message`, caused by `cause`.
    pub fn with_cause(message: impl Into<Cow<'static, str>>, cause: impl Into<BoxError>) -> Self {
        StoreError {
            kind: Kind::Failed,
            message: message.into(),
            cause: Some(cause.into()),
        }
    }

    /// "No such session", reported as an error (Node's `ENOENT`): the
    /// session layer treats it as a missing session and starts a new one.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        StoreError {
            kind: Kind::NotFound,
            message: message.into(),
            cause: None,
        }
    }

    /// The store does not implement `operation` (`all`, `length` and
    /// `clear` are optional; the session layer never calls them).
    pub fn unsupported(operation: &'static str) -> Self {
        StoreError {
            kind: Kind::Unsupported,
            message: Cow::Owned(format!(
                "this session store does not implement `{operation}`; use a store that does, \
                 or keep track of sessions yourself"
            )),
            cause: None,
        }
    }

    /// Whether this is "no such session" ([`StoreError::not_found`]).
    pub fn is_not_found(&self) -> bool {
        self.kind == Kind::NotFound
    }

    /// Whether the store does not implement the operation.
    pub fn is_unsupported(&self) -> bool {
        self.kind == Kind::Unsupported
    }

    /// The message, without the cause.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("StoreError");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(cause) = &self.cause {
            d.field("cause", cause);
        }
        d.finish()
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_messages() {
        let error = StoreError::new("store get failed");
        assert_eq!(error.to_string(), "store get failed");
        assert!(!error.is_not_found() && !error.is_unsupported());
        assert!(StoreError::not_found("store get not found").is_not_found());
        let error = StoreError::unsupported("all");
        assert!(error.is_unsupported());
        assert!(error.to_string().contains("`all`"));
        let error = StoreError::with_cause("x", std::io::Error::other("y"));
        assert!(std::error::Error::source(&error).is_some());
        assert_eq!(error.message(), "x");
    }
}
