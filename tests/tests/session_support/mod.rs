//! What the session tests share: a store that records every call the
//! session layer makes (and fails or slows down on demand), one app whose
//! routes exercise the whole `Session` API, a raw-socket browser with a
//! cookie jar of one, and independent re-implementations of the wire
//! formats (cookie-signature's HMAC, `encodeURIComponent`, IMF-fixdate and
//! ISO-8601 dates) to check the framework's bytes against.
//!
//! Rule numbers (R3, C4, E5, ...) refer to `shared/specs/express-session.md`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use nestling::Server;
use nestling::http::HeaderMap;
use nestling::prelude::*;
use nestling::session::store::SessionChanges;
use nestling::session::{
    MemoryStore, Priority, SameSite, SessionCookie, SessionOptions, SessionStore, StoreError,
    StoredSession,
};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::{Conn, RawResponse, build};

/// The secret of the spec's test vectors (§4.4).
pub const SECRET: &str = "keyboard cat";

// ---------------------------------------------------------------------------
// The recording store
// ---------------------------------------------------------------------------

/// One call the session layer made on the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Get(String),
    /// The id and the stored document's JSON text.
    Set(String, String),
    /// The id and the document `touch` was given.
    Touch(String, String),
    Destroy(String),
}

impl Op {
    /// `get`, `set`, `touch` or `destroy`.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Get(_) => "get",
            Op::Set(..) => "set",
            Op::Touch(..) => "touch",
            Op::Destroy(_) => "destroy",
        }
    }

    /// The session id the call was about.
    pub fn sid(&self) -> &str {
        match self {
            Op::Get(id) | Op::Set(id, _) | Op::Touch(id, _) | Op::Destroy(id) => id,
        }
    }

    /// The document given to `set` or `touch`.
    pub fn json(&self) -> Option<&str> {
        match self {
            Op::Set(_, json) | Op::Touch(_, json) => Some(json),
            _ => None,
        }
    }

    /// `"get <id>"`, `"set <id>"`, ...: what most tests compare.
    pub fn short(&self) -> String {
        format!("{} {}", self.name(), self.sid())
    }
}

/// How a store operation misbehaves when told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Fails with `store <op> failed`.
    Error,
    /// Fails with [`StoreError::not_found`] (express-session's `ENOENT`).
    NotFound,
}

#[derive(Default)]
struct Recorder {
    ops: Mutex<Vec<Op>>,
    faults: Mutex<HashMap<&'static str, Fault>>,
    delays: Mutex<HashMap<&'static str, Duration>>,
    gates: Mutex<HashMap<&'static str, String>>,
    not_ready: std::sync::atomic::AtomicBool,
}

/// A [`MemoryStore`] that logs every call, and can fail or delay any
/// operation. Clones share everything, so a test keeps one and gives the
/// app another.
#[derive(Clone)]
pub struct RecordingStore {
    inner: MemoryStore,
    recorder: Arc<Recorder>,
}

impl Default for RecordingStore {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordingStore {
    pub fn new() -> Self {
        RecordingStore {
            inner: MemoryStore::new(),
            recorder: Arc::default(),
        }
    }

    /// The calls since the last `ops()`, in order (and forgets them).
    pub fn ops(&self) -> Vec<Op> {
        std::mem::take(&mut *self.recorder.ops.lock().unwrap())
    }

    /// [`ops`](Self::ops) as `"set <id>"` strings.
    pub fn ops_short(&self) -> Vec<String> {
        self.ops().iter().map(Op::short).collect()
    }

    /// [`ops`](Self::ops) as operation names only.
    pub fn op_names(&self) -> Vec<&'static str> {
        self.ops().iter().map(Op::name).collect()
    }

    /// Makes `op` (`get`, `set`, `touch`, `destroy`) fail from now on.
    pub fn fail(&self, op: &'static str, fault: Fault) {
        self.recorder.faults.lock().unwrap().insert(op, fault);
    }

    /// Makes `op` sleep `delay` before doing its work.
    pub fn delay(&self, op: &'static str, delay: Duration) {
        self.recorder.delays.lock().unwrap().insert(op, delay);
    }

