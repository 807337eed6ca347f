use nestling::prelude::*;

struct Cat {
    name: String,
}

#[injectable]
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
