// `#[http_code]`, `#[header]` and `#[redirect]` modify a route; alone they mean nothing.
use nestling::prelude::*;

#[injectable]
struct CatsController;

#[controller("cats")]
impl CatsController {
    #[http_code(204)]
    async fn remove(&self) {}
}

fn main() {}
