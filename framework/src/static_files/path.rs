//! From the URL path to a path inside the folder, refusing every way out:
//! the path is percent-decoded exactly once (so `%252e%252e` stays the
//! harmless name `%2e%2e`), then split on `/`; a `..` segment (however it was
//! encoded), a backslash or a NUL byte is refused, and `.` and empty
//! segments are dropped, so the segments pushed onto the folder can only go
//! down. Symbolic links are checked later, on the file system (`serve.rs`).

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use super::Dotfiles;

/// Why a URL path is refused, as `send` answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not valid percent-encoded UTF-8, or a NUL byte: 400.
    BadRequest,
    /// A way out of the folder, or a denied dotfile: 403.
    Forbidden,
    /// An ignored dotfile: as if it did not exist.
    NotFound,
}

/// A URL path made safe: the segments below the folder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SafePath {
    segments: Vec<String>,
    /// The URL ended with `/` (a folder is meant).
    pub(crate) trailing_slash: bool,
}

impl SafePath {
    /// Decodes and checks `rest`, the URL path after the mount prefix (raw,
    /// percent-encoded; empty or starting with `/`).
    pub(crate) fn parse(rest: &str, dotfiles: Dotfiles) -> Result<SafePath, Refusal> {
        let decoded = percent_decode_str(rest)
            .decode_utf8()
            .map_err(|_| Refusal::BadRequest)?;
        if decoded.contains('\0') {
            return Err(Refusal::BadRequest);
        }
        // On Windows a backslash separates folders; nowhere is it needed in
        // a public file's URL.
        if decoded.contains('\\') {
            return Err(Refusal::Forbidden);
        }
        let mut segments = Vec::new();
        for segment in decoded.split('/') {
            match segment {
                "" | "." => continue,
                ".." => return Err(Refusal::Forbidden),
                _ if segment.starts_with('.') => match dotfiles {
                    Dotfiles::Allow => {}
                    Dotfiles::Deny => return Err(Refusal::Forbidden),
                    Dotfiles::Ignore => return Err(Refusal::NotFound),
                },
                _ => {}
            }
            segments.push(segment.to_string());
        }
        Ok(SafePath {
            segments,
            trailing_slash: decoded.ends_with('/'),
        })
    }

    /// The path under `root`.
    pub(crate) fn under(&self, root: &Path) -> PathBuf {
        let mut path = root.to_path_buf();
        for segment in &self.segments {
            path.push(segment);
        }
        path
    }

    /// Whether the last segment has an extension (`send` only tries the
    /// `extensions` fallback for names without one).
    pub(crate) fn has_extension(&self) -> bool {
        self.segments
            .last()
            .is_some_and(|last| last.rfind('.').is_some_and(|dot| dot > 0))
    }

    /// Whether this is the folder itself.
    pub(crate) fn is_root(&self) -> bool {
        self.segments.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rest: &str) -> Result<SafePath, Refusal> {
        SafePath::parse(rest, Dotfiles::Ignore)
    }

    fn under(rest: &str) -> PathBuf {
        parse(rest).unwrap().under(Path::new("/srv/public"))
    }

    #[test]
    fn plain_paths_stay_under_the_folder() {
        assert_eq!(under("/css/app.css"), Path::new("/srv/public/css/app.css"));
        assert_eq!(under("//etc/passwd"), Path::new("/srv/public/etc/passwd"));
        assert_eq!(under("/./a/./b"), Path::new("/srv/public/a/b"));
        assert_eq!(under("/caf%C3%A9.txt"), Path::new("/srv/public/café.txt"));
    }

    #[test]
    fn every_spelling_of_dot_dot_is_forbidden() {
        for attempt in [
            "/../Cargo.toml",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/..%2fx",
            "/..%2Fx",
            "/.%2e/x",
            "/..",
        ] {
            assert_eq!(parse(attempt), Err(Refusal::Forbidden), "{attempt}");
        }
    }

    #[test]
    fn double_encoding_is_decoded_once_into_a_harmless_name() {
        assert_eq!(under("/%252e%252e/x"), Path::new("/srv/public/%2e%2e/x"));
    }

    #[test]
    fn backslashes_nul_and_bad_encoding_are_refused() {
        assert_eq!(parse("/%5c..%5cx"), Err(Refusal::Forbidden));
        assert_eq!(parse("/a%5Cb"), Err(Refusal::Forbidden));
        assert_eq!(parse("/a%00.txt"), Err(Refusal::BadRequest));
        assert_eq!(parse("/%ff"), Err(Refusal::BadRequest));
    }

    #[test]
    fn dotfiles_follow_the_policy() {
        assert_eq!(parse("/.env"), Err(Refusal::NotFound));
        assert_eq!(parse("/.git/config"), Err(Refusal::NotFound));
        assert_eq!(
            SafePath::parse("/.env", Dotfiles::Deny),
            Err(Refusal::Forbidden)
        );
        assert!(SafePath::parse("/.well-known/x", Dotfiles::Allow).is_ok());
    }

    #[test]
    fn trailing_slash_and_extension() {
        assert!(parse("/docs/").unwrap().trailing_slash);
        assert!(!parse("/docs").unwrap().trailing_slash);
        assert!(parse("/a.b/c.txt").unwrap().has_extension());
        assert!(!parse("/a.b/c").unwrap().has_extension());
        assert!(parse("").unwrap().is_root());
    }
}
