//! The posts resource: `/posts` lists, shows, creates, updates and
//! deletes posts, kept in memory by `PostsService`.

mod controller;
mod dto;
mod service;

pub use controller::PostsController;
pub use dto::{CreatePostDto, Post, UpdatePostDto};
pub use service::PostsService;

use nestling::prelude::*;

/// Groups the posts controller and service; exports the service.
#[module(
    controllers = [PostsController],
    providers = [PostsService],
    exports = [PostsService],
)]
pub struct PostsModule;
