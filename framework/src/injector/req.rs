use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use http::{HeaderMap, Method, Uri, Version};

use super::Injector;
use crate::exception::HttpException;
use crate::request::{RequestContext, RequestHead};
use crate::routing::ArgInfo;

/// The whole request (Nest's `@Req()`): method, URL, headers, cookies,
/// client IP and typed extensions. Cheap to clone; it never copies headers.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct EchoController;
///
/// #[controller("echo")]
/// impl EchoController {
///     #[get]
///     async fn echo(&self, req: Req) -> String {
///         format!("{} {} from {}", req.method(), req.url(), req.ip())
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Req(Arc<RequestHead>);

/// The host a request was sent to: `Host` on HTTP/1.1, `:authority` on HTTP/2.
pub fn host_of(parts: &http::request::Parts) -> Option<&str> {
    parts
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
}

impl Req {
    pub(crate) fn from_head(head: Arc<RequestHead>) -> Self {
        Req(head)
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.0.parts.method
    }

    /// The request target as received.
    pub fn uri(&self) -> &Uri {
        &self.0.parts.uri
    }

    /// Path and query, as Express's `req.originalUrl`.
    pub fn url(&self) -> &str {
        self.0
            .parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
    }

    /// The path, still percent-encoded.
    pub fn path(&self) -> &str {
        self.0.parts.uri.path()
    }

    /// The raw query string, without `?`.
    pub fn query_string(&self) -> Option<&str> {
        self.0.parts.uri.query()
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.0.parts.version
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.parts.headers
    }

    /// One header's first value, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.0.parts.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of a cookie, percent-decoded; the first one wins when a name
    /// repeats, as in Express's `cookie` parser.
    pub fn cookie(&self, name: &str) -> Option<Cow<'_, str>> {
        self.cookies().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Every cookie sent, in order, values percent-decoded.
    pub fn cookies(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
        self.0
            .parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                let value = value.trim();
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value);
                let decoded = percent_encoding::percent_decode_str(value)
                    .decode_utf8()
                    .unwrap_or(Cow::Borrowed(value));
                Some((name.trim(), decoded))
            })
    }

    /// The client's IP address (see [`Ip`](crate::Ip)).
    pub fn ip(&self) -> IpAddr {
        super::ip::client_ip(&self.0)
    }

    /// The address of the connection's peer.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.0.peer
    }

    /// The host the request was sent to, with its port.
    pub fn host(&self) -> Option<&str> {
        host_of(&self.0.parts)
    }

    /// `https` when the app trusts its proxy and `X-Forwarded-Proto` says so,
    /// `http` otherwise (nestling itself serves plain HTTP).
    pub fn protocol(&self) -> &str {
        if self.0.app.trust_proxy
            && let Some(proto) = self.header("x-forwarded-proto")
        {
            let first = proto.split(',').next().unwrap_or("").trim();
            if !first.is_empty() {
                return first;
            }
        }
        "http"
    }

    /// Whether [`protocol`](Self::protocol) is `https`.
    pub fn secure(&self) -> bool {
        self.protocol() == "https"
    }

    /// A path parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.0
            .raw_param(name)
            .and_then(|raw| super::param::decode(raw).ok())
    }

    /// The request's session (Express's `req.session`): the same one a
    /// [`Session`](crate::Session) parameter gets, loaded on first use.
    ///
    /// ```
    /// use nestling::prelude::*;
    ///
    /// #[injectable]
    /// pub struct VisitsController;
    ///
    /// #[controller]
    /// impl VisitsController {
    ///     #[get("visits")]
    ///     async fn visits(&self, req: Req) -> Result<String, HttpException> {
    ///         let mut session = req.session().await?;
    ///         let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
    ///         session.insert("visits", visits)?;
    ///         Ok(visits.to_string())
    ///     }
    /// }
    /// ```
    ///
    /// # Errors
    /// A 500 when sessions are not enabled (`app.use_session`) or the path is
    /// outside the session cookie's path, or when the store fails.
    pub async fn session(&self) -> Result<crate::session::Session, HttpException> {
        match crate::session::request::session_of(&self.0).await? {
            Some(session) => Ok(session),
            None => Err(HttpException::internal_server_error().cause(format!(
                "req.session() on {}: {}",
                self.url(),
                crate::session::request::why_none(&self.0)
            ))),
        }
    }

    /// Typed values attached by tower layers or middleware.
    pub fn extensions(&self) -> &http::Extensions {
        &self.0.parts.extensions
    }
}

impl Injector for Req {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        Ok(Req(ctx.shared_head()))
    }
}
