//! `CsrfToken`: the token for a handler to hand out itself.

use super::locals::token_for;
use crate::exception::HttpException;
use crate::injector::Injector;
use crate::request::RequestContext;
use crate::routing::ArgInfo;
use crate::session::Session;

/// A CSRF token for this request's session, for handlers that give it to
/// scripts (a JSON endpoint, a `<meta>` tag) rather than through a template,
/// which has `csrf_token()` already. Needs `app.use_csrf(..)`; without it
/// the route answers 500 and logs why.
///
/// ```
/// use nestling::prelude::*;
/// use nestling::csrf::CsrfToken;
///
/// #[injectable]
/// struct ApiController;
///
/// #[controller("api")]
/// impl ApiController {
///     /// `fetch` sends it back in the `x-csrf-token` header.
///     #[get("csrf")]
///     async fn csrf(&self, token: CsrfToken) -> Json<serde_json::Value> {
///         Json(serde_json::json!({ "token": token.0 }))
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfToken(pub String);

impl Injector for CsrfToken {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let Some(config) = ctx.head().app().csrf.clone() else {
            return Err(HttpException::internal_server_error().cause(format!(
                "{} takes `{}: CsrfToken`, but CSRF protection is off: call app.use_csrf(CsrfOptions::default())",
                arg.handler, arg.name
            )));
        };
        let session = Session::inject(ctx, arg).await?;
        token_for(&session, &config)
            .map(CsrfToken)
            .map_err(|error| HttpException::internal_server_error().cause(error))
    }
}
