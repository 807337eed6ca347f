//! nestling's own error type, for start-up and serving (request errors are
//! [`HttpException`](crate::HttpException)s instead).

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// An error from starting or running an app. Its `Display` says what went
/// wrong and what to do about it.
pub struct Error {
    kind: Kind,
}

enum Kind {
    /// The app's configuration is wrong; every problem found is listed.
    Startup(Vec<String>),
    /// The address could not be bound.
    Bind(Option<SocketAddr>, io::Error),
    /// Any other I/O failure.
    Io(io::Error),
}

/// `Result<T, nestling::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn startup(problems: Vec<String>) -> Self {
        Error {
            kind: Kind::Startup(problems),
        }
    }

    pub(crate) fn bind(addr: Option<SocketAddr>, error: io::Error) -> Self {
        Error {
            kind: Kind::Bind(addr, error),
        }
    }

    pub(crate) fn io(error: io::Error) -> Self {
        Error {
            kind: Kind::Io(error),
        }
    }

    /// Whether the app refused to start because of its configuration
    /// (routes, modules, options).
    pub fn is_startup(&self) -> bool {
        matches!(self.kind, Kind::Startup(_))
    }

    /// Whether the listening address could not be bound.
    pub fn is_bind(&self) -> bool {
        matches!(self.kind, Kind::Bind(..))
    }

    /// The configuration problems, one sentence each (empty for other errors).
    pub fn problems(&self) -> &[String] {
        match &self.kind {
            Kind::Startup(p) => p,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Startup(problems) => {
                let n = problems.len();
                write!(
                    f,
                    "the app cannot start: {n} problem{} found",
                    if n == 1 { "" } else { "s" }
                )?;
                for problem in problems {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
            Kind::Bind(Some(addr), e) => write!(
                f,
                "cannot listen on {addr}: {e}; is another server using this port? Set PORT to another one"
            ),
            Kind::Bind(None, e) => write!(f, "cannot listen: {e}"),
            Kind::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl fmt::Debug for Error {
    // `main` returning `Result` prints Debug: keep it as readable as Display.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Bind(_, e) | Kind::Io(e) => Some(e),
            Kind::Startup(_) => None,
        }
    }
}
