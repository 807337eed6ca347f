use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[post]
    #[http_code(999)]
    async fn create(&self) -> &'static str {
        "created"
    }
}

fn main() {}
