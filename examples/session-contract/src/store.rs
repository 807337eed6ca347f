//! The store of each memory configuration: express-session's MemoryStore
//! (spec §10.2, M1-M6) with a recorder attached. It logs every call the
//! session layer makes, fails on demand, can be disconnected, and keeps its
//! error log (what reached the configuration's error handler).
//!
//! It is not nestling's [`MemoryStore`](nestling::MemoryStore), on purpose:
//! that one purges expired sessions in the background, while the contract
//! shows the store as express-session's MemoryStore has it, expired entries
//! included until something reads them (M7). For the same reason it keeps
//! the default `set_changes` (a plain `set`, logged as one): express-session
//! stores the whole session, and the last writer wins.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use nestling::session::{SessionStore, StoreError, StoredSession};
use serde_json::{Value, json};

use crate::recorder::{Op, Recorder};

/// The memory store of one configuration, with its logs. Clones share
/// everything: the session layer holds one, the observation endpoints
/// another.
#[derive(Clone)]
pub struct RecordingStore {
    shared: Arc<Shared>,
}

struct Shared {
    /// False for the `notouch` configuration: a store without `touch()`.
    has_touch: bool,
    recorder: Recorder,
    // A std mutex: no critical section awaits, and each is a few map
    // operations.
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// sid -> the stored JSON text (M1), with its insertion rank: the
    /// snapshot lists sessions in the order a JavaScript object keeps.
    sessions: HashMap<String, Entry>,
    next_rank: u64,
}

struct Entry {
    rank: u64,
    document: StoredSession,
}

impl State {
    /// Stores `document` under `id`; an existing entry keeps its place, as
    /// assigning an existing property does.
    fn put(&mut self, id: &str, document: StoredSession) {
        if let Some(entry) = self.sessions.get_mut(id) {
            entry.document = document;
            return;
        }
        let rank = self.next_rank;
        self.next_rank += 1;
        self.sessions
            .insert(id.to_owned(), Entry { rank, document });
    }

    /// MemoryStore's `getSession` (M2): the live document of `id`; an
    /// expired one is deleted and reported as nothing.
    fn live(&mut self, id: &str, now: i64) -> Option<StoredSession> {
        let entry = self.sessions.get(id)?;
        if is_expired(&entry.document, now) {
            self.sessions.remove(id);
            return None;
        }
        Some(entry.document.clone())
    }

    /// Every entry, expired or not, in insertion order.
    fn ordered(&self) -> Vec<(String, StoredSession)> {
        let mut entries: Vec<_> = self
            .sessions
            .iter()
            .map(|(id, entry)| (entry.rank, id.clone(), entry.document.clone()))
            .collect();
        entries.sort_by_key(|(rank, ..)| *rank);
        entries
            .into_iter()
            .map(|(_, id, document)| (id, document))
            .collect()
    }
}

impl RecordingStore {
    /// An empty, connected store; `has_touch: false` makes a store without
    /// `touch()` (the `notouch` configuration).
    pub fn new(has_touch: bool) -> RecordingStore {
        RecordingStore {
            shared: Arc::new(Shared {
                has_touch,
                recorder: Recorder::default(),
                state: Mutex::default(),
            }),
        }
    }

    /// `memory`, or `memory-notouch` for a store without `touch()`.
    pub fn kind(&self) -> &'static str {
        if self.shared.has_touch {
            "memory"
        } else {
            "memory-notouch"
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing can panic while the lock is held; if it did, the logs are
        // still worth reading.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Its logs, faults and connection state.
    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// `/__reset`: no sessions, empty logs, no faults, connected. Nothing is
    /// logged.
    pub fn reset(&self) {
        *self.state() = State::default();
        self.shared.recorder.reset();
    }

    /// `/__store/put`: `json` stored verbatim as the session `id`; not
    /// logged.
    pub fn put(&self, id: &str, json: &str) {
        self.state()
            .put(id, StoredSession::from_json(json.to_owned()));
    }

    /// Every stored document by id, in insertion order, expired ones
    /// included (M7): `{"<sid>": <document>}`.
    pub fn snapshot(&self) -> Value {
        snapshot_json(self.state().ordered())
    }
}

impl SessionStore for RecordingStore {
    async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let mut state = self.state();
        self.shared
            .recorder
            .call(Op::Get, json!({"op": "get", "sid": id}))?;
        Ok(state.live(id, now_ms()))
    }

