//! express-session's options (spec §1.1), as typed builders with its
//! defaults. [`SessionOptions::into_config`] validates them once, at start-up.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::request::Parts;

use super::SessionError;
use super::config::SessionConfig;
use super::cookie::{Priority, SameSite};
use super::set_cookie;
use super::store::{MemoryStore, SessionStore, SharedStore};

/// Generates session ids from the request (express-session's `genid`).
pub(crate) type GenId = Arc<dyn Fn(&Parts) -> String + Send + Sync>;

/// Computes cookie options per request (express-session 1.19's `cookie`
/// function).
pub(crate) type CookieFn = Arc<dyn Fn(&Parts) -> CookieOptions + Send + Sync>;

/// Hears about errors at the end of a request (see
/// [`SessionOptions::on_commit_error`]).
pub(crate) type CommitErrorFn = Arc<dyn Fn(&SessionError) + Send + Sync>;

/// What happens to the stored session when a handler unsets it (`unset`,
/// spec O6, E1-E2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unset {
    /// Keep the stored session; only this request's changes are dropped.
    /// express-session's default.
    #[default]
    Keep,
    /// Delete the stored session at the end of the request.
    Destroy,
}

/// The `secure` cookie option (spec O10, G2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secure {
    /// `secure: true`: `Secure` attribute; the cookie is only sent over
    /// HTTPS (never over plain HTTP, where the session is still saved).
    Always,
    /// `secure: false`: no attribute, and `"secure":false` in the stored
    /// document (leaving the option unset omits it).
    Never,
    /// `secure: 'auto'`: secure if the request that creates the session is
    /// (decided once, at creation; see [`SessionOptions::proxy`]).
    Auto,
}

impl From<bool> for Secure {
    fn from(secure: bool) -> Self {
        if secure {
            Secure::Always
        } else {
            Secure::Never
        }
    }
}

/// The session cookie's lifetime, as given in options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CookieLifetime {
    MaxAge(Duration),
    Expires(SystemTime),
}

/// Options of the session cookie (express-session's `cookie` option), with
/// its defaults.
///
/// ```
/// use std::time::Duration;
/// use nestling::session::{CookieOptions, SameSite, Secure};
///
/// let cookie = CookieOptions::default()
///     .secure(Secure::Auto)
///     .same_site(SameSite::Lax)
///     .max_age(Duration::from_secs(3600));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieOptions {
    /// `Path`; default `/`. Also limits the session to requests whose path
    /// starts with it (spec R3).
    pub(crate) path: Cow<'static, str>,
    /// `HttpOnly`; default true.
    pub(crate) http_only: bool,
    /// `Secure`; default unset (no attribute, absent from the document).
    pub(crate) secure: Option<Secure>,
    /// `maxAge` or `expires`, whichever was given last; default none: a
    /// browser-session cookie (no `Expires`).
    pub(crate) lifetime: Option<CookieLifetime>,
    /// `Domain`; default unset (the cookie is host-only).
    pub(crate) domain: Option<Cow<'static, str>>,
    /// `SameSite`; default unset (no attribute).
    pub(crate) same_site: Option<SameSite>,
    /// `Partitioned`; default unset.
    pub(crate) partitioned: Option<bool>,
    /// `Priority`; default unset.
    pub(crate) priority: Option<Priority>,
}

impl Default for CookieOptions {
    fn default() -> Self {
        CookieOptions {
            path: Cow::Borrowed("/"),
            http_only: true,
            secure: None,
            lifetime: None,
            domain: None,
            same_site: None,
            partitioned: None,
            priority: None,
        }
    }
}

impl CookieOptions {
    /// express-session's defaults: `{ path: '/', httpOnly: true }`.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Path` (default `/`). Sessions only exist on requests whose raw path
    /// starts with it, compared as plain text (spec R3: `/foo` also covers
    /// `/foobar`).
    pub fn path(mut self, path: impl Into<Cow<'static, str>>) -> Self {
        self.path = path.into();
        self
    }

