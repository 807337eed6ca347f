//! `StaticOptions`: serve-static's options, with its defaults.

use std::fmt;
use std::fs::Metadata;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

/// serve-static caps `maxAge` at one year.
const MAX_AGE_CAP: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A callback that adjusts a file's response headers (serve-static's
/// `setHeaders(res, path, stat)`); see [`StaticOptions::set_headers`].
///
/// ```
/// use std::sync::Arc;
/// use nestling::static_files::SetHeaders;
/// let no_sniff: SetHeaders = Arc::new(|headers, _path, _meta| {
///     headers.insert("x-content-type-options", "nosniff".parse().unwrap());
/// });
/// # let _ = no_sniff;
/// ```
pub type SetHeaders = Arc<dyn Fn(&mut HeaderMap, &Path, &Metadata) + Send + Sync>;

/// How to treat files and folders whose name starts with a dot
/// (serve-static's `dotfiles`).
///
/// ```
/// use nestling::static_files::{Dotfiles, StaticOptions};
/// let options = StaticOptions::default().dotfiles(Dotfiles::Deny);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dotfiles {
    /// Pretend they do not exist: 404, or on to the routes (the default).
    #[default]
    Ignore,
    /// Serve them like any other file.
    Allow,
    /// Answer 403 Forbidden.
    Deny,
}

/// The files tried for a folder's URL (serve-static's `index`): by default
/// `index.html`; `false` for none; or a list, tried in order.
///
/// ```
/// use nestling::static_files::Index;
/// assert_eq!(Index::from(false), Index::none());
/// assert_eq!(Index::from("home.html"), Index::from(["home.html"]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index(pub(crate) Vec<String>);

impl Index {
    /// No index file: a folder's URL is not found.
    ///
    /// ```
    /// assert!(nestling::static_files::Index::none().files().is_empty());
    /// ```
    pub fn none() -> Self {
        Index(Vec::new())
    }

    /// The files tried, in order.
    ///
    /// ```
    /// assert_eq!(nestling::static_files::Index::default().files(), ["index.html"]);
    /// ```
    pub fn files(&self) -> &[String] {
        &self.0
    }
}

impl Default for Index {
    fn default() -> Self {
        Index(vec!["index.html".to_string()])
    }
}

impl From<bool> for Index {
    /// `true`: the default (`index.html`); `false`: none.
    fn from(enabled: bool) -> Self {
        if enabled {
            Index::default()
        } else {
            Index::none()
        }
    }
}

impl From<&str> for Index {
    fn from(file: &str) -> Self {
        Index(vec![file.to_string()])
    }
}

impl From<String> for Index {
    fn from(file: String) -> Self {
        Index(vec![file])
    }
}

