//! The per-configuration actions (the contract's §2):
//! `GET /<name>/.../<action>?query`, where the action is the last non-empty
//! path segment. Every request under a configuration loads its session
//! first, whatever the method or action, as express-session's middleware
//! runs before the router.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nestling::http::{Method, StatusCode};
use nestling::prelude::*;
use nestling::session::{Priority, SameSite, SessionError, StoredSession};
use nestling::{ArgInfo, RequestContext, Response};
use serde_json::{Value, json};

use crate::contract::Contract;
use crate::js;
use crate::query::QueryString;

/// The request's session as the actions see it: loading can fail, and the
/// failure is answered the contract's way (`500 {"error": m}`), not with
/// Nest's body.
pub enum Loaded {
    /// The session (loaded or new).
    Present(Session),
    /// No session: the path is outside the cookie's path, or the store is
    /// disconnected.
    Absent,
    /// Loading failed; `m` for the error log.
    Failed(String),
}

/// How nestling describes a store failure while loading a session (the
/// cause of the 500 the `Session` injectors reject with); what follows is
/// the store error.
const LOAD_FAILURE: &str = "the session store failed to load a session: ";

impl Injector for Loaded {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        Ok(
            match <Option<Session> as Injector>::inject(ctx, arg).await {
                Ok(Some(session)) => Loaded::Present(session),
                Ok(None) => Loaded::Absent,
                // A store error keeps its own message; anything else (a stored
                // document that is not a session, ...) is `internal`.
                Err(rejection) => Loaded::Failed(
                    rejection
                        .get_cause()
                        .and_then(|cause| cause.strip_prefix(LOAD_FAILURE))
                        .unwrap_or("internal")
                        .to_owned(),
                ),
            },
        )
    }
}

/// Every configuration's actions: one wildcard route per shape of path.
#[injectable]
pub struct ActionsController {
    contract: Inject<Contract>,
}

#[controller]
impl ActionsController {
    /// `/<name>` alone: no action.
    #[all(":cfg")]
    async fn bare(&self, req: Req, session: Loaded) -> Response {
        run(&self.contract, &req, session).await
    }

    /// `/<name>/.../<action>`.
    #[all(":cfg/*rest")]
    async fn action(&self, req: Req, session: Loaded) -> Response {
        run(&self.contract, &req, session).await
    }
}

/// The actions, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Noop,
    Id,
    Visits,
    Read,
    Get,
    Dump,
    Set,
    Del,
    Mutate,
    Cookie,
    Touch,
    MaxAge,
    Expires,
    CookieSet,
    Save,
    Reload,
    SlowReload,
    Regenerate,
    Destroy,
    Unset,
    Slow,
    MultiWrite,
    OtherCookie,
    Fail,
}

impl Action {
    fn parse(name: &str) -> Option<Action> {
        Some(match name {
            "noop" => Action::Noop,
            "id" => Action::Id,
            "visits" => Action::Visits,
            "read" => Action::Read,
            "get" => Action::Get,
            "dump" => Action::Dump,
            "set" => Action::Set,
            "del" => Action::Del,
            "mutate" => Action::Mutate,
            "cookie" => Action::Cookie,
            "touch" => Action::Touch,
            "maxage" => Action::MaxAge,
            "expires" => Action::Expires,
            "cookieset" => Action::CookieSet,
            "save" => Action::Save,
            "reload" => Action::Reload,
            "slowreload" => Action::SlowReload,
            "regenerate" => Action::Regenerate,
            "destroy" => Action::Destroy,
            "unset" => Action::Unset,
            "slow" => Action::Slow,
            "multiwrite" => Action::MultiWrite,
            "othercookie" => Action::OtherCookie,
            "fail" => Action::Fail,
            _ => return None,
        })
    }
}

/// Why an action failed: what reaches the configuration's error handler.
enum Failure {
    /// The `fail` action's own error.
    Handler,
    /// Anything else (bad JSON in a query, a reserved key, ...).
    Internal,
}

impl Failure {
    fn message(&self) -> &'static str {
        match self {
            Failure::Handler => "handler failed",
            Failure::Internal => "internal",
        }
    }
}

impl From<SessionError> for Failure {
    fn from(_: SessionError) -> Self {
        Failure::Internal
    }
}

impl From<serde_json::Error> for Failure {
    fn from(_: serde_json::Error) -> Self {
        Failure::Internal
    }
}

type Outcome = Result<Response, Failure>;

