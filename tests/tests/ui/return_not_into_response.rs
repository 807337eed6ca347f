use nestling::prelude::*;

struct Cat {
    name: String,
}

#[derive(Default)]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get]
    async fn find_one(&self) -> Cat {
        Cat {
            name: "Tom".into(),
        }
    }
}

fn main() {}