    /// Makes `op` pass the [`Gate`] called `gate` before doing its work.
    pub fn gate(&self, op: &'static str, gate: &str) {
        self.recorder
            .gates
            .lock()
            .unwrap()
            .insert(op, gate.to_owned());
    }

    /// Makes the store report itself ready or not (express-session's
    /// `connect`/`disconnect` events).
    pub fn set_ready(&self, ready: bool) {
        self.recorder
            .not_ready
            .store(!ready, std::sync::atomic::Ordering::SeqCst);
    }

    /// Stores `json` as the session `id`, as another app would; not logged.
    pub async fn put(&self, id: &str, json: &str) {
        self.inner
            .set(id, &StoredSession::from_json(json.to_owned()))
            .await
            .unwrap();
    }

    /// The stored document of `id`, if live; not logged.
    pub async fn document(&self, id: &str) -> Option<String> {
        let stored = self.inner.get(id).await.unwrap();
        stored.map(|s| s.json().to_owned())
    }

    /// The stored document of `id`, parsed.
    pub async fn value(&self, id: &str) -> Option<Value> {
        let json = self.document(id).await?;
        Some(serde_json::from_str(&json).unwrap())
    }

    /// How many live sessions the store holds; not logged.
    pub async fn len(&self) -> usize {
        self.inner.length().await.unwrap()
    }

    /// Every stored id; not logged.
    pub async fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .inner
            .all()
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        ids.sort();
        ids
    }

    fn record(&self, op: Op) {
        self.recorder.ops.lock().unwrap().push(op);
    }

    async fn misbehave(&self, op: &'static str) -> Result<(), StoreError> {
        let gate = self.recorder.gates.lock().unwrap().get(op).cloned();
        if let Some(gate) = gate {
            Gate::named(&gate).pass().await;
        }
        let delay = self.recorder.delays.lock().unwrap().get(op).copied();
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        let fault = self.recorder.faults.lock().unwrap().get(op).copied();
        match fault {
            None => Ok(()),
            Some(Fault::Error) => Err(StoreError::new(format!("store {op} failed"))),
            Some(Fault::NotFound) => Err(StoreError::not_found(format!("store {op} not found"))),
        }
    }
}

