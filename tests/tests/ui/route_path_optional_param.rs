// Express's optional parameters (`:id?`) do not exist in nestling.
use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get(":id?")]
    async fn find_one(&self) -> &'static str {
        "a cat"
    }
}

fn main() {}
