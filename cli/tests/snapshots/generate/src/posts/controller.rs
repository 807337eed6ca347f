use nestling::prelude::*;
use serde::Serialize;

use super::{CreatePostDto, Post, PostsService, UpdatePostDto};

/// What `views/posts/index.html` shows.
#[derive(Serialize)]
struct Index {
    posts: Vec<Post>,
}

/// What `views/posts/show.html` shows.
#[derive(Serialize)]
struct Show {
    post: Post,
}

/// `/posts`: the five CRUD routes. The two pages render views; the form
/// on the list page posts to `create`, which redirects to the new page.
#[injectable]
pub struct PostsController {
    posts_service: Inject<PostsService>,
}

#[controller("posts")]
impl PostsController {
    /// `POST /posts`, from the form (or JSON): creates, then shows it.
    #[post]
    async fn create(&self, body: Body<CreatePostDto>) -> Redirect {
        let created = self.posts_service.create(body.into_inner());
        Redirect::see_other(format!("/posts/{}", created.id))
    }

    /// `GET /posts`: the list page.
    #[get]
    #[render("posts/index")]
    async fn find_all(&self) -> Index {
        Index {
            posts: self.posts_service.find_all(),
        }
    }

    /// `GET /posts/:id`: one post's page.
    #[get(":id")]
    #[render("posts/show")]
    async fn find_one(&self, id: Param<u32>) -> Result<Show, HttpException> {
        match self.posts_service.find_one(*id) {
            Some(post) => Ok(Show { post }),
            None => Err(not_found(*id)),
        }
    }

    /// `PATCH /posts/:id`: changes the fields given, answers the result as JSON.
    #[patch(":id")]
    async fn update(
        &self,
        id: Param<u32>,
        body: Body<UpdatePostDto>,
    ) -> Result<Json<Post>, HttpException> {
        match self.posts_service.update(*id, body.into_inner()) {
            Some(post) => Ok(Json(post)),
            None => Err(not_found(*id)),
        }
    }

    /// `DELETE /posts/:id`: deletes, answers what was deleted as JSON.
    #[delete(":id")]
    async fn remove(&self, id: Param<u32>) -> Result<Json<Post>, HttpException> {
        match self.posts_service.remove(*id) {
            Some(post) => Ok(Json(post)),
            None => Err(not_found(*id)),
        }
    }
}

fn not_found(id: u32) -> HttpException {
    NotFoundException::new(format!("Post #{id} not found"))
}