impl SessionStore for RecordingStore {
    async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        self.record(Op::Get(id.to_owned()));
        self.misbehave("get").await?;
        self.inner.get(id).await
    }

    async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        self.record(Op::Set(id.to_owned(), session.json().to_owned()));
        self.misbehave("set").await?;
        self.inner.set(id, session).await
    }

    /// A save of a loaded session: logged as a `set`, merged by the memory
    /// store with what it holds (issue 5).
    async fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        self.record(Op::Set(id.to_owned(), session.json().to_owned()));
        self.misbehave("set").await?;
        self.inner.set_changes(id, session, changes).await
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        self.record(Op::Destroy(id.to_owned()));
        self.misbehave("destroy").await?;
        self.inner.destroy(id).await
    }

    async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        self.record(Op::Touch(id.to_owned(), session.json().to_owned()));
        self.misbehave("touch").await?;
        self.inner.touch(id, session).await
    }

    async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        self.inner.all().await
    }

    async fn length(&self) -> Result<usize, StoreError> {
        self.inner.length().await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.inner.clear().await
    }

    fn is_ready(&self) -> bool {
        !self
            .recorder
            .not_ready
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

// ---------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------

/// Query parameters of the actions (all optional strings).
pub type Q = Query<HashMap<String, String>>;

/// One route per thing a handler can do with its session, in the spirit
/// of the session-contract app's actions.
#[injectable]
pub struct SessionController;

#[controller]
impl SessionController {
    /// No session at all: must never touch the store.
    #[get("noop")]
    async fn noop(&self) -> &'static str {
        "noop"
    }

    /// The seed's counter, `Session` form.
    #[get("visits")]
    async fn visits(&self, mut session: Session) -> Result<String, HttpException> {
        Ok(increment(&mut session)?.to_string())
    }

    /// The seed's counter, `Req` form.
    #[get("req-visits")]
    async fn req_visits(&self, req: Req) -> Result<String, HttpException> {
        let mut session = req.session().await?;
        Ok(increment(&mut session)?.to_string())
    }

    /// Asks for the session twice at once: one request has one session,
    /// however its loads overlap.
    #[get("twice")]
    async fn twice(&self, req: Req) -> Result<String, HttpException> {
        let (first, second) = tokio::join!(req.session(), req.session());
        let (mut first, second) = (first?, second?);
        first.insert("visits", 7u32)?;
        Ok(format!(
            "same_id={} seen_by_second={:?}",
            first.id() == second.id(),
            second.get::<u32>("visits")?
        ))
    }

    /// Reads only.
    #[get("read")]
    async fn read(&self, session: Session) -> Result<String, HttpException> {
        Ok(visits(&session)?.map_or("none".to_owned(), |v| v.to_string()))
    }

    /// The id and whether the session is new.
    #[get("id")]
    async fn id(&self, session: Session) -> Json<Value> {
        Json(json!({"id": session.id(), "new": session.is_new()}))
    }

    /// `key` = `value` (a string), or the JSON `value` with `json`.
    #[get("set")]
    async fn set(&self, mut session: Session, q: Q) -> Result<&'static str, HttpException> {
        let key = q.get("key").map_or("k", String::as_str);
        let value = q.get("value").cloned().unwrap_or_default();
        if q.contains_key("json") {
            let value: Value = serde_json::from_str(&value)
                .map_err(|e| BadRequestException::new(e.to_string()))?;
            session.insert(key, value)?;
        } else {
            session.insert(key, value)?;
        }
        Ok("ok")
    }

    /// The raw JSON value of `key`.
    #[get("get")]
    async fn get_value(&self, session: Session, q: Q) -> Json<Value> {
        let key = q.get("key").map_or("k", String::as_str);
        Json(json!({"value": session.get_value(key)}))
    }

    /// Removes `key`.
    #[get("del")]
    async fn del(&self, mut session: Session, q: Q) -> Json<Value> {
        let key = q.get("key").map_or("k", String::as_str);
        Json(json!({"removed": session.remove(key)}))
    }

    /// Removes every key.
    #[get("clear")]
    async fn clear(&self, mut session: Session) -> &'static str {
        session.clear();
        "ok"
    }

    /// The session's cookie as express-session's `req.session.cookie`.
    #[get("cookie")]
    async fn cookie(&self, session: Session) -> Json<Value> {
        Json(session.cookie().as_ref().map_or(Value::Null, cookie_json))
    }

    /// `req.session.touch()`.
    #[get("touch")]
    async fn touch(&self, mut session: Session) -> &'static str {
        session.touch();
        "ok"
    }

    /// `cookie.maxAge = ms` (or `null`); `mod` also counts a visit.
    #[get("maxage")]
    async fn maxage(&self, mut session: Session, q: Q) -> Result<&'static str, HttpException> {
        let ms = q.get("ms").and_then(|ms| ms.parse::<i64>().ok());
        session.cookie_mut(|c| c.set_max_age_ms(ms));
        if q.contains_key("mod") {
            increment(&mut session)?;
        }
        Ok("ok")
    }

    /// `cookie.expires = at` (epoch ms, or `null`); `mod` also counts a
    /// visit.
    #[get("expires")]
    async fn expires(&self, mut session: Session, q: Q) -> Result<&'static str, HttpException> {
        let at = q
            .get("at")
            .and_then(|ms| ms.parse::<u64>().ok())
            .map(|ms| UNIX_EPOCH + Duration::from_millis(ms));
        session.cookie_mut(|c| c.set_expires(at));
        if q.contains_key("mod") {
            increment(&mut session)?;
        }
        Ok("ok")
    }

    /// Changes cookie attributes in the handler; `mod` also counts a visit.
    #[get("cookieset")]
    async fn cookieset(&self, mut session: Session, q: Q) -> Result<&'static str, HttpException> {
        session.cookie_mut(|c| {
            if let Some(secure) = q.get("secure") {
                c.set_secure(Some(secure == "true"));
            }
            if let Some(http_only) = q.get("http_only") {
                c.set_http_only(http_only == "true");
            }
            if let Some(domain) = q.get("domain") {
                c.set_domain(Some(domain.clone()));
            }
            if let Some(path) = q.get("path") {
                c.set_path(path.clone());
            }
            if let Some(same_site) = q.get("same_site") {
                c.set_same_site(Some(match same_site.as_str() {
                    "strict" => SameSite::Strict,
                    "none" => SameSite::None,
                    "true" => SameSite::True,
                    "false" => SameSite::False,
                    _ => SameSite::Lax,
                }));
            }
            if let Some(priority) = q.get("priority") {
                c.set_priority(Some(match priority.as_str() {
                    "low" => Priority::Low,
                    "medium" => Priority::Medium,
                    _ => Priority::High,
                }));
            }
            if let Some(partitioned) = q.get("partitioned") {
                c.set_partitioned(Some(partitioned == "true"));
            }
        });
        if q.contains_key("mod") {
            increment(&mut session)?;
        }
        Ok("ok")
    }

    /// Counts a visit (unless `mod=0`), saves explicitly, then counts
    /// another with `after`.
    #[get("save")]
    async fn save(&self, mut session: Session, q: Q) -> Result<Json<Value>, HttpException> {
        if q.get("mod").map(String::as_str) != Some("0") {
            increment(&mut session)?;
        }
        let err = session.save().await.err().map(|e| e.to_string());
        if q.contains_key("after") {
            increment(&mut session)?;
        }
        Ok(Json(json!({"visits": visits(&session)?, "err": err})))
    }

    /// `req.session.reload()`; `before` counts 100 visits first (lost).
    #[get("reload")]
    async fn reload(&self, mut session: Session, q: Q) -> Result<Json<Value>, HttpException> {
        if q.contains_key("before") {
            let v = visits(&session)?.unwrap_or(0);
            session.insert("visits", v + 100)?;
        }
        sleep_ms(&q).await;
        match session.reload().await {
            Ok(()) => Ok(Json(json!({"visits": visits(&session)?}))),
            Err(e) => Err(HttpException::internal_server_error().cause(e)),
        }
    }

    /// `req.session.regenerate()`; `then=visits` counts a visit on the new
    /// session, `then=save` also saves it explicitly.
    #[get("regenerate")]
    async fn regenerate(&self, mut session: Session, q: Q) -> Result<Json<Value>, HttpException> {
        let before = session.id();
        let err = session.regenerate().await.err().map(|e| e.to_string());
        let then = q.get("then").map(String::as_str);
        if matches!(then, Some("visits" | "save")) {
            increment(&mut session)?;
        }
        let save_err = match then {
            Some("save") => session.save().await.err().map(|e| e.to_string()),
            _ => None,
        };
        Ok(Json(json!({
            "old": before,
            "new": session.id(),
            "err": err.or(save_err),
            "visits": visits(&session)?,
        })))
    }

    /// `req.session.destroy()`; `before` counts a visit first.
    #[get("destroy")]
    async fn destroy(&self, mut session: Session, q: Q) -> Result<Json<Value>, HttpException> {
        if q.contains_key("before") {
            increment(&mut session)?;
        }
        let err = session.destroy().await.err().map(|e| e.to_string());
        // Reading a destroyed session gives nothing; writing fails.
        let insert = session.insert("visits", 1).err().map(|e| e.to_string());
        Ok(Json(json!({
            "err": err,
            "visits": visits(&session)?,
            "insert": insert,
            "cookie": session.cookie().is_some(),
        })))
    }

    /// `req.session = null`; `before` counts a visit first.
    #[get("unset")]
    async fn unset(&self, mut session: Session, q: Q) -> Result<&'static str, HttpException> {
        if q.contains_key("before") {
            increment(&mut session)?;
        }
        session.unset();
        Ok("unset")
    }

    /// Waits `ms`, then reads.
    #[get("slow")]
    async fn slow(&self, session: Session, q: Q) -> Result<String, HttpException> {
        sleep_ms(&q).await;
        Ok(visits(&session)?.map_or("none".to_owned(), |v| v.to_string()))
    }

    /// Reads the count, waits `ms`, writes count + 1: a read-modify-write
    /// that can lose an update when two requests overlap.
    #[get("slowinc")]
    async fn slowinc(&self, mut session: Session, q: Q) -> Result<String, HttpException> {
        let v = visits(&session)?.unwrap_or(0);
        sleep_ms(&q).await;
        session.insert("visits", v + 1)?;
        Ok((v + 1).to_string())
    }

    /// Sets `key` = `value` after waiting `ms`: two overlapping requests
    /// writing different keys.
    #[get("slowset")]
    async fn slowset(&self, mut session: Session, q: Q) -> Result<&'static str, HttpException> {
        session.get::<Value>("visits")?;
        sleep_ms(&q).await;
        let key = q.get("key").map_or("k", String::as_str);
        session.insert(key, q.get("value").cloned().unwrap_or_default())?;
        Ok("ok")
    }

    /// Counts a visit, then fails: the session is still saved (§5.4).
    #[get("fail")]
    async fn fail(&self, mut session: Session) -> Result<&'static str, HttpException> {
        increment(&mut session)?;
        Err(HttpException::internal_server_error().cause("handler failed"))
    }

    /// Counts a visit, then panics.
    #[get("panic")]
    async fn panic(&self, mut session: Session) -> &'static str {
        let _ = increment(&mut session);
        panic!("handler panicked on purpose");
    }

    /// Sets its own cookie, then counts a visit: the session's cookie comes
    /// after (W7).
    #[get("othercookie")]
    async fn othercookie(
        &self,
        mut session: Session,
    ) -> Result<([(&'static str, &'static str); 1], &'static str), HttpException> {
        increment(&mut session)?;
        Ok(([("set-cookie", "other=1; Path=/")], "ok"))
    }

    /// Counts a visit and answers in two chunks.
    #[get("multiwrite")]
    async fn multiwrite(&self, mut session: Session) -> Result<Streaming<Chunks>, HttpException> {
        increment(&mut session)?;
        Ok(Streaming::new(Chunks(vec![
            Bytes::from_static(b"hello, "),
            Bytes::from_static(b"world"),
        ])))
    }

    /// `Req::session()` and the `Session` injector in one handler.
    #[get("both")]
    async fn both(&self, req: Req, mut session: Session) -> Result<Json<Value>, HttpException> {
        let mut from_req = req.session().await?;
        session.insert("a", 1)?;
        from_req.insert("b", 2)?;
        let again = req.session().await?;
        Ok(Json(json!({
            "same_id": from_req.id() == session.id(),
            "a_via_req": from_req.get::<u32>("a")?,
            "b_via_injector": session.get::<u32>("b")?,
            "again": again.get::<u32>("a")?,
        })))
    }

    /// `Option<Session>`: `none` without sessions (or outside the cookie's
    /// path), else the id.
    #[get("optional")]
    async fn optional(&self, session: Option<Session>) -> String {
        match session {
            Some(session) => format!("session {}", session.is_new()),
            None => "none".to_owned(),
        }
    }

    /// Any path under `/p/`: whether it has a session (cookie-path tests).
    #[get("p/*rest")]
    async fn under_p(&self, session: Option<Session>) -> Result<String, HttpException> {
        Ok(match session {
            Some(mut session) => increment(&mut session)?.to_string(),
            None => "none".to_owned(),
        })
    }

    /// Counts its calls under `tag` (see [`calls`]).
    #[get("counted")]
    async fn counted(&self, _session: Session, q: Q) -> &'static str {
        let tag = q.get("tag").cloned().unwrap_or_default();
        *CALLS
            .lock()
            .unwrap()
            .get_or_insert_with(HashMap::new)
            .entry(tag)
            .or_default() += 1;
        "counted"
    }

    /// Takes `Session` but never uses it: still loads (the injector asked).
    #[get("unused")]
    async fn unused(&self, _session: Session) -> &'static str {
        "unused"
    }

    /// `Req` without `req.session()`: no session.
    #[get("req-only")]
    async fn req_only(&self, req: Req) -> String {
        req.path().to_owned()
    }

    /// A typed value: a struct in, the same struct out.
    #[get("typed")]
    async fn typed(&self, mut session: Session) -> Result<Json<Value>, HttpException> {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct User {
            name: String,
            admin: bool,
        }
        let before = session.get::<User>("user")?.map(|u| u.name);
        session.insert(
            "user",
            User {
                name: "ann".into(),
                admin: true,
            },
        )?;
        // A value of another type under a key is a 500 with the cause logged.
        let mismatch = session.get::<u32>("user").err().map(|e| e.to_string());
        Ok(Json(
            json!({"before": before, "mismatch": mismatch.is_some()}),
        ))
    }

    /// Tries to store under a reserved key.
    #[get("reserved")]
    async fn reserved(&self, mut session: Session, q: Q) -> Json<Value> {
        let key = q.get("key").map_or("cookie", String::as_str);
        let err = session.insert(key, 1).err().map(|e| e.to_string());
        Json(json!({"err": err}))
    }
}