    /// `HttpOnly` (default true): scripts in the page cannot read the cookie.
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.http_only = http_only;
        self
    }

    /// `Secure` (default unset): `true`, `false` or [`Secure::Auto`].
    pub fn secure(mut self, secure: impl Into<Secure>) -> Self {
        self.secure = Some(secure.into());
        self
    }

    /// The cookie's lifetime (default none: a browser-session cookie). It
    /// restarts on every request that sends the cookie or saves the session.
    /// Replaces an earlier [`expires`](Self::expires).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.lifetime = Some(CookieLifetime::MaxAge(max_age));
        self
    }

    /// A fixed expiry. As in express-session it acts as a max age frozen at
    /// the session's creation (`expires - creation`), so it drifts forward
    /// with the session's age (spec K7). Replaces an earlier
    /// [`max_age`](Self::max_age).
    pub fn expires(mut self, expires: SystemTime) -> Self {
        self.lifetime = Some(CookieLifetime::Expires(expires));
        self
    }

    /// `Domain` (default unset: only the host that set the cookie gets it).
    pub fn domain(mut self, domain: impl Into<Cow<'static, str>>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// `SameSite` (default unset); [`SameSite::Auto`] picks `None` for
    /// sessions created over HTTPS and `Lax` otherwise.
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = Some(same_site);
        self
    }

    /// `Partitioned` (default unset).
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = Some(partitioned);
        self
    }

    /// `Priority` (default unset).
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Whether a request for the raw (still percent-encoded) `path` gets a
    /// session: the path must start with the cookie's path, compared
    /// case-sensitively as plain text; an empty cookie path means `/`
    /// (spec R3).
    ///
    /// ```
    /// use nestling::session::CookieOptions;
    ///
    /// let options = CookieOptions::default().path("/path/in");
    /// assert!(options.matches_path("/path/in/visits"));
    /// assert!(!options.matches_path("/path/%69n"));
    /// ```
    pub fn matches_path(&self, path: &str) -> bool {
        let path = if path.is_empty() { "/" } else { path };
        let cookie_path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        path.starts_with(cookie_path)
    }

    /// Problems that would make every `Set-Cookie` fail (spec §4.7), one
    /// sentence each.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(domain) = &self.domain
            && !domain.is_empty()
            && !set_cookie::is_valid_domain(domain)
        {
            problems.push(format!(
                "the session cookie domain `{domain}` is not a domain name: use dot-separated \
                 labels of letters, digits and inner hyphens, like `example.com` or `.example.com`"
            ));
        }
        if !set_cookie::is_valid_path(&self.path) {
            problems.push(format!(
                "the session cookie path `{}` cannot be sent in a cookie: use printable ASCII \
                 without `;` or `<`",
                self.path
            ));
        }
        problems
    }
}

/// Where the cookie options come from.
#[derive(Clone)]
pub(crate) enum CookieSource {
    Static(CookieOptions),
    PerRequest(CookieFn),
}

