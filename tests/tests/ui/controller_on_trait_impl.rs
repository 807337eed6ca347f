use nestling::prelude::*;

#[derive(Default)]
struct CatsController;

#[controller("cats")]
impl Clone for CatsController {
    fn clone(&self) -> Self {
        CatsController
    }
}

fn main() {}
