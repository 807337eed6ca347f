use nestling::prelude::*;

/// The admin logic, injected where it is needed with
/// `Inject<AdminService>`.
#[injectable]
pub struct AdminService;

impl AdminService {}
