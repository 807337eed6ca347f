//! The store of each `redis*` configuration: nestling's
//! [`RedisStore`](nestling::session::RedisStore) (connect-redis 9, spec
//! §10.3) on the real Redis, with the recorder every configuration has.
//!
//! Each configuration keeps its keys under a namespace of its own
//! (`<namespace><name>:sess:<sid>`), so configurations, and apps sharing
//! one Redis, never see each other's sessions; the observation endpoints
//! report the keys as connect-redis names them, `sess:<sid>`.

use std::time::{Duration, SystemTime};

use nestling::session::store::SessionChanges;
use nestling::session::{RedisStore, SessionStore, StoreError, StoredSession};
use redis::aio::ConnectionManager;
use serde_json::{Map, Value, json};

use crate::recorder::{Op, Recorder};
use crate::store::parse;

/// connect-redis' key prefix, as the contract reports keys.
const PREFIX: &str = "sess:";

/// Where the `redis*` configurations keep their sessions.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// The server (`REDIS_URL`, default `redis://127.0.0.1:6379`).
    pub url: String,
    /// Put before every configuration's keys (`CONTRACT_REDIS_NAMESPACE`,
    /// default `session-contract:`): two apps on one Redis with different
    /// namespaces share nothing.
    pub namespace: String,
}

impl RedisSettings {
    /// The settings from `REDIS_URL` and `CONTRACT_REDIS_NAMESPACE`.
    pub fn from_env() -> RedisSettings {
        RedisSettings {
            url: std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            namespace: std::env::var("CONTRACT_REDIS_NAMESPACE")
                .unwrap_or_else(|_| "session-contract:".into()),
        }
    }
}

/// One `redis*` configuration's store. Clones share everything.
#[derive(Clone)]
pub struct RedisRecordingStore {
    store: RedisStore,
    /// A connection of its own for what the session layer never does:
    /// reading TTLs and storing foreign documents verbatim.
    raw: ConnectionManager,
    /// `<namespace><name>:sess:`, the real prefix of its keys.
    prefix: String,
    recorder: std::sync::Arc<Recorder>,
}

impl RedisRecordingStore {
    /// The store of the configuration `name` (`redis`, `redisnomax`,
    /// `redisnotouch`, `redisnottl`), connected.
    ///
    /// # Errors
    /// When Redis cannot be reached: the message names `REDIS_URL`.
    pub async fn connect(
        settings: &RedisSettings,
        name: &str,
    ) -> Result<RedisRecordingStore, StoreError> {
        let unreachable = |e: StoreError| {
            StoreError::with_cause(
                format!(
                    "the {name} configuration needs Redis at {}: start redis-server or set REDIS_URL",
                    settings.url
                ),
                e,
            )
        };
        let prefix = format!("{}{name}:{PREFIX}", settings.namespace);
        let store = RedisStore::new(&settings.url)
            .await
            .map_err(unreachable)?
            .prefix(prefix.clone())
            .disable_touch(name == "redisnotouch")
            .disable_ttl(name == "redisnottl");
        let client = redis::Client::open(settings.url.as_str())
            .map_err(|e| unreachable(StoreError::with_cause("not a Redis URL", e)))?;
        let raw = ConnectionManager::new(client)
            .await
            .map_err(|e| unreachable(StoreError::with_cause("cannot connect", e)))?;
        Ok(RedisRecordingStore {
            store,
            raw,
            prefix,
            recorder: Default::default(),
        })
    }

    /// Its logs, faults and connection state.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// `/__reset`: its keys deleted, logs and faults cleared, connected.
    pub async fn reset(&self) -> Result<(), StoreError> {
        self.recorder.reset();
        self.store.clear().await
    }

    /// `{"sess:<sid>": {"value": <document>, "ttl_ms": <ms left or null>}}`
    /// for every live key, sorted by id.
    pub async fn snapshot(&self) -> Result<Value, StoreError> {
        let mut sessions = self.store.all().await?;
        sessions.sort_by(|a, b| a.0.cmp(&b.0));
        let mut raw = self.raw.clone();
        let mut out = Map::new();
        for (id, document) in sessions {
            let ttl: i64 = redis::cmd("PTTL")
                .arg(self.store.key(&id))
                .query_async(&mut raw)
                .await
                .map_err(|e| StoreError::with_cause("Redis PTTL failed", e))?;
            // -2: gone since the SCAN; -1: no TTL.
            if ttl == -2 {
                continue;
            }
            out.insert(
                format!("{PREFIX}{id}"),
                json!({"value": parse(document.json()), "ttl_ms": (ttl >= 0).then_some(ttl)}),
            );
        }
        Ok(Value::Object(out))
    }

    /// `/__store/put`: `json` stored verbatim as the session `id`,
    /// expiring after `ttl` if given; not logged.
    pub async fn put(&self, id: &str, json: &str, ttl: Option<Duration>) -> Result<(), StoreError> {
        let mut command = redis::cmd("SET");
        command.arg(format!("{}{id}", self.prefix)).arg(json);
        if let Some(ttl) = ttl {
            command
                .arg("PX")
                .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
        }
        command
            .exec_async(&mut self.raw.clone())
            .await
            .map_err(|e| StoreError::with_cause("Redis SET failed", e))
    }

    /// connect-redis' `set` deletes instead of storing a session whose
    /// cookie already expired (RD4), through its own `destroy`: logged.
    fn log_expired_set(&self, id: &str, session: &StoredSession) {
        if session
            .expires()
            .is_some_and(|expires| expires <= SystemTime::now())
        {
            self.recorder.log(json!({"op": "destroy", "sid": id}));
        }
    }
}

impl SessionStore for RedisRecordingStore {
    async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        self.recorder
            .call(Op::Get, json!({"op": "get", "sid": id}))?;
        self.store.get(id).await
    }

    async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        let entry = json!({"op": "set", "sid": id, "sess": parse(session.json())});
        self.recorder.call(Op::Set, entry)?;
        self.log_expired_set(id, session);
        self.store.set(id, session).await
    }

    /// Logged as the `set` it is; stored with the Redis store's merge.
    async fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        let entry = json!({"op": "set", "sid": id, "sess": parse(session.json())});
        self.recorder.call(Op::Set, entry)?;
        self.log_expired_set(id, session);
        self.store.set_changes(id, session, changes).await
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        self.recorder
            .call(Op::Destroy, json!({"op": "destroy", "sid": id}))?;
        self.store.destroy(id).await
    }

    /// Called and logged even with `disableTouch`, as connect-redis' touch
    /// is: it then succeeds without a command.
    async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        let cookie = session.cookie_json().map_or(Value::Null, parse);
        self.recorder.call(
            Op::Touch,
            json!({"op": "touch", "sid": id, "cookie": cookie}),
        )?;
        self.store.touch(id, session).await
    }

    async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        self.store.all().await
    }

    async fn length(&self) -> Result<usize, StoreError> {
        self.store.length().await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.store.clear().await
    }

    fn is_ready(&self) -> bool {
        self.recorder.is_connected()
    }
}
