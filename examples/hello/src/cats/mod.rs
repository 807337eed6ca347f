//! The cats feature: a module with its controller, service and DTOs.

mod controller;
mod dto;
mod service;

pub use controller::CatsController;
pub use dto::{Cat, CreateCatDto, ListCats};
pub use service::CatsService;

use nestling::prelude::*;

/// Groups the cats controller and service; exports the service.
#[module(controllers = [CatsController], providers = [CatsService], exports = [CatsService])]
pub struct CatsModule;
