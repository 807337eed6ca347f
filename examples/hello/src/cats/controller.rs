use nestling::prelude::*;

use super::{Cat, CatsService, CreateCatDto, ListCats};

/// `/cats`: list, find, create.
#[injectable]
pub struct CatsController {
    cats_service: Inject<CatsService>,
}

#[controller("cats")]
impl CatsController {
    #[get]
    async fn find_all(&self, query: Query<ListCats>) -> Json<Vec<Cat>> {
        Json(self.cats_service.find_all(query.limit))
    }

    #[get(":id")]
    async fn find_one(&self, id: Param<u32>) -> Result<Json<Cat>, HttpException> {
        self.cats_service
            .find_one(*id)
            .map(Json)
            .ok_or_else(|| NotFoundException::new(format!("Cat #{} not found", *id)))
    }

    #[post]
    async fn create(&self, body: Body<CreateCatDto>) -> Json<Cat> {
        Json(self.cats_service.create(body.into_inner()))
    }
}
