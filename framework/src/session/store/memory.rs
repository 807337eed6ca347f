//! The default store: sessions in this process's memory.
//!
//! It behaves like express-session's MemoryStore (spec §10.2): it keeps each
//! session's JSON text, and `get` reports an expired session as missing and
//! deletes it. Unlike that store it never leaks (M7): an index of
//! expiries, ordered by time, lets a background task delete each session
//! when it expires, whether or not anyone asks for it again.
//!
//! The layout follows mini-redis's `db.rs`: the state sits behind a
//! `std::sync::Mutex`, held only for map and index updates (never across an
//! `.await`, so an async mutex would only add cost); the purge task sleeps
//! until the earliest expiry or until a `Notify` says an earlier one
//! arrived; and a guard owned by the handles stops the task when the last
//! handle is dropped.
//!
//! It is not sharded: each critical section is a hash lookup plus a
//! pointer clone (`get`) or an insert and two index updates (`set`), well
//! under a microsecond, against the several microseconds of HTTP work
//! around each request, so one lock is not contended (`benches/session.rs`
//! measures the whole per-request path). Per session it holds the JSON
//! text (about 110 bytes for `{"cookie":{...},"visits":1}`), one copy of the
//! id shared by the map and the index, and about 150 bytes of map and index
//! entries.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::{SessionChanges, SessionStore, StoreError, StoredSession};
use crate::session::date;

/// At most this many sessions are deleted per lock acquisition, so a mass
/// expiry never holds the lock for long.
const PURGE_BATCH: usize = 256;

/// Logged once per process when a `MemoryStore` is created with
/// `NESTLING_ENV=production` (spec §1.3).
pub const PRODUCTION_WARNING: &str = "Warning: nestling's MemoryStore keeps sessions in this \
     process only: they are lost on restart and not shared with other processes. Use a shared \
     store (e.g. Redis) in production.";

/// Sessions in memory, for development and tests (the default store).
///
/// Cloning gives another handle to the same sessions. Expired sessions are
/// deleted by a background task started on first use inside a tokio runtime
/// and stopped when the last handle is dropped. Sessions are lost when the
/// process exits and are not shared between processes: with
/// `NESTLING_ENV=production`, creating one logs a warning once.
///
/// ```
/// use nestling::session::{MemoryStore, SessionStore, StoredSession};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = MemoryStore::new();
/// let session = StoredSession::from_json(r#"{"cookie":{"originalMaxAge":null,"expires":null},"n":1}"#);
/// store.set("id", &session).await.unwrap();
/// assert_eq!(store.get("id").await.unwrap(), Some(session));
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    guard: Arc<PurgeGuard>,
}

/// Stops the purge task when the last [`MemoryStore`] handle goes away.
/// The task holds `Shared` itself, so it cannot be what keeps it alive.
struct PurgeGuard {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the purge task: an earlier expiry arrived, or shutdown.
    purge_wakeup: Notify,
    clock: Clock,
}

#[derive(Default)]
struct State {
    /// foldhash rather than SipHash: a request hashes its id three times
    /// (get, merge, put), and the ids are the server's own random strings,
    /// which a client cannot choose to collide.
    sessions: HashMap<Arc<str>, StoredSession, foldhash::fast::RandomState>,
    /// `(expires, id)` of every session that expires, earliest first.
    expirations: BTreeSet<(i64, Arc<str>)>,
    purge_task: Option<JoinHandle<()>>,
    shutdown: bool,
}

/// The time the store compares expiries with.
enum Clock {
    /// The wall clock, as express-session's MemoryStore uses (`Date.now()`).
    System,
    /// Wall time derived from tokio's clock, so tests can pause and advance
    /// it.
    #[cfg(test)]
    Tokio {
        anchor_ms: i64,
        anchor: tokio::time::Instant,
    },
}

impl Clock {
    fn now_ms(&self) -> i64 {
        match self {
            Clock::System => date::now_ms(),
            #[cfg(test)]
            Clock::Tokio { anchor_ms, anchor } => {
                anchor_ms + date::duration_ms(tokio::time::Instant::now() - *anchor)
            }
        }
    }

    /// The tokio instant at which the clock reads `ms`.
    fn instant_at(&self, ms: i64) -> tokio::time::Instant {
        let wait = u64::try_from(ms.saturating_sub(self.now_ms())).unwrap_or(0);
        tokio::time::Instant::now() + Duration::from_millis(wait)
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        warn_in_production(nestling_env(), &WARNED);
        Self::with_clock(Clock::System)
    }

