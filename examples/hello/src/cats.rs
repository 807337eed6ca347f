use std::sync::Mutex;

use nestling::prelude::*;
use serde::{Deserialize, Serialize};

/// A cat, as Nest's docs define it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cat {
    pub id: u32,
    pub name: String,
    pub age: u8,
    pub breed: String,
}

/// What `POST /cats` takes, as JSON or as a form.
#[derive(Debug, Deserialize)]
pub struct CreateCatDto {
    pub name: String,
    pub age: u8,
    pub breed: String,
}

/// `GET /cats?limit=n`.
#[derive(Debug, Deserialize)]
pub struct ListCats {
    pub limit: Option<usize>,
}

/// Keeps cats in memory.
#[derive(Default)]
pub struct CatsController {
    cats: Mutex<Vec<Cat>>,
}

impl CatsController {
    fn cats(&self) -> std::sync::MutexGuard<'_, Vec<Cat>> {
        // A panic while holding the lock cannot leave the list half-written,
        // so a poisoned lock is still safe to use.
        self.cats.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[controller("cats")]
impl CatsController {
    #[get]
    async fn find_all(&self, query: Query<ListCats>) -> Json<Vec<Cat>> {
        let cats = self.cats();
        let limit = query.limit.unwrap_or(usize::MAX);
        Json(cats.iter().take(limit).cloned().collect())
    }

    #[get(":id")]
    async fn find_one(&self, id: Param<u32>) -> Result<Json<Cat>, HttpException> {
        self.cats()
            .iter()
            .find(|c| c.id == *id)
            .cloned()
            .map(Json)
            .ok_or_else(|| NotFoundException::new(format!("Cat #{} not found", *id)))
    }

    #[post]
    async fn create(&self, body: Body<CreateCatDto>) -> Json<Cat> {
        let Body(dto) = body;
        let mut cats = self.cats();
        let cat = Cat {
            id: cats.iter().map(|c| c.id).max().unwrap_or(0) + 1,
            name: dto.name,
            age: dto.age,
            breed: dto.breed,
        };
        cats.push(cat.clone());
        Json(cat)
    }
}
