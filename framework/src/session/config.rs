//! The validated session configuration, and the steps of a request's
//! session in express-session's order (spec §2-§5). Each step is a plain
//! function of the request's parts and the [`SessionState`]; the store calls
//! between them are the caller's.

use std::borrow::Cow;
use std::fmt;

use http::request::Parts;
use http::{HeaderMap, HeaderValue};

use super::SessionError;
use super::cookie::SessionCookie;
use super::cookie_header::{self, CookieId};
use super::date;
use super::decision::{self, Commit, Rules};
use super::id::generate_id;
use super::options::{CommitErrorFn, CookieOptions, CookieSource, GenId};
use super::secure;
use super::set_cookie;
use super::signature::Signer;
use super::state::SessionState;
use super::store::{SharedStore, StoredSession};

/// Sessions configured and validated, from
/// [`SessionOptions::into_config`](super::SessionOptions::into_config).
///
/// A request's session goes through these steps (the store calls in
/// between are the caller's):
///
/// 1. [`applies_to`](Self::applies_to): no session at all when the store
///    is not ready or the path is outside the cookie's path (R2, R3);
/// 2. [`cookie_session_id`](Self::cookie_session_id): the verified id in
///    the request's cookie (R6);
/// 3. with an id, `store.get(id)`: a document gives
///    [`load`](Self::load); nothing (or a not-found error) gives
///    [`generate`](Self::generate) with that id as the cookie's id; another
///    error fails the request. Without an id, [`generate`](Self::generate)
///    (R8, R9);
/// 4. the handler reads and changes the [`SessionState`];
/// 5. [`commit`](Self::commit) says which store call to make and whether to
///    send [`set_cookie`](Self::set_cookie); the response completes after
///    the store call (§5.4).
///
/// ```
/// use http::Request;
/// use nestling::session::{SessionOptions, StoreAction};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = SessionOptions::new()
///     .secret("keyboard cat")
///     .resave(false)
///     .save_uninitialized(false)
///     .into_config()?;
///
/// // First request: no cookie, so a new session.
/// let (parts, ()) = Request::get("/visits").body(())?.into_parts();
/// assert!(config.applies_to(&parts));
/// let mut state = match config.cookie_session_id(&parts.headers) {
///     Some(_) => unreachable!(),
///     None => config.generate(&parts, None, false)?,
/// };
/// state.data_mut().unwrap().insert("visits", 1)?;
/// let commit = config.commit(&mut state, false);
/// assert_eq!(commit.store, StoreAction::Save);
/// config.store().set(state.id(), &state.document().unwrap()).await?;
/// let set_cookie = config.set_cookie(&state)?;
///
/// // Second request: the browser sends the cookie back.
/// let cookie = set_cookie.to_str()?.split(';').next().unwrap().to_owned();
/// let (parts, ()) = Request::get("/visits").header("cookie", cookie).body(())?.into_parts();
/// let id = config.cookie_session_id(&parts.headers).unwrap();
/// let stored = config.store().get(id.id()).await?.unwrap();
/// let mut state = config.load(id, &stored)?;
/// assert_eq!(state.data().unwrap().get::<u32>("visits")?, Some(1));
/// let commit = config.commit(&mut state, false);
/// assert_eq!((commit.set_cookie, commit.store), (false, StoreAction::Touch));
/// # Ok(()) }
/// ```
pub struct SessionConfig {
    pub(crate) name: Box<str>,
    pub(crate) signer: Signer,
    pub(crate) rules: Rules,
    pub(crate) proxy: Option<bool>,
    pub(crate) genid: Option<GenId>,
    pub(crate) store: SharedStore,
    pub(crate) cookie: CookieSource,
    pub(crate) deprecations: Vec<&'static str>,
    pub(crate) on_commit_error: Option<CommitErrorFn>,
}

impl SessionConfig {
    /// The session cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The options the end-of-request decisions depend on.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// The `proxy` option (see [`is_secure`](Self::is_secure)).
    pub fn proxy(&self) -> Option<bool> {
        self.proxy
    }

    /// The store.
    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    /// express-session's deprecation messages that applied (they were
    /// logged by `into_config`): `resave` and `save_uninitialized` not
    /// given.
    pub fn deprecations(&self) -> &[&'static str] {
        &self.deprecations
    }

