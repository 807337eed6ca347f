//! The check before the handler: an unsafe request must carry a token made
//! from its session's secret, in a header or in the form field.

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use http::header::CONTENT_TYPE;

use super::{CsrfConfig, token};
use crate::app::AppShared;
use crate::controller::HandlerFuture;
use crate::exception::{ForbiddenException, HttpException};
use crate::request::{RequestBody, RequestContext};
use crate::response::IntoResponse;

/// Whether the request to `endpoint` must pass the check: the app uses
/// CSRF protection, the method is not ignored, the route did not opt out.
#[inline]
pub(crate) fn guards(app: &AppShared, endpoint: usize, method: &Method) -> bool {
    app.csrf.as_ref().is_some_and(|config| {
        !config.ignore_methods.contains(method) && !app.router.endpoint(endpoint).def.skip_csrf
    })
}

/// The handler of `endpoint`, behind the check; a refused request still
/// ends like any other (its session is committed).
pub(crate) fn guarded(
    app: Arc<AppShared>,
    endpoint: usize,
    mut ctx: RequestContext,
) -> HandlerFuture {
    Box::pin(async move {
        match check(&mut ctx).await {
            Ok(()) => (app.router.endpoint(endpoint).handler)(ctx).await,
            Err(refused) => crate::controller::finish(&mut ctx, refused.into_response()).await,
        }
    })
}

async fn check(ctx: &mut RequestContext) -> Result<(), HttpException> {
    let Some(config) = ctx.head().app().csrf.clone() else {
        return Ok(());
    };
    let secret = match crate::session::request::session_of(ctx.head()).await? {
        Some(session) => session.get::<String>(&config.session_key).ok().flatten(),
        None => None,
    };
    let Some(sent) = sent_token(ctx, &config).await? else {
        return Err(refuse("missing csrf token", ctx));
    };
    match secret {
        Some(secret) if token::verify(&secret, &sent) => Ok(()),
        _ => Err(refuse("invalid csrf token", ctx)),
    }
}

/// The token from the first configured header that has one, else from the
/// form field of a urlencoded body (which is read, then put back for the
/// handler's `Body<T>`). Tokens in the query string are not accepted: URLs
/// end up in logs and `Referer` headers.
async fn sent_token(
    ctx: &mut RequestContext,
    config: &CsrfConfig,
) -> Result<Option<String>, HttpException> {
    let headers = &ctx.head().parts().headers;
    if let Some(value) = config.headers.iter().find_map(|name| headers.get(name)) {
        return Ok(value.to_str().ok().map(str::to_owned));
    }
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Ok(None);
    }
    let bytes = crate::injector::read_body(ctx).await?;
    let found = form_field(&bytes, &config.field);
    ctx.put_body(RequestBody::new(http_body_util::Full::new(bytes)));
    Ok(found)
}

/// The value of `field` in a urlencoded body; `None` when absent, repeated
/// with different values, or the body is not a form.
fn form_field(body: &Bytes, field: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body).ok()?;
    let mut values = pairs
        .into_iter()
        .filter(|(name, _)| name == field)
        .map(|(_, v)| v);
    let first = values.next()?;
    values.all(|other| other == first).then_some(first)
}

/// Nest's 403, and a log line saying which route refused what.
fn refuse(message: &'static str, ctx: &RequestContext) -> HttpException {
    tracing::warn!(
        handler = %ctx.head().endpoint().label(),
        "{message}: request refused with 403"
    );
    ForbiddenException::new(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_field_is_found_among_others() {
        let body = Bytes::from_static(b"title=a&_csrf=abc-def&body=b");
        assert_eq!(form_field(&body, "_csrf").as_deref(), Some("abc-def"));
        assert_eq!(form_field(&body, "token"), None);
        let twice = Bytes::from_static(b"_csrf=a&_csrf=b");
        assert_eq!(form_field(&twice, "_csrf"), None);
        assert_eq!(form_field(&Bytes::from_static(b"\xff=\xfe"), "_csrf"), None);
    }
}
