use crate::controller::BoundHandler;
use crate::controller::Instance;

/// The HTTP method a route answers; `All` answers every method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteMethod {
    /// `#[get]`
    Get,
    /// `#[post]`
    Post,
    /// `#[put]`
    Put,
    /// `#[patch]`
    Patch,
    /// `#[delete]`
    Delete,
    /// `#[options]`
    Options,
    /// `#[head]`
    Head,
    /// `#[all]`
    All,
}

impl RouteMethod {
    /// The method as written on the wire (`ALL` for `#[all]`).
    pub fn as_str(self) -> &'static str {
        match self {
            RouteMethod::Get => "GET",
            RouteMethod::Post => "POST",
            RouteMethod::Put => "PUT",
            RouteMethod::Patch => "PATCH",
            RouteMethod::Delete => "DELETE",
            RouteMethod::Options => "OPTIONS",
            RouteMethod::Head => "HEAD",
            RouteMethod::All => "ALL",
        }
    }

    pub(crate) fn slot(self) -> usize {
        self as usize
    }

    pub(crate) fn from_http(method: &http::Method) -> Option<RouteMethod> {
        Some(match *method {
            http::Method::GET => RouteMethod::Get,
            http::Method::POST => RouteMethod::Post,
            http::Method::PUT => RouteMethod::Put,
            http::Method::PATCH => RouteMethod::Patch,
            http::Method::DELETE => RouteMethod::Delete,
            http::Method::OPTIONS => RouteMethod::Options,
            http::Method::HEAD => RouteMethod::Head,
            _ => return None,
        })
    }
}

/// What an injector needs from the route, checked at start-up.
#[derive(Debug, Clone, Copy)]
pub enum ArgKind {
    /// Needs nothing from the route.
    Plain,
    /// Reads the path parameter named like the argument (`Param<T>`).
    PathParam,
    /// Reads the host parameter named like the argument (`HostParam<T>`).
    HostParam,
    /// Reads the request body; at most one per handler.
    Body,
    /// A provider from the controller's module (`Inject<T>`).
    Provider(fn() -> crate::di::Token),
}

/// One parameter of a handler, as `#[controller]` saw it.
#[derive(Debug)]
pub struct ArgInfo {
    /// The argument's name (`id` in `id: Param<u32>`); the key for `Param`.
    pub name: &'static str,
    /// Position after `&self`, from 0.
    pub position: usize,
    /// The type as written.
    pub type_name: &'static str,
    /// `CatsController::find_one`.
    pub handler: &'static str,
    /// What the injector needs from the route.
    pub kind: ArgKind,
}

/// One route handler, as `#[controller]` emits it.
pub struct RouteDef {
    /// The HTTP method.
    pub method: RouteMethod,
    /// The full path in Nest syntax (`/cats/:id`), for messages.
    pub path: &'static str,
    /// The same path in matchit's syntax.
    pub matchit_path: &'static str,
    /// For paths ending in a wildcard: the path that matches an empty wildcard.
    pub empty_wildcard_path: Option<&'static str>,
    /// Path parameter names, in matchit's order.
    pub params: &'static [&'static str],
    /// The method's name.
    pub handler: &'static str,
    /// The handler's parameters.
    pub args: &'static [ArgInfo],
    /// `#[http_code(n)]`.
    pub http_code: Option<u16>,
    /// `#[header(name, value)]`, in order.
    pub headers: &'static [(&'static str, &'static str)],
    /// `#[redirect(url, status)]`.
    pub redirect: Option<(&'static str, u16)>,
    /// `#[render("name")]`: the template the handler's value is rendered
    /// with (checked at start-up).
    pub render: Option<&'static str>,
    /// `#[skip_csrf]`: unsafe methods reach this handler without a CSRF
    /// token even when the app has `use_csrf` (webhooks, token-authenticated
    /// APIs).
    pub skip_csrf: bool,
    /// Builds the request handler around a controller instance.
    pub bind: fn(Instance) -> Option<BoundHandler>,
}

impl std::fmt::Debug for RouteDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.method.as_str(),
            self.path,
            self.handler
        )
    }
}
