//! Demo: a nestling MVC app. `main.rs` serves it; the tests in `tests/`
//! drive it in-process with `TestClient`.

pub mod app_controller;
pub mod app_module;
pub mod app_service;

pub use app_module::AppModule;

use nestling::Application;
use nestling::session::{CookieOptions, SessionOptions};
use nestling::static_files::StaticOptions;
use std::time::Duration;

/// Everything `main.rs` and the tests do to the app before it serves:
/// views from `views/`, files from `public/` under `/static`, and sessions.
pub async fn setup(app: &mut Application) -> nestling::Result<()> {
    app.set_base_views_dir("views")
        .set_local("site", "Demo")
        .use_static_assets("public", StaticOptions::default().prefix("/static"))
        .use_session(session_options().await?);
    Ok(())
}

/// Sessions in the memory store (`MemoryStore`), with a cookie that lasts a day.
async fn session_options() -> nestling::Result<SessionOptions> {
    // A fixed secret is only good on a developer's machine; a release build
    // without SESSION_SECRET gets an empty one, and sessions refuse to start.
    let secret = std::env::var("SESSION_SECRET").unwrap_or_else(|_| {
        if cfg!(debug_assertions) {
            "demo: development secret".to_owned()
        } else {
            String::new()
        }
    });
    Ok(SessionOptions::new()
        .secret(secret)
        .resave(false)
        .save_uninitialized(false)
        .cookie(CookieOptions::default().max_age(Duration::from_secs(24 * 60 * 60))))
}