async fn run(contract: &Contract, req: &Req, loaded: Loaded) -> Response {
    let mut segments = req.path().split('/').filter(|s| !s.is_empty());
    let name = segments.next().unwrap_or_default();
    let Some(configuration) = contract.configuration(name) else {
        return reply(
            StatusCode::NOT_FOUND,
            json!({"error": "unknown configuration"}),
        );
    };
    let store = configuration.store.recorder();
    // The session middleware runs first: its failure is the response.
    let session = match loaded {
        Loaded::Present(session) => Some(session),
        Loaded::Absent => None,
        Loaded::Failed(message) => {
            store.record_error(message.clone());
            return reply(StatusCode::INTERNAL_SERVER_ERROR, json!({"error": message}));
        }
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return reply(StatusCode::METHOD_NOT_ALLOWED, json!({"error": "method"}));
    }
    let Some(action) = segments.next_back().and_then(Action::parse) else {
        return reply(StatusCode::NOT_FOUND, json!({"error": "unknown action"}));
    };
    let Some(session) = session else {
        return ok(match action {
            Action::Noop => json!({"ok": true, "session": false}),
            Action::Id => json!({"sessionID": null, "id": null}),
            _ => json!({"session": false}),
        });
    };
    let query = QueryString::parse(req.query_string());
    match perform(action, session, &query).await {
        Ok(response) => response,
        Err(failure) => {
            store.record_error(failure.message());
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": failure.message()}),
            )
        }
    }
}

async fn perform(action: Action, mut s: Session, q: &QueryString) -> Outcome {
    let body = match action {
        Action::Noop => json!({"ok": true, "session": true}),
        Action::Id => {
            let id = s.id();
            json!({"sessionID": id, "id": id})
        }
        Action::Visits => json!({"visits": increment(&mut s, 1)?}),
        Action::Read => json!({"visits": s.get_value("visits")}),
        Action::Get => json!({"value": get(&s, key(q))}),
        Action::Dump => json!({"data": data(&s)}),
        Action::Set => {
            match q.get("value") {
                Some(value) if q.is_set("json") => {
                    s.insert(key(q), serde_json::from_str::<Value>(value)?)?
                }
                Some(value) => s.insert(key(q), value)?,
                // `s[k] = undefined`: gone from the session's JSON.
                None if q.is_set("json") => return Err(Failure::Internal),
                None => {
                    s.remove(key(q));
                }
            }
            json!({"ok": true})
        }
        Action::Del => {
            s.remove(key(q));
            json!({"ok": true})
        }
        Action::Mutate => {
            let ops: Value = serde_json::from_str(q.get("ops").unwrap_or_default())?;
            let Value::Array(ops) = ops else {
                return Err(Failure::Internal);
            };
            for op in ops {
                mutate(&mut s, op)?;
            }
            json!({"ok": true})
        }
        Action::Cookie => json!({"cookie": cookie(&s)}),
        Action::Touch => {
            s.touch();
            json!({"ok": true})
        }
        Action::MaxAge => {
            let ms = match q.get("ms") {
                None | Some("null") => None,
                Some(text) => Some(js_number(text).ok_or(Failure::Internal)?),
            };
            s.cookie_mut(|c| c.set_max_age_ms(ms));
            if q.is_set("mod") {
                increment(&mut s, 1)?;
            }
            json!({"ok": true})
        }
        Action::Expires => {
            let at = match q.get("at") {
                // `false` is JavaScript-only (spec §13): it counts as null.
                None | Some("null" | "false") => None,
                Some(text) => Some(date(text).ok_or(Failure::Internal)?),
            };
            s.cookie_mut(|c| c.set_expires(at));
            if q.is_set("mod") {
                increment(&mut s, 1)?;
            }
            json!({"ok": true})
        }
        Action::CookieSet => {
            cookie_set(&mut s, q);
            if q.is_set("mod") {
                increment(&mut s, 1)?;
            }
            json!({"ok": true})
        }
        Action::Save => {
            if q.get("mod") != Some("0") {
                increment(&mut s, 1)?;
            }
            let err = s.save().await.err().map(|e| message(&e));
            if q.is_set("after") {
                increment(&mut s, 1)?;
            }
            json!({"visits": s.get_value("visits"), "err": err})
        }
        Action::Reload => {
            if q.is_set("before") {
                increment(&mut s, 100)?;
            }
            if let Err(error) = s.reload().await {
                return Ok(reload_failed(&error));
            }
            json!({"visits": s.get_value("visits"), "err": null})
        }
        Action::SlowReload => {
            sleep(q).await;
            if let Err(error) = s.reload().await {
                return Ok(reload_failed(&error));
            }
            json!({"data": data(&s)})
        }
        Action::Regenerate => {
            let regenerated = s.regenerate().await.err().map(|e| message(&e));
            let then = q.get("then");
            if matches!(then, Some("visits" | "save")) {
                increment(&mut s, 1)?;
            }
            let saved = match then {
                Some("save") => s.save().await.err().map(|e| message(&e)),
                _ => None,
            };
            json!({
                "regenerated": true,
                "err": regenerated.or(saved),
                "visits": s.get_value("visits"),
            })
        }
        Action::Destroy => {
            let err = s.destroy().await.err().map(|e| message(&e));
            json!({"destroyed": true, "err": err, "session": s.cookie().is_some()})
        }
        Action::Unset => {
            if q.is_set("before") {
                increment(&mut s, 1)?;
            }
            s.unset();
            json!({"unset": true})
        }
        Action::Slow => {
            sleep(q).await;
            json!({"data": data(&s)})
        }
        Action::MultiWrite => {
            increment(&mut s, 1)?;
            let chunks = Chunks(vec!["hello, ", "world"]);
            return Ok((
                [
                    ("content-type", "text/plain; charset=utf-8"),
                    ("content-length", "12"),
                ],
                Streaming::new(chunks),
            )
                .into_response());
        }
        Action::OtherCookie => {
            increment(&mut s, 1)?;
            return Ok((
                [("set-cookie", "other=1; Path=/")],
                Json(json!({"ok": true})),
            )
                .into_response());
        }
        Action::Fail => {
            increment(&mut s, 1)?;
            return Err(Failure::Handler);
        }
    };
    Ok(ok(body))
}

