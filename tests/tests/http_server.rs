//! The server itself: graceful shutdown with a request in flight and with
//! idle connections, a client that half-closes, HTTP/2 with
//! prior knowledge on the same port, HTTP/1.0, requests hyper refuses before
//! they reach the app, and a port that is already taken.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{Conn, PATIENCE, get, raw, start, start_with};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use nestling::Limits;
use nestling::prelude::*;
use tokio::sync::Notify;

/// The slow handler says it started...
static ENTERED: Notify = Notify::const_new();
/// ...and waits for the test to let it finish.
static RELEASE: Notify = Notify::const_new();

#[injectable]
struct ServerController;

#[controller("s")]
impl ServerController {
    #[get("ok")]
    async fn ok(&self) -> &'static str {
        "ok"
    }

    #[get("version")]
    async fn version(&self, req: Req) -> String {
        format!("{:?}", req.version())
    }

    #[post("echo")]
    async fn echo(&self, body: Body<serde_json::Value>) -> Json<serde_json::Value> {
        Json(body.0)
    }

    #[get("slow")]
    async fn slow(&self) -> &'static str {
        ENTERED.notify_one();
        RELEASE.notified().await;
        "finished in flight"
    }

    /// Answers a moment later, so that the client's EOF arrives while the
    /// request is in flight.
    #[get("later")]
    async fn later(&self) -> &'static str {
        tokio::time::sleep(Duration::from_millis(150)).await;
        "answered after the half-close"
    }

    #[get("forever")]
    async fn forever(&self) -> &'static str {
        std::future::pending::<()>().await;
        "never"
    }
}

#[module(controllers = [ServerController])]
struct ServerModule;

#[tokio::test]
async fn graceful_shutdown_finishes_the_request_in_flight() {
    let server = start::<ServerModule>().await;
    let addr = server.local_addr();
    let in_flight = tokio::spawn(async move {
        let mut conn = Conn::open(addr).await;
        conn.request(b"GET /s/slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
    });
    tokio::time::timeout(PATIENCE, ENTERED.notified())
        .await
        .expect("the slow handler never started");

    let shutdown = tokio::spawn(server.shutdown());

    // The listener closes: new connections are refused.
    let refused = tokio::time::timeout(PATIENCE, async {
        loop {
            match tokio::net::TcpStream::connect(addr).await {
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
    assert!(refused.is_ok(), "the server still accepts connections");
    assert!(
        !shutdown.is_finished(),
        "shutdown returned with a request in flight"
    );

    RELEASE.notify_one();
    let response = in_flight.await.unwrap();
    assert_eq!(response.status_body(), (200, "finished in flight"));
    // hyper tells the client this connection is done.
    assert_eq!(response.header("connection"), Some("close"));
    tokio::time::timeout(PATIENCE, shutdown)
        .await
        .expect("shutdown did not return after the last request")
        .unwrap();
}

#[tokio::test]
async fn shutdown_gives_up_on_requests_after_the_shutdown_timeout() {
    let server = start_with::<ServerModule>(|app| {
        app.set_limits(Limits::default().shutdown_timeout(Duration::from_millis(200)));
    })
    .await;
    let mut conn = Conn::open(server.local_addr()).await;
    conn.write(b"GET /s/forever HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    // The request is in flight once the server answers on another connection.
    assert_eq!(get(&server, "/s/ok").await.status_body(), (200, "ok"));
    tokio::time::timeout(PATIENCE, server.shutdown())
        .await
        .expect("shutdown waited past its timeout");
}

#[tokio::test]
async fn idle_connections_are_closed_at_shutdown_without_waiting_for_the_timeout() {
    // The shutdown timeout (10 s by default) is longer than the test waits.
    let server = start::<ServerModule>().await;
    let addr = server.local_addr();
    // One connection has sent nothing yet (its protocol is not known)...
    let mut silent = Conn::open(addr).await;
    // ...and one is idle between two keep-alive requests.
    let mut idle = Conn::open(addr).await;
    let response = idle
        .request(b"GET /s/ok HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(response.status_body(), (200, "ok"));

    tokio::time::timeout(PATIENCE, server.shutdown())
        .await
        .expect("shutdown waited for idle connections");
    assert!(silent.closed_within(PATIENCE).await);
    assert!(idle.closed_within(PATIENCE).await);
}

fn h2_client() -> Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http()
}

#[tokio::test]
async fn http2_with_prior_knowledge_is_served_on_the_same_port() {
    let server = start::<ServerModule>().await;
    let client = h2_client();

    let response = client
        .get(server.url("/s/version").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(response.version(), nestling::http::Version::HTTP_2);
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "HTTP/2.0");

    let request = nestling::http::Request::post(server.url("/s/echo"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(br#"{"over":"h2"}"#)))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 201);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, r#"{"over":"h2"}"#);

    let response = client
        .get(server.url("/nowhere").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, common::cannot("GET", "/nowhere"));

    // HTTP/1.1 still works on the same port.
    assert_eq!(
        get(&server, "/s/version").await.status_body(),
        (200, "HTTP/1.1")
    );
}

#[tokio::test]
async fn a_client_that_half_closes_after_its_request_still_gets_the_answer() {
    // As Node's HTTP server (and so Express) does: a client may shut down
    // its sending side once the request is out and wait for the response;
    // the EOF does not cancel the request in flight.
    let server = start::<ServerModule>().await;
    let mut conn = Conn::open(server.local_addr()).await;
    conn.write(b"GET /s/later HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    conn.shutdown_write().await;
    let response = conn.response().await;
    assert_eq!(
        response.status_body(),
        (200, "answered after the half-close")
    );
    // Nothing more can come: the server closes its side too.
    assert!(conn.closed_within(PATIENCE).await);
}

#[tokio::test]
async fn http_1_0_is_answered() {
    let server = start::<ServerModule>().await;
    let response = raw(server.local_addr(), b"GET /s/version HTTP/1.0\r\n\r\n").await;
    assert_eq!(response.status_body(), (200, "HTTP/1.0"));
}

#[tokio::test]
async fn a_garbage_request_line_is_400_from_hyper() {
    let server = start::<ServerModule>().await;
    for garbage in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /s/ok HTTP/9.9\r\n\r\n",
        b"GET /s/ok HTTP/1.1\r\nHost localhost\r\n\r\n",
        b"GET /s/ok HTTP/1.1\r\nBad Header: x\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
    ] {
        let mut conn = Conn::open(server.local_addr()).await;
        conn.write(garbage).await;
        let response = conn.response().await;
        assert_eq!(
            response.status_body(),
            (400, ""),
            "{}",
            String::from_utf8_lossy(garbage)
        );
        assert!(conn.closed_within(PATIENCE).await);
    }
    // The server is unharmed.
    assert_eq!(get(&server, "/s/ok").await.status_body(), (200, "ok"));
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error() {
    let server = start::<ServerModule>().await;
    let app = nestling::create::<ServerModule>().await.unwrap();
    let error = app.start(server.local_addr()).await.unwrap_err();
    assert!(error.is_bind(), "{error}");
    assert!(!error.is_startup());
    assert!(error.to_string().starts_with("cannot listen"), "{error}");
}

#[tokio::test]
async fn the_server_handle_knows_its_address() {
    let server = start::<ServerModule>().await;
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(server.url("/s/ok"), format!("http://{addr}/s/ok"));
}
