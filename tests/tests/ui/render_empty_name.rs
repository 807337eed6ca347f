use nestling::prelude::*;

#[injectable]
struct PagesController;

#[controller]
impl PagesController {
    #[get]
    #[render("")]
    async fn index(&self) -> serde_json::Value {
        serde_json::json!({})
    }
}

fn main() {}