    fn with_clock(clock: Clock) -> Self {
        MemoryStore {
            guard: Arc::new(PurgeGuard {
                shared: Arc::new(Shared {
                    state: Mutex::new(State::default()),
                    purge_wakeup: Notify::new(),
                    clock,
                }),
            }),
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.guard.shared
    }

    /// Replaces the entry of `id` (or `key`) with `session`, keeping the
    /// expiry index in step, and makes sure expired entries get purged.
    fn put(&self, state: &mut State, id: &str, session: StoredSession) -> Put {
        let key = match state.sessions.get_key_value(id) {
            Some((key, _)) => Arc::clone(key),
            None => Arc::from(id),
        };
        let expires = session.expires_ms();
        let replaced = state.sessions.insert(Arc::clone(&key), session);
        if let Some(old) = replaced.as_ref().and_then(StoredSession::expires_ms) {
            state.expirations.remove(&(old, Arc::clone(&key)));
        }
        let mut wake = false;
        if let Some(expires) = expires {
            // The purge task sleeps until the earliest expiry: wake it when
            // this one comes first.
            wake = state
                .expirations
                .first()
                .is_none_or(|(first, _)| expires < *first);
            state.expirations.insert((expires, key));
            self.ensure_purge_task(state);
        }
        Put { replaced, wake }
    }

    /// Starts the purge task if it is not running and a tokio runtime is
    /// (it also restarts it after the runtime it ran on was shut down).
    fn ensure_purge_task(&self, state: &mut State) {
        let running = state.purge_task.as_ref().is_some_and(|t| !t.is_finished());
        if running || state.shutdown {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let shared = Arc::clone(self.shared());
            state.purge_task = Some(runtime.spawn(purge_expired_sessions(shared)));
        }
    }

    /// How many entries the store holds, expired or not.
    #[cfg(test)]
    fn raw_len(&self) -> usize {
        let state = self.shared().lock();
        debug_assert_eq!(
            state.expirations.len(),
            state
                .sessions
                .values()
                .filter(|s| s.expires_ms().is_some())
                .count()
        );
        state.sessions.len()
    }
}

struct Put {
    replaced: Option<StoredSession>,
    wake: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock; if one ever did, the maps
        // are still consistent at every await-free step, so keep serving.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Deletes up to a batch of expired sessions; says what to do next.
    fn purge_expired(&self) -> Purge {
        let now = self.clock.now_ms();
        let mut state = self.lock();
        if state.shutdown {
            return Purge::Shutdown;
        }
        let removed = state.remove_expired(now, PURGE_BATCH);
        let next = if removed.len() == PURGE_BATCH {
            Purge::Again
        } else {
            Purge::Until(state.expirations.first().map(|(expires, _)| *expires))
        };
        // A mass expiry leaves a mostly empty table: give the memory back.
        let (len, capacity) = (state.sessions.len(), state.sessions.capacity());
        if capacity > 1024 && len < capacity / 4 {
            state.sessions.shrink_to(len * 2);
        }
        drop(state);
        drop(removed); // freed outside the lock
        next
    }
}

impl State {
    fn remove(&mut self, id: &str) -> Option<(Arc<str>, StoredSession)> {
        let (key, session) = self.sessions.remove_entry(id)?;
        if let Some(expires) = session.expires_ms() {
            self.expirations.remove(&(expires, Arc::clone(&key)));
        }
        Some((key, session))
    }