/// `s.visits = (s.visits || 0) + n`; the new value.
fn increment(s: &mut Session, n: i64) -> Result<Value, Failure> {
    let value = js::plus(s.get_value("visits").as_ref(), n);
    s.insert("visits", &value)?;
    Ok(value)
}

/// The `key` parameter; JavaScript's `s[undefined]` reads `"undefined"`.
fn key(q: &QueryString) -> &str {
    q.get("key").unwrap_or("undefined")
}

/// `s[key]`: the data, and the two members that are not data, `cookie`
/// and `id`.
fn get(s: &Session, key: &str) -> Value {
    match key {
        "cookie" => s
            .cookie()
            .and_then(|c| serde_json::to_value(c).ok())
            .unwrap_or(Value::Null),
        "id" => Value::String(s.id()),
        _ => s.get_value(key).unwrap_or(Value::Null),
    }
}

/// The session as JSON without its `cookie`.
fn data(s: &Session) -> Value {
    let data = s.data().unwrap_or_default();
    Value::Object(
        data.iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect(),
    )
}

/// `req.session.cookie`, every field, missing ones as `null`.
fn cookie(s: &Session) -> Value {
    let Some(cookie) = s.cookie() else {
        return Value::Null;
    };
    // The stored form has `expires` as ISO-8601 and `sameSite` as stored.
    let stored = serde_json::to_value(&cookie).unwrap_or(Value::Null);
    let field = |name: &str| stored.get(name).cloned().unwrap_or(Value::Null);
    json!({
        "originalMaxAge": cookie.original_max_age_ms(),
        "maxAge": cookie.max_age_ms(),
        "expires": field("expires"),
        "httpOnly": cookie.http_only(),
        "secure": cookie.secure(),
        "path": cookie.path(),
        "domain": cookie.domain(),
        "sameSite": field("sameSite"),
        "partitioned": cookie.partitioned(),
        "priority": field("priority"),
    })
}

/// One `mutate` operation: `["set",k,v]`, `["del",k]`, `["inc",k]` or
/// `["setpath",[k1,..,kn],v]`.
fn mutate(s: &mut Session, op: Value) -> Result<(), Failure> {
    let Value::Array(op) = op else {
        return Err(Failure::Internal);
    };
    match (op.first().and_then(Value::as_str), op.get(1), op.get(2)) {
        (Some("set"), Some(k), value) => {
            s.insert(&property(k), value.cloned().unwrap_or(Value::Null))?;
        }
        (Some("del"), Some(k), _) => {
            s.remove(&property(k));
        }
        (Some("inc"), Some(k), _) => {
            let k = property(k);
            let value = js::plus(s.get_value(&k).as_ref(), 1);
            s.insert(&k, value)?;
        }
        (Some("setpath"), Some(Value::Array(path)), value) => {
            let path: Vec<String> = path.iter().map(property).collect();
            let value = value.cloned().unwrap_or(Value::Null);
            match path.split_first() {
                None => return Err(Failure::Internal),
                Some((first, [])) => s.insert(first, value)?,
                Some((first, rest)) => {
                    let top = js::set_path(s.get_value(first), rest, value);
                    s.insert(first, top)?;
                }
            }
        }
        _ => return Err(Failure::Internal),
    }
    Ok(())
}

