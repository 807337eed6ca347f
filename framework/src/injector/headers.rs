use std::fmt::Display;
use std::str::FromStr;
use std::sync::Arc;

use http::HeaderMap;

use super::Injector;
use crate::exception::{BadRequestException, HttpException};
use crate::request::{RequestContext, RequestHead};
use crate::routing::ArgInfo;

/// All request headers (Nest's `@Headers()`), without copying them.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct AgentController;
///
/// #[controller("agent")]
/// impl AgentController {
///     #[get]
///     async fn agent(&self, headers: Headers) -> String {
///         headers.get("user-agent").unwrap_or("unknown").to_owned()
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Headers(Arc<RequestHead>);

impl Headers {
    /// The first value of a header, if present and valid text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.parts.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The whole header map.
    pub fn map(&self) -> &HeaderMap {
        &self.0.parts.headers
    }
}

impl std::ops::Deref for Headers {
    type Target = HeaderMap;
    fn deref(&self) -> &HeaderMap {
        &self.0.parts.headers
    }
}

impl Injector for Headers {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        Ok(Headers(ctx.shared_head()))
    }
}

/// One header, named like the argument with `_` read as `-`
/// (`user_agent: Header<String>` reads `User-Agent`), parsed with `FromStr`
/// (Nest's `@Headers('user-agent')`). A missing header answers 400;
/// take `Option<Header<T>>` when it is optional.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct AgentController;
///
/// #[controller("agent")]
/// impl AgentController {
///     #[get]
///     async fn agent(&self, user_agent: Option<Header<String>>) -> String {
///         user_agent.map(|h| h.0).unwrap_or_default()
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<T>(pub T);

/// The header an argument names; allocates only for names with `_`
/// (`user_agent`), as lookups are case-insensitive anyway.
fn header_name(arg: &ArgInfo) -> std::borrow::Cow<'static, str> {
    if arg.name.contains('_') {
        std::borrow::Cow::Owned(arg.name.replace('_', "-"))
    } else {
        std::borrow::Cow::Borrowed(arg.name)
    }
}

fn read_header<T>(ctx: &RequestContext, arg: &ArgInfo) -> Result<Option<T>, HttpException>
where
    T: FromStr,
    T::Err: Display,
{
    let name = header_name(arg);
    let Some(value) = ctx.head().parts().headers.get(&*name) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| BadRequestException::new(format!("Header \"{name}\" is not valid text")))?;
    T::from_str(text).map(Some).map_err(|e| {
        BadRequestException::new(format!("Validation failed (header \"{name}\": {e})"))
    })
}

impl<T> Injector for Header<T>
where
    T: FromStr + Send + 'static,
    T::Err: Display,
{
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        read_header(ctx, arg)?.map(Header).ok_or_else(|| {
            BadRequestException::new(format!("Missing header \"{}\"", header_name(arg)))
        })
    }
}

impl<T> Injector for Option<Header<T>>
where
    T: FromStr + Send + 'static,
    T::Err: Display,
{
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        Ok(read_header(ctx, arg)?.map(Header))
    }
}
