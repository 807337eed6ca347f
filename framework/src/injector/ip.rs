use std::net::{IpAddr, Ipv4Addr};

use super::Injector;
use crate::exception::HttpException;
use crate::request::{RequestContext, RequestHead};
use crate::routing::ArgInfo;

/// The client's IP address (Nest's `@Ip()`, Express's `req.ip`).
///
/// It is the peer's address, or, when the app trusts its proxy
/// (`app.set_trust_proxy(true)`), the left-most `X-Forwarded-For` entry.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct WhoController;
///
/// #[controller("who")]
/// impl WhoController {
///     #[get]
///     async fn who(&self, ip: Ip) -> String {
///         ip.to_string()
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ip(pub IpAddr);

impl std::ops::Deref for Ip {
    type Target = IpAddr;
    fn deref(&self) -> &IpAddr {
        &self.0
    }
}

impl std::fmt::Display for Ip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Express's `req.ip` for a request head.
pub(crate) fn client_ip(head: &RequestHead) -> IpAddr {
    let peer = head
        .peer
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !head.app.trust_proxy {
        return peer;
    }
    head.parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(|v| v.parse().ok())
        .unwrap_or(peer)
}

impl Injector for Ip {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        Ok(Ip(client_ip(ctx.head())))
    }
}