    /// Removes up to `limit` sessions whose expiry is at or before `now`
    /// (express-session's `expires <= Date.now()`), returning them so they
    /// are freed after the lock is released.
    fn remove_expired(&mut self, now: i64, limit: usize) -> Vec<StoredSession> {
        let mut removed = Vec::new();
        while removed.len() < limit {
            match self.expirations.first() {
                Some((expires, _)) if *expires <= now => {}
                _ => break,
            }
            if let Some((_, key)) = self.expirations.pop_first()
                && let Some(session) = self.sessions.remove(&key)
            {
                removed.push(session);
            }
        }
        removed
    }
}

/// Whether `session` expired (express-session's `expires <= Date.now()`);
/// the clock is read only for a session that expires (a browser-session
/// cookie's does not).
fn has_expired(session: &StoredSession, clock: &Clock) -> bool {
    session
        .expires_ms()
        .is_some_and(|expires| expires <= clock.now_ms())
}

enum Purge {
    Again,
    Until(Option<i64>),
    Shutdown,
}

/// The background task: delete sessions as they expire, until shutdown.
async fn purge_expired_sessions(shared: Arc<Shared>) {
    loop {
        match shared.purge_expired() {
            Purge::Shutdown => return,
            Purge::Again => tokio::task::yield_now().await,
            Purge::Until(Some(expires)) => {
                let deadline = shared.clock.instant_at(expires);
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline) => {}
                    _ = shared.purge_wakeup.notified() => {}
                }
            }
            Purge::Until(None) => shared.purge_wakeup.notified().await,
        }
    }
}

impl Drop for PurgeGuard {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.shutdown = true;
        drop(state);
        // A permit is kept if the task is not waiting yet, so it cannot
        // miss this.
        self.shared.purge_wakeup.notify_one();
    }
}

/// The calls the session layer makes on every request, without a future:
/// the store never waits, so they finish here (the `SessionStore` methods
/// below are these).
impl MemoryStore {
    pub(crate) fn get_now(&self, id: &str) -> Option<StoredSession> {
        let clock = &self.shared().clock;
        let mut state = self.shared().lock();
        match state.sessions.get(id) {
            None => None,
            Some(session) if !has_expired(session, clock) => Some(session.clone()),
            Some(_) => {
                // M2: an expired session is deleted and reported missing.
                let removed = state.remove(id);
                drop(state);
                drop(removed);
                None
            }
        }
    }

    pub(crate) fn set_now(&self, id: &str, session: &StoredSession) {
        let mut state = self.shared().lock();
        let put = self.put(&mut state, id, session.clone());
        drop(state);
        if put.wake {
            self.shared().purge_wakeup.notify_one();
        }
        drop(put.replaced);
    }

    /// The merge happens under the lock, so overlapping saves of one
    /// session apply one after the other.
    pub(crate) fn set_changes_now(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) {
        let clock = &self.shared().clock;
        let mut state = self.shared().lock();
        let current = state.sessions.get(id).filter(|s| !has_expired(s, clock));
        let merged = changes.merge(current, session);
        let put = self.put(&mut state, id, merged);
        drop(state);
        if put.wake {
            self.shared().purge_wakeup.notify_one();
        }
        drop(put.replaced);
    }

    pub(crate) fn destroy_now(&self, id: &str) {
        let removed = self.shared().lock().remove(id);
        drop(removed);
    }

    /// M5: a live entry gets `session`'s cookie, its data untouched; a
    /// missing or expired one is not recreated.
    pub(crate) fn touch_now(&self, id: &str, session: &StoredSession) {
        let clock = &self.shared().clock;
        let mut state = self.shared().lock();
        let touched = match state.sessions.get(id) {
            None => return,
            Some(current) if has_expired(current, clock) => {
                let removed = state.remove(id);
                drop(state);
                drop(removed);
                return;
            }
            Some(current) => current.with_cookie_of(session),
        };
        let Some(touched) = touched else {
            return;
        };
        let put = self.put(&mut state, id, touched);
        drop(state);
        if put.wake {
            self.shared().purge_wakeup.notify_one();
        }
    }
}

impl SessionStore for MemoryStore {
    async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        Ok(self.get_now(id))
    }

    async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        self.set_now(id, session);
        Ok(())
    }

    /// The merge happens under the lock, so overlapping saves of one
    /// session apply one after the other.
    async fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        self.set_changes_now(id, session, changes);
        Ok(())
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        self.destroy_now(id);
        Ok(())
    }

    /// M5: a live entry gets `session`'s cookie, its data untouched; a
    /// missing or expired one is not recreated.
    async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        self.touch_now(id, session);
        Ok(())
    }

    async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        let now = self.shared().clock.now_ms();
        let mut state = self.shared().lock();
        let expired = state.remove_expired(now, usize::MAX);
        let live: Vec<(Arc<str>, StoredSession)> = state
            .sessions
            .iter()
            .map(|(id, session)| (Arc::clone(id), session.clone()))
            .collect();
        drop(state);
        drop(expired);
        Ok(live
            .into_iter()
            .map(|(id, session)| (id.to_string(), session))
            .collect())
    }

    async fn length(&self) -> Result<usize, StoreError> {
        let now = self.shared().clock.now_ms();
        let mut state = self.shared().lock();
        let expired = state.remove_expired(now, usize::MAX);
        let len = state.sessions.len();
        drop(state);
        drop(expired);
        Ok(len)
    }

    async fn clear(&self) -> Result<(), StoreError> {
        let mut state = self.shared().lock();
        let sessions = std::mem::take(&mut state.sessions);
        let expirations = std::mem::take(&mut state.expirations);
        drop(state);
        drop((sessions, expirations));
        Ok(())
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sessions = self.shared().lock().sessions.len();
        f.debug_struct("MemoryStore")
            .field("sessions", &sessions)
            .finish()
    }
}

