//! Where sessions meet the request path: loading on first use (the
//! `Session` injector, `Req::session()`), and the commit after the handler
//! (`controller::finish`), in express-session's order (spec §2, §5).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::header::SET_COOKIE;

use super::completion::ToCompletion;
use super::cookie_header::CookieId;
use super::handle::Inner;
use super::{Mount, Session, SessionConfig, StoreAction, StoreError, StoredSession, secure_cookie};
use crate::exception::HttpException;
use crate::request::RequestHead;
use crate::response::Response;

/// The request's session, loaded (or generated) once per request; `None`
/// when sessions are off or do not apply to this path (R2, R3).
pub(crate) async fn session_of(head: &RequestHead) -> Result<Option<Session>, HttpException> {
    match session_now(head) {
        Loading::Ready(session) => session,
        Loading::Wait(loading) => loading.await,
    }
}

/// What [`session_now`] found.
pub(crate) enum Loading<'a> {
    /// The session, with nothing to wait for.
    Ready(Result<Option<Session>, HttpException>),
    /// The store must answer first.
    Wait(Pin<Box<dyn Future<Output = Result<Option<Session>, HttpException>> + Send + 'a>>),
}

/// The request's session when it can be had without waiting: already
/// loaded, no session here, a cookie session, or one in the memory store
/// (whose calls never wait). Only other stores are waited for, in a boxed
/// future, so the common cases carry no store future in the handler's.
pub(crate) fn session_now(head: &RequestHead) -> Loading<'_> {
    if let Some(session) = head.session.get() {
        return Loading::Ready(Ok(session.clone()));
    }
    match head.app.sessions.for_path(head.parts.uri.path()) {
        None => Loading::Ready(Ok(None)),
        Some(Mount::Cookie(config)) => {
            let session = secure_cookie::session::load(config, head);
            Loading::Ready(Ok(settle(head, Some(session))))
        }
        Some(Mount::Store(config)) => match config.store().memory() {
            Some(memory) => {
                let loaded = load_with(config, head, |id| Ok(memory.get_now(id)));
                Loading::Ready(loaded.map(|session| settle(head, session)))
            }
            None => Loading::Wait(Box::pin(async move {
                let session = load(config, head).await?;
                Ok(settle(head, session))
            })),
        },
    }
}

/// Keeps `session` as the request's and gives it back; if the request got
/// one meanwhile (two loads awaited at once, from a store that waits), the
/// first one kept, so that one request has one session.
fn settle(head: &RequestHead, session: Option<Session>) -> Option<Session> {
    match head.session.set(session.clone()) {
        Ok(()) => session,
        Err(_) => head.session.get().cloned().flatten(),
    }
}

/// Why [`session_of`] gave `None`, for the log.
pub(crate) fn why_none(head: &RequestHead) -> &'static str {
    if head.app.sessions.is_empty() {
        "sessions are not enabled; call `app.use_session(SessionOptions::new().secret(..))` \
         or `app.use_secure_session(SecureSessionOptions::new().key(..))`"
    } else if head.app.sessions.for_path(head.parts.uri.path()).is_none() {
        "no `use_session_at` mount covers this path"
    } else {
        "the path is outside the session cookie's path, or the store is not ready"
    }
}

/// Loads the session from a store that may wait.
async fn load(
    config: &Arc<SessionConfig>,
    head: &RequestHead,
) -> Result<Option<Session>, HttpException> {
    if !config.applies_to(&head.parts) {
        return Ok(None);
    }
    let id = config.cookie_session_id(&head.parts.headers);
    let stored = match &id {
        Some(id) => Some(config.store().get(id.id()).await),
        None => None,
    };
    loaded(config, head, id, stored)
}

/// Loads the session with `get`, a store call that does not wait.
fn load_with(
    config: &Arc<SessionConfig>,
    head: &RequestHead,
    get: impl FnOnce(&str) -> Result<Option<StoredSession>, StoreError>,
) -> Result<Option<Session>, HttpException> {
    if !config.applies_to(&head.parts) {
        return Ok(None);
    }
    let id = config.cookie_session_id(&head.parts.headers);
    let stored = id.as_ref().map(|id| get(id.id()));
    loaded(config, head, id, stored)
}

/// The session of the cookie's `id`, given what the store answered for it
/// (`stored`, when there was an id to ask for).
fn loaded(
    config: &Arc<SessionConfig>,
    head: &RequestHead,
    id: Option<CookieId>,
    stored: Option<Result<Option<StoredSession>, StoreError>>,
) -> Result<Option<Session>, HttpException> {
    let parts = &head.parts;
    // nestling serves plain HTTP: a request is secure only through a proxy.
    let secure = config.is_secure(parts, false, head.app.trust_proxy);
    let state = match (id, stored) {
        (Some(id), Some(Ok(Some(stored)))) => config.load(id, &stored)?,
        (Some(id), Some(Ok(None))) => config.generate(parts, Some(id), secure)?,
        (Some(id), Some(Err(error))) if error.is_not_found() => {
            config.generate(parts, Some(id), secure)?
        }
        (_, Some(Err(error))) => {
            return Err(HttpException::internal_server_error().cause(format!(
                "the session store failed to load a session: {error}"
            )));
        }
        (id, _) => config.generate(parts, id, secure)?,
    };
    let snapshot = config.reads_request_on_generate().then(|| snapshot(parts));
    Ok(Some(Session::new(
        Arc::clone(config),
        state,
        secure,
        snapshot,
    )))
}

