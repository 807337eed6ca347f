//! `View`: a response rendered from a template chosen at run time (Nest's
//! `res.render(name, ctx)`), and the trait `#[render]` contexts implement.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use super::ViewError;
use crate::response::{IntoResponse, Response, ResponseBody};

/// A template to render with a context: return it from a handler to choose
/// the template at run time (Nest's `res.render(name, ctx)`). For a fixed
/// template, `#[render("name")]` on the handler is shorter.
///
/// The name is the template's path under the views folder, with or without
/// `.html`. The context is any `Serialize` struct or map; the request's
/// [`Locals`](super::Locals) and the app's globals are available beside it.
/// The response is `200 text/html` unless a tuple sets another status
/// (`(StatusCode::NOT_FOUND, view)`). A template that is missing or fails to
/// render answers 500 and logs why.
///
/// ```
/// use nestling::prelude::*;
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Greeting { name: String }
///
/// #[injectable]
/// struct PagesController;
///
/// #[controller]
/// impl PagesController {
///     #[get("hello/:name")]
///     async fn hello(&self, name: Param<String>) -> View {
///         let template = if name.is_empty() { "anonymous" } else { "hello" };
///         render(template, &Greeting { name: name.0 })
///     }
/// }
/// ```
#[derive(Debug)]
pub struct View {
    template: Cow<'static, str>,
    context: Result<tera::Context, ViewError>,
}

/// Renders `template` with `context`: the same as [`View::new`].
///
/// ```
/// use nestling::view::render;
/// let view = render("index", &serde_json::json!({ "title": "Home" }));
/// assert_eq!(view.template(), "index");
/// ```
pub fn render<T: Serialize + ?Sized>(template: impl Into<Cow<'static, str>>, context: &T) -> View {
    View::new(template, context)
}

impl View {
    /// A view of `template` with `context` (a struct or a map). The context
    /// is serialized now; if that fails, rendering answers 500.
    ///
    /// ```
    /// use nestling::view::View;
    /// let view = View::new(String::from("cats/show"), &[("name", "Tom")].into_iter().collect::<std::collections::HashMap<_, _>>());
    /// assert_eq!(view.template(), "cats/show");
    /// ```
    pub fn new<T: Serialize + ?Sized>(template: impl Into<Cow<'static, str>>, context: &T) -> View {
        View {
            template: template.into(),
            context: tera::Context::from_serialize(context).map_err(|error| {
                ViewError::message(format!(
                    "the view's context must be a struct or a map: {error}"
                ))
            }),
        }
    }

    /// A view of `template` with no variables of its own (the request's
    /// locals and the app's globals still apply).
    ///
    /// ```
    /// let view = nestling::view::View::empty("about");
    /// assert_eq!(view.template(), "about");
    /// ```
    pub fn empty(template: impl Into<Cow<'static, str>>) -> View {
        View {
            template: template.into(),
            context: Ok(tera::Context::new()),
        }
    }

    /// The template's name, as given.
    ///
    /// ```
    /// assert_eq!(nestling::view::View::empty("index").template(), "index");
    /// ```
    pub fn template(&self) -> &str {
        &self.template
    }
}

/// What [`View`] leaves in a response's extensions for the handler's last
/// step, which has the request (and so its locals) at hand, to render.
#[derive(Clone)]
pub(crate) struct PendingView {
    pub(crate) template: Cow<'static, str>,
    pub(crate) context: Result<tera::Context, Arc<ViewError>>,
}

impl IntoResponse for View {
    fn into_response(self) -> Response {
        let mut response = Response::new(ResponseBody::empty());
        response.extensions_mut().insert(PendingView {
            template: self.template,
            context: self.context.map_err(Arc::new),
        });
        response
    }
}

/// What a `#[render("name")]` handler returns: any `Serialize` struct or
/// map (its fields become the template's variables). A handler that can fail
/// returns `Result<T, E>` where `E: IntoResponse` (an `HttpException`, ...):
/// `Ok` is rendered, `Err` answers as usual.
///
/// ```
/// use nestling::prelude::*;
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Index { message: &'static str }
///
/// #[injectable]
/// struct AppController;
///
/// #[controller]
/// impl AppController {
///     #[get]
///     #[render("index")]
///     async fn root(&self) -> Index {
///         Index { message: "Hello world!" }
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the context of a `#[render]` template",
    label = "returned by a `#[render]` handler",
    note = "return a struct or map that implements `serde::Serialize` (`#[derive(Serialize)]`), or `Result<T, E>` of one where `E: IntoResponse`"
)]
pub trait ViewContext: Serialize {}

impl<T: Serialize + ?Sized> ViewContext for T {}
