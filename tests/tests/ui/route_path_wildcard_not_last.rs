// A wildcard must be the last segment of a route path.
use nestling::prelude::*;

#[injectable]
struct FilesController;

#[controller]
impl FilesController {
    #[get("/files/*/x")]
    async fn file(&self) -> &'static str {
        "a file"
    }
}

fn main() {}
