//! The seed's Fastify section of NestJS's *Sessions* chapter, in Rust: the
//! visit counter of `examples/visits`, but the session lives in one
//! encrypted cookie, as with @fastify/secure-session, and there is no
//! store. `GET /visits` uses the `Req` form (`request.session.get/set`),
//! `GET /visits2` the `Session` injector; both share one session, and the
//! handlers are exactly those written for `use_session`.

use nestling::prelude::*;
use nestling::session::SecureSessionOptions;

/// The visit counter.
#[injectable]
pub struct VisitsController;

#[controller]
impl VisitsController {
    /// The seed's `findAll(@Req() request: FastifyRequest)`.
    #[get("visits")]
    async fn find_all(&self, req: Req) -> Result<String, HttpException> {
        let mut session = req.session().await?;
        let visits = session.get::<u32>("visits")?.map_or(1, |v| v + 1);
        session.insert("visits", visits)?;
        Ok(visits.to_string())
    }

    /// The seed's `findAll(@Session() session: secureSession.Session)`.
    #[get("visits2")]
    async fn find_all2(&self, mut session: Session) -> Result<String, HttpException> {
        let visits = session.get::<u32>("visits")?.map_or(1, |v| v + 1);
        session.insert("visits", visits)?;
        Ok(visits.to_string())
    }
}

#[module(controllers = [VisitsController])]
pub struct AppModule;

/// The seed's `app.register(secureSession, { secret, salt })`: the key is
/// derived from the secret at start-up, as the plugin does, so a Fastify app
/// with the same secret and salt reads these cookies. `SESSION_KEY` (32
/// bytes in base64, e.g. from `head -c 32 /dev/urandom | base64`) replaces
/// the derivation with a key, as production apps should.
pub fn session_options() -> SecureSessionOptions {
    match std::env::var("SESSION_KEY") {
        Ok(key) => SecureSessionOptions::new().key(key),
        Err(_) => SecureSessionOptions::new()
            .secret(
                std::env::var("SESSION_SECRET")
                    .unwrap_or_else(|_| "averylogphrasebiggerthanthirtytwochars".to_owned()),
            )
            .salt("mq9hDxBVDbspDR6n"),
    }
}
