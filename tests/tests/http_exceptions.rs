//! Every exception's exact body on the wire (Nest's `createBody` shapes), and
//! a panicking handler: 500 with Nest's body, and the server keeps serving.

mod common;

use common::{Conn, get, start};
use nestling::http::StatusCode;
use nestling::prelude::*;
use nestling::{ArgInfo, RequestContext};

/// Every named exception: (path segment, status, Nest's description).
const FAMILY: &[(&str, u16, &str)] = &[
    ("bad-request", 400, "Bad Request"),
    ("unauthorized", 401, "Unauthorized"),
    ("forbidden", 403, "Forbidden"),
    ("not-found", 404, "Not Found"),
    ("method-not-allowed", 405, "Method Not Allowed"),
    ("not-acceptable", 406, "Not Acceptable"),
    ("request-timeout", 408, "Request Timeout"),
    ("conflict", 409, "Conflict"),
    ("gone", 410, "Gone"),
    ("precondition-failed", 412, "Precondition Failed"),
    ("payload-too-large", 413, "Payload Too Large"),
    ("unsupported-media-type", 415, "Unsupported Media Type"),
    ("teapot", 418, "I'm a teapot"),
    ("unprocessable-entity", 422, "Unprocessable Entity"),
    ("internal-server-error", 500, "Internal Server Error"),
    ("not-implemented", 501, "Not Implemented"),
    ("bad-gateway", 502, "Bad Gateway"),
    ("service-unavailable", 503, "Service Unavailable"),
    ("gateway-timeout", 504, "Gateway Timeout"),
    (
        "http-version-not-supported",
        505,
        "HTTP Version Not Supported",
    ),
];

/// `NameException::new(message)` or `NameException::empty()` by path segment.
fn exception(name: &str, message: Option<String>) -> Option<HttpException> {
    macro_rules! pick {
        ($($segment:literal => $ty:ident),* $(,)?) => {
            match name {
                $($segment => Some(match message {
                    Some(m) => $ty::new(m),
                    None => $ty::empty(),
                }),)*
                _ => None,
            }
        };
    }
    pick! {
        "bad-request" => BadRequestException,
        "unauthorized" => UnauthorizedException,
        "forbidden" => ForbiddenException,
        "not-found" => NotFoundException,
        "method-not-allowed" => MethodNotAllowedException,
        "not-acceptable" => NotAcceptableException,
        "request-timeout" => RequestTimeoutException,
        "conflict" => ConflictException,
        "gone" => GoneException,
        "precondition-failed" => PreconditionFailedException,
        "payload-too-large" => PayloadTooLargeException,
        "unsupported-media-type" => UnsupportedMediaTypeException,
        "teapot" => ImATeapotException,
        "unprocessable-entity" => UnprocessableEntityException,
        "internal-server-error" => InternalServerErrorException,
        "not-implemented" => NotImplementedException,
        "bad-gateway" => BadGatewayException,
        "service-unavailable" => ServiceUnavailableException,
        "gateway-timeout" => GatewayTimeoutException,
        "http-version-not-supported" => HttpVersionNotSupportedException,
    }
}

/// An injector that panics, to show a panic before the handler is covered too.
struct Explosive;

impl Injector for Explosive {
    type Rejection = HttpException;
    async fn inject(_: &mut RequestContext, _: &'static ArgInfo) -> Result<Self, HttpException> {
        panic!("the injector exploded")
    }
}

#[injectable]
struct ThrowingController;

#[controller("throw")]
impl ThrowingController {
    #[get("new/:name")]
    async fn with_message(&self, name: Param<String>) -> Result<(), HttpException> {
        let message = format!("{} happened", *name);
        Err(exception(&name, Some(message)).unwrap_or_else(|| NotFoundException::new("no such")))
    }

    #[get("empty/:name")]
    async fn empty(&self, name: Param<String>) -> Result<(), HttpException> {
        Err(exception(&name, None).unwrap_or_else(|| NotFoundException::new("no such")))
    }

    #[get("list")]
    async fn list(&self) -> Result<(), HttpException> {
        Err(BadRequestException::new(vec![
            "name must be a string",
            "age must be a positive number",
        ]))
    }

    #[get("plain")]
    async fn plain(&self) -> Result<(), HttpException> {
        Err(HttpException::new("Forbidden", StatusCode::FORBIDDEN))
    }

