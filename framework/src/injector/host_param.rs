use std::fmt::Display;
use std::str::FromStr;

use super::{Injector, host_of};
use crate::exception::{BadRequestException, HttpException};
use crate::request::RequestContext;
use crate::routing::{ArgInfo, ArgKind};

/// One parameter of the controller's host pattern, named like the argument
/// (Nest's `@HostParam('account')`).
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct AccountController;
///
/// #[controller(path = "dashboard", host = ":account.example.com")]
/// impl AccountController {
///     #[get]
///     async fn show(&self, account: HostParam<String>) -> String {
///         format!("dashboard of {}", account.0)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostParam<T>(pub T);

impl<T> Injector for HostParam<T>
where
    T: FromStr + Send + 'static,
    T::Err: Display,
{
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::HostParam;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let head = ctx.head();
        let value = head
            .endpoint()
            .host
            .as_ref()
            .zip(host_of(&head.parts))
            .and_then(|(pattern, host)| pattern.param(host, arg.name));
        let Some(value) = value else {
            return Err(HttpException::internal_server_error()
                .cause(format!("{}: no host parameter `{}`", arg.handler, arg.name)));
        };
        T::from_str(value).map(HostParam).map_err(|e| {
            BadRequestException::new(format!(
                "Validation failed (host parameter \"{}\": {e})",
                arg.name
            ))
        })
    }
}