/// What `genid` and per-request cookie options can read on `regenerate`.
fn snapshot(parts: &http::request::Parts) -> http::request::Parts {
    let mut copy = http::Request::new(()).into_parts().0;
    copy.method = parts.method.clone();
    copy.uri = parts.uri.clone();
    copy.version = parts.version;
    copy.headers = parts.headers.clone();
    copy
}

/// The end of the request: one store call, then `Set-Cookie`, before the
/// response leaves (spec §5.4). A store failure here leaves the response as
/// the handler made it and is logged (and given to `on_commit_error`, as is
/// a cookie that cannot be written): in express-session the headers are
/// already written when the store answers (§5.2 "Errors from
/// destroy/save/touch", §11), and the session-contract app checks exactly
/// that. Only a failure to *load* the session answers 500, since nothing
/// was sent yet.
pub(crate) async fn commit(head: &RequestHead, response: Response) -> Response {
    match commit_now(head, response) {
        Committing::Ready(response) => response,
        Committing::Wait(committing) => committing.await,
    }
}

/// What [`commit_now`] did.
pub(crate) enum Committing {
    /// The session is committed: the response can leave.
    Ready(Response),
    /// The store call is under way: the response once it finished.
    Wait(Pin<Box<dyn Future<Output = Response> + Send + 'static>>),
}

/// [`commit`] without a future when the store call does not wait (the
/// memory store), or there is none (no session, cookie sessions, nothing
/// to store).
pub(crate) fn commit_now(head: &RequestHead, mut response: Response) -> Committing {
    let Some(Some(session)) = head.session.get() else {
        return Committing::Ready(response);
    };
    let session = match session.inner() {
        Inner::Store(session) => session,
        Inner::Cookie(session) => {
            return Committing::Ready(secure_cookie::session::commit(session, response));
        }
    };
    let config = session.config();
    let (id, action, document, changes, cookie) = session.with_state(|state| {
        let commit = config.commit(state, session.is_secure_request());
        let document = match commit.store {
            StoreAction::Save | StoreAction::Touch => state.document(),
            StoreAction::None | StoreAction::Destroy => None,
        };
        let changes = (commit.store == StoreAction::Save)
            .then(|| state.changes())
            .flatten();
        let cookie = commit.set_cookie.then(|| config.set_cookie(state));
        (state.shared_id(), commit.store, document, changes, cookie)
    });
    let cookie = match cookie {
        Some(Ok(value)) => Some(value),
        Some(Err(error)) => {
            // express-session sends no cookie and completes the response
            // (§4.7); its error handler hears of it before the store's answer.
            tracing::error!(%error, "the session cookie could not be written");
            config.report_commit_error(&error);
            None
        }
        None => None,
    };
    if let Some(value) = cookie {
        response.headers_mut().append(SET_COOKIE, value);
    }
    if action == StoreAction::None {
        return Committing::Ready(response);
    }
    if let Some(memory) = config.store().memory() {
        match (action, document) {
            // A loaded session is merged with overlapping saves (issue 5).
            (StoreAction::Save, Some(document)) => match changes {
                Some(changes) => memory.set_changes_now(&id, &document, &changes),
                None => memory.set_now(&id, &document),
            },
            (StoreAction::Touch, Some(document)) => memory.touch_now(&id, &document),
            (StoreAction::Destroy, _) => memory.destroy_now(&id),
            _ => {}
        }
        return Committing::Ready(response);
    }
    // The store call is owned by a `ToCompletion`: if the client goes away
    // while it runs, it finishes (and logs) on its own task.
    let store = config.store().clone();
    let reporter = Arc::clone(config);
    let call = async move {
        let stored = match (action, document) {
            // A loaded session is merged with overlapping saves (issue 5).
            (StoreAction::Save, Some(document)) => match changes {
                Some(changes) => store.set_changes(&id, &document, &changes).await,
                None => store.set(&id, &document).await,
            },
            (StoreAction::Touch, Some(document)) => store.touch(&id, &document).await,
            (StoreAction::Destroy, _) => store.destroy(&id).await,
            _ => Ok(()),
        };
        if let Err(error) = stored {
            tracing::error!(%error, ?action, session = %id, "the session store failed at the end of the request");
            reporter.report_commit_error(&error.into());
        }
    };
    Committing::Wait(Box::pin(async move {
        ToCompletion::new(call).await;
        response
    }))
}
