//! What a [`Session`](crate::Session) handle holds for a cookie session,
//! and where the request path meets it: loading from the request's cookie
//! on first use, and the `Set-Cookie` after the handler.

use std::sync::{Arc, Mutex, MutexGuard};

use http::header::SET_COOKIE;

use super::config::SecureSessionConfig;
use super::state::CookieState;
use crate::exception::HttpException;
use crate::request::RequestHead;
use crate::response::{IntoResponse, Response};
use crate::session::{Session, SessionCookie};

/// One request's cookie session behind a `Session` handle.
pub(crate) struct CookieSession {
    config: Arc<SecureSessionConfig>,
    // A std mutex, as for store sessions: short critical sections, no await.
    state: Mutex<CookieState>,
    secure: bool,
}

impl CookieSession {
    pub(crate) fn state(&self) -> MutexGuard<'_, CookieState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// This response's cookie attributes, without changing them.
    pub(crate) fn cookie(&self) -> Option<SessionCookie> {
        let state = self.state();
        state.data()?;
        Some(match state.changed_cookie() {
            Some(cookie) => cookie.clone(),
            None => self.config.cookie_for(self.secure),
        })
    }

    /// Applies `change` to this response's cookie attributes.
    pub(crate) fn cookie_mut<R>(&self, change: impl FnOnce(&mut SessionCookie) -> R) -> Option<R> {
        let mut state = self.state();
        state
            .cookie_mut(|| self.config.cookie_for(self.secure))
            .map(change)
    }
}

/// The request's session, read from its cookie: never fails, a bad cookie
/// is a fresh session.
pub(crate) fn load(config: &Arc<SecureSessionConfig>, head: &RequestHead) -> Session {
    // nestling serves plain HTTP: a request is secure only through a proxy.
    let secure = crate::session::is_secure(false, None, head.app.trust_proxy, &head.parts.headers);
    Session::of_cookie(CookieSession {
        config: Arc::clone(config),
        state: Mutex::new(config.load(&head.parts.headers)),
        secure,
    })
}

/// The end of the request: the `Set-Cookie` the session needs, if any. A
/// session too large for a cookie fails the request with a 500 (logged)
/// rather than letting the browser drop the cookie without a word.
pub(crate) fn commit(session: &CookieSession, mut response: Response) -> Response {
    let state = session.state();
    match session.config.set_cookie(&state, session.secure) {
        Ok(None) => response,
        Ok(Some(value)) => {
            response.headers_mut().append(SET_COOKIE, value);
            response
        }
        Err(error) => {
            tracing::error!(%error, "the session cookie could not be written");
            HttpException::internal_server_error()
                .cause(error)
                .into_response()
        }
    }
}
