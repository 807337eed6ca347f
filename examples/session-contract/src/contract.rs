//! The app's shared state: every configuration with its store, the `genid`
//! counter and the start-up warnings. One instance per app (a singleton
//! provider), so two apps in one process never share a store.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use nestling::prelude::*;

use crate::configs::NAMES;
use crate::store::RecordingStore;

/// One configuration of the contract, mounted at `/<name>`.
pub struct Configuration {
    /// Its name, and the first segment of its paths.
    pub name: &'static str,
    /// Its store; `None` for the `redis*` configurations, which need the
    /// Redis store of issue 5.
    pub store: Option<RecordingStore>,
}

/// Every configuration, in the contract's order.
pub struct Configurations(Vec<Configuration>);

impl Default for Configurations {
    fn default() -> Self {
        Configurations(
            NAMES
                .iter()
                .map(|&name| Configuration {
                    name,
                    store: (!name.starts_with("redis"))
                        .then(|| RecordingStore::new(name != "notouch")),
                })
                .collect(),
        )
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
    #[inject(default)]
    configurations: Configurations,
    #[inject(default)]
    genid: GenIdCounter,
    /// Start-up warnings: text -> how many times.
    #[inject(default)]
    warnings: Mutex<BTreeMap<String, usize>>,
}

impl Contract {
    /// Every configuration, in the contract's order.
    pub fn configurations(&self) -> &[Configuration] {
        &self.configurations.0
    }

    /// The configuration called `name`.
    pub fn configuration(&self, name: &str) -> Option<&Configuration> {
        self.configurations.0.iter().find(|c| c.name == name)
    }

    /// The `genid` counter.
    pub fn genid(&self) -> &GenIdCounter {
        &self.genid
    }

    /// `/__reset`: every store emptied and reconnected, every log and fault
    /// cleared, the `genid` counter back to 0.
    pub fn reset(&self) {
        for store in self
            .configurations
            .0
            .iter()
            .filter_map(|c| c.store.as_ref())
        {
            store.reset();
        }
        self.genid.reset();
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
