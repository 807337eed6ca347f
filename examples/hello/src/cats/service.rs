use std::sync::{Mutex, MutexGuard};

use nestling::prelude::*;

use super::{Cat, CreateCatDto};

/// Keeps cats in memory.
#[injectable]
pub struct CatsService {
    #[inject(default)]
    cats: Mutex<Vec<Cat>>,
}

impl CatsService {
    fn cats(&self) -> MutexGuard<'_, Vec<Cat>> {
        // A panic while holding the lock cannot leave the list half-written,
        // so a poisoned lock is still safe to use.
        self.cats.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn find_all(&self, limit: Option<usize>) -> Vec<Cat> {
        let limit = limit.unwrap_or(usize::MAX);
        self.cats().iter().take(limit).cloned().collect()
    }

    pub fn find_one(&self, id: u32) -> Option<Cat> {
        self.cats().iter().find(|c| c.id == id).cloned()
    }

    pub fn create(&self, dto: CreateCatDto) -> Cat {
        let mut cats = self.cats();
        let cat = Cat {
            id: cats.iter().map(|c| c.id).max().unwrap_or(0) + 1,
            name: dto.name,
            age: dto.age,
            breed: dto.breed,
        };
        cats.push(cat.clone());
        cat
    }
}

impl OnModuleInit for CatsService {
    async fn on_module_init(&self) {
        tracing::info!("CatsService is ready");
    }
}

impl OnApplicationShutdown for CatsService {
    async fn on_application_shutdown(&self, signal: Option<&str>) {
        tracing::info!(
            signal,
            cats = self.cats().len(),
            "CatsService is shutting down"
        );
    }
}