static CALLS: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

/// How many times `/counted?tag=<tag>` ran its handler.
pub fn calls(tag: &str) -> usize {
    CALLS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|calls| calls.get(tag).copied())
        .unwrap_or(0)
}

/// The module of every session test app.
#[module(controllers = [SessionController])]
pub struct SessionModule;

/// A two-chunk body.
pub struct Chunks(Vec<Bytes>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, Infallible>;
    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Ok(self.0.remove(0))))
        }
    }
}

fn visits(session: &Session) -> Result<Option<u64>, HttpException> {
    Ok(session.get::<u64>("visits")?)
}

fn increment(session: &mut Session) -> Result<u64, HttpException> {
    let v = visits(session)?.unwrap_or(0) + 1;
    session.insert("visits", v)?;
    Ok(v)
}

/// Waits `ms` milliseconds, or at the gate named `gate` when given.
async fn sleep_ms(q: &Q) {
    if let Some(name) = q.get("gate") {
        return Gate::named(name).pass().await;
    }
    let ms = q.get("ms").and_then(|ms| ms.parse().ok()).unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// A rendezvous between a test and a handler, so overlapping requests are
/// ordered without sleeping: the handler [`pass`](Self::pass)es the gate,
/// which waits until the test [`open`](Self::open)s it; the test can first
/// wait until the handler [`arrived`](Self::arrived). Gates are named, so
/// tests running in parallel use their own.
pub struct Gate {
    arrived: tokio::sync::Notify,
    opened: tokio::sync::Notify,
}

static GATES: Mutex<Option<HashMap<String, Arc<Gate>>>> = Mutex::new(None);

impl Gate {
    /// The gate called `name` (created on first use).
    pub fn named(name: &str) -> Arc<Gate> {
        let mut gates = GATES.lock().unwrap();
        let gates = gates.get_or_insert_with(HashMap::new);
        Arc::clone(gates.entry(name.to_owned()).or_insert_with(|| {
            Arc::new(Gate {
                arrived: tokio::sync::Notify::new(),
                opened: tokio::sync::Notify::new(),
            })
        }))
    }

    /// The handler's side: say it arrived, wait until opened.
    pub async fn pass(&self) {
        self.arrived.notify_one();
        self.opened.notified().await;
    }

    /// The test's side: wait until one handler arrived.
    pub async fn arrived(&self) {
        tokio::time::timeout(crate::common::PATIENCE, self.arrived.notified())
            .await
            .expect("no handler reached the gate");
    }

    /// The test's side: let one handler through.
    pub fn open(&self) {
        self.opened.notify_one();
    }
}

/// express-session's `req.session.cookie`, as JSON.
pub fn cookie_json(c: &SessionCookie) -> Value {
    json!({
        "originalMaxAge": c.original_max_age_ms(),
        "maxAge": c.max_age_ms(),
        "expires": c.expires().map(|t| iso(to_ms(t))),
        "httpOnly": c.http_only(),
        "secure": c.secure(),
        "path": c.path(),
        "domain": c.domain(),
        "sameSite": c.same_site().map(|s| format!("{s:?}")),
        "partitioned": c.partitioned(),
        "priority": c.priority().map(|p| format!("{p:?}")),
    })
}

/// The usual options of these tests: the spec's secret, the store given,
/// resave and save_uninitialized off (the `std` configuration).
pub fn std_options(store: &RecordingStore) -> SessionOptions {
    SessionOptions::new()
        .secret(SECRET)
        .resave(false)
        .save_uninitialized(false)
        .store(store.clone())
}

/// Starts [`SessionModule`] with `options` on `127.0.0.1:0`.
pub async fn serve(options: SessionOptions) -> Server {
    serve_with(options, |_| {}).await
}

/// Like [`serve`], configuring the app too (trust proxy, prefix).
pub async fn serve_with(
    options: SessionOptions,
    configure: impl FnOnce(&mut nestling::Application),
) -> Server {
    crate::common::start_with::<SessionModule>(|app| {
        app.use_session(options);
        configure(app);
    })
    .await
}

// ---------------------------------------------------------------------------
// A browser over real sockets
// ---------------------------------------------------------------------------

/// A client that keeps one cookie (the session's) like a browser would:
/// replaced by each `Set-Cookie` of that name.
pub struct Browser {
    pub addr: std::net::SocketAddr,
    pub name: String,
    /// `name=value` as last set, sent back on every request.
    pub cookie: Option<String>,
}

impl Browser {
    /// A browser for the cookie `connect.sid`.
    pub fn new(server: &Server) -> Browser {
        Browser::named(server, "connect.sid")
    }

    /// A browser for the cookie `name`.
    pub fn named(server: &Server, name: &str) -> Browser {
        Browser {
            addr: server.local_addr(),
            name: name.to_owned(),
            cookie: None,
        }
    }

    /// `GET path` with the cookie, remembering a new one.
    pub async fn get(&mut self, path: &str) -> RawResponse {
        self.get_with(path, &[]).await
    }

    /// `GET path` with the cookie and extra headers.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> RawResponse {
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        let cookie = self.cookie.clone();
        if let Some(cookie) = &cookie {
            all.push(("Cookie", cookie));
        }
        let response = raw_get(self.addr, path, &all).await;
        if let Some(set) = session_cookie(&response, &self.name) {
            self.cookie = Some(pair(&set).to_owned());
        }
        response
    }

    /// The session id in the current cookie (unsigned, decoded).
    pub fn id(&self) -> Option<String> {
        let cookie = self.cookie.as_deref()?;
        let value = cookie.split_once('=')?.1;
        id_of(value)
    }
}

