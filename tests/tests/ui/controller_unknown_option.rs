use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller(path = "cats", version = "1")]
impl CatsController {
    #[get]
    async fn find_all(&self) -> &'static str {
        "all cats"
    }
}

fn main() {}
