//! Where session middlewares are mounted (`use_session`, `use_session_at`,
//! `use_secure_session`, `use_secure_session_at`), and which one a request
//! gets.

use std::sync::Arc;

use super::{SecureSessionConfig, SecureSessionOptions, SessionConfig, SessionOptions};
use crate::error::{Error, Result};

/// The options of one mount, either backend.
#[derive(Debug, Clone)]
pub(crate) enum MountOptions {
    Store(SessionOptions),
    Cookie(SecureSessionOptions),
}

impl From<SessionOptions> for MountOptions {
    fn from(options: SessionOptions) -> Self {
        MountOptions::Store(options)
    }
}

impl From<SecureSessionOptions> for MountOptions {
    fn from(options: SecureSessionOptions) -> Self {
        MountOptions::Cookie(options)
    }
}

/// One validated mount.
#[derive(Debug)]
pub(crate) enum Mount {
    /// express-session with a store.
    Store(Arc<SessionConfig>),
    /// An encrypted cookie session.
    Cookie(Arc<SecureSessionConfig>),
}

impl Mount {
    #[cfg(test)]
    fn name(&self) -> &str {
        match self {
            Mount::Store(config) => config.name(),
            Mount::Cookie(config) => config.name(),
        }
    }
}

/// The validated session configurations, by mount path.
#[derive(Debug, Default)]
pub(crate) struct SessionMounts {
    mounts: Vec<(String, Mount)>,
}

impl SessionMounts {
    /// Validates every configuration, reporting all problems at once.
    pub(crate) fn new(options: Vec<(String, MountOptions)>) -> Result<Self> {
        let mut mounts = Vec::with_capacity(options.len());
        let mut problems = Vec::new();
        for (path, options) in options {
            let path = normalise(&path);
            let config = match options {
                MountOptions::Store(options) => {
                    options.into_config().map(|c| Mount::Store(Arc::new(c)))
                }
                MountOptions::Cookie(options) => {
                    options.into_config().map(|c| Mount::Cookie(Arc::new(c)))
                }
            };
            match config {
                Ok(config) => mounts.push((path, config)),
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
    pub(crate) fn for_path(&self, path: &str) -> Option<&Mount> {
        self.mounts
            .iter()
            .find(|(mount, _)| {
                mount == "/"
                    // Express matches `app.use` paths case-insensitively.
                    || (path
                        .as_bytes()
                        .get(..mount.len())
                        .is_some_and(|start| start.eq_ignore_ascii_case(mount.as_bytes()))
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
            ("/admin/".into(), options("a").into()),
            ("/".into(), options("b").into()),
        ])
        .unwrap();
        assert_eq!(mounts.for_path("/admin").unwrap().name(), "a");
        assert_eq!(mounts.for_path("/admin/x").unwrap().name(), "a");
        assert_eq!(mounts.for_path("/administrator").unwrap().name(), "b");
        // As Express's `app.use("/admin", session(..))`: case-insensitive.
        assert_eq!(mounts.for_path("/ADMIN/x").unwrap().name(), "a");
        assert_eq!(mounts.for_path("/Admin").unwrap().name(), "a");
        assert_eq!(mounts.for_path("/").unwrap().name(), "b");
    }

    #[test]
    fn both_backends_mount_side_by_side() {
        let mounts = SessionMounts::new(vec![
            (
                "/api".into(),
                SecureSessionOptions::new().key([7; 32]).into(),
            ),
            ("/".into(), options("b").into()),
        ])
        .unwrap();
        assert!(matches!(mounts.for_path("/api/x"), Some(Mount::Cookie(_))));
        assert!(matches!(mounts.for_path("/x"), Some(Mount::Store(_))));
        assert_eq!(mounts.for_path("/api").unwrap().name(), "session");
    }

    #[test]
    fn every_invalid_mount_is_reported() {
        let error = SessionMounts::new(vec![
            ("/a".into(), SessionOptions::new().into()),
            ("/b".into(), SessionOptions::new().into()),
            ("/c".into(), SecureSessionOptions::new().into()),
        ])
        .unwrap_err();
        assert_eq!(error.problems().len(), 3, "{error}");
        assert!(
            error.problems()[2].starts_with("sessions at /c: cookie sessions need a key"),
            "{error}"
        );
        assert!(
            error.problems()[0].starts_with("sessions at /a: "),
            "{error}"
        );
    }
}
