//! `GET /visits` -> the seed's counter: read `visits` from the session
//! (memory store, signed `connect.sid` cookie), store `visits + 1`, answer
//! the number as text. `GET /redis/visits` does the same on the Redis store
//! (served when the bench app is given `BENCH_REDIS_URL`). With
//! `SESSION_BACKEND=cookie` the `/visits` handler runs on encrypted cookie
//! sessions (@fastify/secure-session's format, no store): the seed's Fastify
//! case.

use nestling::prelude::*;
use nestling::session::{
    CookieOptions, RedisStore, SecureSessionOptions, SessionOptions, StoreError,
};

/// The secret both the app and the baseline sign with.
pub const SECRET: &str = "bench secret";

/// The seed's options: no resave, no uninitialised sessions, browser-session
/// cookie, the default memory store. `SESSION_MAX_AGE_MS` gives the cookie a
/// `maxAge` instead (what `scripts/bench-session-memory.sh` uses to make
/// sessions expire).
pub fn session_options() -> SessionOptions {
    let options = SessionOptions::new()
        .secret(SECRET)
        .resave(false)
        .save_uninitialized(false);
    match max_age_from_env() {
        Some(max_age) => options.cookie(CookieOptions::default().max_age(max_age)),
        None => options,
    }
}

/// `SESSION_MAX_AGE_MS`, when set to a number.
fn max_age_from_env() -> Option<std::time::Duration> {
    let ms = std::env::var("SESSION_MAX_AGE_MS").ok()?.parse().ok()?;
    Some(std::time::Duration::from_millis(ms))
}

/// The Redis key prefix of `/redis/visits`' sessions.
pub const REDIS_PREFIX: &str = "bench:sess:";

/// The seed's options on the Redis at `url` (keys under [`REDIS_PREFIX`]),
/// for `/redis/visits`.
///
/// # Errors
/// When Redis cannot be reached.
pub async fn redis_session_options(url: &str) -> Result<SessionOptions, StoreError> {
    let store = RedisStore::new(url).await?.prefix(REDIS_PREFIX);
    Ok(session_options().store(store))
}

/// The key of the cookie backend (32 bytes, base64).
pub const KEY: &str = "YmVuY2gga2V5IGJlbmNoIGtleSBiZW5jaCBrZXkgISE=";

/// The seed's Fastify options: a key, the defaults otherwise (cookie
/// `session`, `Path=/; HttpOnly; SameSite=Lax`).
pub fn secure_session_options() -> SecureSessionOptions {
    SecureSessionOptions::new().key(KEY)
}

/// Whether `SESSION_BACKEND=cookie` asks for the cookie backend.
pub fn cookie_backend() -> bool {
    std::env::var("SESSION_BACKEND").is_ok_and(|backend| backend == "cookie")
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

/// Serves `/redis/visits`: the same counter, mounted on the Redis store.
#[injectable]
pub struct RedisVisitsController;

#[controller("redis")]
impl RedisVisitsController {
    #[get("visits")]
    async fn visits(&self, mut session: Session) -> Result<Text<String>, HttpException> {
        let visits = session.get::<u64>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(Text(visits.to_string()))
    }
}
