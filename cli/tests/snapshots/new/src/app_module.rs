use nestling::prelude::*;

use crate::app_controller::AppController;
use crate::app_service::AppService;

/// The root module: `nestling generate` adds new modules to its imports.
#[module(
    imports = [],
    controllers = [AppController],
    providers = [AppService],
)]
pub struct AppModule;
