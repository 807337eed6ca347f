use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;

use super::Injector;
use crate::exception::{BadRequestException, HttpException, PayloadTooLargeException};
use crate::request::{RequestContext, read_to_bytes};
use crate::routing::{ArgInfo, ArgKind};

/// The request body, deserialised into `T` (Nest's `@Body()`).
///
/// `application/json` (and `+json` types) is read as JSON,
/// `application/x-www-form-urlencoded` as a form; any other content type
/// answers 400. Bodies over the app's limit (1 MiB by default) answer 413.
///
/// ```
/// use nestling::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct CreateCat { name: String, age: u8 }
///
/// #[injectable]
/// struct CatsController;
///
/// #[controller("cats")]
/// impl CatsController {
///     #[post]
///     async fn create(&self, body: Body<CreateCat>) -> String {
///         format!("{} ({})", body.name, body.age)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Body<T>(pub T);

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Body<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// The request body as bytes, whatever its content type.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct UploadController;
///
/// #[controller("upload")]
/// impl UploadController {
///     #[post]
///     async fn upload(&self, body: RawBody) -> String {
///         format!("{} bytes", body.0.len())
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawBody(pub Bytes);

/// Reads the body within the app's limits.
pub(crate) async fn read(ctx: &mut RequestContext) -> Result<Bytes, HttpException> {
    let limits = ctx.head().app().limits;
    let declared = ctx
        .head()
        .parts()
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limits.body_size as u64) {
        return Err(PayloadTooLargeException::new("request entity too large"));
    }
    let Some(body) = ctx.take_body() else {
        return Err(HttpException::internal_server_error()
            .cause("the request body was already taken by another injector"));
    };
    read_to_bytes(body, limits.body_size, limits.body_read_timeout).await
}

enum Format {
    Json,
    Form,
}

fn format_of(ctx: &RequestContext) -> Result<Format, HttpException> {
    let Some(value) = ctx.head().parts().headers.get(CONTENT_TYPE) else {
        return Err(BadRequestException::new(
            "Missing Content-Type header; send application/json or application/x-www-form-urlencoded",
        ));
    };
    let text = value.to_str().unwrap_or("");
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(Format::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Ok(Format::Form)
    } else {
        Err(BadRequestException::new(format!(
            "Unsupported Content-Type \"{}\"; send application/json or application/x-www-form-urlencoded",
            text.escape_default()
        )))
    }
}

impl<T: DeserializeOwned + Send + 'static> Injector for Body<T> {
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::Body;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        parse(ctx).await.map(Body)
    }
}

/// Reads the body as JSON or as a urlencoded form, by its content type
/// (`Body<T>`, and `Valid<T>` before it validates).
pub(crate) async fn parse<T: DeserializeOwned>(
    ctx: &mut RequestContext,
) -> Result<T, HttpException> {
    let format = format_of(ctx)?;
    let bytes = read(ctx).await?;
    match format {
        Format::Json => serde_json::from_slice(&bytes)
            .map_err(|e| BadRequestException::new(format!("Invalid JSON body: {e}"))),
        Format::Form => serde_html_form::from_bytes(&bytes)
            .map_err(|e| BadRequestException::new(format!("Invalid form body: {e}"))),
    }
}

impl Injector for RawBody {
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::Body;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        read(ctx).await.map(RawBody)
    }
}
