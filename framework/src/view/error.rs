//! The error of view operations that can fail outside a render.

use std::fmt;

/// Why a value could not become a template variable, or a view could not be
/// rendered. Its `Display` is Tera's report (with the template, line and
/// column when it has them).
///
/// ```
/// use std::collections::HashMap;
/// use nestling::view::Locals;
///
/// // Map keys must be strings or numbers to become template variables.
/// let weird: HashMap<(u8, u8), u8> = HashMap::from([((1, 2), 3)]);
/// let error = Locals::new().insert("weird", &weird).unwrap_err();
/// assert!(!error.to_string().is_empty());
/// ```
pub struct ViewError {
    kind: Kind,
}

enum Kind {
    /// A value's `Serialize` implementation failed.
    Serialize(tera::Error),
    /// Tera failed to render.
    Render(tera::Error),
    /// Anything else, already written for the user.
    Message(String),
}

impl ViewError {
    pub(crate) fn serialize(error: tera::Error) -> Self {
        ViewError {
            kind: Kind::Serialize(error),
        }
    }

    pub(crate) fn render(error: tera::Error) -> Self {
        ViewError {
            kind: Kind::Render(error),
        }
    }

    pub(crate) fn message(message: impl Into<String>) -> Self {
        ViewError {
            kind: Kind::Message(message.into()),
        }
    }

    /// Whether a value could not be turned into template variables.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # let weird: HashMap<(u8, u8), u8> = HashMap::from([((1, 2), 3)]);
    /// let error = nestling::view::Locals::new().insert("weird", &weird).unwrap_err();
    /// assert!(error.is_serialize());
    /// ```
    pub fn is_serialize(&self) -> bool {
        matches!(self.kind, Kind::Serialize(_))
    }
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Serialize(e) => write!(f, "the value cannot become template variables: {e}"),
            Kind::Render(e) => {
                write!(f, "{e}")?;
                // Tera chains the cause of a failing filter or function.
                let mut source = std::error::Error::source(e);
                while let Some(cause) = source {
                    write!(f, "\ncaused by: {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            Kind::Message(m) => f.write_str(m),
        }
    }
}

impl fmt::Debug for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ViewError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Serialize(e) | Kind::Render(e) => Some(e),
            Kind::Message(_) => None,
        }
    }
}
