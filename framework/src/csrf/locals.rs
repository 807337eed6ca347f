//! The token in templates: `csrf_token` in every rendered template's
//! locals, and the Tera functions `csrf_token()` and `csrf_field()`.

use std::sync::Arc;

use super::{CsrfConfig, token};
use crate::request::RequestContext;
use crate::session::Session;
use crate::view::Locals;

/// The template variable the functions read.
const LOCAL: &str = "csrf_token";

/// A fresh token for `session`, creating its secret on first use.
pub(crate) fn token_for(session: &Session, config: &CsrfConfig) -> Result<String, String> {
    let secret = match session.get::<String>(&config.session_key) {
        Ok(Some(secret)) => secret,
        // None yet, or another app's value in another shape: a new one.
        Ok(None) | Err(_) => {
            let secret =
                token::secret().map_err(|e| format!("no random bytes for a CSRF secret: {e}"))?;
            session
                .clone()
                .insert(&config.session_key, &secret)
                .map_err(|e| format!("the CSRF secret cannot be stored in the session: {e}"))?;
            secret
        }
    };
    token::create(&secret).map_err(|e| format!("no random bytes for a CSRF token: {e}"))
}

/// The locals provider `use_csrf` registers: `csrf_token` for a render
/// whose request has a session (loaded before the render).
pub(crate) fn provider(
    config: Arc<CsrfConfig>,
) -> impl Fn(&mut RequestContext, &mut Locals) + Send + Sync + 'static {
    move |ctx, locals| {
        let Some(Some(session)) = ctx.head().session.get() else {
            return;
        };
        match token_for(session, &config) {
            Ok(token) => locals.insert_value(LOCAL, tera::Value::from(token)),
            Err(error) => tracing::error!(%error, "no CSRF token for this render"),
        }
    }
}

/// Registers `csrf_token()` (the token) and `csrf_field()` (a hidden input
/// named like the configured field, not escaped again).
pub(crate) fn register(tera: &mut tera::Tera, field: &str) {
    tera.register_function("csrf_token", |_: tera::Kwargs, state: &tera::State| {
        current(state).map(tera::Value::from)
    });
    let field = field.to_owned();
    tera.register_function("csrf_field", move |_: tera::Kwargs, state: &tera::State| {
        // The field name was checked at start-up and tokens are base64url
        // and `-`: nothing here needs escaping.
        current(state).map(|token| {
            tera::Value::safe_string(&format!(
                r#"<input type="hidden" name="{field}" value="{token}">"#
            ))
        })
    });
}

fn current(state: &tera::State) -> tera::TeraResult<String> {
    state.get::<String>(LOCAL)?.ok_or_else(|| {
        tera::Error::message(
            "no CSRF token for this request: it has no session (is its path under a \
             use_session mount?)",
        )
    })
}