/// `GET path` with `headers` on a new connection.
pub async fn raw_get(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> RawResponse {
    Conn::open(addr)
        .await
        .request(&build("GET", path, headers, b""))
        .await
}

/// Every `Set-Cookie` of a response, in order.
pub fn set_cookies(response: &RawResponse) -> Vec<String> {
    response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.clone())
        .collect()
}

/// The `Set-Cookie` for cookie `name`, if any; panics if there are two.
pub fn session_cookie(response: &RawResponse, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    let mut found = set_cookies(response)
        .into_iter()
        .filter(|c| c.starts_with(&prefix));
    let first = found.next();
    assert!(found.next().is_none(), "two session cookies: {response:?}");
    first
}

/// `name=value` of a `Set-Cookie` line.
pub fn pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap_or_default()
}

/// The attributes of a `Set-Cookie` line after `name=value`, in order.
pub fn attributes(set_cookie: &str) -> Vec<&str> {
    set_cookie.split("; ").skip(1).collect()
}

/// The session id of an encoded cookie value `s%3A<id>.<sig>`, checked
/// against [`SECRET`].
pub fn id_of(value: &str) -> Option<String> {
    let decoded = decode_uri_component(value)?;
    let signed = decoded.strip_prefix("s:")?;
    let (id, _) = signed.rsplit_once('.')?;
    (sign(id, SECRET) == signed).then(|| id.to_owned())
}