    #[get("object")]
    async fn object(&self) -> Result<(), HttpException> {
        Err(HttpException::from_json(
            // Keys in sorted order, so the wire order is the written order with
            // or without serde_json's `preserve_order`.
            serde_json::json!({"error": "This is a custom message", "status": 403}),
            StatusCode::FORBIDDEN,
        ))
    }

    #[get("described")]
    async fn described(&self) -> Result<(), HttpException> {
        Err(BadRequestException::new("Something bad happened")
            .description("Some error description")
            .cause("logged, never sent"))
    }

    #[get("unknown")]
    async fn unknown(&self) -> Result<(), HttpException> {
        Err(HttpException::internal_server_error())
    }

    #[get("panic")]
    async fn panic(&self) -> &'static str {
        panic!("the handler exploded")
    }

    #[get("panic-later")]
    async fn panic_later(&self) -> String {
        tokio::task::yield_now().await;
        let values: Vec<u8> = Vec::new();
        format!("{}", values[3])
    }

    #[get("panic-in-injector")]
    async fn panic_in_injector(&self, _boom: Explosive) -> &'static str {
        "unreachable"
    }

    #[get("ok")]
    async fn ok(&self) -> &'static str {
        "still serving"
    }
}

#[module(controllers = [ThrowingController])]
struct ExceptionsModule;

const INTERNAL: &str = r#"{"statusCode":500,"message":"Internal server error"}"#;

#[tokio::test]
async fn every_exception_with_a_message() {
    let server = start::<ExceptionsModule>().await;
    for &(name, status, description) in FAMILY {
        let response = get(&server, &format!("/throw/new/{name}")).await;
        let expected = format!(
            r#"{{"message":"{name} happened","error":"{description}","statusCode":{status}}}"#
        );
        assert_eq!(
            response.status_body(),
            (status, expected.as_str()),
            "{name}"
        );
        assert_eq!(
            response.header("content-type"),
            Some("application/json; charset=utf-8"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn every_exception_without_a_message() {
    let server = start::<ExceptionsModule>().await;
    for &(name, status, description) in FAMILY {
        let response = get(&server, &format!("/throw/empty/{name}")).await;
        let expected = format!(r#"{{"message":"{description}","statusCode":{status}}}"#);
        assert_eq!(
            response.status_body(),
            (status, expected.as_str()),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_list_of_messages_stays_a_list() {
    let server = start::<ExceptionsModule>().await;
    assert_eq!(
        get(&server, "/throw/list").await.status_body(),
        (
            400,
            r#"{"message":["name must be a string","age must be a positive number"],"error":"Bad Request","statusCode":400}"#
        )
    );
}

#[tokio::test]
async fn http_exception_new_and_from_json() {
    let server = start::<ExceptionsModule>().await;
    assert_eq!(
        get(&server, "/throw/plain").await.status_body(),
        (403, r#"{"statusCode":403,"message":"Forbidden"}"#)
    );
    assert_eq!(
        get(&server, "/throw/object").await.status_body(),
        (403, r#"{"error":"This is a custom message","status":403}"#)
    );
}

#[tokio::test]
async fn description_replaces_the_error_text_and_the_cause_is_not_sent() {
    let server = start::<ExceptionsModule>().await;
    assert_eq!(
        get(&server, "/throw/described").await.status_body(),
        (
            400,
            r#"{"message":"Something bad happened","error":"Some error description","statusCode":400}"#
        )
    );
    assert_eq!(
        get(&server, "/throw/unknown").await.status_body(),
        (500, INTERNAL)
    );
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let server = start::<ExceptionsModule>().await;
    for path in [
        "/throw/panic",
        "/throw/panic-later",
        "/throw/panic-in-injector",
    ] {
        assert_eq!(
            get(&server, path).await.status_body(),
            (500, INTERNAL),
            "{path}"
        );
    }
    // The connection that saw the panic is still usable...
    let mut conn = Conn::open(server.local_addr()).await;
    let panicked = conn
        .request(b"GET /throw/panic HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(panicked.status_body(), (500, INTERNAL));
    let next = conn
        .request(b"GET /throw/ok HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(next.status_body(), (200, "still serving"));
    // ...and so are new ones.
    assert_eq!(
        get(&server, "/throw/ok").await.status_body(),
        (200, "still serving")
    );
}
