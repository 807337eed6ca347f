//! Session stores: the [`SessionStore`] trait (express-session's store
//! contract, spec §10.1), the [`MemoryStore`] it uses by default, and the
//! type-erased [`SharedStore`] the session layer holds.

mod error;
mod memory;
mod merge;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
mod shared;
mod startup;
mod stored;

use std::future::Future;

#[cfg(feature = "redis")]
pub use self::redis::RedisStore;
pub use error::StoreError;
pub use memory::{MemoryStore, PRODUCTION_WARNING};
pub use merge::SessionChanges;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use shared::SharedStore;
pub use stored::StoredSession;

/// Where sessions live between requests: express-session's store contract.
///
/// Implement `get`, `set` and `destroy`; `touch` is recommended for stores
/// that expire sessions; `all`, `length` and `clear` are optional (the
/// session layer never calls them). Write the methods as `async fn`; the
/// futures must be `Send`. A store is shared by all requests: keep its state
/// behind an `Arc` (and make it `Clone` if the app needs a handle too).
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::{Arc, Mutex};
/// use nestling::session::{SessionStore, StoreError, StoredSession};
///
/// /// Sessions in a map, never expired: a sketch, not for production.
/// #[derive(Clone, Default)]
/// struct MapStore(Arc<Mutex<HashMap<String, StoredSession>>>);
///
/// impl SessionStore for MapStore {
///     async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
///         Ok(self.0.lock().unwrap().get(id).cloned())
///     }
///     async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
///         self.0.lock().unwrap().insert(id.to_owned(), session.clone());
///         Ok(())
///     }
///     async fn destroy(&self, id: &str) -> Result<(), StoreError> {
///         self.0.lock().unwrap().remove(id);
///         Ok(())
///     }
/// }
/// ```
pub trait SessionStore: Send + Sync + 'static {
    /// The session stored under `id`; `Ok(None)` when there is none
    /// (expired sessions count as none). [`StoreError::not_found`] also
    /// means none.
    fn get(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<StoredSession>, StoreError>> + Send;

    /// Stores `session` under `id`, replacing what was there. Stores that
    /// expire entries use [`StoredSession::expires`].
    fn set(
        &self,
        id: &str,
        session: &StoredSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores `session` under `id` at the end of a request that loaded the
    /// session and changed it: `changes` knows what the request loaded, and
    /// [`SessionChanges::merge`] combines that with what the store holds
    /// now, so that overlapping requests changing different keys all keep
    /// their changes. Stores that can do this atomically (under a lock, in
    /// a transaction, with a compare-and-set) should; this default is a
    /// plain [`set`](Self::set), where the last writer wins.
    fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = changes;
        self.set(id, session)
    }

    /// Deletes the session `id` (nothing to do if there is none).
    fn destroy(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// "This session is still in use": called instead of `set` at the end
    /// of a request that loaded a session and did not change it, with the
    /// session's refreshed cookie. Stores that expire entries should extend
    /// the entry's life; without `touch` (this default does nothing), such
    /// a store needs `resave(true)` to keep active sessions alive.
    fn touch(
        &self,
        id: &str,
        session: &StoredSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (id, session);
        async { Ok(()) }
    }

    /// Every live session with its id (optional).
    fn all(&self) -> impl Future<Output = Result<Vec<(String, StoredSession)>, StoreError>> + Send {
        async { Err(StoreError::unsupported("all")) }
    }

    /// How many live sessions there are (optional).
    fn length(&self) -> impl Future<Output = Result<usize, StoreError>> + Send {
        async { Err(StoreError::unsupported("length")) }
    }

    /// Deletes every session (optional).
    fn clear(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Err(StoreError::unsupported("clear")) }
    }

    /// Whether the store can serve requests now. While it cannot, requests
    /// proceed without a session and without touching the store, as
    /// express-session does when its store emits `disconnect` (spec S3, R2).
    fn is_ready(&self) -> bool {
        true
    }
}
