//! @fastify/secure-session's options (spec §1), as a typed builder with
//! nestling's defaults. [`SecureSessionOptions::into_config`] validates
//! them and derives the key once, at start-up.

use std::fmt;
use std::time::Duration;

use super::config::SecureSessionConfig;
use super::key::{self, DEFAULT_SALT, MIN_SECRET_BYTES, SALT_BYTES, SessionKey};
use crate::session::options::CookieOptions;
use crate::session::set_cookie;

/// The default `expiry`: 24 hours and one second, as in the plugin.
pub(crate) const DEFAULT_EXPIRY: Duration = Duration::from_secs(86_401);

/// Options of encrypted cookie sessions, compatible with
/// @fastify/secure-session 8: the whole session lives in one cookie,
/// encrypted and authenticated with a 32-byte key, with no store.
///
/// Give a key ([`key`](Self::key)), several for rotation
/// ([`keys`](Self::keys)), or a passphrase ([`secret`](Self::secret)) from
/// which the key is derived at start-up. Everything else has a default:
/// the cookie `session` with `Path=/; HttpOnly; SameSite=Lax`, and an
/// expiry of 86401 s from the session's last write.
///
/// ```
/// use std::time::Duration;
/// use nestling::session::{CookieOptions, SecureSessionOptions, Secure};
///
/// // A key made with `head -c 32 /dev/urandom | base64`.
/// let options = SecureSessionOptions::new()
///     .key("Y2hhbmdlIG1lOiBhIDMyLWJ5dGUga2V5IGdvZXMgaGVyZQ==")
///     .cookie_name("session")
///     .cookie(CookieOptions::new().secure(Secure::Auto))
///     .expiry(Duration::from_secs(3600));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct SecureSessionOptions {
    /// The keys, first encrypting; or none when a secret is given.
    keys: Option<Vec<SessionKey>>,
    /// The passphrase the key is derived from.
    secret: Option<Vec<u8>>,
    /// Default: the plugin's static salt.
    salt: Option<Vec<u8>>,
    /// Default `session`.
    cookie_name: Option<String>,
    /// Default: `Path=/`, `HttpOnly`, `SameSite=Lax`.
    cookie: Option<CookieOptions>,
    /// Default [`DEFAULT_EXPIRY`].
    expiry: Option<Duration>,
}

impl SecureSessionOptions {
    /// The defaults; a key or a secret is still required.
    pub fn new() -> Self {
        Self::default()
    }

    /// The 32-byte key: raw bytes (`[u8; 32]`, `&[u8]`, `Vec<u8>`) or
    /// base64 text (`&str`, `String`), as the plugin's `key` option.
    /// Replaces keys given before.
    pub fn key(mut self, key: impl Into<SessionKey>) -> Self {
        self.keys = Some(vec![key.into()]);
        self
    }

    /// Several keys, to rotate them: the first encrypts, every one decrypts
    /// (tried in order), and a cookie opened by another than the first is
    /// re-encrypted under the first on that response. Prepend the new key,
    /// deploy, wait at least [`expiry`](Self::expiry), then drop the old
    /// one. Each key must be 32 bytes (unlike the plugin, which only
    /// refuses an array where every key is wrong).
    pub fn keys<I>(mut self, keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<SessionKey>,
    {
        self.keys = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// A passphrase of at least 32 bytes to derive the key from, with
    /// Argon2id (libsodium's `crypto_pwhash` with its moderate limits: 3
    /// passes over 256 MiB). It runs once at start-up, in about a second;
    /// a Fastify app with the same secret and salt derives the same key.
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secret = Some(secret.as_ref().to_vec());
        self
    }

    /// The 16-byte salt for [`secret`](Self::secret) (text is taken as its
    /// bytes, as the plugin takes a string as ASCII). Default: the plugin's
    /// static salt (base64 `mq9hDxBVDbspDR6nLfFT1g==`), which is better than
    /// nothing only; give your own.
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> Self {
        self.salt = Some(salt.as_ref().to_vec());
        self
    }

    /// The cookie's name (default `session`).
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = Some(name.into());
        self
    }

