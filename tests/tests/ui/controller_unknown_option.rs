use nestling::prelude::*;

#[derive(Default)]
struct CatsController;

#[controller(path = "cats", version = "1")]
impl CatsController {
    #[get]
    async fn find_all(&self) -> &'static str {
        "all cats"
    }
}

fn main() {}
