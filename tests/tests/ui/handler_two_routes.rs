// Nest allows stacking `@Get()` and `@Post()`; nestling wants one per method.
use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get]
    #[post]
    async fn cats(&self) -> &'static str {
        "cats"
    }
}

fn main() {}
