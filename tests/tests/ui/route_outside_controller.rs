// Route attributes are read by `#[controller]`; without it they do nothing.
use nestling::prelude::*;

#[derive(Default)]
struct CatsController;

impl CatsController {
    #[get]
    async fn find_all(&self) -> &'static str {
        "all cats"
    }
}

fn main() {}
