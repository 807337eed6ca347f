//! The `Session` injector: one request's session, as handlers use it
//! (express-session's `req.session`). `Req::session()` gives the same one.

use std::sync::{Arc, Mutex, MutexGuard};

use http::request::Parts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::secure_cookie::CookieSession;
use super::{SessionConfig, SessionCookie, SessionData, SessionError, SessionState};
use crate::exception::HttpException;
use crate::injector::Injector;
use crate::request::RequestContext;
use crate::routing::ArgInfo;

/// The request's session (Nest's `@Session()`, Express's `req.session`).
///
/// It is loaded from the store the first time a handler asks for it, and
/// saved, touched or destroyed after the handler returns, following
/// express-session's rules; the response leaves only once the store answered.
/// Routes that never ask for it never touch the store.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// pub struct VisitsController;
///
/// #[controller]
/// impl VisitsController {
///     #[get("visits")]
///     async fn visits(&self, mut session: Session) -> Result<String, HttpException> {
///         let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
///         session.insert("visits", visits)?;
///         Ok(visits.to_string())
///     }
/// }
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

/// The two backends behind one handle.
// It lives in the handle's `Arc`: one allocation per request either way,
// and boxing the larger variant would add a second.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Inner {
    /// express-session: a signed id in the cookie, the data in a store.
    Store(StoreSession),
    /// @fastify/secure-session: the data encrypted in the cookie.
    Cookie(CookieSession),
}

pub(crate) struct StoreSession {
    config: Arc<SessionConfig>,
    // A std mutex: every critical section is a few field accesses with no
    // await inside, so an async mutex would only add cost.
    state: Mutex<SessionState>,
    secure: bool,
    /// What `genid` and per-request cookie options read on `regenerate`;
    /// copied only when the configuration has either (boxed: it is rare,
    /// and inline it would double the size of every session handle).
    parts: Option<Box<Parts>>,
}

impl StoreSession {
    fn state(&self) -> MutexGuard<'_, SessionState> {
        // A panic while the lock was held cannot leave the state half-written
        // in a way that matters more than losing the session: keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn config(&self) -> &Arc<SessionConfig> {
        &self.config
    }

    pub(crate) fn is_secure_request(&self) -> bool {
        self.secure
    }

    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut SessionState) -> R) -> R {
        f(&mut self.state())
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.inner {
            Inner::Store(_) => f.debug_struct("Session").field("id", &self.id()).finish(),
            Inner::Cookie(_) => f
                .debug_struct("Session")
                .field("backend", &"cookie")
                .finish(),
        }
    }
}

impl Session {
    pub(crate) fn new(
        config: Arc<SessionConfig>,
        state: SessionState,
        secure: bool,
        parts: Option<Parts>,
    ) -> Session {
        Session {
            inner: Arc::new(Inner::Store(StoreSession {
                config,
                state: Mutex::new(state),
                secure,
                parts: parts.map(Box::new),
            })),
        }
    }