// ---------------------------------------------------------------------------
// Wire formats, re-implemented independently
// ---------------------------------------------------------------------------

/// cookie-signature's `sign`: `value.base64(HMAC-SHA256(secret, value))`
/// without padding.
pub fn sign(value: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(value.as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("{value}.{}", STANDARD_NO_PAD.encode(tag))
}

/// The session cookie's value for `id` signed with `secret`, encoded as
/// express-session writes it: `encodeURIComponent("s:" + sign(id))`.
pub fn cookie_value(id: &str, secret: &str) -> String {
    encode_uri_component(&format!("s:{}", sign(id, secret)))
}

/// JavaScript's `encodeURIComponent`.
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// JavaScript's `decodeURIComponent`; `None` where it would throw.
pub fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Milliseconds since the epoch.
pub fn to_ms(time: SystemTime) -> i64 {
    i64::try_from(time.duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    to_ms(SystemTime::now())
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// `Date#toJSON`: `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// Parses [`iso`]'s format.
pub fn parse_iso(text: &str) -> i64 {
    let n = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    assert_eq!(text.len(), 24, "not an ISO date: {text}");
    assert!(text.ends_with('Z') && &text[10..11] == "T", "{text}");
    let days = days_from_civil(n(0..4), n(5..7), n(8..10));
    days * 86_400_000 + n(11..13) * 3_600_000 + n(14..16) * 60_000 + n(17..19) * 1000 + n(20..23)
}

/// `Date#toUTCString`: IMF-fixdate, e.g. `Thu, 01 Jan 1970 00:00:00 GMT`.
pub fn imf(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60
    )
}

/// Parses an IMF-fixdate (checking it is one) into ms since the epoch.
pub fn parse_imf(text: &str) -> i64 {
    let parts: Vec<&str> = text.split(' ').collect();
    assert_eq!(parts.len(), 6, "not an IMF-fixdate: {text}");
    let month = MONTHS.iter().position(|m| *m == parts[2]).unwrap() as i64 + 1;
    let day: i64 = parts[1].parse().unwrap();
    let year: i64 = parts[3].parse().unwrap();
    let hms: Vec<i64> = parts[4].split(':').map(|p| p.parse().unwrap()).collect();
    let ms = days_from_civil(year, month, day) * 86_400_000
        + hms[0] * 3_600_000
        + hms[1] * 60_000
        + hms[2] * 1000;
    assert_eq!(imf(ms), text, "not in IMF-fixdate form");
    ms
}

/// The `Expires` attribute of a `Set-Cookie` line, in ms.
pub fn expires_of(set_cookie: &str) -> Option<i64> {
    attributes(set_cookie)
        .into_iter()
        .find_map(|a| a.strip_prefix("Expires="))
        .map(parse_imf)
}

/// A stored document with its `expires` date replaced by `<date>`, so its
/// exact text can be compared.
pub fn shape(json: &str) -> String {
    let Some(at) = json.find("\"expires\":\"") else {
        return json.to_owned();
    };
    let start = at + "\"expires\":\"".len();
    let end = start + json[start..].find('"').unwrap();
    format!("{}<date>{}", &json[..start], &json[end..])
}

/// The headers of a response as a map, for debugging output.
pub fn header_map(response: &RawResponse) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in &response.headers {
        map.append(
            nestling::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    map
}

// ---------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------

/// What `tracing` wrote on this thread while the guard of
/// [`capture_logs`] lives (tests run on a current-thread runtime, so the
/// server's tasks log on the test's thread too).
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    /// Where this thread's log lines go while it captures them.
    static CAPTURE: std::cell::RefCell<Option<Logs>> = const { std::cell::RefCell::new(None) };
}

/// Writes to the capturing buffer of the thread that logs, if any.
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(logs) = &*capture.borrow() {
                logs.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Stops capturing when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// Captures this thread's logs (every level, no colours) until the guard
/// is dropped.
///
/// One global subscriber (installed on first use) writes each event to the
/// buffer of the thread that emitted it. A scoped subscriber per test
/// (`tracing::subscriber::set_default`) would be simpler but loses events:
/// a callsite first hit by another test's thread can cache "not
/// interested" before this thread's subscriber is counted.
pub fn capture_logs() -> (Logs, CaptureGuard) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        tracing_subscriber::fmt()
            .with_writer(|| ThreadWriter)
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .init();
    });
    let logs = Logs::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(logs.clone()));
    (logs, CaptureGuard(()))
}

/// The start-up error of [`SessionModule`] with `options`.
pub async fn startup_error(options: SessionOptions) -> String {
    let mut app = nestling::create::<SessionModule>().await.unwrap();
    app.use_session(options);
    match app.start("127.0.0.1:0").await {
        Ok(_) => panic!("the app started"),
        Err(error) => error.to_string(),
    }
}
