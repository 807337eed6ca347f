//! Demo: a nestling MVC app. `main.rs` serves it; the tests in `tests/`
//! drive it in-process with `TestClient`.

pub mod app_controller;
pub mod app_module;
pub mod app_service;

pub use app_module::AppModule;

use nestling::Application;
use nestling::session::{CookieOptions, SecureSessionOptions};
use nestling::static_files::StaticOptions;
use std::time::Duration;

/// Everything `main.rs` and the tests do to the app before it serves:
/// views from `views/`, files from `public/` under `/static`, and sessions.
pub async fn setup(app: &mut Application) -> nestling::Result<()> {
    app.set_base_views_dir("views")
        .set_local("site", "Demo")
        .use_static_assets("public", StaticOptions::default().prefix("/static"))
        .use_secure_session(session_options());
    Ok(())
}

/// Sessions encrypted into the cookie itself (no store), valid for a day
/// after their last write.
fn session_options() -> SecureSessionOptions {
    // A key written in the code is only good on a developer's machine; a
    // release build without SESSION_KEY (32 random bytes in base64, e.g.
    // `head -c 32 /dev/urandom | base64`) gets none, and refuses to start.
    let key = std::env::var("SESSION_KEY").unwrap_or_else(|_| {
        if cfg!(debug_assertions) {
            "bmVzdGxpbmcgZGV2ZWxvcG1lbnQga2V5OiBsb2NhbCE=".to_owned()
        } else {
            String::new()
        }
    });
    let day = Duration::from_secs(24 * 60 * 60);
    SecureSessionOptions::new()
        .key(key)
        .expiry(day)
        .cookie(CookieOptions::default().max_age(day))
}
