//! Where session middlewares are mounted (`use_session`, `use_session_at`),
//! and which one a request gets.

use std::sync::Arc;

use super::{SessionConfig, SessionOptions};
use crate::error::{Error, Result};

/// The validated session configurations, by mount path.
#[derive(Debug, Default)]
pub(crate) struct SessionMounts {
    mounts: Vec<(String, Arc<SessionConfig>)>,
}

impl SessionMounts {
    /// Validates every configuration, reporting all problems at once.
    pub(crate) fn new(options: Vec<(String, SessionOptions)>) -> Result<Self> {
        let mut mounts = Vec::with_capacity(options.len());
        let mut problems = Vec::new();
        for (path, options) in options {
            let path = normalise(&path);
            match options.into_config() {
                Ok(config) => mounts.push((path, Arc::new(config))),
                Err(error) => problems.extend(error.problems().iter().map(|p| {
                    if path == "/" {
                        p.clone()
                    } else {
                        format!("sessions at {path}: {p}")
                    }
                })),
            }
        }
        if problems.is_empty() {
            Ok(SessionMounts { mounts })
        } else {
            Err(Error::startup(problems))
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.mounts.is_empty()
    }

    /// The configuration of the first mount covering `path` (Express's
    /// mount matching: the mount path, then `/` or the end).
    pub(crate) fn for_path(&self, path: &str) -> Option<&Arc<SessionConfig>> {
        self.mounts
            .iter()
            .find(|(mount, _)| {
                mount == "/"
                    || (path.starts_with(mount.as_str())
                        && matches!(path.as_bytes().get(mount.len()), None | Some(b'/')))
            })
            .map(|(_, config)| config)
    }
}

fn normalise(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(name: &str) -> SessionOptions {
        SessionOptions::new()
            .name(name)
            .secret("x")
            .resave(false)
            .save_uninitialized(false)
    }

    #[test]
    fn a_request_gets_the_first_mount_covering_its_path() {
        let mounts = SessionMounts::new(vec![
            ("/admin/".into(), options("a")),
            ("/".into(), options("b")),
        ])
        .unwrap();
        assert_eq!(mounts.for_path("/admin").unwrap().name(), "a");
        assert_eq!(mounts.for_path("/admin/x").unwrap().name(), "a");
        assert_eq!(mounts.for_path("/administrator").unwrap().name(), "b");
        assert_eq!(mounts.for_path("/").unwrap().name(), "b");
    }

    #[test]
    fn every_invalid_mount_is_reported() {
        let error = SessionMounts::new(vec![
            ("/a".into(), SessionOptions::new()),
            ("/b".into(), SessionOptions::new()),
        ])
        .unwrap_err();
        assert_eq!(error.problems().len(), 2, "{error}");
        assert!(
            error.problems()[0].starts_with("sessions at /a: "),
            "{error}"
        );
    }
}
