//! One render, on the request path: the handler's context merged over the
//! request's locals (app-wide globals sit under both, in Tera's global
//! context), the template looked up and rendered, and a failure turned into
//! a 500 with a log line (and, in debug builds, a page that shows why).

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use http::header::CONTENT_TYPE;

use super::{PendingView, ViewContext, ViewError, error_page};
use crate::exception::HttpException;
use crate::request::RequestContext;
use crate::response::{IntoResponse, Response, ResponseBody};

/// Renders what a `#[render("name")]` handler returned.
pub fn render_route<T: ViewContext + ?Sized>(
    ctx: &mut RequestContext,
    template: &'static str,
    model: &T,
) -> Response {
    let context = tera::Context::from_serialize(model).map_err(|error| {
        ViewError::message(format!(
            "the handler's value cannot be a template context (a struct or a map is needed): {error}"
        ))
    });
    render_template(ctx, template, context)
}

/// Renders the [`View`](super::View) a handler returned, if it did; other
/// responses pass through untouched. The response keeps its status and
/// headers (a `(StatusCode, View)` tuple works); the body and, unless the
/// handler set one, the content type come from the template.
pub(crate) fn render_pending(ctx: &mut RequestContext, mut response: Response) -> Response {
    let Some(PendingView { template, context }) = response.extensions_mut().remove() else {
        return response;
    };
    let rendered = render_template(ctx, &template, context.map_err(unshare));
    if rendered.status() != StatusCode::OK {
        return rendered;
    }
    let (mut parts, _) = response.into_parts();
    let (rendered, body) = rendered.into_parts();
    if !parts.headers.contains_key(CONTENT_TYPE)
        && let Some(value) = rendered.headers.get(CONTENT_TYPE)
    {
        parts.headers.insert(CONTENT_TYPE, value.clone());
    }
    Response::from_parts(parts, body)
}

fn unshare(error: Arc<ViewError>) -> ViewError {
    Arc::try_unwrap(error).unwrap_or_else(|shared| ViewError::message(shared.to_string()))
}

/// Whether `response` is a [`View`](super::View) still to render.
pub(crate) fn is_pending(response: &Response) -> bool {
    response.extensions().get::<PendingView>().is_some()
}

/// Whether `response` is a view to render once the request's session is
/// loaded (see [`session_pending`]).
pub(crate) fn waits_for_session(ctx: &RequestContext, response: &Response) -> bool {
    is_pending(response) && session_pending(ctx)
}

/// Whether a render must wait for the session: flash messages and CSRF
/// tokens come from it (`use_flash`, `use_csrf`), and locals providers
/// cannot wait for a store.
fn session_pending(ctx: &RequestContext) -> bool {
    let head = ctx.head();
    head.app()
        .views
        .as_ref()
        .is_some_and(|views| views.load_session)
        && head.session.get().is_none()
        && head
            .app()
            .sessions
            .for_path(head.parts().uri.path())
            .is_some()
}

/// Renders `name` with `context` over the request's locals.
pub(crate) fn render_template(
    ctx: &mut RequestContext,
    name: &str,
    context: Result<tera::Context, ViewError>,
) -> Response {
    if session_pending(ctx) {
        // `controller::finish` renders it once the session is loaded.
        let mut response = Response::new(ResponseBody::empty());
        response.extensions_mut().insert(PendingView {
            template: name.to_owned().into(),
            context: context.map_err(Arc::new),
        });
        return response;
    }
    render_loaded(ctx, name, context)
}

/// Renders `name` with `context` over the request's locals, the session (if
/// any) being loaded already.
fn render_loaded(
    ctx: &mut RequestContext,
    name: &str,
    context: Result<tera::Context, ViewError>,
) -> Response {
    let mut locals = ctx.take_locals();
    let has_providers = ctx
        .head()
        .app()
        .views
        .as_ref()
        .is_some_and(|views| !views.providers.is_empty());
    if has_providers {
        let app = Arc::clone(&ctx.head().app);
        if let Some(views) = &app.views {
            for provide in &views.providers {
                provide(ctx, &mut locals);
            }
        }
    }
    let head = ctx.head();
    let Some(views) = &head.app().views else {
        return failed(
            ctx,
            name,
            ViewError::message(
                "no views folder is set: call app.set_base_views_dir(\"views\") before listening",
            ),
        );
    };
    let context = match context {
        // The handler's variables win over the locals of the same name.
        Ok(context) if locals.is_empty() => context,
        Ok(context) => {
            locals.0.extend(context);
            locals.0
        }
        Err(error) => return failed(ctx, name, error),
    };
    let templates = match views.current() {
        Ok(templates) => templates,
        Err(report) => return failed(ctx, name, ViewError::message(report.to_string())),
    };
    let Some(entry) = templates.entry(name) else {
        let message = views.not_found(&templates, name);
        return failed(ctx, name, ViewError::message(message));
    };
    // Rendered into a buffer of the last render's length: one allocation,
    // which `Bytes` then takes over without copying. (Tera's `render` grows
    // a smaller buffer and checks it is UTF-8; Tera writes only strings, and
    // the body is bytes either way.)
    let mut html = Vec::with_capacity(entry.capacity());
    match templates.tera.render_to(&entry.name, &context, &mut html) {
        Ok(()) => {
            entry.rendered(html.len());
            let mut response = Response::new(Bytes::from(html).into());
            response
                .headers_mut()
                .insert(CONTENT_TYPE, entry.content_type.clone());
            response
        }
        Err(error) => failed(ctx, name, ViewError::render(error)),
    }
}

/// A render that failed: logged with the handler and template, answered
/// with a 500 (Nest's body; in debug builds, a page showing the error).
fn failed(ctx: &RequestContext, template: &str, error: ViewError) -> Response {
    let handler = ctx.head().endpoint().label();
    tracing::error!(
        handler = %handler,
        template,
        "rendering a view failed; answered 500:\n{error}"
    );
    if cfg!(debug_assertions) {
        error_page::render(&handler, template, &error)
    } else {
        HttpException::internal_server_error().into_response()
    }
}

/// Tera's report for an error, with its causes (a failing filter's reason).
pub(crate) fn report(error: &tera::Error) -> String {
    let mut out = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        out.push_str(&format!("\ncaused by: {cause}"));
        source = cause.source();
    }
    out
}
