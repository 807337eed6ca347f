use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get]
    #[header("Cache Control", "none")]
    async fn find_all(&self) -> &'static str {
        "all cats"
    }
}

fn main() {}
