use nestling::prelude::*;

#[injectable]
struct HooksController;

#[controller("hooks")]
impl HooksController {
    #[post]
    #[skip_csrf(always)]
    async fn receive(&self) -> &'static str {
        "ok"
    }
}

fn main() {}
