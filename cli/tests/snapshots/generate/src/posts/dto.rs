use serde::{Deserialize, Serialize};

/// One of the posts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Post {
    pub id: u32,
    pub name: String,
}

/// What `POST /posts` takes, as a form or as JSON.
#[derive(Debug, Deserialize)]
pub struct CreatePostDto {
    pub name: String,
}

/// What `PATCH /posts/:id` takes: the fields to change.
#[derive(Debug, Deserialize)]
pub struct UpdatePostDto {
    pub name: Option<String>,
}
