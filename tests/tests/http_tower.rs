//! An app turned into a `tower::Service` with tower-http layers around it:
//! driven in-process with `oneshot`, served over a real socket with
//! hyper-util, and served by `nestling::serve` until a signal stops it.

mod common;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use common::{Conn, PATIENCE, build};
use http_body_util::{BodyExt, Full};
use nestling::http::{HeaderValue, Method, Request, StatusCode, header};
use nestling::prelude::*;
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::decompression::DecompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

#[injectable]
struct TowerController;

#[controller("t")]
impl TowerController {
    #[get("hello")]
    async fn hello(&self) -> &'static str {
        "hello through tower"
    }

    #[get("big")]
    async fn big(&self) -> String {
        "nestling ".repeat(200)
    }

    #[post("echo")]
    async fn echo(&self, body: Body<serde_json::Value>) -> Json<serde_json::Value> {
        Json(body.0)
    }

    #[get("ip")]
    async fn ip(&self, ip: Ip) -> String {
        ip.to_string()
    }

    #[get("slow")]
    async fn slow(&self) -> &'static str {
        std::future::pending::<()>().await;
        "never"
    }
}

#[module(controllers = [TowerController])]
struct TowerModule;

async fn app_service() -> nestling::AppService {
    nestling::create::<TowerModule>()
        .await
        .unwrap()
        .into_service()
        .unwrap()
}

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(HeaderValue::from_static("https://example.com"))
        .allow_methods([Method::GET, Method::POST])
}

fn request(method: Method, uri: &str, body: &'static str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ORIGIN, "https://example.com")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

async fn text<B>(body: B) -> String
where
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let bytes = body.collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_cors_layer_applies_in_process() {
    let service = ServiceBuilder::new()
        .layer(cors())
        .service(app_service().await);

    let response = service
        .clone()
        .oneshot(request(Method::GET, "/t/hello", ""))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://example.com"
    );
    assert_eq!(text(response.into_body()).await, "hello through tower");

    // A preflight is answered by the layer, not by the app.
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/t/echo")
        .header(header::ORIGIN, "https://example.com")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = service.clone().oneshot(preflight).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "GET,POST"
    );
    assert_eq!(text(response.into_body()).await, "");

    // Bodies that are not hyper's reach the injectors too.
    let response = service
        .clone()
        .oneshot(request(Method::POST, "/t/echo", r#"{"a":[1,2]}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(text(response.into_body()).await, r#"{"a":[1,2]}"#);

    let response = service
        .oneshot(request(Method::GET, "/nowhere", ""))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        text(response.into_body()).await,
        common::cannot("GET", "/nowhere")
    );
}

#[tokio::test]
async fn compression_round_trips_through_tower() {
    let compressed = ServiceBuilder::new()
        .layer(CompressionLayer::new())
        .service(app_service().await);
    let gzip_request = || {
        Request::get("/t/big")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    let response = compressed.clone().oneshot(gzip_request()).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "not a gzip stream");
    assert!(bytes.len() < 1800, "200 repeats should compress well");

    // A client-side decompression layer gets the original text back.
    let round_trip = ServiceBuilder::new()
        .layer(DecompressionLayer::new())
        .service(compressed);
    let response = round_trip
        .oneshot(
            Request::get("/t/big")
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(text(response.into_body()).await, "nestling ".repeat(200));
}

#[tokio::test]
async fn a_timeout_layer_cuts_slow_handlers() {
    let service = ServiceBuilder::new()
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_millis(300),
        ))
        .service(app_service().await);
    let response = service
        .clone()
        .oneshot(
            Request::get("/t/slow")
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(text(response.into_body()).await, "");
    let response = service
        .oneshot(
            Request::get("/t/hello")
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(text(response.into_body()).await, "hello through tower");
}

#[tokio::test]
async fn a_layered_app_serves_a_real_socket_with_hyper_util() {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto;
    use hyper_util::service::TowerToHyperService;

    let service = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::SERVER,
            HeaderValue::from_static("nestling-under-tower"),
        ))
        .layer(cors())
        .service(app_service().await);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accept = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });

    let mut conn = Conn::open(addr).await;
    let response = conn
        .request(b"GET /t/hello HTTP/1.1\r\nHost: localhost\r\nOrigin: https://example.com\r\n\r\n")
        .await;
    assert_eq!(response.status_body(), (200, "hello through tower"));
    assert_eq!(response.header("server"), Some("nestling-under-tower"));
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("https://example.com")
    );
    let response = conn
        .request(&build(
            "POST",
            "/t/echo",
            &[("Content-Type", "application/json")],
            br#"{"over":"socket"}"#,
        ))
        .await;
    assert_eq!(response.status_body(), (201, r#"{"over":"socket"}"#));
    accept.abort();
}

/// Sends SIGINT to this test process.
fn interrupt_self() {
    let status = std::process::Command::new("kill")
        .args(["-INT", &std::process::id().to_string()])
        .status()
        .expect("cannot run kill");
    assert!(status.success());
}

#[tokio::test]
async fn nestling_serve_runs_a_layered_app_until_a_signal() {
    // Our own SIGINT listener keeps the default action (exit) away from the
    // test process before `serve` installs its own.
    let mut own_listener =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).unwrap();

    let service = ServiceBuilder::new()
        .layer(cors())
        .service(app_service().await);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut serving = tokio::spawn(nestling::serve(listener, service));

    let mut conn = Conn::open(addr).await;
    let response = conn
        .request(b"GET /t/ip HTTP/1.1\r\nHost: localhost\r\nOrigin: https://example.com\r\n\r\n")
        .await;
    // `serve` hands the peer address to the app through the layers.
    assert_eq!(response.status_body(), (200, "127.0.0.1"));
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("https://example.com")
    );
    drop(conn);

    // `serve` may not be listening for the signal yet: repeat until it stops.
    let stopped = tokio::time::timeout(PATIENCE, async {
        loop {
            interrupt_self();
            tokio::select! {
                result = &mut serving => break result,
                () = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
    })
    .await
    .expect("serve did not stop on SIGINT");
    stopped.unwrap().expect("serve returned an error");
    assert!(own_listener.recv().await.is_some());
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// `AppService` is also a plain `tower::Service` with `Infallible` errors.
#[tokio::test]
async fn app_service_is_always_ready() {
    let mut service = app_service().await;
    let ready: Result<(), Infallible> =
        std::future::poll_fn(|cx| Service::<Request<Full<Bytes>>>::poll_ready(&mut service, cx))
            .await;
    assert!(ready.is_ok());
    let response = service
        .call(
            Request::get("/t/hello")
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(text(response.into_body()).await, "hello through tower");
}
