//! Injectors that read the request head over a real socket: `Query`,
//! `Headers`, `Header`, `Option<Header>`, `Ip` (and trust proxy),
//! `HostParam` with a host controller, and `Req`'s accessors.

mod common;

use common::{cannot, get, send, start, start_with};
use nestling::prelude::*;
use serde_json::json;

#[derive(serde::Deserialize)]
struct ListQuery {
    limit: Option<u32>,
    #[serde(default)]
    tag: Vec<String>,
    sort: Option<String>,
}

#[derive(serde::Deserialize)]
struct Required {
    page: u32,
}

#[injectable]
struct HeadController;

#[controller("i")]
impl HeadController {
    #[get("query")]
    async fn query(&self, query: Query<ListQuery>) -> Json<serde_json::Value> {
        // Keys in sorted order: the same bytes with or without serde_json's
        // `preserve_order`.
        Json(json!({"limit": query.limit, "sort": query.sort, "tag": query.tag}))
    }

    #[get("required")]
    async fn required(&self, query: Query<Required>) -> String {
        format!("page {}", query.page)
    }

    #[get("headers")]
    async fn headers(&self, headers: Headers) -> String {
        format!(
            "{} / {} / {}",
            headers.get("x-one").unwrap_or("-"),
            headers.get("host").unwrap_or("-"),
            headers.get_all("x-many").iter().count()
        )
    }

    #[get("header")]
    async fn header(&self, x_count: Header<u32>) -> String {
        format!("count {}", x_count.0)
    }

    #[get("optional-header")]
    async fn optional_header(&self, user_agent: Option<Header<String>>) -> String {
        match user_agent {
            Some(Header(agent)) => format!("agent {agent}"),
            None => "no agent".to_owned(),
        }
    }

    #[get("ip")]
    async fn ip(&self, ip: Ip) -> String {
        ip.to_string()
    }

    #[get("req/:id")]
    async fn req(&self, req: Req) -> Json<serde_json::Value> {
        Json(json!({
            "method": req.method().as_str(),
            "url": req.url(),
            "path": req.path(),
            "query": req.query_string(),
            "id": req.param("id"),
            "host": req.host(),
            "ip": req.ip().to_string(),
            "protocol": req.protocol(),
            "secure": req.secure(),
            "version": format!("{:?}", req.version()),
            "agent": req.header("user-agent"),
            "session": req.cookie("session"),
            "cookies": req.cookies().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>(),
            "peer_is_local": req.peer_addr().is_some_and(|a| a.ip().is_loopback()),
        }))
    }
}

#[injectable]
struct AccountController;

#[controller(path = "dashboard", host = ":account.example.com")]
impl AccountController {
    #[get]
    async fn show(&self, account: HostParam<String>) -> String {
        format!("dashboard of {}", account.0)
    }

    #[get("shard")]
    async fn shard(&self) -> &'static str {
        "unreachable without a number"
    }
}

#[injectable]
struct ShardController;

#[controller(path = "shard", host = ":n.shards.test")]
impl ShardController {
    #[get]
    async fn shard(&self, n: HostParam<u8>) -> String {
        format!("shard {}", n.0)
    }
}

#[injectable]
struct PublicDashboardController;

#[controller("dashboard")]
impl PublicDashboardController {
    #[get]
    async fn public(&self) -> &'static str {
        "public dashboard"
    }
}

#[module(controllers = [HeadController, AccountController, ShardController, PublicDashboardController])]
struct InjectorsModule;

