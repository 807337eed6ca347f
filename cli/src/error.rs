//! The one error type of the CLI: a message for the user, printed after
//! `error:`, and the process exits with status 1.

use std::fmt;

/// Something the command could not do, said so the user can fix it.
#[derive(Debug)]
pub struct CliError {
    message: String,
}

impl CliError {
    pub fn new(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
        }
    }

    /// An I/O failure on `path`, with what was being done.
    pub fn io(doing: &str, path: &std::path::Path, cause: std::io::Error) -> CliError {
        CliError::new(format!("could not {doing} `{}`: {cause}", path.display()))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}
