// A handler parameter must say where its value comes from: `Param<u32>`, not `u32`.
use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[get(":id")]
    async fn find_one(&self, id: u32) -> String {
        format!("cat #{id}")
    }
}

fn main() {}
