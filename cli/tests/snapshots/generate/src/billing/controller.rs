use nestling::prelude::*;

/// `/billing`.
#[injectable]
pub struct BillingController;

#[controller("billing")]
impl BillingController {
    /// `GET /billing`.
    #[get]
    async fn find_all(&self) -> &'static str {
        "This action returns all billing"
    }
}
