//! A validated cookie-session configuration: reading a request's session
//! from its cookie (spec §4) and writing the `Set-Cookie` at the end
//! (§5), with everything that does not depend on the request worked out
//! at start-up.

use std::fmt;

use http::{HeaderMap, HeaderValue};

use super::base64::encoded_len_max;
use super::codec::{KeyRing, NONCE_BYTES, TAG_BYTES};
use super::key::SessionKey;
use super::nonce;
use super::payload;
use super::scratch;
use super::set_cookie::{Attributes, MAX_COOKIE_BYTES};
use super::state::{CookieState, Outcome};
use crate::session::cookie::SessionCookie;
use crate::session::options::CookieOptions;
use crate::session::{SameSite, SessionError, cookie_header, date};

/// Encrypted cookie sessions, validated by
/// [`SecureSessionOptions::into_config`](super::SecureSessionOptions::into_config).
pub struct SecureSessionConfig {
    name: Box<str>,
    ring: KeyRing,
    /// `expiry` in seconds.
    expiry_secs: u64,
    cookie: CookieOptions,
    /// The attributes after the value, for requests that are not secure
    /// and that are (`Secure::Auto`, `SameSite::Auto`).
    attributes: [Box<str>; 2],
    /// The whole `Set-Cookie` that deletes the session, likewise.
    deletion: [HeaderValue; 2],
}

