// A provider listed by type must be #[injectable].
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
