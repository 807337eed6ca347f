use bytes::Bytes;
use http::header::{COOKIE, HeaderName, HeaderValue, SET_COOKIE};
use http::{Method, Request};
use http_body_util::BodyExt;
use serde::Serialize;

use super::TestResponse;
use super::jar::Jar;
use crate::app::Application;
use crate::error::Result;
use crate::request::RequestBody;
use crate::server::AppService;

/// Drives an app in-process, without a socket, keeping cookies across
/// requests like a browser (Rocket's tracked client, Fastify's `inject`).
///
/// ```
/// use nestling::prelude::*;
/// use nestling::testing::{Test, TestClient};
///
/// #[injectable]
/// pub struct AppController;
///
/// #[controller]
/// impl AppController {
///     #[get]
///     async fn get_hello(&self) -> &'static str {
///         "Hello World!"
///     }
/// }
///
/// #[module(controllers = [AppController])]
/// pub struct AppModule;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> nestling::Result<()> {
/// let client = Test::create_testing_module::<AppModule>().compile().await?.client().await?;
/// let response = client.get("/").send().await;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.text(), "Hello World!");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TestClient {
    service: AppService,
    jar: Jar,
}

impl TestClient {
    /// Builds the client (running the app's init hooks).
    pub async fn new(mut app: Application) -> Result<TestClient> {
        app.init().await;
        Ok(TestClient {
            service: app.into_service()?,
            jar: Jar::default(),
        })
    }

    /// A request with any method.
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            builder: Request::builder().method(method).uri(path),
            path: path.to_string(),
            body: Bytes::new(),
            send_cookies: true,
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::POST, path)
    }

    /// `PUT path`.
    pub fn put(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// `PATCH path`.
    pub fn patch(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PATCH, path)
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::DELETE, path)
    }

    /// The value of a cookie in the jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.get(name)
    }

    /// Puts a cookie in the jar by hand (e.g. a tampered one).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar.set(name, value);
    }

    /// Empties the jar, like a new browser.
    pub fn clear_cookies(&self) {
        self.jar.clear();
    }
}

/// A request being built; [`send`](Self::send) runs it.
#[derive(Debug)]
pub struct TestRequest<'c> {
    client: &'c TestClient,
    builder: http::request::Builder,
    path: String,
    body: Bytes,
    send_cookies: bool,
}

impl TestRequest<'_> {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.builder = self.builder.header(name, value);
        }
        self
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = serde_json::to_vec(value).unwrap_or_default().into();
        self.header("content-type", "application/json")
    }

    /// A form body (`Content-Type: application/x-www-form-urlencoded`).
    pub fn form<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = serde_html_form::to_string(value)
            .unwrap_or_default()
            .into_bytes()
            .into();
        self.header("content-type", "application/x-www-form-urlencoded")
    }

    /// A raw body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends this request without the jar's cookies.
    pub fn without_cookies(mut self) -> Self {
        self.send_cookies = false;
        self
    }

    /// Runs the request through the app and reads the whole response.
    ///
    /// # Panics
    /// When the path or a header given to the builder is not valid HTTP: a
    /// mistake in the test itself.
    pub async fn send(self) -> TestResponse {
        let TestRequest {
            client,
            mut builder,
            path,
            body,
            send_cookies,
        } = self;
        if send_cookies && let Some(cookies) = client.jar.header_for(path_only(&path)) {
            builder = builder.header(COOKIE, cookies);
        }
        let request = match builder.body(RequestBody::new(http_body_util::Full::new(body))) {
            Ok(request) => request,
            Err(error) => panic!("invalid test request for {path}: {error}"),
        };
        let response = match client.service.dispatch(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let bytes = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => panic!("the response body of {path} failed: {error}"),
        };
        client.jar.store(
            parts
                .headers
                .get_all(SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_string),
        );
        TestResponse::new(parts, bytes)
    }
}

fn path_only(uri: &str) -> &str {
    uri.split(['?', '#']).next().unwrap_or("/")
}
