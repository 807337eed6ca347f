//! Forms end to end: `Valid<T>` over JSON and urlencoded bodies, Nest's
//! `ValidationPipe` 400 for invalid input, garbage bodies, and
//! `Result<Valid<T>, Invalid<T>>` re-rendering a form with its messages.

mod common;

use common::{post_json, send, start_with};
use nestling::http::StatusCode;
use nestling::prelude::*;
use serde::{Deserialize, Serialize};
use validator::Validate;

const VIEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/form-views");
const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

#[derive(Debug, Default, Deserialize, Serialize, Validate)]
#[serde(default)]
struct SignUp {
    #[validate(email)]
    email: String,
    #[validate(length(min = 2, max = 20))]
    name: String,
}

#[derive(Deserialize, Validate)]
struct Address {
    #[validate(length(min = 1))]
    city: String,
}

#[derive(Deserialize, Validate)]
struct Order {
    #[validate(range(min = 1, max = 10))]
    quantity: i32,
    #[validate(nested)]
    address: Address,
}

#[injectable]
struct FormsController;

#[controller]
impl FormsController {
    #[post("users")]
    async fn create(&self, user: Valid<SignUp>) -> String {
        format!("{} <{}>", user.name, user.email)
    }

    #[post("orders")]
    async fn order(&self, order: Valid<Order>) -> String {
        format!("{} to {}", order.quantity, order.address.city)
    }

    #[post("signup")]
    async fn signup(
        &self,
        form: Result<Valid<SignUp>, Invalid<SignUp>>,
    ) -> Result<Redirect, (StatusCode, View)> {
        match form {
            Ok(_) => Ok(Redirect::see_other("/welcome")),
            Err(Invalid { value, mut errors }) => {
                if value.email == "taken@example.com" {
                    errors.add("email", "email is already taken");
                }
                let view = render(
                    "signup",
                    &serde_json::json!({ "form": value, "errors": errors }),
                );
                Err((StatusCode::UNPROCESSABLE_ENTITY, view))
            }
        }
    }
}

#[module(controllers = [FormsController])]
struct FormsModule;

async fn server() -> nestling::Server {
    start_with::<FormsModule>(|app| {
        app.set_base_views_dir(VIEWS);
    })
    .await
}

#[tokio::test]
async fn a_valid_json_body_reaches_the_handler() {
    let server = server().await;
    let response = post_json(
        &server,
        "/users",
        r#"{"email":"ada@example.com","name":"Ada"}"#,
    )
    .await;
    assert_eq!(response.status_body(), (201, "Ada <ada@example.com>"));
}

#[tokio::test]
async fn a_valid_form_body_reaches_the_handler() {
    let server = server().await;
    let response = send(
        &server,
        "POST",
        "/users",
        &[FORM],
        b"email=ada%40example.com&name=Ada",
    )
    .await;
    assert_eq!(response.status_body(), (201, "Ada <ada@example.com>"));
}

#[tokio::test]
async fn invalid_input_is_nests_validation_pipe_400() {
    let server = server().await;
    let response = post_json(&server, "/users", r#"{"email":"nope","name":"A"}"#).await;
    assert_eq!(response.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "statusCode": 400,
            "message": ["email must be an email", "name must be longer than or equal to 2 characters"],
            "error": "Bad Request",
        })
    );
    // The same rules for a form body.
    let response = send(
        &server,
        "POST",
        "/users",
        &[FORM],
        b"email=ada%40example.com&name=Averyveryverylongname",
    )
    .await;
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body["message"],
        serde_json::json!(["name must be shorter than or equal to 20 characters"])
    );
}

#[tokio::test]
async fn nested_rules_name_the_nested_field() {
    let server = server().await;
    let response = post_json(
        &server,
        "/orders",
        r#"{"quantity":0,"address":{"city":""}}"#,
    )
    .await;
    assert_eq!(response.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body["message"],
        serde_json::json!([
            "address.city must be longer than or equal to 1 characters",
            "quantity must not be less than 1"
        ])
    );
    let response = post_json(
        &server,
        "/orders",
        r#"{"quantity":3,"address":{"city":"Oslo"}}"#,
    )
    .await;
    assert_eq!(response.status_body(), (201, "3 to Oslo"));
}

#[tokio::test]
async fn garbage_bodies_are_400s_or_413_never_the_handler() {
    let server = server().await;
    for (headers, body) in [
        (
            &[("Content-Type", "application/json")][..],
            &b"{\"email\":"[..],
        ),
        (
            &[("Content-Type", "application/json")][..],
            &b"\xff\xfe\x00"[..],
        ),
        (&[("Content-Type", "text/plain")][..], &b"email=a"[..]),
        (&[][..], &b"email=a"[..]),
        (&[("Content-Type", "application/json")][..], &b"[1,2,3]"[..]),
        (
            &[("Content-Type", "application/json")][..],
            &br#"{"email":5,"quantity":"many"}"#[..],
        ),
    ] {
        for path in ["/users", "/orders", "/signup"] {
            let response = send(&server, "POST", path, headers, body).await;
            assert_eq!(response.status, 400, "{path} {body:?}: {}", response.text());
            assert!(
                response.text().contains(r#""error":"Bad Request""#),
                "{}",
                response.text()
            );
        }
    }
    let big = vec![b'a'; 2 * 1024 * 1024];
    let response = send(&server, "POST", "/users", &[FORM], &big).await;
    assert_eq!(response.status, 413);
}

#[tokio::test]
async fn an_invalid_form_is_rendered_again_with_its_messages_and_values() {
    let server = server().await;
    let response = send(
        &server,
        "POST",
        "/signup",
        &[FORM],
        b"email=%3Cb%3Ebad&name=A",
    )
    .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = response.text();
    // What was typed comes back, escaped.
    assert!(
        html.contains(r#"<input name="email" value="&lt;b&gt;bad">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<p class="error">email must be an email</p>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<p class="error">name must be longer than or equal to 2 characters</p>"#),
        "{html}"
    );
    // A missing field is the default value, then a message, not a 400.
    let response = send(&server, "POST", "/signup", &[FORM], b"").await;
    assert_eq!(response.status, 422);
    assert!(response.text().contains("email must be an email"));
}

#[tokio::test]
async fn the_handler_can_add_its_own_messages() {
    let server = server().await;
    let response = send(
        &server,
        "POST",
        "/signup",
        &[FORM],
        b"email=taken%40example.com&name=",
    )
    .await;
    let html = response.text();
    assert!(
        html.contains(r#"<p class="error">email is already taken</p>"#),
        "{html}"
    );
}

#[tokio::test]
async fn a_valid_form_goes_on() {
    let server = server().await;
    let response = send(
        &server,
        "POST",
        "/signup",
        &[FORM],
        b"email=ada%40example.com&name=Ada",
    )
    .await;
    assert_eq!(response.status, 303);
    assert_eq!(response.header("location"), Some("/welcome"));
}
