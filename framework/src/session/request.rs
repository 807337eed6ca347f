//! Where sessions meet the request path: loading on first use (the
//! `Session` injector, `Req::session()`), and the commit after the handler
//! (`controller::finish`), in express-session's order (spec §2, §5).

use std::sync::Arc;

use http::header::SET_COOKIE;

use super::completion::ToCompletion;
use super::handle::Inner;
use super::{Mount, Session, SessionConfig, StoreAction, secure_cookie};
use crate::exception::HttpException;
use crate::request::RequestHead;
use crate::response::Response;

/// The request's session, loaded (or generated) once per request; `None`
/// when sessions are off or do not apply to this path (R2, R3).
pub(crate) async fn session_of(head: &RequestHead) -> Result<Option<Session>, HttpException> {
    match head.app.sessions.for_path(head.parts.uri.path()) {
        None => Ok(None),
        Some(Mount::Store(config)) => head
            .session
            .get_or_try_init(|| load(config, head))
            .await
            .cloned(),
        Some(Mount::Cookie(config)) => head
            .session
            .get_or_try_init(|| async { Ok(Some(secure_cookie::session::load(config, head))) })
            .await
            .cloned(),
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

async fn load(
    config: &Arc<SessionConfig>,
    head: &RequestHead,
) -> Result<Option<Session>, HttpException> {
    let parts = &head.parts;
    if !config.applies_to(parts) {
        return Ok(None);
    }
    // nestling serves plain HTTP: a request is secure only through a proxy.
    let secure = config.is_secure(parts, false, head.app.trust_proxy);
    let state = match config.cookie_session_id(&parts.headers) {
        None => config.generate(parts, None, secure)?,
        Some(id) => match config.store().get(id.id()).await {
            Ok(Some(stored)) => config.load(id, &stored)?,
            Ok(None) => config.generate(parts, Some(id), secure)?,
            Err(error) if error.is_not_found() => config.generate(parts, Some(id), secure)?,
            Err(error) => {
                return Err(HttpException::internal_server_error().cause(format!(
                    "the session store failed to load a session: {error}"
                )));
            }
        },
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
pub(crate) async fn commit(head: &RequestHead, mut response: Response) -> Response {
    let Some(Some(session)) = head.session.get() else {
        return response;
    };
    let session = match session.inner() {
        Inner::Store(session) => session,
        Inner::Cookie(session) => return secure_cookie::session::commit(session, response),
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
    // The store call is owned by a `ToCompletion`: if the client goes away
    // while it runs, it finishes (and logs) on its own task. The memory
    // store's calls finish in their first poll, so there is nothing to
    // protect: they run in place, without boxing the call.
    if action != StoreAction::None {
        let store = config.store().clone();
        let in_place = store.completes_at_once();
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
        if in_place {
            call.await;
        } else {
            ToCompletion::new(call).await;
        }
    }
    if let Some(value) = cookie {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}