    /// The cookie's attributes (default [`CookieOptions::new`] with
    /// `SameSite=Lax`: `Path=/; HttpOnly; SameSite=Lax`). A max age becomes
    /// `Max-Age` in seconds. Leaving `same_site` unset means `Lax`, as
    /// @fastify/cookie does; [`SameSite::False`](crate::session::SameSite::False)
    /// sends none.
    pub fn cookie(mut self, cookie: CookieOptions) -> Self {
        self.cookie = Some(cookie);
        self
    }

    /// How long a session stays valid after its last write (default
    /// 86401 s), checked on the server from the time stored inside the
    /// cookie, whatever the cookie's own `Max-Age`. Reading a session does
    /// not extend it; writing or [`touch`](crate::Session::touch) does.
    /// Whole seconds count; at least one.
    pub fn expiry(mut self, expiry: Duration) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// Validates the options and derives the key if a secret was given.
    /// Every problem is reported at once, each with its fix.
    ///
    /// ```
    /// use nestling::session::SecureSessionOptions;
    ///
    /// let error = SecureSessionOptions::new().secret("too short").into_config().unwrap_err();
    /// assert!(error.to_string().contains("at least 32 bytes"));
    /// ```
    pub fn into_config(self) -> crate::Result<SecureSessionConfig> {
        let mut problems = Vec::new();
        let name = self.cookie_name.unwrap_or_else(|| "session".to_owned());
        if !set_cookie::is_valid_name(&name) {
            problems.push(format!(
                "the cookie-session name `{name}` is not a valid cookie name: use letters, \
                 digits and ! # $ % & ' * + - . ^ _ ` | ~"
            ));
        }
        let cookie = self.cookie.unwrap_or_default();
        problems.extend(cookie.problems());
        let expiry = self.expiry.unwrap_or(DEFAULT_EXPIRY);
        if expiry.as_secs() == 0 {
            problems.push(
                "the cookie-session expiry is under a second: give at least \
                 `Duration::from_secs(1)` (the default is 86401 s)"
                    .to_owned(),
            );
        }
        let keys = match (self.keys, self.secret) {
            (Some(_), Some(_)) => {
                problems.push(
                    "cookie sessions were given both keys and a secret: give either \
                     `SecureSessionOptions::key(..)`/`keys(..)` or `secret(..)`"
                        .to_owned(),
                );
                None
            }
            (None, None) => {
                problems.push(
                    "cookie sessions need a key: call `SecureSessionOptions::key(..)` with 32 \
                     random bytes or their base64 (`head -c 32 /dev/urandom | base64`), or \
                     `secret(..)` with a passphrase of at least 32 bytes"
                        .to_owned(),
                );
                None
            }
            (Some(keys), None) => {
                if self.salt.is_some() {
                    problems.push(
                        "`SecureSessionOptions::salt` only applies with `secret(..)`: remove \
                         it, or derive the key from a secret instead of giving one"
                            .to_owned(),
                    );
                }
                if keys.is_empty() {
                    problems.push(
                        "`SecureSessionOptions::keys` was given an empty list: give at least \
                         one 32-byte key (the first encrypts, all decrypt)"
                            .to_owned(),
                    );
                }
                let several = keys.len() > 1;
                for (i, key) in keys.iter().enumerate() {
                    let position = if several {
                        format!("key #{} (of `keys`)", i + 1)
                    } else {
                        "key".to_owned()
                    };
                    problems.extend(key.problem(&position));
                }
                Some(keys)
            }
            (None, Some(secret)) => {
                let salt = self.salt.unwrap_or_else(|| DEFAULT_SALT.to_vec());
                if secret.len() < MIN_SECRET_BYTES {
                    problems.push(format!(
                        "the cookie-session secret is {} bytes, but it must be at least 32 \
                         bytes: use a longer passphrase, e.g. `head -c 32 /dev/urandom | \
                         base64`, or give a key instead",
                        secret.len()
                    ));
                }
                if salt.len() != SALT_BYTES {
                    problems.push(format!(
                        "the cookie-session salt is {} bytes, but it must be exactly 16 bytes \
                         (e.g. 16 ASCII characters): change `SecureSessionOptions::salt(..)`",
                        salt.len()
                    ));
                }
                if problems.is_empty() {
                    match key::derive(&secret, &salt) {
                        Ok(key) => Some(vec![key]),
                        Err(problem) => {
                            problems.push(problem);
                            None
                        }
                    }
                } else {
                    None
                }
            }
        };
        match keys {
            Some(keys) if problems.is_empty() => {
                SecureSessionConfig::new(name.into_boxed_str(), &keys, cookie, expiry.as_secs())
                    .map_err(|problem| crate::Error::startup(vec![problem]))
            }
            _ => Err(crate::Error::startup(problems)),
        }
    }
}