/// express-session's options: every option, with its default.
///
/// ```
/// use std::time::Duration;
/// use nestling::session::{CookieOptions, Secure, SessionOptions};
///
/// let config = SessionOptions::new()
///     .secret("my-secret")
///     .resave(false)
///     .save_uninitialized(false)
///     .cookie(CookieOptions::default().secure(Secure::Auto).max_age(Duration::from_secs(3600)))
///     .into_config()
///     .unwrap();
/// assert_eq!(config.name(), "connect.sid");
/// ```
#[derive(Clone)]
pub struct SessionOptions {
    /// The cookie's name; default `connect.sid`.
    pub(crate) name: Option<String>,
    /// Secrets: the first signs, all verify; required.
    pub(crate) secrets: Option<Vec<Vec<u8>>>,
    /// Default true, with express-session's deprecation warning.
    pub(crate) resave: Option<bool>,
    /// Default true, with express-session's deprecation warning.
    pub(crate) save_uninitialized: Option<bool>,
    /// Default false.
    pub(crate) rolling: bool,
    /// Default keep.
    pub(crate) unset: Unset,
    /// Default unset: follow the app's trust-proxy setting.
    pub(crate) proxy: Option<bool>,
    /// Default: 24 random bytes in base64url.
    pub(crate) genid: Option<GenId>,
    /// Default: a new [`MemoryStore`].
    pub(crate) store: Option<SharedStore>,
    /// Default: [`CookieOptions::default`].
    pub(crate) cookie: CookieSource,
    /// Default: none (such errors are only logged).
    pub(crate) on_commit_error: Option<CommitErrorFn>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            name: None,
            secrets: None,
            resave: None,
            save_uninitialized: None,
            rolling: false,
            unset: Unset::Keep,
            proxy: None,
            genid: None,
            store: None,
            cookie: CookieSource::Static(CookieOptions::default()),
            on_commit_error: None,
        }
    }
}

impl SessionOptions {
    /// The defaults; a secret is still required.
    pub fn new() -> Self {
        Self::default()
    }

