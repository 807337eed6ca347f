//! Graceful shutdown of the open connections: when the server stops, each
//! connection is told to finish the request in flight and close, and the
//! server waits until all have.
//!
//! hyper-util's `GracefulShutdown` does this with a channel that every
//! connection polls each time it is polled, about 200 instructions per
//! keep-alive request. Here a connection checks a flag, and its task's waker
//! is registered once so that the shutdown can wake it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Waker};

use tokio::sync::Notify;

/// The open connections of one server.
#[derive(Default)]
pub(crate) struct Drain {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    draining: AtomicBool,
    open: Mutex<Open>,
    all_closed: Notify,
}

/// Each open connection's task waker, once it has been polled.
#[derive(Default)]
struct Open {
    next: u64,
    wakers: HashMap<u64, Option<Waker>>,
}

impl Shared {
    fn open(&self) -> MutexGuard<'_, Open> {
        // Nothing panics while holding the lock, but a poisoned map is
        // still consistent.
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drain {
    /// Counts one more open connection, until the [`Watcher`] is dropped.
    pub(crate) fn watcher(&self) -> Watcher {
        let mut open = self.shared.open();
        let key = open.next;
        open.next += 1;
        open.wakers.insert(key, None);
        Watcher {
            shared: Arc::clone(&self.shared),
            key,
            waker: None,
        }
    }

    /// Tells every connection to finish, then waits until all are closed.
    pub(crate) async fn shutdown(self) {
        self.shared.draining.store(true, Ordering::SeqCst);
        for waker in self.shared.open().wakers.values().flatten() {
            waker.wake_by_ref();
        }
        loop {
            if self.shared.open().wakers.is_empty() {
                return;
            }
            // The last connection to close stores a permit if no one waits yet.
            self.shared.all_closed.notified().await;
        }
    }
}

/// One open connection of a [`Drain`].
pub(crate) struct Watcher {
    shared: Arc<Shared>,
    key: u64,
    /// The waker registered in `Shared::open`.
    waker: Option<Waker>,
}

impl Watcher {
    /// Whether the server is draining, so the connection must finish what
    /// is in flight and close. Called on every poll of the connection: it
    /// registers the task's waker (`cx`) when it changed, so that the
    /// shutdown can wake an idle connection.
    pub(crate) fn draining(&mut self, cx: &Context<'_>) -> bool {
        let registered = self.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker()));
        if !registered {
            let waker = cx.waker().clone();
            self.shared
                .open()
                .wakers
                .insert(self.key, Some(waker.clone()));
            self.waker = Some(waker);
        }
        // Checked after registering: a shutdown that starts in between
        // either is seen here or wakes the waker just registered.
        self.shared.draining.load(Ordering::SeqCst)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let mut open = self.shared.open();
        open.wakers.remove(&self.key);
        if open.wakers.is_empty() && self.shared.draining.load(Ordering::SeqCst) {
            self.shared.all_closed.notify_one();
        }
    }
}
