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
    if let Ok(url) = std::env::var("REDIS_URL") {
        sessions = sessions.store(RedisStore::new(&url).await?);
    }
    app.use_session(sessions)
        .set_base_views_dir(root.join("views"))
        .set_local("site", &"Notes")
        .use_static_assets(root.join("public"), StaticOptions::default())
        .use_flash()
        .use_csrf(CsrfOptions::default());
    Ok(())
}