    /// The session cookie's name (default `connect.sid`). An empty name
    /// means the default, as in express-session.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The secret that signs the session cookie (required). Replaces any
    /// secrets given before.
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secrets = Some(vec![secret.as_ref().to_vec()]);
        self
    }

    /// Several secrets, to rotate them: the first signs new cookies, every
    /// one verifies incoming cookies, in order. Put the new secret first and
    /// keep the old ones until their cookies have expired.
    pub fn secrets<I>(mut self, secrets: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        self.secrets = Some(secrets.into_iter().map(|s| s.as_ref().to_vec()).collect());
        self
    }

    /// Save the session at the end of every request even when it did not
    /// change (default true, deprecated when not given, as in
    /// express-session). Usually false; true suits stores without `touch`
    /// that expire sessions.
    pub fn resave(mut self, resave: bool) -> Self {
        self.resave = Some(resave);
        self
    }

    /// Store new sessions (and send their cookie) even when the handler put
    /// nothing in them (default true, deprecated when not given, as in
    /// express-session). False suits login sessions and cookie-consent
    /// rules.
    pub fn save_uninitialized(mut self, save_uninitialized: bool) -> Self {
        self.save_uninitialized = Some(save_uninitialized);
        self
    }

    /// Send the cookie on every response, restarting its max age (default
    /// false).
    pub fn rolling(mut self, rolling: bool) -> Self {
        self.rolling = rolling;
        self
    }

    /// What unsetting the session in a handler does to the store (default
    /// [`Unset::Keep`]).
    pub fn unset(mut self, unset: Unset) -> Self {
        self.unset = unset;
        self
    }

    /// Whether to trust `X-Forwarded-Proto` to tell if a request is secure
    /// (for `Secure` cookies and `Auto` values). Unset (the default)
    /// follows the app's trust-proxy setting; `true` trusts the header
    /// (case-insensitively); `false` only believes a TLS connection (spec
    /// §6).
    pub fn proxy(mut self, proxy: bool) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// Generates the id of each new session (default: 24 bytes from the
    /// operating system's random source, as 32 base64url characters). Ids
    /// must be unique and unguessable.
    pub fn genid<F>(mut self, genid: F) -> Self
    where
        F: Fn(&Parts) -> String + Send + Sync + 'static,
    {
        self.genid = Some(Arc::new(genid));
        self
    }

    /// Where sessions are kept (default: a [`MemoryStore`], for development).
    pub fn store(mut self, store: impl SessionStore) -> Self {
        self.store = Some(SharedStore::new(store));
        self
    }

    /// The session cookie's options (default [`CookieOptions::default`]).
    pub fn cookie(mut self, cookie: CookieOptions) -> Self {
        self.cookie = CookieSource::Static(cookie);
        self
    }

    /// Cookie options computed per request, e.g. a path or a max age that
    /// depends on the request. Called for the path check of every request
    /// and again when a session is created; a loaded session keeps the
    /// options it was created with.
    pub fn cookie_with<F>(mut self, cookie: F) -> Self
    where
        F: Fn(&Parts) -> CookieOptions + Send + Sync + 'static,
    {
        self.cookie = CookieSource::PerRequest(Arc::new(cookie));
        self
    }

    /// Called with each error of the end of a request, after the handler:
    /// a store `set`, `touch` or `destroy` that failed, or a session cookie
    /// that cannot be written (spec §4.7). The response goes out as the
    /// handler made it, as in express-session, which hands these errors to
    /// the app's error handler once the response has started (§5.2, §11);
    /// they are logged either way. Default: none. Use it to count or report
    /// them; it runs on the request's task and must not block.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use nestling::session::SessionOptions;
    ///
    /// let failures = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&failures);
    /// let options = SessionOptions::new()
    ///     .secret("keyboard cat")
    ///     .on_commit_error(move |error| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///         if let Some(store_error) = error.store_error() {
    ///             eprintln!("session store: {}", store_error.message());
    ///         }
    ///     });
    /// # let _ = options;
    /// ```
    pub fn on_commit_error<F>(mut self, on_error: F) -> Self
    where
        F: Fn(&SessionError) + Send + Sync + 'static,
    {
        self.on_commit_error = Some(Arc::new(on_error));
        self
    }

    /// Validates the options, logs express-session's deprecation warnings,
    /// and gives the configuration the session layer runs on. Every problem
    /// is reported at once, each with its fix.
    ///
    /// ```
    /// use nestling::session::SessionOptions;
    ///
    /// let error = SessionOptions::new().into_config().unwrap_err();
    /// assert!(error.to_string().contains("secret"));
    /// ```
    pub fn into_config(self) -> crate::Result<SessionConfig> {
        let mut problems = Vec::new();
        let name = match self.name {
            Some(name) if !name.is_empty() => name,
            _ => "connect.sid".to_owned(),
        };
        if !set_cookie::is_valid_name(&name) {
            problems.push(format!(
                "the session cookie name `{name}` is not a valid cookie name: use letters, \
                 digits and ! # $ % & ' * + - . ^ _ ` | ~"
            ));
        }
        let signer = match &self.secrets {
            None => {
                problems.push(
                    "sessions need a secret to sign their cookie: call \
                     `SessionOptions::secret(\"...\")` with a long random string, e.g. read from \
                     the environment"
                        .to_owned(),
                );
                None
            }
            Some(secrets) if secrets.is_empty() => {
                problems.push(
                    "`SessionOptions::secrets` was given an empty list: give at least one \
                     secret (the first signs new cookies, all verify)"
                        .to_owned(),
                );
                None
            }
            Some(secrets) if secrets.iter().any(Vec::is_empty) => {
                problems.push(
                    "a session secret is empty: every secret must be a non-empty string".to_owned(),
                );
                None
            }
            Some(secrets) => super::signature::Signer::new(secrets),
        };
        if let CookieSource::Static(cookie) = &self.cookie {
            problems.extend(cookie.problems());
        }
        let (Some(signer), true) = (signer, problems.is_empty()) else {
            return Err(crate::Error::startup(problems));
        };

        let mut deprecations = Vec::new();
        if self.resave.is_none() {
            deprecations.push(DEPRECATED_RESAVE);
        }
        if self.save_uninitialized.is_none() {
            deprecations.push(DEPRECATED_SAVE_UNINITIALIZED);
        }
        for message in &deprecations {
            tracing::warn!(target: "nestling::session", "deprecated: {message}");
        }
        let store = self
            .store
            .unwrap_or_else(|| SharedStore::new(MemoryStore::new()));
        Ok(SessionConfig {
            name: name.into_boxed_str(),
            signer,
            rules: super::Rules {
                resave: self.resave.unwrap_or(true),
                save_uninitialized: self.save_uninitialized.unwrap_or(true),
                rolling: self.rolling,
                unset: self.unset,
            },
            proxy: self.proxy,
            genid: self.genid,
            store,
            cookie: self.cookie,
            deprecations,
            on_commit_error: self.on_commit_error,
        })
    }
}

