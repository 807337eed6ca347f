//! The cluster's tiny API: log in, who am I, log out, and a visit counter,
//! all kept in the session, so any instance can answer any request.

use nestling::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

/// `POST /login`'s body.
#[derive(Debug, Deserialize)]
pub struct LoginDto {
    /// Who logs in (no password: this example is about sessions).
    pub username: String,
}

/// `/login`, `/me`, `/logout`, `/visits`.
#[injectable]
pub struct AuthController;

#[controller]
impl AuthController {
    /// Starts a new session for `username` (a fresh id on login, as
    /// express-session's docs advise against fixation).
    #[post("login")]
    #[http_code(200)]
    async fn login(
        &self,
        mut session: Session,
        body: Body<LoginDto>,
    ) -> Result<Json<Value>, HttpException> {
        let username = body.0.username.trim();
        if username.is_empty() || username.len() > 64 {
            return Err(BadRequestException::new(
                "username must be 1 to 64 characters",
            ));
        }
        session.regenerate().await?;
        session.insert("user", username)?;
        Ok(Json(json!({ "user": username })))
    }

    /// The logged-in user, whichever instance logged them in.
    #[get("me")]
    async fn me(&self, session: Session) -> Result<Json<Value>, HttpException> {
        let user: Option<String> = session.get("user")?;
        match user {
            Some(user) => Ok(Json(json!({ "user": user }))),
            None => Err(UnauthorizedException::new("log in first")),
        }
    }

    /// Ends the session everywhere: it is deleted from the shared store.
    #[post("logout")]
    #[http_code(200)]
    async fn logout(&self, mut session: Session) -> Result<Json<Value>, HttpException> {
        session.destroy().await?;
        Ok(Json(json!({ "loggedOut": true })))
    }

    /// A visit counter in the session, counted by every instance.
    #[get("visits")]
    async fn visits(&self, mut session: Session) -> Result<Json<Value>, HttpException> {
        let visits = session.get::<u64>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(Json(json!({ "visits": visits })))
    }
}