static WARNED: AtomicBool = AtomicBool::new(false);

/// `NESTLING_ENV`, read once, like express-session reads `NODE_ENV` when it
/// is loaded.
fn nestling_env() -> Option<&'static str> {
    static ENV: OnceLock<Option<String>> = OnceLock::new();
    ENV.get_or_init(|| std::env::var("NESTLING_ENV").ok())
        .as_deref()
}

/// Logs [`PRODUCTION_WARNING`] if `env` is `production` and it was not
/// logged before; says whether it logged.
fn warn_in_production(env: Option<&str>, warned: &AtomicBool) -> bool {
    if env != Some("production") || warned.swap(true, Ordering::Relaxed) {
        return false;
    }
    tracing::warn!(target: "nestling::session", "{PRODUCTION_WARNING}");
    true
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::cookie::SessionCookie;
    use crate::session::data::SessionData;
    use crate::session::document;
    use crate::session::options::CookieOptions;

    fn paused_store() -> MemoryStore {
        MemoryStore::with_clock(Clock::Tokio {
            anchor_ms: date::now_ms(),
            anchor: tokio::time::Instant::now(),
        })
    }

    /// A session with `visits` that expires `max_age` from the store's now.
    fn session(store: &MemoryStore, visits: u32, max_age: Option<Duration>) -> StoredSession {
        let mut options = CookieOptions::default();
        if let Some(max_age) = max_age {
            options = options.max_age(max_age);
        }
        let cookie = SessionCookie::from_options(&options, false, store.shared().clock.now_ms());
        let mut data = SessionData::new();
        data.insert("visits", visits).unwrap();
        document::write(&data, &cookie)
    }

    fn visits(stored: &StoredSession) -> u32 {
        let loaded = document::read(stored).unwrap();
        loaded.data.get("visits").unwrap().unwrap()
    }

    #[tokio::test]
    async fn get_set_destroy() {
        let store = MemoryStore::new();
        assert_eq!(store.get("a").await.unwrap(), None);
        let one = session(&store, 1, None);
        store.set("a", &one).await.unwrap();
        assert_eq!(store.get("a").await.unwrap(), Some(one.clone()));
        let two = session(&store, 2, Some(Duration::from_secs(60)));
        store.set("a", &two).await.unwrap();
        assert_eq!(store.get("a").await.unwrap().map(|s| visits(&s)), Some(2));
        store.destroy("a").await.unwrap();
        store.destroy("a").await.unwrap(); // nothing to do
        assert_eq!(store.get("a").await.unwrap(), None);
        assert_eq!(store.raw_len(), 0);
    }

    /// The session layer calls the memory store without futures (the
    /// `*_now` methods), so no call can be left half-done by a dropped
    /// request; its `SessionStore` methods are the same calls, and must
    /// finish in their first poll too.
    #[tokio::test]
    async fn every_call_finishes_in_its_first_poll() {
        use std::future::Future;
        use std::task::{Context, Poll, Waker};
        fn once<T>(future: impl Future<Output = T>) -> T {
            let mut future = std::pin::pin!(future);
            match future
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
            {
                Poll::Ready(output) => output,
                Poll::Pending => panic!("a memory store call waited"),
            }
        }
        let store = MemoryStore::new();
        let stored = session(&store, 1, Some(Duration::from_secs(60)));
        once(store.set("a", &stored)).unwrap();
        let loaded = once(store.get("a")).unwrap().unwrap();
        let changes = SessionChanges::new(loaded);
        once(store.set_changes("a", &session(&store, 2, None), &changes)).unwrap();
        once(store.touch("a", &stored)).unwrap();
        once(store.destroy("a")).unwrap();
        assert_eq!(once(store.get("a")).unwrap(), None);
    }

    #[tokio::test]
    async fn all_length_clear() {
        let store = MemoryStore::new();
        assert_eq!(store.length().await.unwrap(), 0);
        for (id, n) in [("a", 1), ("b", 2), ("c", 3)] {
            store.set(id, &session(&store, n, None)).await.unwrap();
        }
        assert_eq!(store.length().await.unwrap(), 3);
        let mut all = store.all().await.unwrap();
        all.sort_by(|x, y| x.0.cmp(&y.0));
        let found: Vec<(String, u32)> = all.iter().map(|(id, s)| (id.clone(), visits(s))).collect();
        assert_eq!(found, [("a".into(), 1), ("b".into(), 2), ("c".into(), 3)]);
        store.clear().await.unwrap();
        assert_eq!(store.length().await.unwrap(), 0);
        assert!(store.all().await.unwrap().is_empty());
    }

    /// Stops the purge task, so that only reads can delete expired sessions.
    async fn stop_purge_task(store: &MemoryStore) {
        let task = {
            let mut state = store.shared().lock();
            state.shutdown = true;
            state.purge_task.take()
        };
        store.shared().purge_wakeup.notify_one();
        if let Some(task) = task {
            task.await.unwrap();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn expired_sessions_are_missing_and_deleted() {
        let store = paused_store();
        let second = Some(Duration::from_secs(1));
        store
            .set("short", &session(&store, 1, second))
            .await
            .unwrap();
        let minute = Some(Duration::from_secs(60));
        store
            .set("long", &session(&store, 2, minute))
            .await
            .unwrap();
        store
            .set("forever", &session(&store, 3, None))
            .await
            .unwrap();
        stop_purge_task(&store).await;
        tokio::time::advance(Duration::from_millis(999)).await;
        assert!(store.get("short").await.unwrap().is_some());
        // M2: expired at `expires <= now`; get deletes it.
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(store.raw_len(), 3);
        assert_eq!(store.get("short").await.unwrap(), None);
        assert_eq!(store.raw_len(), 2);
        // M6: all and length skip (and delete) expired sessions too.
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(store.length().await.unwrap(), 1);
        let all = store.all().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].0, "forever");
        assert_eq!(store.raw_len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_purge_task_reclaims_expired_sessions() {
        let store = paused_store();
        for i in 0..1000 {
            let max_age = Duration::from_millis(1000 + i % 7);
            store
                .set(&format!("s{i}"), &session(&store, 1, Some(max_age)))
                .await
                .unwrap();
        }
        store
            .set("forever", &session(&store, 1, None))
            .await
            .unwrap();
        // A session replaced with a later expiry must not be purged early.
        store
            .set("s0", &session(&store, 2, Some(Duration::from_secs(60))))
            .await
            .unwrap();
        assert_eq!(store.raw_len(), 1001);
        // Nobody reads them: the task alone deletes them.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(store.raw_len(), 2);
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(store.raw_len(), 1);
        // An earlier expiry than the one the task sleeps for wakes it.
        store
            .set("late", &session(&store, 1, Some(Duration::from_secs(3600))))
            .await
            .unwrap();
        store
            .set("soon", &session(&store, 1, Some(Duration::from_millis(10))))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!store.shared().lock().sessions.contains_key("soon"));
        assert_eq!(store.raw_len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_purge_task_stops_with_the_last_handle() {
        let store = paused_store();
        let other = store.clone();
        store
            .set("a", &session(&store, 1, Some(Duration::from_secs(1))))
            .await
            .unwrap();
        let task = store.shared().lock().purge_task.take().unwrap();
        let shared = Arc::downgrade(store.shared());
        drop(store);
        tokio::task::yield_now().await;
        assert!(!task.is_finished(), "a handle is still alive");
        drop(other);
        task.await.unwrap();
        assert!(shared.upgrade().is_none(), "the sessions were freed");
    }

    #[tokio::test(start_paused = true)]
    async fn touch_updates_only_the_cookie_of_live_sessions() {
        let store = paused_store();
        let stored = session(&store, 1, Some(Duration::from_secs(10)));
        store.set("a", &stored).await.unwrap();
        // Another request changed the data since: touch must keep it (M5).
        store
            .set("a", &session(&store, 7, Some(Duration::from_secs(10))))
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(5)).await;
        let refreshed = session(&store, 1, Some(Duration::from_secs(10)));
        store.touch("a", &refreshed).await.unwrap();
        let now = store.get("a").await.unwrap().unwrap();
        assert_eq!(visits(&now), 7);
        assert_eq!(now.cookie_json(), refreshed.cookie_json());
        // The new expiry counts: alive at 12 s, gone at 15 s.
        tokio::time::advance(Duration::from_secs(7)).await;
        assert!(store.get("a").await.unwrap().is_some());
        tokio::time::advance(Duration::from_secs(3)).await;
        assert!(store.get("a").await.unwrap().is_none());
        // A missing or expired session is not recreated.
        store.touch("a", &refreshed).await.unwrap();
        store.touch("b", &refreshed).await.unwrap();
        assert_eq!(store.raw_len(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overlapping_saves_of_different_keys_all_survive() {
        // Every task loads the same document, adds its own key and saves
        // with set_changes: the merge under the lock keeps all of them.
        let store = MemoryStore::new();
        let loaded = session(&store, 1, Some(Duration::from_secs(60)));
        store.set("a", &loaded).await.unwrap();
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let (store, loaded) = (store.clone(), loaded.clone());
                tokio::spawn(async move {
                    let mut mine = document::read(&loaded).unwrap();
                    mine.data.insert(&format!("k{i}"), i).unwrap();
                    let ours = document::write(&mine.data, &mine.cookie);
                    let changes = SessionChanges::new(loaded);
                    store.set_changes("a", &ours, &changes).await.unwrap();
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let stored = document::read(&store.get("a").await.unwrap().unwrap()).unwrap();
        assert_eq!(stored.data.len(), 201);
        for i in 0..200 {
            assert_eq!(stored.data.get::<u32>(&format!("k{i}")).unwrap(), Some(i));
        }
        assert_eq!(stored.data.get::<u32>("visits").unwrap(), Some(1));
        // An expired entry counts as nothing stored: the session as saved.
        let changes = SessionChanges::new(loaded.clone());
        let gone = session(&store, 9, Some(Duration::ZERO));
        store.set("b", &gone).await.unwrap();
        store.set_changes("b", &loaded, &changes).await.unwrap();
        assert_eq!(store.get("b").await.unwrap(), Some(loaded));
    }

    /// Runs a future that never waits, outside any runtime.
    fn run_now<F: std::future::Future>(future: F) -> F::Output {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(future).poll(&mut cx) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the store waited"),
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn works_without_a_runtime_and_starts_the_task_later() {
        let store = MemoryStore::new();
        let stored = session(&store, 1, Some(Duration::from_secs(60)));
        // No runtime: the store works, expiry is checked on reads only.
        run_now(store.set("a", &stored)).unwrap();
        assert!(run_now(store.get("a")).unwrap().is_some());
        assert!(store.shared().lock().purge_task.is_none());
        // Inside a runtime, the first write starts the task ...
        let first = runtime();
        first.block_on(async {
            store.set("b", &stored).await.unwrap();
        });
        assert!(store.shared().lock().purge_task.is_some());
        // ... which ends with its runtime; the next runtime starts another.
        drop(first);
        let finished = {
            let state = store.shared().lock();
            state
                .purge_task
                .as_ref()
                .is_some_and(JoinHandle::is_finished)
        };
        assert!(finished);
        runtime().block_on(async {
            store.set("c", &stored).await.unwrap();
            let state = store.shared().lock();
            assert!(state.purge_task.as_ref().is_some_and(|t| !t.is_finished()));
        });
    }

    #[test]
    fn the_production_warning_is_logged_once() {
        use std::io::Write;
        use std::sync::Mutex as StdMutex;

        #[derive(Clone, Default)]
        struct Captured(Arc<StdMutex<Vec<u8>>>);
        impl Write for Captured {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let warned = AtomicBool::new(false);
        tracing::subscriber::with_default(subscriber, || {
            assert!(!warn_in_production(None, &warned));
            assert!(!warn_in_production(Some("development"), &warned));
            assert!(warn_in_production(Some("production"), &warned));
            assert!(!warn_in_production(Some("production"), &warned));
        });
        let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            output.matches("MemoryStore keeps sessions").count(),
            1,
            "{output}"
        );
        assert!(output.contains("WARN"), "{output}");
    }
}