/// express-session's text when `resave` is not given (spec §1.2).
pub const DEPRECATED_RESAVE: &str = "undefined resave option; provide resave option";

/// express-session's text when `saveUninitialized` is not given (spec §1.2).
pub const DEPRECATED_SAVE_UNINITIALIZED: &str =
    "undefined saveUninitialized option; provide saveUninitialized option";

impl fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets are never printed.
        f.debug_struct("SessionOptions")
            .field("name", &self.name)
            .field("secrets", &self.secrets.as_ref().map(Vec::len))
            .field("resave", &self.resave)
            .field("save_uninitialized", &self.save_uninitialized)
            .field("rolling", &self.rolling)
            .field("unset", &self.unset)
            .field("proxy", &self.proxy)
            .field("genid", &self.genid.as_ref().map(|_| "fn"))
            .field("store", &self.store)
            .field(
                "on_commit_error",
                &self.on_commit_error.as_ref().map(|_| "fn"),
            )
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_is_a_startup_error() {
        let error = SessionOptions::new().into_config().unwrap_err();
        assert!(error.is_startup());
        assert_eq!(error.problems().len(), 1);
        assert!(
            error.problems()[0].contains("SessionOptions::secret"),
            "{error}"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let error = SessionOptions::new()
            .secrets(Vec::<String>::new())
            .name("bad name")
            .cookie(CookieOptions::default().domain("exa mple.com").path("/a;b"))
            .into_config()
            .unwrap_err();
        let problems = error.problems();
        assert_eq!(problems.len(), 4, "{error}");
        assert!(problems[0].contains("`bad name`"));
        assert!(problems[1].contains("empty list"));
        assert!(problems[2].contains("`exa mple.com`"));
        assert!(problems[3].contains("`/a;b`"));
        let error = SessionOptions::new().secret("").into_config().unwrap_err();
        assert!(error.problems()[0].contains("empty"));
    }

    #[test]
    fn defaults_are_express_sessions() {
        let config = SessionOptions::new()
            .secret("keyboard cat")
            .into_config()
            .unwrap();
        assert_eq!(config.name(), "connect.sid");
        let rules = config.rules();
        assert!(rules.resave && rules.save_uninitialized && !rules.rolling);
        assert_eq!(rules.unset, Unset::Keep);
        assert_eq!(
            config.deprecations(),
            [DEPRECATED_RESAVE, DEPRECATED_SAVE_UNINITIALIZED]
        );
        let config = SessionOptions::new()
            .secret("keyboard cat")
            .name("")
            .resave(false)
            .save_uninitialized(false)
            .into_config()
            .unwrap();
        assert_eq!(config.name(), "connect.sid");
        assert!(config.deprecations().is_empty());
        let rules = config.rules();
        assert!(!rules.resave && !rules.save_uninitialized);
    }

    #[test]
    fn cookie_path_check_is_a_plain_prefix() {
        // R3 and its consequences.
        let options = CookieOptions::default().path("/foo");
        assert!(options.matches_path("/foo"));
        assert!(options.matches_path("/foobar"));
        assert!(!options.matches_path("/FOO"));
        assert!(!options.matches_path("/"));
        let root = CookieOptions::default();
        assert!(root.matches_path(""));
        assert!(root.matches_path("/anything"));
        assert!(CookieOptions::default().path("").matches_path("/x"));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let options = SessionOptions::new().secret("hunter2");
        assert!(!format!("{options:?}").contains("hunter2"));
    }
}
