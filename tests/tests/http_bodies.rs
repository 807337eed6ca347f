//! Request bodies over a real socket: `Body<T>` as JSON and as a form,
//! `RawBody`, and the 400s for invalid JSON and wrong or missing content
//! types. Size and time limits are in `http_limits.rs`.

mod common;

use common::{Conn, post_json, send, start};
use nestling::prelude::*;

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct CreateCat {
    name: String,
    age: u8,
    #[serde(default)]
    tags: Vec<String>,
}

#[injectable]
struct BodiesController;

#[controller("b")]
impl BodiesController {
    #[post("cats")]
    async fn create(&self, body: Body<CreateCat>) -> Json<CreateCat> {
        Json(body.into_inner())
    }

    #[put("cats/:id")]
    async fn replace(&self, id: Param<u32>, body: Body<CreateCat>) -> String {
        format!("cat {} is now {} ({})", *id, body.name, body.age)
    }

    #[post("raw")]
    async fn raw(&self, body: RawBody) -> String {
        format!(
            "{} bytes: {}",
            body.0.len(),
            String::from_utf8_lossy(&body.0)
        )
    }

    #[post("any")]
    async fn any(&self, body: Body<serde_json::Value>) -> Json<serde_json::Value> {
        Json(body.0)
    }
}

#[module(controllers = [BodiesController])]
struct BodiesModule;

fn bad_request(message: &str) -> String {
    let message = serde_json::to_string(message).unwrap();
    format!(r#"{{"message":{message},"error":"Bad Request","statusCode":400}}"#)
}

#[tokio::test]
async fn a_json_body_is_deserialised() {
    let server = start::<BodiesModule>().await;
    let response = post_json(&server, "/b/cats", r#"{"name":"Tom","age":3}"#).await;
    assert_eq!(
        response.status_body(),
        (201, r#"{"name":"Tom","age":3,"tags":[]}"#)
    );
    let response = send(
        &server,
        "PUT",
        "/b/cats/9",
        &[("Content-Type", "application/json; charset=utf-8")],
        br#"{"name":"Kitty","age":2}"#,
    )
    .await;
    assert_eq!(response.status_body(), (200, "cat 9 is now Kitty (2)"));
}

#[tokio::test]
async fn json_suffix_types_are_json() {
    let server = start::<BodiesModule>().await;
    let response = send(
        &server,
        "POST",
        "/b/any",
        &[("Content-Type", "application/vnd.api+json")],
        br#"{"data":[1,2]}"#,
    )
    .await;
    assert_eq!(response.status_body(), (201, r#"{"data":[1,2]}"#));
}

#[tokio::test]
async fn a_form_body_is_deserialised() {
    let server = start::<BodiesModule>().await;
    let response = send(
        &server,
        "POST",
        "/b/cats",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"name=Tom+%26+Co&age=4&tags=a&tags=b",
    )
    .await;
    assert_eq!(
        response.status_body(),
        (201, r#"{"name":"Tom & Co","age":4,"tags":["a","b"]}"#)
    );
}

#[tokio::test]
async fn a_chunked_body_is_read_whole() {
    let server = start::<BodiesModule>().await;
    let response = Conn::open(server.local_addr())
        .await
        .request(
            b"POST /b/cats HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
              9\r\n{\"name\":\"\r\n10\r\nTom\",\"age\":5}   \r\n0\r\n\r\n",
        )
        .await;
    assert_eq!(
        response.status_body(),
        (201, r#"{"name":"Tom","age":5,"tags":[]}"#)
    );
}

#[tokio::test]
async fn raw_body_takes_any_content_type() {
    let server = start::<BodiesModule>().await;
    let response = send(
        &server,
        "POST",
        "/b/raw",
        &[("Content-Type", "text/csv")],
        b"a,b\n1,2",
    )
    .await;
    assert_eq!(response.status_body(), (201, "7 bytes: a,b\n1,2"));
    let response = send(&server, "POST", "/b/raw", &[], b"").await;
    assert_eq!(response.status_body(), (201, "0 bytes: "));
}

#[tokio::test]
async fn invalid_json_is_400() {
    let server = start::<BodiesModule>().await;
    let cases = [
        (
            r#"{"name":"Tom","age":3"#,
            "Invalid JSON body: EOF while parsing an object at line 1 column 21",
        ),
        (
            "not json",
            "Invalid JSON body: expected ident at line 1 column 2",
        ),
        (
            "",
            "Invalid JSON body: EOF while parsing a value at line 1 column 0",
        ),
        (
            r#"{"name":"Tom"}"#,
            "Invalid JSON body: missing field `age` at line 1 column 14",
        ),
        (
            r#"{"name":"Tom","age":300}"#,
            "Invalid JSON body: invalid value: integer `300`, expected u8 at line 1 column 23",
        ),
    ];
    for (body, message) in cases {
        let response = post_json(&server, "/b/cats", body).await;
        assert_eq!(
            response.status_body(),
            (400, bad_request(message).as_str()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn an_invalid_form_is_400() {
    let server = start::<BodiesModule>().await;
    let response = send(
        &server,
        "POST",
        "/b/cats",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"name=Tom&age=old",
    )
    .await;
    assert_eq!(
        response.status_body(),
        (
            400,
            bad_request("Invalid form body: invalid digit found in string").as_str()
        )
    );
}

#[tokio::test]
async fn a_wrong_content_type_is_400() {
    let server = start::<BodiesModule>().await;
    let response = send(
        &server,
        "POST",
        "/b/cats",
        &[("Content-Type", "text/plain")],
        br#"{"name":"Tom","age":3}"#,
    )
    .await;
    assert_eq!(
        response.status_body(),
        (
            400,
            bad_request(
                "Unsupported Content-Type \"text/plain\"; send application/json or application/x-www-form-urlencoded"
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn a_missing_content_type_is_400() {
    let server = start::<BodiesModule>().await;
    let response = send(
        &server,
        "POST",
        "/b/cats",
        &[],
        br#"{"name":"Tom","age":3}"#,
    )
    .await;
    assert_eq!(
        response.status_body(),
        (
            400,
            bad_request(
                "Missing Content-Type header; send application/json or application/x-www-form-urlencoded"
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn a_rejected_body_does_not_call_the_handler_nor_break_the_connection() {
    let server = start::<BodiesModule>().await;
    let mut conn = Conn::open(server.local_addr()).await;
    let bad = conn
        .request(
            b"POST /b/cats HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 3\r\n\r\n{{{",
        )
        .await;
    assert_eq!(bad.status, 400);
    let good = conn
        .request(
            b"POST /b/cats HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 22\r\n\r\n{\"name\":\"Tom\",\"age\":3}",
        )
        .await;
    assert_eq!(
        good.status_body(),
        (201, r#"{"name":"Tom","age":3,"tags":[]}"#)
    );
}