    async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        let mut state = self.state();
        let entry = json!({"op": "set", "sid": id, "sess": parse(session.json())});
        self.shared.recorder.call(Op::Set, entry)?;
        state.put(id, session.clone());
        Ok(())
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        self.shared
            .recorder
            .call(Op::Destroy, json!({"op": "destroy", "sid": id}))?;
        state.sessions.remove(id);
        Ok(())
    }

    /// M5: a live entry gets the session's cookie, its data untouched;
    /// nothing is created for a missing or expired one. A store without
    /// `touch()` is never called in express-session (spec S2, E5): this one
    /// then neither logs nor fails, which looks the same from outside.
    async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        if !self.shared.has_touch {
            return Ok(());
        }
        let mut state = self.state();
        let cookie = session.cookie_json().map_or(Value::Null, parse);
        self.shared.recorder.call(
            Op::Touch,
            json!({"op": "touch", "sid": id, "cookie": cookie}),
        )?;
        if let Some(current) = state.live(id, now_ms())
            && let Some(touched) = with_cookie_of(&current, session)
        {
            state.put(id, touched);
        }
        Ok(())
    }

    /// M6: the live entries (expired ones are deleted on the way).
    async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        let mut state = self.state();
        let now = now_ms();
        let ids: Vec<String> = state.ordered().into_iter().map(|(id, _)| id).collect();
        Ok(ids
            .into_iter()
            .filter_map(|id| state.live(&id, now).map(|document| (id, document)))
            .collect())
    }

    async fn length(&self) -> Result<usize, StoreError> {
        Ok(self.all().await?.len())
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.state().sessions.clear();
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.shared.recorder.is_connected()
    }
}

/// `{"<sid>": <document>}` in the order given.
pub fn snapshot_json(entries: Vec<(String, StoredSession)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(id, document)| (id, parse(document.json())))
            .collect(),
    )
}

/// A stored JSON text as a value (key order kept); text that is not JSON
/// (put there through `/__store/put`) as a string.
pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// Whether the document's `cookie.expires` has passed (M2): dates that
/// cannot be read, `null` and `false` never expire.
fn is_expired(document: &StoredSession, now: i64) -> bool {
    document
        .expires()
        .is_some_and(|expires| to_ms(expires) <= now)
}

/// `current` with its `cookie` member replaced by `session`'s, the rest of
/// the text as it was; a document without one gets it last, as assigning a
/// new property does. `None` for a document that is not an object.
fn with_cookie_of(current: &StoredSession, session: &StoredSession) -> Option<StoredSession> {
    let cookie = session.cookie_json()?;
    let text = current.json();
    let spliced = match current.cookie_json() {
        Some(old) => {
            // `cookie_json` is a slice of `json`.
            let start = old.as_ptr() as usize - text.as_ptr() as usize;
            let end = start + old.len();
            format!("{}{cookie}{}", &text[..start], &text[end..])
        }
        None => {
            let body = text.trim_end().strip_suffix('}')?.trim_end();
            if !body.trim_start().starts_with('{') {
                return None;
            }
            let comma = if body.ends_with('{') { "" } else { "," };
            format!("{body}{comma}\"cookie\":{cookie}}}")
        }
    };
    Some(StoredSession::from_json(spliced))
}

pub fn now_ms() -> i64 {
    to_ms(SystemTime::now())
}

fn to_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::Fault;

    fn run<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn expired_entries_stay_until_read() {
        run(async {
            let store = RecordingStore::new(true);
            store.put(
                "old",
                r#"{"cookie":{"expires":"2000-01-01T00:00:00.000Z"},"v":1}"#,
            );
            store.put("new", r#"{"cookie":{"expires":null},"v":2}"#);
            let snapshot = store.snapshot();
            assert_eq!(
                snapshot.as_object().unwrap().keys().collect::<Vec<_>>(),
                ["old", "new"]
            );
            assert_eq!(store.get("old").await.unwrap(), None);
            assert_eq!(store.snapshot().as_object().unwrap().len(), 1);
            let (ops, errors) = store.recorder().take_logs();
            assert_eq!(ops, [json!({"op": "get", "sid": "old"})]);
            assert!(errors.is_empty());
        });
    }

    #[test]
    fn touch_replaces_the_cookie_only() {
        run(async {
            let store = RecordingStore::new(true);
            store.put("a", r#"{"visits":3,"cookie":{"expires":null}}"#);
            store.put("b", r#"{"visits":4}"#);
            let touched = StoredSession::from_json(r#"{"cookie":{"path":"/"},"visits":9}"#);
            store.touch("a", &touched).await.unwrap();
            store.touch("b", &touched).await.unwrap();
            store.touch("missing", &touched).await.unwrap();
            assert_eq!(
                store.snapshot(),
                json!({"a": {"visits": 3, "cookie": {"path": "/"}},
                       "b": {"visits": 4, "cookie": {"path": "/"}}})
            );
            let (ops, _) = store.recorder().take_logs();
            assert_eq!(ops.len(), 3);
            assert_eq!(
                ops[0],
                json!({"op": "touch", "sid": "a", "cookie": {"path": "/"}})
            );
        });
    }

    #[test]
    fn faults_are_logged_calls() {
        run(async {
            let store = RecordingStore::new(true);
            store.recorder().set_fault(Op::Get, Fault::Error);
            let error = store.get("x").await.unwrap_err();
            assert_eq!(error.message(), "store get failed");
            store.recorder().set_fault(Op::Get, Fault::NotFound);
            assert!(store.get("x").await.unwrap_err().is_not_found());
            assert_eq!(store.recorder().take_logs().0.len(), 2);
            // Without touch, touch is never a call.
            let store = RecordingStore::new(false);
            store.recorder().set_fault(Op::Touch, Fault::Error);
            store
                .touch("x", &StoredSession::from_json("{}"))
                .await
                .unwrap();
            assert!(store.recorder().take_logs().0.is_empty());
        });
    }
}
