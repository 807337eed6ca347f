//! The server's limits over a real socket, with short timeouts: body size
//! (413, declared or chunked), header size (431), the header read timeout
//! (slowloris), idle connections, and a body that trickles in (408).

mod common;

use std::time::Duration;

use common::{Conn, PATIENCE, raw, send, start_with};
use nestling::Limits;
use nestling::prelude::*;
use tokio::io::AsyncWriteExt;

/// The timeouts these tests set; far below the defaults so the suite is fast.
const SHORT: Duration = Duration::from_millis(300);

#[injectable]
struct LimitsController;

#[controller("l")]
impl LimitsController {
    #[post("raw")]
    async fn raw(&self, body: RawBody) -> String {
        format!("{} bytes", body.0.len())
    }

    #[post("json")]
    async fn json(&self, body: Body<serde_json::Value>) -> String {
        format!("{} chars", body.0.to_string().len())
    }

    #[get("ok")]
    async fn ok(&self) -> &'static str {
        "ok"
    }
}

#[module(controllers = [LimitsController])]
struct LimitsModule;

const TOO_LARGE: &str =
    r#"{"message":"request entity too large","error":"Payload Too Large","statusCode":413}"#;

async fn small_body_server() -> nestling::Server {
    start_with::<LimitsModule>(|app| {
        app.set_limits(Limits::default().body_size(1024));
    })
    .await
}

#[tokio::test]
async fn a_body_at_the_limit_is_read() {
    let server = small_body_server().await;
    let response = send(&server, "POST", "/l/raw", &[], &[b'x'; 1024]).await;
    assert_eq!(response.status_body(), (201, "1024 bytes"));
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_413_before_the_body_is_read() {
    let server = small_body_server().await;
    // Only the head is sent: the answer cannot wait for the body.
    let response = raw(
        server.local_addr(),
        b"POST /l/raw HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1025\r\n\r\n",
    )
    .await;
    assert_eq!(response.status_body(), (413, TOO_LARGE));

    let response = send(
        &server,
        "POST",
        "/l/json",
        &[("Content-Type", "application/json")],
        format!("\"{}\"", "y".repeat(2000)).as_bytes(),
    )
    .await;
    assert_eq!(response.status_body(), (413, TOO_LARGE));
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413() {
    let server = small_body_server().await;
    let mut request =
        b"POST /l/raw HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..3 {
        request.extend_from_slice(b"258\r\n"); // 600 bytes
        request.extend_from_slice(&[b'z'; 600]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let response = raw(server.local_addr(), &request).await;
    assert_eq!(response.status_body(), (413, TOO_LARGE));
}

#[tokio::test]
async fn a_huge_header_is_431() {
    let server = start_with::<LimitsModule>(|_| {}).await;
    let big = "a".repeat(20 * 1024);
    let response = send(&server, "GET", "/l/ok", &[("X-Big", &big)], b"").await;
    assert_eq!(response.status_body(), (431, ""));
    // A large header under the default 16 KiB is fine.
    let fine = "b".repeat(8 * 1024);
    let response = send(&server, "GET", "/l/ok", &[("X-Big", &fine)], b"").await;
    assert_eq!(response.status_body(), (200, "ok"));
}

#[tokio::test]
async fn too_many_headers_is_431() {
    let server = start_with::<LimitsModule>(|app| {
        app.set_limits(Limits::default().max_headers(10));
    })
    .await;
    let names: Vec<String> = (0..20).map(|i| format!("X-H{i}")).collect();
    let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    let response = send(&server, "GET", "/l/ok", &headers, b"").await;
    assert_eq!(response.status_body(), (431, ""));
}

fn short_timeouts() -> Limits {
    Limits::default()
        .header_read_timeout(SHORT)
        .body_read_timeout(SHORT)
}

#[tokio::test]
async fn a_slow_client_is_cut_off_at_the_header_read_timeout() {
    let server = start_with::<LimitsModule>(|app| {
        app.set_limits(short_timeouts());
    })
    .await;
    let mut conn = Conn::open(server.local_addr()).await;
    // Half a request head, then nothing (slowloris).
    conn.write(b"GET /l/ok HTTP/1.1\r\nHost: localhost\r\n")
        .await;
    assert!(
        conn.closed_within(PATIENCE).await,
        "the connection stayed open"
    );
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let server = start_with::<LimitsModule>(|app| {
        app.set_limits(short_timeouts());
    })
    .await;
    let mut conn = Conn::open(server.local_addr()).await;
    assert!(
        conn.closed_within(PATIENCE).await,
        "the connection stayed open"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start_with::<LimitsModule>(|app| {
        app.set_limits(short_timeouts());
    })
    .await;
    let mut conn = answered_once(&server).await;
    assert!(
        conn.closed_within(PATIENCE).await,
        "the connection stayed open"
    );
}

/// A keep-alive connection that has had one request answered.
async fn answered_once(server: &nestling::Server) -> Conn {
    let mut conn = Conn::open(server.local_addr()).await;
    let response = conn
        .request(b"GET /l/ok HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(response.status_body(), (200, "ok"));
    conn
}

#[tokio::test]
async fn timeouts_too_long_to_add_to_the_clock_mean_no_timeout() {
    let server = start_with::<LimitsModule>(|app| {
        app.set_limits(
            Limits::default()
                .header_read_timeout(Duration::MAX)
                .body_read_timeout(Duration::MAX)
                .shutdown_timeout(Duration::MAX),
        );
    })
    .await;
    answered_once(&server).await;
    let response = send(&server, "POST", "/l/raw", &[], b"body").await;
    assert_eq!(response.status_body(), (201, "4 bytes"));
}

#[tokio::test]
async fn a_body_slower_than_the_body_read_timeout_is_408() {
    let server = start_with::<LimitsModule>(|app| {
        app.set_limits(short_timeouts());
    })
    .await;
    let stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    let (read, mut write) = stream.into_split();
    write
        .write_all(b"POST /l/raw HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n")
        .await
        .unwrap();
    // One byte every 50 ms: 100 bytes would take 5 s, the limit is 300 ms.
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            if write.write_all(b"t").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let response = Conn::from_read_half(read).response().await;
    assert_eq!(
        response.status_body(),
        (
            408,
            r#"{"message":"the request body took too long to arrive","error":"Request Timeout","statusCode":408}"#
        )
    );
    trickle.abort();
}