/// A JSON value used as a property name (JavaScript's `String(k)`).
fn property(key: &Value) -> String {
    match key {
        Value::String(k) => k.clone(),
        other => other.to_string(),
    }
}

/// `cookieset`: each given field set; `"true"`/`"false"` are booleans,
/// anything else a string. Where a string has no Rust counterpart, the
/// nearest value is used: a non-empty string is `true` for the boolean
/// fields, `sameSite` and `priority` are read case-insensitively, and an
/// unknown `sameSite` becomes `auto`, which (like any unknown value in
/// express-session) makes the cookie fail to serialise.
fn cookie_set(s: &mut Session, q: &QueryString) {
    let flag = |name: &str| q.get(name).map(|v| v != "false" && !v.is_empty());
    s.cookie_mut(|c| {
        if let Some(secure) = flag("secure") {
            c.set_secure(Some(secure));
        }
        if let Some(http_only) = flag("httpOnly") {
            c.set_http_only(http_only);
        }
        if let Some(partitioned) = flag("partitioned") {
            c.set_partitioned(Some(partitioned));
        }
        if let Some(domain) = q.get("domain") {
            c.set_domain((domain != "false").then(|| domain.to_owned()));
        }
        if let Some(path) = q.get("path") {
            c.set_path(if path == "false" { "" } else { path }.to_owned());
        }
        if let Some(same_site) = q.get("sameSite") {
            c.set_same_site(Some(match same_site.to_ascii_lowercase().as_str() {
                "true" => SameSite::True,
                "false" => SameSite::False,
                "lax" => SameSite::Lax,
                "strict" => SameSite::Strict,
                "none" => SameSite::None,
                _ => SameSite::Auto,
            }));
        }
        if let Some(priority) = q.get("priority") {
            match priority.to_ascii_lowercase().as_str() {
                "low" => c.set_priority(Some(Priority::Low)),
                "medium" => c.set_priority(Some(Priority::Medium)),
                "high" => c.set_priority(Some(Priority::High)),
                "false" => c.set_priority(None),
                // No Rust value for an invalid priority: left as it was.
                _ => {}
            }
        }
    });
}

/// JavaScript's `Number(text)` for a finite number, in whole milliseconds
/// (`""` is 0).
fn js_number(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    let number: f64 = text.parse().ok()?;
    number.is_finite().then_some(number.trunc() as i64)
}

/// `new Date(Number(text))` for digits, else `new Date(text)` (read as a
/// stored session's `expires` is read, JavaScript's `Date` parsing).
fn date(text: &str) -> Option<SystemTime> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let ms: i64 = text.parse().ok()?;
        let offset = Duration::from_millis(ms.unsigned_abs());
        return if ms >= 0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH.checked_sub(offset)
        };
    }
    let document = json!({"cookie": {"expires": text}}).to_string();
    StoredSession::from_json(document).expires()
}

/// A session error as the actions report it: a store error's own message.
fn message(error: &SessionError) -> String {
    match error.store_error() {
        Some(store) => store.message().to_owned(),
        None => error.to_string(),
    }
}

fn reload_failed(error: &SessionError) -> Response {
    reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"err": message(error)}),
    )
}

/// Waits `ms` milliseconds (at most a minute).
async fn sleep(q: &QueryString) {
    let ms = q.get("ms").and_then(|ms| ms.parse().ok()).unwrap_or(0u64);
    tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
}

fn ok(body: Value) -> Response {
    reply(StatusCode::OK, body)
}

/// A JSON response with `status`.
pub fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// `multiwrite`'s body, written in pieces.
struct Chunks(Vec<&'static str>);

impl futures_core::Stream for Chunks {
    type Item = Result<bytes::Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0.is_empty() {
            return Poll::Ready(None);
        }
        let chunk = self.0.remove(0);
        Poll::Ready(Some(Ok(bytes::Bytes::from_static(chunk.as_bytes()))))
    }
}