    pub(crate) fn of_cookie(session: CookieSession) -> Session {
        Session {
            inner: Arc::new(Inner::Cookie(session)),
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The session id (`req.sessionID`); empty for cookie sessions, which
    /// have none.
    pub fn id(&self) -> String {
        match &*self.inner {
            Inner::Store(s) => s.state().id().to_owned(),
            Inner::Cookie(_) => String::new(),
        }
    }

    /// Whether this session was created by this request (no valid cookie,
    /// an unknown id, or `regenerate`; for cookie sessions: no valid
    /// cookie).
    pub fn is_new(&self) -> bool {
        match &*self.inner {
            Inner::Store(s) => s.state().is_new(),
            Inner::Cookie(c) => c.state().is_new(),
        }
    }

    /// The value under `key`, deserialised; `Ok(None)` when absent (or the
    /// session was destroyed).
    ///
    /// # Errors
    /// When the stored value does not fit `T` (e.g. written by another app).
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        match &*self.inner {
            Inner::Store(s) => match s.state().data() {
                Some(data) => data.get(key),
                None => Ok(None),
            },
            Inner::Cookie(c) => c.state().get(key),
        }
    }

    /// The raw JSON value under `key`.
    pub fn get_value(&self, key: &str) -> Option<Value> {
        match &*self.inner {
            Inner::Store(s) => s.state().data()?.get_value(key).cloned(),
            Inner::Cookie(c) => c.state().data()?.get_value(key).cloned(),
        }
    }

    /// Stores `value` under `key`. With a store, assigning an equal value
    /// is not a change, as in express-session; a cookie session is written
    /// again on every `insert`, as @fastify/secure-session's `set` does.
    ///
    /// # Errors
    /// When the session was destroyed, `key` is reserved (`cookie`, `id`,
    /// ..., and `__ts` for cookie sessions), or `value` does not serialise
    /// to JSON.
    pub fn insert<T: Serialize>(&mut self, key: &str, value: T) -> Result<(), SessionError> {
        match &*self.inner {
            Inner::Store(s) => match s.state().data_mut() {
                Some(data) => data.insert(key, value),
                None => Err(SessionError::gone()),
            },
            Inner::Cookie(c) => c.state().insert(key, value),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &*self.inner {
            Inner::Store(s) => s.state().data_mut()?.remove(key),
            Inner::Cookie(c) => c.state().remove(key),
        }
    }

    /// Removes every key (the cookie stays).
    pub fn clear(&mut self) {
        match &*self.inner {
            Inner::Store(s) => {
                if let Some(data) = s.state().data_mut() {
                    data.clear();
                }
            }
            Inner::Cookie(c) => c.state().clear(),
        }
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        match &*self.inner {
            Inner::Store(s) => s.state().data().is_some_and(|d| d.contains_key(key)),
            Inner::Cookie(c) => c.state().data().is_some_and(|d| d.contains_key(key)),
        }
    }

    /// A copy of the session's data: every key but `cookie` (or `__ts`),
    /// in order, as `JSON.stringify(req.session)` lists them; `None` once
    /// the session was destroyed or unset. Changing the copy changes
    /// nothing.
    ///
    /// ```
    /// use nestling::prelude::*;
    /// use serde_json::{Map, Value};
    ///
    /// /// Every key and value of the session, as one JSON object.
    /// async fn dump(session: Session) -> Json<Value> {
    ///     let data = session.data().unwrap_or_default();
    ///     let object: Map<String, Value> =
    ///         data.iter().map(|(k, v)| (k.to_owned(), v.clone())).collect();
    ///     Json(Value::Object(object))
    /// }
    /// ```
    pub fn data(&self) -> Option<SessionData> {
        match &*self.inner {
            Inner::Store(s) => s.state().data().cloned(),
            Inner::Cookie(c) => c.state().data().cloned(),
        }
    }

    /// The session's cookie (`req.session.cookie`): `max_age`,
    /// `original_max_age`, `expires` and the attributes. For a cookie
    /// session: the attributes this response's `Set-Cookie` will have.
    pub fn cookie(&self) -> Option<SessionCookie> {
        match &*self.inner {
            Inner::Store(s) => s.state().cookie().cloned(),
            Inner::Cookie(c) => c.cookie(),
        }
    }

    /// Changes the session's cookie, e.g. `|c| c.set_max_age(Some(week))`
    /// for "remember me". Changing only the cookie is not a modification.
    /// For a cookie session, the change applies to this response only
    /// (the plugin's `session.options(..)`), and only if the cookie is
    /// written: call [`touch`](Self::touch) to make sure.
    pub fn cookie_mut<R>(&mut self, change: impl FnOnce(&mut SessionCookie) -> R) -> Option<R> {
        match &*self.inner {
            Inner::Store(s) => s.state().cookie_mut().map(change),
            Inner::Cookie(c) => c.cookie_mut(change),
        }
    }

    /// Restarts the cookie's lifetime (`req.session.touch()`). A cookie
    /// session is written again with its time reset, which extends its
    /// `expiry`.
    pub fn touch(&mut self) {
        match &*self.inner {
            Inner::Store(s) => s.state().touch(),
            Inner::Cookie(c) => c.state().touch(),
        }
    }

    /// Stores the session now (`req.session.save()`); the end of the request
    /// then only saves again if it changed afterwards. A cookie session is
    /// only ever written with the response: this does nothing.
    ///
    /// # Errors
    /// When the session was destroyed, or the store fails.
    pub async fn save(&mut self) -> Result<(), SessionError> {
        let s = match &*self.inner {
            Inner::Store(s) => s,
            Inner::Cookie(c) => {
                return match c.state().data() {
                    Some(_) => Ok(()),
                    None => Err(SessionError::gone()),
                };
            }
        };
        let (id, document, changes) = {
            let mut state = s.state();
            let document = state.save()?;
            (state.id().to_owned(), document, state.changes())
        };
        let store = s.config.store();
        match changes {
            Some(changes) => store.set_changes(&id, &document, &changes).await?,
            None => store.set(&id, &document).await?,
        }
        Ok(())
    }

    /// Replaces the session with what the store holds (`req.session.reload()`),
    /// or, for a cookie session, with what the request's cookie held.
    ///
    /// # Errors
    /// `failed to load session` when the store has none; a store failure.
    pub async fn reload(&mut self) -> Result<(), SessionError> {
        let s = match &*self.inner {
            Inner::Store(s) => s,
            Inner::Cookie(c) => {
                c.state().reload();
                return Ok(());
            }
        };
        let id = self.id();
        let found = s.config.store().get(&id).await?;
        s.state().reload(found.as_ref())
    }

    /// Deletes the session from the store; no cookie is sent and nothing is
    /// saved at the end of the request (`req.session.destroy()`). Use it on
    /// logout. A cookie session's cookie is deleted (`Max-Age=0`).
    ///
    /// # Errors
    /// When the store fails (the session is gone from this request anyway).
    pub async fn destroy(&mut self) -> Result<(), SessionError> {
        let s = match &*self.inner {
            Inner::Store(s) => s,
            Inner::Cookie(c) => {
                c.state().destroy();
                return Ok(());
            }
        };
        let id = {
            let mut state = s.state();
            state.destroy();
            state.id().to_owned()
        };
        s.config.store().destroy(&id).await?;
        Ok(())
    }

    /// Replaces the session with a new, empty one under a new id, deleting
    /// the old one from the store (`req.session.regenerate()`). Call it on
    /// login, against session fixation; the new session is always saved and
    /// its cookie sent. A cookie session is emptied and encrypted anew.
    ///
    /// # Errors
    /// When deleting the old session failed (the new one exists anyway, as
    /// in express-session), or the random source failed.
    pub async fn regenerate(&mut self) -> Result<(), SessionError> {
        self.regenerate_keeping(&[]).await
    }

    /// [`regenerate`](Self::regenerate), keeping the values of `keep`
    /// (@fastify/secure-session's `regenerate(keep)`), e.g. a cart across a
    /// login.
    ///
    /// ```
    /// use nestling::prelude::*;
    ///
    /// async fn log_in(mut session: Session, user: String) -> Result<(), HttpException> {
    ///     session.regenerate_keeping(&["cart"]).await?;
    ///     session.insert("user", user)?;
    ///     Ok(())
    /// }
    /// ```
    ///
    /// # Errors
    /// As [`regenerate`](Self::regenerate).
    pub async fn regenerate_keeping(&mut self, keep: &[&str]) -> Result<(), SessionError> {
        let s = match &*self.inner {
            Inner::Store(s) => s,
            Inner::Cookie(c) => {
                c.state().regenerate(keep);
                return Ok(());
            }
        };
        let kept: Vec<(&str, Value)> = match s.state().data() {
            Some(data) => keep
                .iter()
                .filter_map(|key| Some((*key, data.get_value(key)?.clone())))
                .collect(),
            None => Vec::new(),
        };
        let old = self.id();
        let destroyed = s.config.store().destroy(&old).await;
        let empty;
        let parts = match &s.parts {
            Some(parts) => parts,
            None => {
                empty = http::Request::new(()).into_parts().0;
                &empty
            }
        };
        {
            let mut state = s.state();
            s.config.regenerate(&mut state, parts, s.secure)?;
            if let Some(data) = state.data_mut() {
                for (key, value) in kept {
                    data.insert(key, value)?;
                }
            }
        }
        destroyed.map_err(SessionError::from)
    }

    /// Drops the session from this request (`req.session = null`): its
    /// changes are discarded; with `unset(Unset::Destroy)` the stored one is
    /// deleted at the end of the request. A cookie session sends nothing.
    pub fn unset(&mut self) {
        match &*self.inner {
            Inner::Store(s) => s.state().unset(),
            Inner::Cookie(c) => c.state().unset(),
        }
    }
}

/// The request's session. A route without sessions configured (or outside
/// the cookie's path) answers 500 and logs why; take `Option<Session>` to
/// handle that case yourself.
impl Injector for Session {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        match super::request::session_of(ctx.head()).await? {
            Some(session) => Ok(session),
            None => Err(HttpException::internal_server_error().cause(format!(
                "{} takes `{}: Session`, but this request has no session: {}",
                arg.handler,
                arg.name,
                super::request::why_none(ctx.head())
            ))),
        }
    }
}

/// The request's session, or `None` when sessions are not configured or the
/// path is outside the session cookie's path.
impl Injector for Option<Session> {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        super::request::session_of(ctx.head()).await
    }
}
