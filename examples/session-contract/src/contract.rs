//! The app's shared state: every configuration with its store, the `genid`
//! counter and the start-up warnings. One instance per app (a singleton
//! provider), so two apps in one process never share a store.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use nestling::prelude::*;
use nestling::session::StoreError;

use crate::config_store::ConfigStore;
use crate::configs::NAMES;
use crate::redis_store::{RedisRecordingStore, RedisSettings};
use crate::store::RecordingStore;

/// One configuration of the contract, mounted at `/<name>`.
pub struct Configuration {
    /// Its name, and the first segment of its paths.
    pub name: &'static str,
    /// Its store.
    pub store: ConfigStore,
}

impl Configuration {
    /// Every configuration, in the contract's order, each with a store of
    /// its own; the `redis*` ones connect to Redis.
    ///
    /// # Errors
    /// When Redis cannot be reached.
    pub async fn connect_all(redis: &RedisSettings) -> Result<Vec<Configuration>, StoreError> {
        let mut configurations = Vec::with_capacity(NAMES.len());
        for name in NAMES {
            let store = if name.starts_with("redis") {
                ConfigStore::Redis(RedisRecordingStore::connect(redis, name).await?)
            } else {
                ConfigStore::Memory(RecordingStore::new(name != "notouch"))
            };
            configurations.push(Configuration { name, store });
        }
        Ok(configurations)
    }
}

/// The `genid` configuration's counter: `"g" + (++counter)`, shared by
/// every request, reset by `/__reset`.
#[derive(Clone, Default)]
pub struct GenIdCounter(Arc<AtomicU64>);

impl GenIdCounter {
    /// The next id: `g1`, `g2`, ...
    pub fn next_id(&self) -> String {
        format!("g{}", self.0.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn reset(&self) {
        self.0.store(0, Ordering::SeqCst);
    }
}

/// The contract's state, injected into its controllers and read by
/// `build_app` (`app.get::<Contract>()`) to mount the sessions.
#[injectable]
pub struct Contract {
    /// Set once by `build_app`, which connects the stores.
    #[inject(default)]
    configurations: OnceLock<Vec<Configuration>>,
    #[inject(default)]
    genid: GenIdCounter,
    /// Start-up warnings: text -> how many times.
    #[inject(default)]
    warnings: Mutex<BTreeMap<String, usize>>,
}

impl Contract {
    /// Every configuration, in the contract's order.
    pub fn configurations(&self) -> &[Configuration] {
        self.configurations.get().map_or(&[], Vec::as_slice)
    }

    /// Gives the app its configurations (once; later calls are ignored).
    pub fn install(&self, configurations: Vec<Configuration>) {
        let _ = self.configurations.set(configurations);
    }

    /// The configuration called `name`.
    pub fn configuration(&self, name: &str) -> Option<&Configuration> {
        self.configurations().iter().find(|c| c.name == name)
    }

    /// The `genid` counter.
    pub fn genid(&self) -> &GenIdCounter {
        &self.genid
    }

    /// `/__reset`: every store emptied and reconnected, every log and fault
    /// cleared, the `genid` counter back to 0.
    ///
    /// # Errors
    /// When Redis fails to delete a `redis*` configuration's keys.
    pub async fn reset(&self) -> Result<(), StoreError> {
        self.genid.reset();
        for configuration in self.configurations() {
            configuration.store.reset().await?;
        }
        Ok(())
    }

    /// Records a start-up warning (for `/__warnings`).
    pub fn warn(&self, message: String) {
        *self
            .warnings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(message)
            .or_default() += 1;
    }

    /// The start-up warnings, sorted by text, with their counts.
    pub fn warnings(&self) -> Vec<(String, usize)> {
        self.warnings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|(message, count)| (message.clone(), *count))
            .collect()
    }
}
