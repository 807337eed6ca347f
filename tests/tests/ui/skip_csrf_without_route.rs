use nestling::prelude::*;

#[injectable]
struct HooksController;

#[controller("hooks")]
impl HooksController {
    #[skip_csrf]
    async fn receive(&self) -> &'static str {
        "ok"
    }
}

fn main() {}
