//! `examples/hello`, Nest's first-steps app, over a real socket.

mod common;

use common::{get, post_json, send, start};
use hello::AppModule;

#[tokio::test]
async fn get_root_says_hello() {
    let server = start::<AppModule>().await;
    let response = get(&server, "/").await;
    assert_eq!(response.status_body(), (200, "Hello World!"));
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn cats_are_created_listed_and_found() {
    let server = start::<AppModule>().await;
    assert_eq!(get(&server, "/cats").await.status_body(), (200, "[]"));

    let created = post_json(
        &server,
        "/cats",
        r#"{"name":"Tom","age":3,"breed":"Tabby"}"#,
    )
    .await;
    assert_eq!(
        created.status_body(),
        (201, r#"{"id":1,"name":"Tom","age":3,"breed":"Tabby"}"#)
    );
    assert_eq!(
        created.header("content-type"),
        Some("application/json; charset=utf-8")
    );

    let created = send(
        &server,
        "POST",
        "/cats",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"name=Kitty&age=2&breed=Maine+Coon",
    )
    .await;
    assert_eq!(
        created.status_body(),
        (
            201,
            r#"{"id":2,"name":"Kitty","age":2,"breed":"Maine Coon"}"#
        )
    );

    assert_eq!(
        get(&server, "/cats").await.status_body(),
        (
            200,
            r#"[{"id":1,"name":"Tom","age":3,"breed":"Tabby"},{"id":2,"name":"Kitty","age":2,"breed":"Maine Coon"}]"#
        )
    );
    assert_eq!(
        get(&server, "/cats?limit=1").await.status_body(),
        (200, r#"[{"id":1,"name":"Tom","age":3,"breed":"Tabby"}]"#)
    );
    assert_eq!(
        get(&server, "/cats/2").await.status_body(),
        (
            200,
            r#"{"id":2,"name":"Kitty","age":2,"breed":"Maine Coon"}"#
        )
    );
}

#[tokio::test]
async fn a_missing_cat_is_nests_404() {
    let server = start::<AppModule>().await;
    assert_eq!(
        get(&server, "/cats/42").await.status_body(),
        (
            404,
            r#"{"message":"Cat #42 not found","error":"Not Found","statusCode":404}"#
        )
    );
}

#[tokio::test]
async fn bad_input_is_400() {
    let server = start::<AppModule>().await;
    assert_eq!(
        get(&server, "/cats/tom").await.status_body(),
        (
            400,
            r#"{"message":"Validation failed (path parameter \"id\": invalid digit found in string)","error":"Bad Request","statusCode":400}"#
        )
    );
    assert_eq!(
        get(&server, "/cats?limit=all").await.status_body(),
        (
            400,
            r#"{"message":"Invalid query string: invalid digit found in string","error":"Bad Request","statusCode":400}"#
        )
    );
    assert_eq!(
        post_json(&server, "/cats", r#"{"name":"Tom"}"#)
            .await
            .status_body(),
        (
            400,
            r#"{"message":"Invalid JSON body: missing field `age` at line 1 column 14","error":"Bad Request","statusCode":400}"#
        )
    );
}
