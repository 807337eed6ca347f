// `providers` arrives with dependency injection; until then it is unknown.
use nestling::prelude::*;

#[injectable]
struct CatsController;

struct CatsService;

#[controller("cats")]
impl CatsController {
    #[get]
    async fn find_all(&self) -> &'static str {
        "all cats"
    }
}

#[module(controllers = [CatsController], providers = [CatsService])]
struct CatsModule;

fn main() {}
