use nestling::prelude::*;

use crate::admin::AdminController;
use crate::admin::AdminService;
use crate::app_controller::AppController;
use crate::app_service::AppService;
use crate::billing::BillingModule;
use crate::posts::PostsModule;

/// The root module: `nestling generate` adds new modules to its imports.
#[module(
    imports = [PostsModule, BillingModule],
    controllers = [AppController, AdminController],
    providers = [AppService, AdminService],
)]
pub struct AppModule;
