// A `:` must be followed by the parameter's name.
use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get(":")]
    async fn find_one(&self) -> &'static str {
        "a cat"
    }
}

fn main() {}
