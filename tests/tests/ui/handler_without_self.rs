use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get(":id")]
    async fn find_one(id: Param<u32>) -> String {
        format!("cat #{}", *id)
    }
}

fn main() {}
