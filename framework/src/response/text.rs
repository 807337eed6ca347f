use http::header::{CONTENT_TYPE, HeaderValue};

use super::{IntoResponse, Response, ResponseBody};

/// A `text/plain; charset=utf-8` response. Plain `String` and `&str` answer
/// the same way; `Text` makes it explicit.
///
/// ```
/// use nestling::response::Text;
/// let hello = Text("Hello, World!");
/// # let _ = hello;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Text<T>(pub T);

/// A `text/html; charset=utf-8` response. Nothing is escaped: use views
/// (autoescaped) for anything that contains user input.
///
/// ```
/// use nestling::response::Html;
/// let page = Html("<h1>Hello</h1>");
/// # let _ = page;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html<T>(pub T);

const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const TEXT_HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

fn with_type(body: ResponseBody, content_type: HeaderValue) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

impl<T: Into<ResponseBody>> IntoResponse for Text<T> {
    fn into_response(self) -> Response {
        with_type(self.0.into(), TEXT_PLAIN)
    }
}

impl<T: Into<ResponseBody>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_type(self.0.into(), TEXT_HTML)
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        Text(self).into_response()
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        Text(self).into_response()
    }
}

impl IntoResponse for std::borrow::Cow<'static, str> {
    fn into_response(self) -> Response {
        match self {
            std::borrow::Cow::Borrowed(s) => s.into_response(),
            std::borrow::Cow::Owned(s) => s.into_response(),
        }
    }
}