#[tokio::test]
async fn query_reads_options_and_repeated_keys() {
    let server = start::<InjectorsModule>().await;
    let response = get(&server, "/i/query?limit=5&tag=a&tag=b&sort=name%20asc").await;
    assert_eq!(
        response.status_body(),
        (200, r#"{"limit":5,"sort":"name asc","tag":["a","b"]}"#)
    );
    let response = get(&server, "/i/query").await;
    assert_eq!(
        response.status_body(),
        (200, r#"{"limit":null,"sort":null,"tag":[]}"#)
    );
    let response = get(&server, "/i/query?tag=only").await;
    assert_eq!(
        response.status_body(),
        (200, r#"{"limit":null,"sort":null,"tag":["only"]}"#)
    );
}

#[tokio::test]
async fn a_query_that_does_not_fit_is_400() {
    let server = start::<InjectorsModule>().await;
    let response = get(&server, "/i/query?limit=many").await;
    assert_eq!(
        response.status_body(),
        (
            400,
            r#"{"message":"Invalid query string: invalid digit found in string","error":"Bad Request","statusCode":400}"#
        )
    );
    let response = get(&server, "/i/required").await;
    assert_eq!(
        response.status_body(),
        (
            400,
            r#"{"message":"Invalid query string: missing field `page`","error":"Bad Request","statusCode":400}"#
        )
    );
    assert_eq!(
        get(&server, "/i/required?page=2").await.status_body(),
        (200, "page 2")
    );
}

#[tokio::test]
async fn headers_reads_the_whole_map() {
    let server = start::<InjectorsModule>().await;
    let response = send(
        &server,
        "GET",
        "/i/headers",
        &[("X-One", "1"), ("X-Many", "a"), ("X-Many", "b")],
        b"",
    )
    .await;
    assert_eq!(response.status_body(), (200, "1 / localhost / 2"));
}

#[tokio::test]
async fn header_reads_one_header_named_like_the_argument() {
    let server = start::<InjectorsModule>().await;
    let response = send(&server, "GET", "/i/header", &[("X-Count", "12")], b"").await;
    assert_eq!(response.status_body(), (200, "count 12"));

    let response = get(&server, "/i/header").await;
    assert_eq!(
        response.status_body(),
        (
            400,
            r#"{"message":"Missing header \"x-count\"","error":"Bad Request","statusCode":400}"#
        )
    );
    let response = send(&server, "GET", "/i/header", &[("X-Count", "twelve")], b"").await;
    assert_eq!(
        response.status_body(),
        (
            400,
            r#"{"message":"Validation failed (header \"x-count\": invalid digit found in string)","error":"Bad Request","statusCode":400}"#
        )
    );
}

#[tokio::test]
async fn an_optional_header_may_be_missing() {
    let server = start::<InjectorsModule>().await;
    let response = send(
        &server,
        "GET",
        "/i/optional-header",
        &[("User-Agent", "curl/8")],
        b"",
    )
    .await;
    assert_eq!(response.status_body(), (200, "agent curl/8"));
    let response = get(&server, "/i/optional-header").await;
    assert_eq!(response.status_body(), (200, "no agent"));
}

#[tokio::test]
async fn ip_is_the_peer_unless_the_proxy_is_trusted() {
    let forwarded = [("X-Forwarded-For", "203.0.113.7, 10.0.0.1")];
    let server = start::<InjectorsModule>().await;
    let response = send(&server, "GET", "/i/ip", &forwarded, b"").await;
    assert_eq!(response.status_body(), (200, "127.0.0.1"));

    let trusting = start_with::<InjectorsModule>(|app| {
        app.set_trust_proxy(true);
    })
    .await;
    let response = send(&trusting, "GET", "/i/ip", &forwarded, b"").await;
    assert_eq!(response.status_body(), (200, "203.0.113.7"));
    // Without the header, the peer it is.
    let response = get(&trusting, "/i/ip").await;
    assert_eq!(response.status_body(), (200, "127.0.0.1"));
}

#[tokio::test]
async fn host_param_reads_the_host_pattern() {
    let server = start::<InjectorsModule>().await;
    // By hand: `send` always says `Host: localhost`.
    let response = common::raw(
        server.local_addr(),
        b"GET /dashboard HTTP/1.1\r\nHost: acme.example.com:8080\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(response.status_body(), (200, "dashboard of acme"));

    // Another host falls through to the controller without a host pattern.
    let response = get(&server, "/dashboard").await;
    assert_eq!(response.status_body(), (200, "public dashboard"));

    // A route only the host controller has is 404 for other hosts.
    let response = get(&server, "/dashboard/shard").await;
    assert_eq!(
        response.status_body(),
        (404, cannot("GET", "/dashboard/shard").as_str())
    );
}

#[tokio::test]
async fn a_host_param_that_does_not_parse_is_400() {
    let server = start::<InjectorsModule>().await;
    let ok = common::raw(
        server.local_addr(),
        b"GET /shard HTTP/1.1\r\nHost: 7.shards.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(ok.status_body(), (200, "shard 7"));
    let bad = common::raw(
        server.local_addr(),
        b"GET /shard HTTP/1.1\r\nHost: x.shards.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(
        bad.status_body(),
        (
            400,
            r#"{"message":"Validation failed (host parameter \"n\": invalid digit found in string)","error":"Bad Request","statusCode":400}"#
        )
    );
}

#[tokio::test]
async fn req_exposes_the_request() {
    let server = start::<InjectorsModule>().await;
    let response = send(
        &server,
        "GET",
        "/i/req/caf%C3%A9?x=1&y=2",
        &[
            ("User-Agent", "test-agent"),
            ("Cookie", "theme=dark; session=abc%20def"),
            ("Cookie", "session=second"),
            ("X-Forwarded-Proto", "https"),
        ],
        b"",
    )
    .await;
    assert_eq!(response.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body,
        json!({
            "method": "GET",
            "url": "/i/req/caf%C3%A9?x=1&y=2",
            "path": "/i/req/caf%C3%A9",
            "query": "x=1&y=2",
            "id": "café",
            "host": "localhost",
            "ip": "127.0.0.1",
            // The proxy is not trusted: X-Forwarded-Proto is ignored.
            "protocol": "http",
            "secure": false,
            "version": "HTTP/1.1",
            "agent": "test-agent",
            "session": "abc def",
            "cookies": ["theme=dark", "session=abc def", "session=second"],
            "peer_is_local": true,
        })
    );
}

#[tokio::test]
async fn req_protocol_follows_a_trusted_proxy() {
    let server = start_with::<InjectorsModule>(|app| {
        app.set_trust_proxy(true);
    })
    .await;
    let response = send(
        &server,
        "GET",
        "/i/req/1",
        &[
            ("X-Forwarded-Proto", "https, http"),
            ("X-Forwarded-For", "198.51.100.2"),
        ],
        b"",
    )
    .await;
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        (&body["protocol"], &body["secure"], &body["ip"]),
        (&json!("https"), &json!(true), &json!("198.51.100.2"))
    );
}