impl SecureSessionConfig {
    /// Builds the configuration from checked `keys` (each 32 bytes, at
    /// least one) and `cookie` options.
    ///
    /// # Errors
    /// Options no `Set-Cookie` can carry (an `Expires` out of range).
    pub(crate) fn new(
        name: Box<str>,
        keys: &[SessionKey],
        cookie: CookieOptions,
        expiry_secs: u64,
    ) -> Result<Self, String> {
        // @fastify/cookie sends `SameSite=Lax` unless told otherwise.
        let mut cookie = cookie;
        if cookie.same_site.is_none() {
            cookie.same_site = Some(SameSite::Lax);
        }
        let ring = KeyRing::new(keys.iter().filter_map(SessionKey::cipher).collect());
        let attributes = [false, true].map(|secure| {
            let mut out = String::new();
            Attributes::of_options(&cookie, secure)
                .write(&mut out)
                .map(|()| out.into_boxed_str())
        });
        let deletion = [false, true].map(|secure| {
            let mut out = format!("{name}=");
            Attributes::of_options(&cookie, secure)
                .deleting()
                .write(&mut out)
                .ok()
                .and_then(|()| HeaderValue::try_from(out).ok())
        });
        match (attributes, deletion) {
            ([Ok(plain), Ok(secure)], [Some(plain_deletion), Some(secure_deletion)]) => Ok(Self {
                name,
                ring,
                expiry_secs,
                cookie,
                attributes: [plain, secure],
                deletion: [plain_deletion, secure_deletion],
            }),
            ([Err(reason), _] | [_, Err(reason)], _) => Err(format!(
                "the cookie-session cookie options cannot be sent: {reason}"
            )),
            _ => Err("the cookie-session cookie options cannot be sent".to_owned()),
        }
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many keys decrypt (the first also encrypts).
    pub fn key_count(&self) -> usize {
        self.ring.len()
    }

    /// The request's session: the cookie's when it is present, opens under
    /// one of the keys, holds a JSON object and has not expired; otherwise
    /// a fresh empty one, silently (logged at debug, spec §4).
    pub(crate) fn load(&self, headers: &HeaderMap) -> CookieState {
        let now = date::now_ms();
        let Some(value) = cookie_header::find_raw(headers, &self.name) else {
            tracing::trace!(target: "nestling::session", "no session cookie: a new session");
            return CookieState::fresh(now);
        };
        let opened = match self.ring.open(value) {
            Ok(opened) => opened,
            Err(rejected) => {
                tracing::debug!(target: "nestling::session", reason = rejected.reason(), "session cookie ignored: a new session");
                return CookieState::fresh(now);
            }
        };
        let read = payload::read(opened.plaintext(), now);
        match read {
            Err(reason) => {
                tracing::debug!(target: "nestling::session", reason, "session cookie ignored: a new session");
                CookieState::fresh(now)
            }
            Ok(payload) if self.is_expired(&payload.ts, now) => {
                tracing::debug!(target: "nestling::session", "session cookie expired: a new session");
                CookieState::fresh(now)
            }
            Ok(payload) => CookieState::read(payload, opened),
        }
    }

    /// The plugin's test, in JavaScript's arithmetic:
    /// `(__ts + expiry) * 1000 - now <= 0`.
    fn is_expired(&self, ts: &serde_json::Number, now_ms: i64) -> bool {
        let ts = ts.as_f64().unwrap_or(f64::NAN);
        (ts + self.expiry_secs as f64) * 1000.0 - now_ms as f64 <= 0.0
    }

    /// The cookie a handler changes for this response, before it does.
    pub(crate) fn cookie_for(&self, secure_request: bool) -> SessionCookie {
        SessionCookie::from_options(&self.cookie, secure_request, date::now_ms())
    }

    /// The `Set-Cookie` at the end of the request, if any (spec §5).
    ///
    /// # Errors
    /// When the cookie would be over 4096 bytes (a browser would drop it
    /// without a word), or a handler gave it attributes a cookie cannot
    /// carry.
    pub(crate) fn set_cookie(
        &self,
        state: &CookieState,
        secure_request: bool,
    ) -> Result<Option<HeaderValue>, SessionError> {
        let (data, ts) = match state.outcome() {
            Outcome::Nothing => return Ok(None),
            Outcome::Delete => return self.deletion(state, secure_request).map(Some),
            Outcome::Write(data, ts) => (data, ts),
        };
        let nonce = nonce::fresh().map_err(SessionError::random)?;
        let attributes = &self.attributes[usize::from(secure_request)];
        scratch::with(|buffer, out| {
            buffer.resize(TAG_BYTES, 0);
            payload::write(data, ts, buffer);
            out.reserve(
                self.name.len()
                    + 1
                    + encoded_len_max(buffer.len())
                    + 3
                    + encoded_len_max(NONCE_BYTES)
                    + attributes.len(),
            );
            out.extend_from_slice(self.name.as_bytes());
            out.push(b'=');
            self.ring.seal_into(buffer, &nonce, out);
            match state.changed_cookie() {
                None => out.extend_from_slice(attributes.as_bytes()),
                Some(cookie) => {
                    let mut text = String::new();
                    Attributes::of_cookie(cookie)
                        .write(&mut text)
                        .map_err(SessionError::cookie)?;
                    out.extend_from_slice(text.as_bytes());
                }
            }
            if out.len() > MAX_COOKIE_BYTES {
                return Err(SessionError::cookie(format!(
                    "it would be {} bytes, over the {MAX_COOKIE_BYTES} bytes a browser keeps for \
                     one cookie (it would drop it without a word): keep less in the session, e.g. \
                     ids rather than records, or use a server-side store (`app.use_session`)",
                    out.len()
                )));
            }
            // The one allocation of a cookie written: the header value's.
            HeaderValue::from_bytes(out)
                .map(Some)
                .map_err(|_| SessionError::cookie("it is not a valid header value"))
        })
    }

    fn deletion(
        &self,
        state: &CookieState,
        secure_request: bool,
    ) -> Result<HeaderValue, SessionError> {
        let Some(cookie) = state.changed_cookie() else {
            return Ok(self.deletion[usize::from(secure_request)].clone());
        };
        let mut out = format!("{}=", self.name);
        Attributes::of_cookie(cookie)
            .deleting()
            .write(&mut out)
            .map_err(SessionError::cookie)?;
        HeaderValue::try_from(out)
            .map_err(|_| SessionError::cookie("it is not a valid header value"))
    }
}

impl fmt::Debug for SecureSessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys are never printed.
        f.debug_struct("SecureSessionConfig")
            .field("name", &self.name)
            .field("keys", &self.ring.len())
            .field("expiry_secs", &self.expiry_secs)
            .field("cookie", &self.cookie)
            .finish_non_exhaustive()
    }
}
