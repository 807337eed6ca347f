use std::fmt;

use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde::Serialize;

use crate::response::{IntoResponse, Response};

/// An error that becomes an HTTP response with Nest's JSON error body.
///
/// Build one through the named exceptions (`NotFoundException::new(..)`,
/// `BadRequestException::new(..)`, ...) or directly, as Nest's
/// `new HttpException(response, status)`. Return it from a handler, usually
/// as the `Err` side of a `Result`.
///
/// ```
/// use nestling::prelude::*;
///
/// fn find(id: u32) -> Result<Json<u32>, HttpException> {
///     if id == 0 {
///         return Err(NotFoundException::new(format!("Cat {id} not found")));
///     }
///     Ok(Json(id))
/// }
/// assert_eq!(find(0).unwrap_err().status(), nestling::http::StatusCode::NOT_FOUND);
/// ```
#[derive(Clone)]
pub struct HttpException {
    status: StatusCode,
    body: Body,
    cause: Option<String>,
}

#[derive(Clone)]
enum Body {
    /// `{"message": <status text>, "statusCode": n}`
    Default,
    /// `{"message": m, "error": <description>, "statusCode": n}`
    Message {
        message: Message,
        error: &'static str,
    },
    /// `{"statusCode": n, "message": m}` (the base class with a string)
    Plain(String),
    /// An object, sent unchanged.
    Object(serde_json::Value),
}

/// The `message` of an exception body: one string or a list of strings (as
/// `ValidationPipe` produces).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Message {
    /// `"message": "..."`
    One(String),
    /// `"message": ["...", "..."]`
    Many(Vec<String>),
}

impl From<&str> for Message {
    fn from(s: &str) -> Self {
        Message::One(s.to_owned())
    }
}
impl From<String> for Message {
    fn from(s: String) -> Self {
        Message::One(s)
    }
}
impl<S: Into<String>> From<Vec<S>> for Message {
    fn from(v: Vec<S>) -> Self {
        Message::Many(v.into_iter().map(Into::into).collect())
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::One(s) => f.write_str(s),
            Message::Many(v) => f.write_str(&v.join(", ")),
        }
    }
}

/// Nest's description for a status: the reason phrase.
fn description(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl HttpException {
    /// Nest's `new HttpException('Forbidden', 403)`:
    /// `{"statusCode":403,"message":"Forbidden"}`.
    pub fn new(message: impl Into<String>, status: StatusCode) -> Self {
        HttpException {
            status,
            body: Body::Plain(message.into()),
            cause: None,
        }
    }

    /// Nest's `new HttpException({...}, status)`: the object is the body.
    pub fn from_json(body: serde_json::Value, status: StatusCode) -> Self {
        HttpException {
            status,
            body: Body::Object(body),
            cause: None,
        }
    }

    /// `{"message":<status text>,"statusCode":n}`: a named exception built
    /// without a message.
    pub fn empty(status: StatusCode) -> Self {
        HttpException {
            status,
            body: Body::Default,
            cause: None,
        }
    }

    /// `{"message":m,"error":<status text>,"statusCode":n}`: a named exception
    /// built with a message.
    pub fn with_message(status: StatusCode, message: impl Into<Message>) -> Self {
        HttpException {
            status,
            body: Body::Message {
                message: message.into(),
                error: description(status),
            },
            cause: None,
        }
    }

    /// Replaces the `error` text (Nest's `{ description }` option).
    pub fn description(mut self, text: &'static str) -> Self {
        if let Body::Message { error, .. } = &mut self.body {
            *error = text;
        }
        self
    }

    /// Attaches a cause that is logged, never sent (Nest's `{ cause }` option).
    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    /// The cause attached with [`cause`](Self::cause), if any (Nest's
    /// `exception.cause`): what an exception filter or a handler that
    /// catches the exception can log or act on. It is never sent.
    ///
    /// ```
    /// use nestling::HttpException;
    ///
    /// let error = HttpException::internal_server_error().cause("the database is down");
    /// assert_eq!(error.get_cause(), Some("the database is down"));
    /// assert_eq!(HttpException::internal_server_error().get_cause(), None);
    /// ```
    pub fn get_cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }

    /// Nest's body for an unknown error: `{"statusCode":500,"message":"Internal server error"}`.
    pub fn internal_server_error() -> Self {
        HttpException::new("Internal server error", StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message, as it appears in the body (the status text when none was given).
    pub fn message(&self) -> String {
        match &self.body {
            Body::Default => description(self.status).to_owned(),
            Body::Message { message, .. } => message.to_string(),
            Body::Plain(s) => s.clone(),
            Body::Object(v) => v.to_string(),
        }
    }

    /// The JSON body, exactly as sent.
    pub fn body(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct DefaultBody<'a> {
            message: &'a str,
            #[serde(rename = "statusCode")]
            status_code: u16,
        }
        #[derive(Serialize)]
        struct MessageBody<'a> {
            message: &'a Message,
            error: &'a str,
            #[serde(rename = "statusCode")]
            status_code: u16,
        }
        #[derive(Serialize)]
        struct PlainBody<'a> {
            #[serde(rename = "statusCode")]
            status_code: u16,
            message: &'a str,
        }
        let status_code = self.status.as_u16();
        let result = match &self.body {
            Body::Default => serde_json::to_vec(&DefaultBody {
                message: description(self.status),
                status_code,
            }),
            Body::Message { message, error } => serde_json::to_vec(&MessageBody {
                message,
                error,
                status_code,
            }),
            Body::Plain(message) => serde_json::to_vec(&PlainBody {
                status_code,
                message,
            }),
            Body::Object(value) => serde_json::to_vec(value),
        };
        // Serialising strings and a `Value` into a Vec cannot fail.
        result.unwrap_or_default()
    }
}

impl fmt::Debug for HttpException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpException")
            .field("status", &self.status.as_u16())
            .field("message", &self.message())
            .field("cause", &self.cause)
            .finish()
    }
}

impl fmt::Display for HttpException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message())
    }
}

impl std::error::Error for HttpException {}

impl IntoResponse for HttpException {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::warn!(status = self.status.as_u16(), %cause, "{}", self.message());
        }
        let mut response = Response::new(self.body().into());
        *response.status_mut() = self.status;
        response
            .headers_mut()
            .insert(CONTENT_TYPE, crate::response::json_content_type());
        response
    }
}
