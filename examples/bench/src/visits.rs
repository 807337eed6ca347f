//! `GET /visits` -> the seed's counter: read `visits` from the session
//! (memory store, signed `connect.sid` cookie), store `visits + 1`, answer
//! the number as text.

use nestling::prelude::*;
use nestling::session::SessionOptions;

/// The secret both the app and the baseline sign with.
pub const SECRET: &str = "bench secret";

/// The seed's options: no resave, no uninitialised sessions, browser-session
/// cookie, the default memory store.
pub fn session_options() -> SessionOptions {
    SessionOptions::new()
        .secret(SECRET)
        .resave(false)
        .save_uninitialized(false)
}

/// Serves `/visits`.
#[injectable]
pub struct VisitsController;

#[controller]
impl VisitsController {
    #[get("visits")]
    async fn visits(&self, mut session: Session) -> Result<Text<String>, HttpException> {
        let visits = session.get::<u64>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(Text(visits.to_string()))
    }
}
