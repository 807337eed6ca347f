//! A configuration's store, whichever kind it is: the memory store of most
//! configurations (`store.rs`) or the Redis store of the `redis*` ones
//! (`redis_store.rs`). The observation endpoints and the actions talk to
//! it through here.

use std::time::Duration;

use nestling::session::{SessionStore, StoreError};
use serde_json::Value;

use crate::recorder::Recorder;
use crate::redis_store::RedisRecordingStore;
use crate::store::RecordingStore;

/// One configuration's store. Clones share everything.
#[derive(Clone)]
pub enum ConfigStore {
    /// express-session's MemoryStore, recorded.
    Memory(RecordingStore),
    /// connect-redis on the real Redis, recorded.
    Redis(RedisRecordingStore),
}

impl ConfigStore {
    /// Its logs, faults and connection state.
    pub fn recorder(&self) -> &Recorder {
        match self {
            ConfigStore::Memory(store) => store.recorder(),
            ConfigStore::Redis(store) => store.recorder(),
        }
    }

    /// `memory`, `memory-notouch` or `redis`, as `/__store` reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            ConfigStore::Memory(store) => store.kind(),
            ConfigStore::Redis(_) => "redis",
        }
    }

    /// What it holds, raw, in the contract's form for its kind.
    pub async fn snapshot(&self) -> Result<Value, StoreError> {
        match self {
            ConfigStore::Memory(store) => Ok(store.snapshot()),
            ConfigStore::Redis(store) => store.snapshot().await,
        }
    }

    /// `/__store/put`: `json` stored verbatim as the session `id`; a
    /// Redis key expires after `ttl` if given.
    pub async fn put(&self, id: &str, json: &str, ttl: Option<Duration>) -> Result<(), StoreError> {
        match self {
            ConfigStore::Memory(store) => {
                store.put(id, json);
                Ok(())
            }
            ConfigStore::Redis(store) => store.put(id, json, ttl).await,
        }
    }

    /// `/__reset`: emptied, logs and faults cleared, connected.
    pub async fn reset(&self) -> Result<(), StoreError> {
        match self {
            ConfigStore::Memory(store) => {
                store.reset();
                Ok(())
            }
            ConfigStore::Redis(store) => store.reset().await,
        }
    }

    /// The store's own `all()` (as sorted ids) and `length()`.
    pub async fn all_and_length(&self) -> Result<(Vec<String>, usize), StoreError> {
        let (all, length) = match self {
            ConfigStore::Memory(store) => (store.all().await?, store.length().await?),
            ConfigStore::Redis(store) => (store.all().await?, store.length().await?),
        };
        let mut ids: Vec<String> = all.into_iter().map(|(id, _)| id).collect();
        ids.sort_unstable();
        Ok((ids, length))
    }
}
