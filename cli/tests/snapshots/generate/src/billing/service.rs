use nestling::prelude::*;

/// The billing logic, injected where it is needed with
/// `Inject<BillingService>`.
#[injectable]
pub struct BillingService;

impl BillingService {}
