//! One constructor type per HTTP error, with Nest's names.

use http::StatusCode;

use super::{HttpException, Message};

macro_rules! exceptions {
    ($($(#[$doc:meta])* $name:ident => $status:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// `new(message)` gives `{"message":..,"error":..,"statusCode":..}`;
        /// `empty()` gives `{"message":<status text>,"statusCode":..}`.
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl $name {
            /// The exception with a message (a string or a list of strings).
            #[allow(clippy::new_ret_no_self)]
            pub fn new(message: impl Into<Message>) -> HttpException {
                HttpException::with_message(StatusCode::$status, message)
            }
            /// The exception without a message: the status text is the message.
            pub fn empty() -> HttpException {
                HttpException::empty(StatusCode::$status)
            }
        }
    )*};
}

exceptions! {
    /// 400 Bad Request.
    BadRequestException => BAD_REQUEST;
    /// 401 Unauthorized.
    UnauthorizedException => UNAUTHORIZED;
    /// 403 Forbidden.
    ForbiddenException => FORBIDDEN;
    /// 404 Not Found.
    NotFoundException => NOT_FOUND;
    /// 405 Method Not Allowed.
    MethodNotAllowedException => METHOD_NOT_ALLOWED;
    /// 406 Not Acceptable.
    NotAcceptableException => NOT_ACCEPTABLE;
    /// 408 Request Timeout.
    RequestTimeoutException => REQUEST_TIMEOUT;
    /// 409 Conflict.
    ConflictException => CONFLICT;
    /// 410 Gone.
    GoneException => GONE;
    /// 412 Precondition Failed.
    PreconditionFailedException => PRECONDITION_FAILED;
    /// 413 Payload Too Large.
    PayloadTooLargeException => PAYLOAD_TOO_LARGE;
    /// 415 Unsupported Media Type.
    UnsupportedMediaTypeException => UNSUPPORTED_MEDIA_TYPE;
    /// 418 I'm a teapot.
    ImATeapotException => IM_A_TEAPOT;
    /// 422 Unprocessable Entity.
    UnprocessableEntityException => UNPROCESSABLE_ENTITY;
    /// 500 Internal Server Error.
    InternalServerErrorException => INTERNAL_SERVER_ERROR;
    /// 501 Not Implemented.
    NotImplementedException => NOT_IMPLEMENTED;
    /// 502 Bad Gateway.
    BadGatewayException => BAD_GATEWAY;
    /// 503 Service Unavailable.
    ServiceUnavailableException => SERVICE_UNAVAILABLE;
    /// 504 Gateway Timeout.
    GatewayTimeoutException => GATEWAY_TIMEOUT;
    /// 505 HTTP Version Not Supported.
    HttpVersionNotSupportedException => HTTP_VERSION_NOT_SUPPORTED;
}
