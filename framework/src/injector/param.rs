use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

use serde::de::DeserializeOwned;

use super::Injector;
use crate::exception::{BadRequestException, HttpException};
use crate::request::RequestContext;
use crate::routing::{ArgInfo, ArgKind};

/// One path parameter, named like the argument (Nest's `@Param('id') id`).
///
/// The value is percent-decoded, then parsed with `FromStr`. A value that does
/// not parse answers 400 and the handler is not called. The name is checked
/// at start-up: a `Param` whose name is not in the route's path stops the app.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct CatsController;
///
/// #[controller("cats")]
/// impl CatsController {
///     #[get(":id")]
///     async fn find_one(&self, id: Param<u32>) -> String {
///         format!("cat #{}", id.0)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Param<T>(pub T);

impl<T> std::ops::Deref for Param<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Param<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Percent-decodes a raw parameter, with Express's error message.
pub(crate) fn decode(raw: &str) -> Result<Cow<'_, str>, HttpException> {
    if !raw.contains('%') {
        return Ok(Cow::Borrowed(raw));
    }
    let bytes = raw.as_bytes();
    // `percent_decode` silently keeps malformed escapes; Express refuses them.
    let malformed = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit())
    });
    let decoded = if malformed {
        None
    } else {
        percent_encoding::percent_decode_str(raw).decode_utf8().ok()
    };
    decoded.ok_or_else(|| BadRequestException::new(format!("Failed to decode param '{raw}'")))
}

impl<T> Injector for Param<T>
where
    T: FromStr + Send + 'static,
    T::Err: Display,
{
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::PathParam;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let Some(raw) = ctx.head().raw_param(arg.name) else {
            // Checked at start-up; reaching this is a bug in nestling.
            return Err(HttpException::internal_server_error()
                .cause(format!("{}: no path parameter `{}`", arg.handler, arg.name)));
        };
        let value = decode(raw)?;
        T::from_str(&value).map(Param).map_err(|e| {
            BadRequestException::new(format!(
                "Validation failed (path parameter \"{}\": {e})",
                arg.name
            ))
        })
    }
}

/// All path parameters at once, deserialised into a struct (Nest's `@Param()`).
///
/// ```
/// use nestling::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct ToyPath { cat_id: u32, toy: String }
///
/// #[injectable]
/// struct ToysController;
///
/// #[controller("cats/:cat_id/toys")]
/// impl ToysController {
///     #[get(":toy")]
///     async fn find(&self, path: Params<ToyPath>) -> String {
///         format!("{} of cat {}", path.toy, path.cat_id)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Params<T>(pub T);

impl<T> std::ops::Deref for Params<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + Send + 'static> Injector for Params<T> {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let head = ctx.head();
        let names = head.endpoint().def.params;
        let mut pairs: Vec<(&'static str, Cow<'_, str>)> = Vec::with_capacity(names.len());
        for name in names {
            let raw = head.raw_param(name).unwrap_or("");
            pairs.push((name, decode(raw)?));
        }
        super::de::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_ref())))
            .map(Params)
            .map_err(|e| {
                BadRequestException::new(format!("Validation failed (path parameters: {e})"))
            })
    }
}
