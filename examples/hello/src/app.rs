use nestling::prelude::*;

use crate::cats::CatsModule;
use crate::config::{ConfigModule, ConfigOptions, ConfigService};

/// Says hello, as `nest new`'s `AppService` does.
#[injectable]
pub struct AppService {
    config: Inject<ConfigService>,
}

impl AppService {
    pub fn get_hello(&self) -> String {
        self.config.greeting().to_owned()
    }
}

/// `GET /` -> `Hello World!`.
#[injectable]
pub struct AppController {
    app_service: Inject<AppService>,
}

#[controller]
impl AppController {
    #[get]
    async fn get_hello(&self) -> String {
        self.app_service.get_hello()
    }
}

/// The root module.
#[module(
    imports = [CatsModule, ConfigModule::for_root(ConfigOptions { greeting: "Hello World!" })],
    controllers = [AppController],
    providers = [AppService],
)]
pub struct AppModule;
