use std::sync::{Mutex, MutexGuard};

use nestling::prelude::*;

use super::{CreatePostDto, Post, UpdatePostDto};

/// Keeps posts in memory; swap the vector for a database when the
/// app needs one.
#[injectable]
pub struct PostsService {
    #[inject(default)]
    items: Mutex<Vec<Post>>,
}

impl PostsService {
    fn items(&self) -> MutexGuard<'_, Vec<Post>> {
        // A panic while holding the lock cannot leave the list half-written,
        // so a poisoned lock is still safe to use.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn create(&self, dto: CreatePostDto) -> Post {
        let mut items = self.items();
        let item = Post {
            id: items.iter().map(|item| item.id).max().unwrap_or(0) + 1,
            name: dto.name,
        };
        items.push(item.clone());
        item
    }

    pub fn find_all(&self) -> Vec<Post> {
        self.items().clone()
    }

    pub fn find_one(&self, id: u32) -> Option<Post> {
        self.items().iter().find(|item| item.id == id).cloned()
    }

    pub fn update(&self, id: u32, dto: UpdatePostDto) -> Option<Post> {
        let mut items = self.items();
        let item = items.iter_mut().find(|item| item.id == id)?;
        if let Some(name) = dto.name {
            item.name = name;
        }
        Some(item.clone())
    }

    pub fn remove(&self, id: u32) -> Option<Post> {
        let mut items = self.items();
        let index = items.iter().position(|item| item.id == id)?;
        Some(items.remove(index))
    }
}
