//! The seed of nestling: NestJS's *Sessions* chapter, in Rust. `GET /visits`
//! counts your visits in the session, through `Req` (the seed's `@Req()`
//! form); `GET /visits2` does the same through the `Session` injector (the
//! `@Session()` form). Both share one session.

use std::time::Duration;

use nestling::prelude::*;
use nestling::session::{CookieOptions, SessionOptions};

/// The visit counter.
#[injectable]
pub struct VisitsController;

#[controller]
impl VisitsController {
    /// The seed's `findAll(@Req() request)`.
    #[get("visits")]
    async fn find_all(&self, req: Req) -> Result<String, HttpException> {
        let mut session = req.session().await?;
        let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(visits.to_string())
    }

    /// The seed's `findAll(@Session() session)`.
    #[get("visits2")]
    async fn find_all2(&self, mut session: Session) -> Result<String, HttpException> {
        let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(visits.to_string())
    }
}

#[module(controllers = [VisitsController])]
pub struct AppModule;

/// The session options of the seed's `main.ts`: a secret, no resave, no
/// uninitialised sessions, and a one-hour cookie.
pub fn session_options() -> SessionOptions {
    SessionOptions::new()
        .secret(std::env::var("SESSION_SECRET").unwrap_or_else(|_| "my-secret".to_owned()))
        .resave(false)
        .save_uninitialized(false)
        .cookie(CookieOptions::default().max_age(Duration::from_secs(3600)))
}
