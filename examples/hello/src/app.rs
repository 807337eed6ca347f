use nestling::prelude::*;

use crate::cats::CatsController;

/// `GET /` -> `Hello World!`, as `nest new` generates.
#[derive(Default)]
pub struct AppController;

#[controller]
impl AppController {
    #[get]
    async fn get_hello(&self) -> &'static str {
        "Hello World!"
    }
}

/// The root module.
#[module(controllers = [AppController, CatsController])]
pub struct AppModule;
