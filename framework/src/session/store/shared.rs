//! Any [`SessionStore`] behind one type, so the session options need no
//! type parameter.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{MemoryStore, SessionChanges, SessionStore, StoreError, StoredSession};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A [`SessionStore`] of any type, shared (cloning copies a pointer). The
/// session layer calls its store through this.
///
/// ```
/// use nestling::session::{MemoryStore, SharedStore};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = SharedStore::new(MemoryStore::new());
/// assert_eq!(store.length().await.unwrap(), 0);
/// # }
/// ```
#[derive(Clone)]
pub struct SharedStore {
    inner: Arc<dyn ErasedStore>,
    /// The same store when it is the default [`MemoryStore`], whose calls
    /// finish without waiting: the hot calls go to it directly, without
    /// boxing a future per call.
    memory: Option<MemoryStore>,
}

impl SharedStore {
    /// Wraps `store`.
    pub fn new(store: impl SessionStore) -> Self {
        let memory = (&store as &dyn Any).downcast_ref::<MemoryStore>().cloned();
        SharedStore {
            inner: Arc::new(store),
            memory,
        }
    }

    /// [`SessionStore::get`].
    pub async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        match &self.memory {
            Some(memory) => SessionStore::get(memory, id).await,
            None => self.inner.get(id).await,
        }
    }

    /// [`SessionStore::set`].
    pub async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        match &self.memory {
            Some(memory) => SessionStore::set(memory, id, session).await,
            None => self.inner.set(id, session).await,
        }
    }

    /// [`SessionStore::set_changes`].
    pub async fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        match &self.memory {
            Some(memory) => SessionStore::set_changes(memory, id, session, changes).await,
            None => self.inner.set_changes(id, session, changes).await,
        }
    }

    /// [`SessionStore::destroy`].
    pub async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        self.inner.destroy(id).await
    }

    /// [`SessionStore::touch`].
    pub async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        match &self.memory {
            Some(memory) => SessionStore::touch(memory, id, session).await,
            None => self.inner.touch(id, session).await,
        }
    }

    /// [`SessionStore::all`].
    pub async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        self.inner.all().await
    }

    /// [`SessionStore::length`].
    pub async fn length(&self) -> Result<usize, StoreError> {
        self.inner.length().await
    }

    /// [`SessionStore::clear`].
    pub async fn clear(&self) -> Result<(), StoreError> {
        self.inner.clear().await
    }

    /// The store when it is the default [`MemoryStore`], whose calls never
    /// wait: the session layer then makes them without a future.
    pub(crate) fn memory(&self) -> Option<&MemoryStore> {
        self.memory.as_ref()
    }

    /// [`SessionStore::is_ready`].
    pub fn is_ready(&self) -> bool {
        self.inner.is_ready()
    }
}

impl fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedStore")
    }
}

/// The dyn-compatible twin of [`SessionStore`]: the same methods returning
/// boxed futures, implemented for every store.
trait ErasedStore: Send + Sync + 'static {
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<StoredSession>, StoreError>>;
    fn set<'a>(
        &'a self,
        id: &'a str,
        session: &'a StoredSession,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    fn set_changes<'a>(
        &'a self,
        id: &'a str,
        session: &'a StoredSession,
        changes: &'a SessionChanges,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    fn destroy<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    fn touch<'a>(
        &'a self,
        id: &'a str,
        session: &'a StoredSession,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    fn all(&self) -> BoxFuture<'_, Result<Vec<(String, StoredSession)>, StoreError>>;
    fn length(&self) -> BoxFuture<'_, Result<usize, StoreError>>;
    fn clear(&self) -> BoxFuture<'_, Result<(), StoreError>>;
    fn is_ready(&self) -> bool;
}

impl<S: SessionStore> ErasedStore for S {
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<StoredSession>, StoreError>> {
        Box::pin(SessionStore::get(self, id))
    }

    fn set<'a>(
        &'a self,
        id: &'a str,
        session: &'a StoredSession,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(SessionStore::set(self, id, session))
    }

    fn set_changes<'a>(
        &'a self,
        id: &'a str,
        session: &'a StoredSession,
        changes: &'a SessionChanges,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(SessionStore::set_changes(self, id, session, changes))
    }

    fn destroy<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(SessionStore::destroy(self, id))
    }

    fn touch<'a>(
        &'a self,
        id: &'a str,
        session: &'a StoredSession,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(SessionStore::touch(self, id, session))
    }

    fn all(&self) -> BoxFuture<'_, Result<Vec<(String, StoredSession)>, StoreError>> {
        Box::pin(SessionStore::all(self))
    }

    fn length(&self) -> BoxFuture<'_, Result<usize, StoreError>> {
        Box::pin(SessionStore::length(self))
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(SessionStore::clear(self))
    }

    fn is_ready(&self) -> bool {
        SessionStore::is_ready(self)
    }
}
