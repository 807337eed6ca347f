use nestling::prelude::*;

struct Cat {
    name: String,
}

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get]
    #[render("cats/show")]
    async fn show(&self) -> Cat {
        Cat {
            name: "Tom".into(),
        }
    }
}

fn main() {}