    /// The cookie options for this request: the static ones, or the
    /// per-request function's result.
    pub fn cookie_options(&self, parts: &Parts) -> Cow<'_, CookieOptions> {
        match &self.cookie {
            CookieSource::Static(options) => Cow::Borrowed(options),
            CookieSource::PerRequest(options) => Cow::Owned(options(parts)),
        }
    }

    /// Whether this request has a session at all (spec R2, R3): the store
    /// must be ready and the request's raw path must start with the cookie
    /// path. When it does not, the request runs without a session and
    /// nothing touches the store or sets a cookie.
    pub fn applies_to(&self, parts: &Parts) -> bool {
        self.store.is_ready() && self.cookie_options(parts).matches_path(parts.uri.path())
    }

    /// Whether the request is secure for this configuration (spec §6):
    /// `tls` is whether the connection is TLS, `trust_proxy` the app's
    /// trust-proxy setting.
    pub fn is_secure(&self, parts: &Parts, tls: bool, trust_proxy: bool) -> bool {
        secure::is_secure(tls, self.proxy, trust_proxy, &parts.headers)
    }

    /// The session id the request's cookie carries, verified with the
    /// secrets; `None` for a missing, unsigned, tampered or empty one (spec
    /// §4.1-§4.3). Costs no allocation beyond the id.
    pub fn cookie_session_id(&self, headers: &HeaderMap) -> Option<CookieId> {
        cookie_header::session_id(headers, &self.name, &self.signer)
    }

    /// A new session (spec G1-G3): an id from `genid` (or 24 random bytes),
    /// an empty session, a cookie from the options, with `Auto` values
    /// resolved by `secure_request`. `cookie_id` is the verified id the
    /// request's cookie carried, if any (an id unknown to the store).
    ///
    /// # Errors
    /// When the operating system's random source fails.
    pub fn generate(
        &self,
        parts: &Parts,
        cookie_id: Option<CookieId>,
        secure_request: bool,
    ) -> Result<SessionState, SessionError> {
        let (id, cookie) = self.new_id_and_cookie(parts, secure_request)?;
        Ok(SessionState::generated(cookie_id, id, cookie))
    }

    /// A session read from the store under `id.id()`, the verified id of
    /// the request's cookie (spec I1-I9). The stored cookie wins over the
    /// current options.
    ///
    /// # Errors
    /// When the document is not a session (no `cookie`, not JSON): the
    /// request fails, as in express-session (R9).
    pub fn load(&self, id: CookieId, stored: &StoredSession) -> Result<SessionState, SessionError> {
        SessionState::loaded(id, stored, self.rules.resave)
    }

    /// The second half of `regenerate()` (spec A7): call it after
    /// `store.destroy(state.id())`, whether or not that failed. The session
    /// gets a new id, no data and a new cookie.
    ///
    /// # Errors
    /// When the operating system's random source fails.
    pub fn regenerate(
        &self,
        state: &mut SessionState,
        parts: &Parts,
        secure_request: bool,
    ) -> Result<(), SessionError> {
        let (id, cookie) = self.new_id_and_cookie(parts, secure_request)?;
        state.regenerated(id, cookie);
        Ok(())
    }

    /// The end of the request (spec §5): touches the cookie once, then says
    /// which store call to make — `set` or `touch` with
    /// [`state.document()`](SessionState::document), or `destroy` — and
    /// whether to append [`set_cookie`](Self::set_cookie).
    pub fn commit(&self, state: &mut SessionState, secure_request: bool) -> Commit {
        decision::commit_now(state, &self.rules, secure_request)
    }

    /// The `Set-Cookie` value for the session, signed with the first secret,
    /// byte for byte as express-session writes it (spec §4.6).
    ///
    /// # Errors
    /// When the session is gone, or its cookie has a value a cookie cannot
    /// carry (spec §4.7): express-session then sends no cookie, completes
    /// the response and reports the error afterwards.
    pub fn set_cookie(&self, state: &SessionState) -> Result<HeaderValue, SessionError> {
        let cookie = state.cookie().ok_or_else(SessionError::gone)?;
        // A returning cookie signed by the first secret already carries the
        // signature; only new ids (or rotated secrets) are signed here.
        let text = match state.known_signature() {
            Some(signature) => set_cookie::serialize(&self.name, state.id(), signature, cookie)?,
            None => {
                let signature = self.signer.signature(state.id());
                set_cookie::serialize(&self.name, state.id(), &signature, cookie)?
            }
        };
        HeaderValue::from_maybe_shared(bytes::Bytes::from(text))
            .map_err(|_| SessionError::cookie("it is not a valid header value"))
    }

    /// Hands an error of the end of the request to
    /// [`SessionOptions::on_commit_error`](super::SessionOptions::on_commit_error),
    /// if given.
    pub(crate) fn report_commit_error(&self, error: &SessionError) {
        if let Some(on_error) = &self.on_commit_error {
            on_error(error);
        }
    }

    /// Whether `genid` or per-request cookie options read the request, so
    /// that `regenerate` needs a copy of it.
    pub(crate) fn reads_request_on_generate(&self) -> bool {
        self.genid.is_some() || matches!(self.cookie, CookieSource::PerRequest(_))
    }

    fn new_id_and_cookie(
        &self,
        parts: &Parts,
        secure_request: bool,
    ) -> Result<(String, SessionCookie), SessionError> {
        let id = match &self.genid {
            Some(genid) => genid(parts),
            None => generate_id()?,
        };
        let options = self.cookie_options(parts);
        let cookie = SessionCookie::from_options(&options, secure_request, date::now_ms());
        Ok((id, cookie))
    }
}

impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfig")
            .field("name", &self.name)
            .field("signer", &self.signer)
            .field("rules", &self.rules)
            .field("proxy", &self.proxy)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::Request;

    use super::*;
    use crate::session::options::{SessionOptions, Unset};
    use crate::session::{SameSite, Secure, StoreAction};

    fn parts(uri: &str, cookie: Option<&str>) -> Parts {
        let mut request = Request::get(uri);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_session_types_cross_threads() {
        // The session layer lives in an Arc shared by all connections, and
        // a request's state and store futures are held across awaits.
        fn send_sync<T: Send + Sync>() {}
        send_sync::<SessionConfig>();
        send_sync::<SessionState>();
        send_sync::<CookieId>();
        send_sync::<SessionError>();
        send_sync::<crate::session::MemoryStore>();
        send_sync::<SharedStore>();
        send_sync::<StoredSession>();
        fn send<T: Send>(_: T) {}
        let config = SessionOptions::new().secret("s").into_config().unwrap();
        let document = StoredSession::from_json("{}");
        send(config.store().get("id"));
        send(config.store().set("id", &document));
        send(config.store().touch("id", &document));
        send(config.store().destroy("id"));
    }

    #[test]
    fn genid_and_name_are_used() {
        let config = SessionOptions::new()
            .secret("keyboard cat")
            .name("sid")
            .genid(|parts| format!("g{}", parts.uri.query().unwrap_or("")))
            .into_config()
            .unwrap();
        let state = config.generate(&parts("/?7", None), None, false).unwrap();
        assert_eq!(state.id(), "g7");
        let header = config.set_cookie(&state).unwrap();
        assert!(header.to_str().unwrap().starts_with("sid=s%3Ag7."));
    }

    #[test]
    fn the_default_id_is_random() {
        let config = SessionOptions::new().secret("s").into_config().unwrap();
        let a = config.generate(&parts("/", None), None, false).unwrap();
        let b = config.generate(&parts("/", None), None, false).unwrap();
        assert_eq!(a.id().len(), 32);
        assert_ne!(a.id(), b.id());
    }

    #[test]
    fn per_request_cookie_options() {
        // The `dyn` configuration: the path comes from the query.
        let config = SessionOptions::new()
            .secret("s")
            .cookie_with(|parts| {
                let long = parts.uri.query() == Some("long");
                CookieOptions::default()
                    .path("/dyn")
                    .max_age(Duration::from_secs(if long { 120 } else { 60 }))
                    .secure(Secure::Auto)
                    .same_site(SameSite::Auto)
            })
            .into_config()
            .unwrap();
        assert!(config.applies_to(&parts("/dyn/x", None)));
        assert!(!config.applies_to(&parts("/other", None)));
        let state = config
            .generate(&parts("/dyn?long", None), None, true)
            .unwrap();
        let cookie = state.cookie().unwrap();
        assert_eq!(cookie.original_max_age_ms(), Some(120_000));
        // 'auto' is resolved for per-request options too (not G4's bug).
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::None));
    }

    #[test]
    fn a_round_trip_through_the_cookie() {
        let config = SessionOptions::new()
            .secrets(["new secret", "old secret"])
            .resave(false)
            .save_uninitialized(false)
            .unset(Unset::Destroy)
            .cookie(CookieOptions::default().max_age(Duration::from_secs(60)))
            .into_config()
            .unwrap();
        let mut state = config.generate(&parts("/", None), None, false).unwrap();
        state.data_mut().unwrap().insert("visits", 1).unwrap();
        assert_eq!(config.commit(&mut state, false).store, StoreAction::Save);
        let header = config.set_cookie(&state).unwrap();
        let pair = header
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let id = config.cookie_session_id(&parts("/", Some(&pair)).headers);
        assert_eq!(id.as_ref().map(CookieId::id), Some(state.id()));
        // The returning cookie is sent back with the same signature.
        let mut loaded = config
            .load(id.unwrap(), &state.document().unwrap())
            .unwrap();
        loaded.data_mut().unwrap().insert("visits", 2).unwrap();
        assert!(config.commit(&mut loaded, false).set_cookie);
        let again = config.set_cookie(&loaded).unwrap();
        assert_eq!(
            again.to_str().unwrap().split(';').next(),
            Some(pair.as_str())
        );
        // A cookie signed with the old secret still verifies (SG5).
        let old = SessionOptions::new()
            .secret("old secret")
            .into_config()
            .unwrap();
        let header = old.set_cookie(&state).unwrap();
        let pair = header
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let id = config.cookie_session_id(&parts("/", Some(&pair)).headers);
        assert_eq!(id.as_ref().map(CookieId::id), Some(state.id()));
        // ... and is re-signed with the new one when sent back (SG5).
        let mut loaded = config
            .load(id.unwrap(), &state.document().unwrap())
            .unwrap();
        loaded.data_mut().unwrap().insert("visits", 2).unwrap();
        config.commit(&mut loaded, false);
        let pair_of = |header: HeaderValue| {
            let text = header.to_str().unwrap().to_owned();
            text.split(';').next().unwrap().to_owned()
        };
        let resigned = pair_of(config.set_cookie(&loaded).unwrap());
        assert_eq!(resigned, pair_of(config.set_cookie(&state).unwrap()));
    }

    #[test]
    fn regenerate_gives_a_new_id_and_an_empty_session() {
        let config = SessionOptions::new().secret("s").into_config().unwrap();
        let request = parts("/", None);
        let mut state = config.generate(&request, None, false).unwrap();
        state.data_mut().unwrap().insert("user", "ann").unwrap();
        let old = state.id().to_owned();
        config.regenerate(&mut state, &request, false).unwrap();
        assert_ne!(state.id(), old);
        assert!(state.data().unwrap().is_empty());
    }

    #[test]
    fn commit_errors_reach_the_hook() {
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&heard);
        let config = SessionOptions::new()
            .secret("s")
            .on_commit_error(move |error| {
                let text = match error.store_error() {
                    Some(store) => store.message().to_owned(),
                    None => error.to_string(),
                };
                sink.lock().unwrap().push(text);
            })
            .into_config()
            .unwrap();
        config.report_commit_error(&crate::session::StoreError::new("store set failed").into());
        // A cookie that cannot be written (SameSite `Auto` on a session's
        // cookie, spec §4.7) is one too.
        let mut state = config.generate(&parts("/", None), None, false).unwrap();
        state
            .cookie_mut()
            .unwrap()
            .set_same_site(Some(SameSite::Auto));
        config.report_commit_error(&config.set_cookie(&state).unwrap_err());
        let heard = heard.lock().unwrap();
        assert_eq!(heard[0], "store set failed");
        assert!(
            heard[1].starts_with("the session cookie cannot be set"),
            "{heard:?}"
        );
        // Without a hook, reporting does nothing.
        let quiet = SessionOptions::new().secret("s").into_config().unwrap();
        quiet.report_commit_error(&crate::session::StoreError::new("x").into());
    }

    #[test]
    fn a_destroyed_session_has_no_cookie() {
        let config = SessionOptions::new().secret("s").into_config().unwrap();
        let mut state = config.generate(&parts("/", None), None, false).unwrap();
        state.destroy();
        assert!(config.set_cookie(&state).unwrap_err().is_gone());
    }
}
