//! One app, several instances: `cargo run -p cluster` serves the same app
//! on two ports (`PORTS`, default `3001,3002`), each instance with its own
//! connection to one shared store, Redis or PostgreSQL (`STORE`). Log in
//! through one port and the other knows you; log out through either and
//! both forget you. Behind a load balancer, this is how several processes
//! or machines serve one site without sticky sessions.
//!
//! * `settings.rs`: what the environment chooses (store, URL, key prefix
//!   or schema, secret);
//! * `auth.rs`: the API (`POST /login`, `GET /me`, `POST /logout`,
//!   `GET /visits`).

mod auth;
mod settings;

use std::time::Duration;

use nestling::Application;
use nestling::prelude::*;
use nestling::session::{CookieOptions, PostgresStore, RedisStore, SessionOptions};

pub use auth::{AuthController, LoginDto};
pub use settings::{Settings, SettingsError, StoreChoice};

/// The app's module.
#[module(controllers = [AuthController])]
pub struct AppModule;

/// One instance, its session store connected, ready to `start` or
/// `listen`. Build one per port: they share nothing but the store.
///
/// ```no_run
/// # async fn run() -> nestling::Result<()> {
/// let settings = cluster::Settings::redis("redis://127.0.0.1:6379", "sess:");
/// let a = cluster::build_instance(&settings).await?.start("127.0.0.1:3001").await?;
/// let b = cluster::build_instance(&settings).await?.start("127.0.0.1:3002").await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// When the store cannot be reached: the message says which and how to
/// fix it.
pub async fn build_instance(settings: &Settings) -> nestling::Result<Application> {
    let mut app = nestling::create::<AppModule>().await?;
    let options = SessionOptions::new()
        .secret(settings.secret.clone())
        .resave(false)
        .save_uninitialized(false)
        .cookie(CookieOptions::default().max_age(Duration::from_secs(3600)));
    let options = match &settings.store {
        StoreChoice::Redis { url, prefix } => {
            options.store(RedisStore::new(url).await?.prefix(prefix.clone()))
        }
        StoreChoice::Postgres { url, schema } => {
            let mut store = PostgresStore::new(url).await?;
            if let Some(schema) = schema {
                store = store.schema_name(schema.clone());
            }
            // At start-up, so a database that refuses is a start-up error.
            store.create_table().await?;
            options.store(store)
        }
    };
    app.use_session(options);
    Ok(app)
}
