use http::StatusCode;
use http::header::{HeaderValue, LOCATION};

use super::{IntoResponse, Response};
use crate::exception::HttpException;

/// A redirect response, as Express's `res.redirect(status, url)`.
/// A handler returning a `Redirect` overrides `#[redirect]`, as in Nest.
///
/// ```
/// use nestling::response::Redirect;
/// let to_login = Redirect::to("/login");              // 302 Found
/// let moved = Redirect::permanent("/new-home");       // 301 Moved Permanently
/// let after_post = Redirect::see_other("/notes");     // 303 See Other
/// # let _ = (to_login, moved, after_post);
/// ```
#[derive(Debug, Clone)]
pub struct Redirect {
    status: StatusCode,
    location: String,
}

impl Redirect {
    /// 302 Found: Express's default.
    pub fn to(url: impl Into<String>) -> Self {
        Self::with_status(url, StatusCode::FOUND)
    }
    /// 301 Moved Permanently.
    pub fn permanent(url: impl Into<String>) -> Self {
        Self::with_status(url, StatusCode::MOVED_PERMANENTLY)
    }
    /// 303 See Other: the right answer after a form POST.
    pub fn see_other(url: impl Into<String>) -> Self {
        Self::with_status(url, StatusCode::SEE_OTHER)
    }
    /// 307 Temporary Redirect: the method and body are kept.
    pub fn temporary(url: impl Into<String>) -> Self {
        Self::with_status(url, StatusCode::TEMPORARY_REDIRECT)
    }
    /// Any status; a status that is not 3xx is replaced by 302.
    pub fn with_status(url: impl Into<String>, status: StatusCode) -> Self {
        let status = if status.is_redirection() {
            status
        } else {
            StatusCode::FOUND
        };
        Redirect {
            status,
            location: url.into(),
        }
    }
    /// The target URL.
    pub fn location(&self) -> &str {
        &self.location
    }
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        // Encode like Express's `encodeurl`: keep what is already valid in a
        // URL, percent-encode the rest, so a user-supplied target can never
        // inject a header.
        let encoded =
            percent_encoding::utf8_percent_encode(&self.location, LOCATION_SET).to_string();
        match HeaderValue::from_str(&encoded) {
            Ok(value) => {
                let mut response = Response::new(Default::default());
                *response.status_mut() = self.status;
                response.headers_mut().insert(LOCATION, value);
                response
            }
            Err(_) => HttpException::internal_server_error().into_response(),
        }
    }
}

/// Characters `encodeurl` percent-encodes: controls, space, `"<>\^`{|}` and non-ASCII.
const LOCATION_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');
