use nestling::prelude::*;

/// `/admin`.
#[injectable]
pub struct AdminController;

#[controller("admin")]
impl AdminController {
    /// `GET /admin`.
    #[get]
    async fn find_all(&self) -> &'static str {
        "This action returns all admin"
    }
}
