//! The billing feature.

mod controller;
mod service;

pub use controller::BillingController;
use nestling::prelude::*;
pub use service::BillingService;

/// Groups the billing controllers and providers.
#[module(controllers = [BillingController], providers = [BillingService])]
pub struct BillingModule;