impl fmt::Debug for SecureSessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys and secrets are never printed.
        f.debug_struct("SecureSessionOptions")
            .field("keys", &self.keys.as_ref().map(Vec::len))
            .field("secret", &self.secret.as_ref().map(|_| "…"))
            .field("salt", &self.salt.as_ref().map(Vec::len))
            .field("cookie_name", &self.cookie_name)
            .field("cookie", &self.cookie)
            .field("expiry", &self.expiry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(options: SecureSessionOptions) -> Vec<String> {
        options.into_config().unwrap_err().problems().to_vec()
    }

    #[test]
    fn a_key_or_a_secret_is_required() {
        let found = problems(SecureSessionOptions::new());
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("SecureSessionOptions::key(..)"),
            "{found:?}"
        );
        let found = problems(SecureSessionOptions::new().key([1; 32]).secret([b'x'; 40]));
        assert!(found[0].contains("both keys and a secret"), "{found:?}");
    }

    #[test]
    fn every_wrong_key_is_named() {
        let found = problems(SecureSessionOptions::new().keys([
            SessionKey::from([1; 32]),
            SessionKey::from(&[2; 31][..]),
            SessionKey::from("AAAA"),
        ]));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("the cookie-session key #2 (of `keys`) is 31 bytes"));
        assert!(found[1].starts_with("the cookie-session key #3 (of `keys`) is 3 bytes"));
        let found = problems(SecureSessionOptions::new().keys(Vec::<SessionKey>::new()));
        assert!(found[0].contains("empty list"), "{found:?}");
        let found = problems(SecureSessionOptions::new().key([1; 32]).salt("x"));
        assert!(found[0].contains("only applies with `secret"), "{found:?}");
    }

    #[test]
    fn secret_and_salt_lengths_are_checked_before_deriving() {
        let found = problems(
            SecureSessionOptions::new()
                .secret("31 bytes of secret, one too few")
                .salt("fifteen bytes!!"),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("is 31 bytes, but it must be at least 32"));
        assert!(found[1].contains("salt is 15 bytes, but it must be exactly 16"));
    }

    #[test]
    fn names_cookies_and_expiry_are_checked() {
        let found = problems(
            SecureSessionOptions::new()
                .key([1; 32])
                .cookie_name("bad name")
                .cookie(CookieOptions::new().path("/a;b"))
                .expiry(Duration::from_millis(999)),
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("`bad name`"));
        assert!(found[1].contains("`/a;b`"));
        assert!(found[2].contains("expiry is under a second"));
    }

    #[test]
    fn debug_never_shows_keys_or_secrets() {
        let options = SecureSessionOptions::new()
            .key("c2VjcmV0IGtleSBzZWNyZXQga2V5IHNlY3JldCBrZXk=")
            .secret("hunter2 hunter2 hunter2 hunter2 hunter2");
        let text = format!("{options:?}");
        assert!(
            !text.contains("c2Vj") && !text.contains("hunter2"),
            "{text}"
        );
    }
}
