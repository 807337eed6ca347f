//! Injectors: the types a handler declares to receive parts of the request,
//! like Nest's parameter decorators (`@Param`, `@Query`, `@Body`, `@Req`, ...).
//!
//! Each injector implements [`Injector`]; `#[controller]` calls them in the
//! order the parameters are written and answers the rejection (a 400 with
//! Nest's JSON body, usually) without calling the handler when one fails.

mod body;
mod de;
mod headers;
mod host_param;
mod ip;
mod param;
mod query;
mod req;

use std::future::Future;

pub use body::{Body, RawBody};
pub(crate) use body::{parse as parse_body, read as read_body};
pub use headers::{Header, Headers};
pub use host_param::HostParam;
pub use ip::Ip;
pub use param::{Param, Params};
pub use query::Query;
pub use req::{Req, host_of};

use crate::request::RequestContext;
use crate::response::IntoResponse;
use crate::routing::{ArgInfo, ArgKind};

/// A type a route handler can take as a parameter.
///
/// Implement it to write your own injector (Nest's `createParamDecorator`):
///
/// ```
/// use nestling::prelude::*;
/// use nestling::{ArgInfo, RequestContext};
///
/// /// The `X-Tenant` header, required.
/// struct Tenant(String);
///
/// impl Injector for Tenant {
///     type Rejection = HttpException;
///     async fn inject(ctx: &mut RequestContext, _arg: &'static ArgInfo) -> Result<Self, HttpException> {
///         ctx.head().parts().headers.get("x-tenant")
///             .and_then(|v| v.to_str().ok())
///             .map(|t| Tenant(t.to_owned()))
///             .ok_or_else(|| BadRequestException::new("Missing X-Tenant header"))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a route handler parameter",
    label = "not an injector",
    note = "a handler parameter's type says where its value comes from, as Nest's parameter decorators do: `id: Param<u32>` reads the path parameter `:id`",
    note = "the injectors are `Param<T>`, `Params<T>`, `Query<T>`, `Body<T>`, `RawBody`, `Req`, `Headers`, `Header<T>`, `Ip`, `HostParam<T>`, `Valid<T>`, `Session` and `Flash`; or implement `nestling::Injector` for your own type"
)]
pub trait Injector: Sized + Send + 'static {
    /// What the handler answers when injection fails.
    type Rejection: IntoResponse;

    /// What the injector needs from the route; checked at start-up.
    const KIND: ArgKind = ArgKind::Plain;

    /// Reads the value from the request.
    fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;
}
