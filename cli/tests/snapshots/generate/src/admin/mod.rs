//! The admin feature.

pub use controller::AdminController;
pub use service::AdminService;

mod controller;
mod service;
