//! The app's module and its MVC configuration.

use std::path::Path;

use nestling::csrf::CsrfOptions;
use nestling::session::{CookieOptions, RedisStore, SameSite, Secure, StoreError};
use nestling::static_files::StaticOptions;
use nestling::{Application, SessionOptions};

use crate::auth::{AuthController, UsersService};
use crate::notes::{NotesController, NotesService};

/// The whole app.
#[nestling::module(
    controllers = [AuthController, NotesController],
    providers = [UsersService, NotesService],
)]
pub struct AppModule;

/// Sessions (in Redis when `REDIS_URL` is set, in memory otherwise), the
/// views and `public/` folders, flash messages and CSRF protection.
///
/// # Errors
/// When `REDIS_URL` is set but Redis cannot be reached.
pub async fn configure(app: &mut Application) -> Result<(), StoreError> {
    configure_with(app, std::env::var("REDIS_URL").ok().as_deref()).await
}

/// [`configure`] with the Redis URL given rather than read from the
/// environment (`None`: the memory store).
///
/// # Errors
/// When Redis cannot be reached at `redis_url`.
pub async fn configure_with(
    app: &mut Application,
    redis_url: Option<&str>,
) -> Result<(), StoreError> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let secret = std::env::var("SESSION_SECRET")
        .unwrap_or_else(|_| "a development secret: set SESSION_SECRET in production".to_owned());
    let mut sessions = SessionOptions::new()
        .secret(secret)
        .resave(false)
        .save_uninitialized(false)
        .cookie(
            CookieOptions::default()
                .secure(Secure::Auto)
                .same_site(SameSite::Lax),
        );
    if let Some(url) = redis_url {
        // Each app its own key prefix, so apps sharing a Redis do not mix.
        sessions = sessions.store(RedisStore::new(url).await?.prefix("mvc:sess:"));
    }
    app.use_session(sessions)
        .set_base_views_dir(root.join("views"))
        .set_local("site", &"Notes")
        .use_static_assets(root.join("public"), StaticOptions::default())
        .use_flash()
        .use_csrf(CsrfOptions::default());
    Ok(())
}