impl<S: Into<String>, const N: usize> From<[S; N]> for Index {
    fn from(files: [S; N]) -> Self {
        Index(files.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>> From<Vec<S>> for Index {
    fn from(files: Vec<S>) -> Self {
        Index(files.into_iter().map(Into::into).collect())
    }
}

/// The options of [`Application::use_static_assets`](crate::Application::use_static_assets),
/// named and defaulted as serve-static's (which Nest passes them to).
///
/// ```
/// use std::time::Duration;
/// use nestling::static_files::{Dotfiles, StaticOptions};
///
/// let options = StaticOptions::default()
///     .prefix("/static")
///     .max_age(Duration::from_secs(24 * 60 * 60))
///     .immutable(true)
///     .dotfiles(Dotfiles::Deny)
///     .extensions(["html"])
///     .index(false);
/// assert_eq!(options.get_prefix(), "/static");
/// ```
#[derive(Clone)]
pub struct StaticOptions {
    pub(crate) prefix: String,
    pub(crate) index: Index,
    pub(crate) dotfiles: Dotfiles,
    pub(crate) etag: bool,
    pub(crate) last_modified: bool,
    pub(crate) max_age: Duration,
    pub(crate) immutable: bool,
    pub(crate) cache_control: bool,
    pub(crate) accept_ranges: bool,
    pub(crate) extensions: Vec<String>,
    pub(crate) fallthrough: bool,
    pub(crate) redirect: bool,
    pub(crate) set_headers: Option<SetHeaders>,
}

impl Default for StaticOptions {
    fn default() -> Self {
        StaticOptions {
            prefix: String::new(),
            index: Index::default(),
            dotfiles: Dotfiles::Ignore,
            etag: true,
            last_modified: true,
            max_age: Duration::ZERO,
            immutable: false,
            cache_control: true,
            accept_ranges: true,
            extensions: Vec::new(),
            fallthrough: true,
            redirect: true,
            set_headers: None,
        }
    }
}

impl StaticOptions {
    /// The URL path the folder is mounted at (Nest's `prefix`); default: the
    /// root. `"/static"` serves `public/app.css` at `/static/app.css`.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let options = StaticOptions::default().prefix("/static");
    /// assert_eq!(options.get_prefix(), "/static");
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        let trimmed = prefix.trim_end_matches('/');
        self.prefix = if trimmed.is_empty() {
            String::new()
        } else if trimmed.starts_with('/') {
            trimmed.to_string()
        } else {
            format!("/{trimmed}")
        };
        self
    }

    /// The prefix, normalized (`""` for the root, else `/name` without a
    /// trailing slash).
    ///
    /// ```
    /// # use nestling::static_files::StaticOptions;
    /// assert_eq!(StaticOptions::default().prefix("assets/").get_prefix(), "/assets");
    /// ```
    pub fn get_prefix(&self) -> &str {
        &self.prefix
    }

    /// The files served for a folder's URL: `"index.html"` (the default), a
    /// list, or `false` for none.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let spa = StaticOptions::default().index(["index.html", "index.htm"]);
    /// let listing_off = StaticOptions::default().index(false);
    /// # let _ = (spa, listing_off);
    /// ```
    pub fn index(mut self, index: impl Into<Index>) -> Self {
        self.index = index.into();
        self
    }

    /// What to do with names that start with a dot; default [`Dotfiles::Ignore`].
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// // `.well-known/` must be reachable for ACME challenges.
    /// let options = StaticOptions::default().dotfiles(Dotfiles::Allow);
    /// # let _ = options;
    /// ```
    pub fn dotfiles(mut self, dotfiles: Dotfiles) -> Self {
        self.dotfiles = dotfiles;
        self
    }

    /// Sends a weak `ETag` and answers `If-None-Match` with 304; default true.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let options = StaticOptions::default().etag(false);
    /// # let _ = options;
    /// ```
    pub fn etag(mut self, enabled: bool) -> Self {
        self.etag = enabled;
        self
    }

    /// Sends `Last-Modified` and answers `If-Modified-Since` with 304; default true.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let options = StaticOptions::default().last_modified(false);
    /// # let _ = options;
    /// ```
    pub fn last_modified(mut self, enabled: bool) -> Self {
        self.last_modified = enabled;
        self
    }

    /// `Cache-Control: public, max-age=<seconds>`; default 0, at most a year
    /// (longer is capped, as serve-static does).
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// use std::time::Duration;
    /// let options = StaticOptions::default().max_age(Duration::from_secs(3600));
    /// # let _ = options;
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age.min(MAX_AGE_CAP);
        self
    }

    /// Adds `immutable` to `Cache-Control` (use it with a `max_age`, for
    /// fingerprinted file names); default false.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// use std::time::Duration;
    /// let fingerprinted = StaticOptions::default()
    ///     .max_age(Duration::from_secs(365 * 24 * 3600))
    ///     .immutable(true);
    /// # let _ = fingerprinted;
    /// ```
    pub fn immutable(mut self, immutable: bool) -> Self {
        self.immutable = immutable;
        self
    }

    /// Whether to send `Cache-Control` at all; default true.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let options = StaticOptions::default().cache_control(false);
    /// # let _ = options;
    /// ```
    pub fn cache_control(mut self, enabled: bool) -> Self {
        self.cache_control = enabled;
        self
    }

    /// Answers `Range` requests (one range: 206, or 416) and sends
    /// `Accept-Ranges: bytes`; default true.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let options = StaticOptions::default().accept_ranges(false);
    /// # let _ = options;
    /// ```
    pub fn accept_ranges(mut self, enabled: bool) -> Self {
        self.accept_ranges = enabled;
        self
    }

    /// Extensions tried, in order, when a URL without one is not found:
    /// `["html"]` serves `about.html` at `/about`. Default: none.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// // `/about` serves `about.html`.
    /// let options = StaticOptions::default().extensions(["html", "htm"]);
    /// # let _ = options;
    /// ```
    pub fn extensions<S: Into<String>>(mut self, extensions: impl IntoIterator<Item = S>) -> Self {
        self.extensions = extensions
            .into_iter()
            .map(|e| e.into().trim_start_matches('.').to_string())
            .collect();
        self
    }

    /// When true (serve-static's default), a file that is not there, or a
    /// method other than GET and HEAD, goes on to the app's routes; when
    /// false, the folder answers: 404, 403, 400, or 405 for other methods.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// // `/assets/*` belongs to the folder: misses are 404s, POSTs 405s.
    /// let options = StaticOptions::default().prefix("/assets").fallthrough(false);
    /// # let _ = options;
    /// ```
    pub fn fallthrough(mut self, fallthrough: bool) -> Self {
        self.fallthrough = fallthrough;
        self
    }

    /// Redirects a folder's URL without a trailing slash to the one with it
    /// (301); default true.
    ///
    /// ```
    /// # use nestling::static_files::*;
    /// let options = StaticOptions::default().redirect(false);
    /// # let _ = options;
    /// ```
    pub fn redirect(mut self, redirect: bool) -> Self {
        self.redirect = redirect;
        self
    }

    /// Adjusts the headers of every file served (serve-static's
    /// `setHeaders`). Headers it sets are kept: `ETag`, `Last-Modified` and
    /// `Cache-Control` are only added when it did not set them.
    ///
    /// ```
    /// # use nestling::static_files::StaticOptions;
    /// let options = StaticOptions::default().set_headers(|headers, path, _meta| {
    ///     if path.extension().is_some_and(|e| e == "pdf") {
    ///         headers.insert("content-disposition", "attachment".parse().unwrap());
    ///     }
    /// });
    /// # let _ = options;
    /// ```
    pub fn set_headers(
        mut self,
        set_headers: impl Fn(&mut HeaderMap, &Path, &Metadata) + Send + Sync + 'static,
    ) -> Self {
        self.set_headers = Some(Arc::new(set_headers));
        self
    }
}

impl fmt::Debug for StaticOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticOptions")
            .field("prefix", &self.prefix)
            .field("index", &self.index)
            .field("dotfiles", &self.dotfiles)
            .field("etag", &self.etag)
            .field("last_modified", &self.last_modified)
            .field("max_age", &self.max_age)
            .field("immutable", &self.immutable)
            .field("cache_control", &self.cache_control)
            .field("accept_ranges", &self.accept_ranges)
            .field("extensions", &self.extensions)
            .field("fallthrough", &self.fallthrough)
            .field("redirect", &self.redirect)
            .field("set_headers", &self.set_headers.is_some())
            .finish()
    }
}
