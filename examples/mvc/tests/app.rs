//! The app's own tests: in process with `TestClient` (its cookie jar plays
//! the browser), and once over a real socket.

use mvc::{AppModule, configure, configure_with};
use nestling::testing::{Test, TestClient, TestResponse};

async fn client() -> TestClient {
    let mut app = Test::create_testing_module::<AppModule>()
        .compile()
        .await
        .unwrap()
        .create_nest_application();
    configure(&mut app).await.unwrap();
    TestClient::new(app).await.unwrap()
}

/// The token of the page's first form.
fn token(page: &TestResponse) -> String {
    let html = page.text();
    let start = html
        .find(r#"name="_csrf" value=""#)
        .expect("a form with a CSRF field")
        + 20;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

async fn post_form(
    client: &TestClient,
    from: &str,
    to: &str,
    fields: &[(&str, &str)],
) -> TestResponse {
    let page = client.get(from).send().await;
    let mut form: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
    form.push(("_csrf", token(&page)));
    client.post(to).form(&form).send().await
}

async fn sign_up(client: &TestClient, email: &str) -> TestResponse {
    post_form(
        client,
        "/signup",
        "/signup",
        &[("email", email), ("password", "correct horse")],
    )
    .await
}

#[tokio::test]
async fn visitors_are_sent_to_log_in() {
    let client = client().await;
    let response = client.get("/").send().await;
    assert_eq!(
        (response.status().as_u16(), response.header("location")),
        (303, Some("/login"))
    );
    let response = client.get("/notes").send().await;
    assert_eq!(
        (response.status().as_u16(), response.header("location")),
        (303, Some("/login"))
    );
    let page = client.get("/login").send().await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .contains(r#"<link rel="stylesheet" href="/style.css">"#)
    );
    let css = client.get("/style.css").send().await;
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
}

#[tokio::test]
async fn sign_up_add_edit_and_delete_a_note_then_log_out() {
    let client = client().await;
    let response = sign_up(&client, "ada@example.com").await;
    assert_eq!(
        (response.status().as_u16(), response.header("location")),
        (303, Some("/notes"))
    );
    let page = client.get("/notes").send().await;
    let html = page.text();
    assert!(html.contains("Welcome, ada@example.com!"), "{html}");
    assert!(
        html.contains(r#"<span class="who">ada@example.com</span>"#),
        "{html}"
    );
    assert!(html.contains("No notes yet."));
    // Shown once.
    assert!(!client.get("/notes").send().await.text().contains("Welcome"));

    let response = post_form(
        &client,
        "/notes",
        "/notes",
        &[("title", "<Groceries>"), ("body", "milk")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let html = client.get("/notes").send().await.text();
    assert!(html.contains("Note added."));
    assert!(html.contains("<h2>&lt;Groceries&gt;</h2>"), "{html}");

    let response = post_form(
        &client,
        "/notes/1/edit",
        "/notes/1",
        &[("title", "Shopping"), ("body", "eggs")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let html = client.get("/notes").send().await.text();
    assert!(
        html.contains("Note saved.") && html.contains("<h2>Shopping</h2>"),
        "{html}"
    );

    let response = post_form(&client, "/notes", "/notes/1/delete", &[]).await;
    assert_eq!(response.status(), 303);
    let html = client.get("/notes").send().await.text();
    assert!(
        html.contains("Note deleted.") && html.contains("No notes yet."),
        "{html}"
    );

    let response = post_form(&client, "/notes", "/logout", &[]).await;
    assert_eq!(
        (response.status().as_u16(), response.header("location")),
        (303, Some("/login"))
    );
    assert_eq!(client.get("/notes").send().await.status(), 303);
}

#[tokio::test]
async fn invalid_forms_come_back_with_messages() {
    let client = client().await;
    let response = post_form(
        &client,
        "/signup",
        "/signup",
        &[("email", "nope"), ("password", "short")],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text();
    assert!(html.contains("email must be an email"), "{html}");
    assert!(
        html.contains("password must be longer than or equal to 8 characters"),
        "{html}"
    );
    assert!(html.contains(r#"value="nope""#));
    assert!(!html.contains("short"), "the password is never sent back");

    sign_up(&client, "ada@example.com").await;
    let response = post_form(&client, "/notes", "/notes", &[("title", ""), ("body", "x")]).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .contains("title must be longer than or equal to 1 characters")
    );
}

#[tokio::test]
async fn an_email_is_taken_once_and_a_wrong_password_is_refused() {
    let client = client().await;
    sign_up(&client, "ada@example.com").await;
    post_form(&client, "/notes", "/logout", &[]).await;
    let response = sign_up(&client, "ADA@example.com").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().contains("email is already taken"));
    let response = post_form(
        &client,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", "wrong horse")],
    )
    .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().contains("wrong email or password"));
    let response = post_form(
        &client,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", "correct horse")],
    )
    .await;
    assert_eq!(
        (response.status().as_u16(), response.header("location")),
        (303, Some("/notes"))
    );
    assert!(
        client
            .get("/notes")
            .send()
            .await
            .text()
            .contains("You are logged in.")
    );
}

#[tokio::test]
async fn log_in_regenerates_the_session_and_log_out_destroys_it() {
    let client = client().await;
    client.get("/login").send().await;
    let anonymous = client
        .cookie("connect.sid")
        .expect("the log-in form made a session");
    sign_up(&client, "ada@example.com").await;
    let logged_in = client.cookie("connect.sid").unwrap();
    assert_ne!(anonymous, logged_in, "a new session id on login");
    post_form(&client, "/notes", "/logout", &[]).await;
    // The old cookie is worth nothing now.
    client.set_cookie("connect.sid", &logged_in);
    assert_eq!(client.get("/notes").send().await.status(), 303);
}

#[tokio::test]
async fn users_only_see_and_touch_their_own_notes() {
    let ada = client().await;
    sign_up(&ada, "ada@example.com").await;
    post_form(
        &ada,
        "/notes",
        "/notes",
        &[("title", "Ada's"), ("body", "")],
    )
    .await;
    // Bob signs up in the same browser after Ada logs out.
    post_form(&ada, "/notes", "/logout", &[]).await;
    sign_up(&ada, "bob@example.com").await;
    let html = ada.get("/notes").send().await.text();
    assert!(
        !html.contains("Ada&#x27;s") && !html.contains("Ada's"),
        "{html}"
    );
    assert_eq!(ada.get("/notes/1/edit").send().await.status(), 404);
    let response = post_form(&ada, "/notes", "/notes/1/delete", &[]).await;
    assert_eq!(response.status(), 404);
    let response = post_form(&ada, "/notes", "/notes/1", &[("title", "mine now")]).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn forms_without_the_token_are_refused() {
    let client = client().await;
    sign_up(&client, "ada@example.com").await;
    let response = client
        .post("/notes")
        .form(&[("title", "forged")])
        .send()
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.text(),
        r#"{"message":"missing csrf token","error":"Forbidden","statusCode":403}"#
    );
    let response = client.post("/logout").send().await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn garbage_never_reaches_a_handler() {
    let client = client().await;
    sign_up(&client, "ada@example.com").await;
    let token = token(&client.get("/notes").send().await);
    for path in ["/notes/abc/edit", "/notes/99999999999999999999999/edit"] {
        assert_eq!(client.get(path).send().await.status(), 400, "{path}");
    }
    let response = client
        .post("/notes")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-csrf-token", &token)
        .body(&b"title=\xff\xfe&body=%%%"[..])
        .send()
        .await;
    // Decoded leniently, as Express's body parser does: a note, not a crash.
    assert_eq!(response.status(), 303);
    let response = client
        .post("/notes")
        .header("content-type", "application/json")
        .header("x-csrf-token", &token)
        .body("{not json")
        .send()
        .await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn serves_over_a_real_socket() {
    let mut app = nestling::create::<AppModule>().await.unwrap();
    configure(&mut app).await.unwrap();
    let server = app.start("127.0.0.1:0").await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    stream
        .write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains(r#"<input type="hidden" name="_csrf""#));
    server.shutdown().await;
}

/// With Redis (`REDIS_URL`), sessions outlive the app: a second instance
/// (a restart, or another server behind the load balancer) knows the user.
#[tokio::test]
async fn sessions_in_redis_survive_a_restart() {
    let redis = "redis://127.0.0.1:6379";
    let start = || async {
        let mut app = Test::create_testing_module::<AppModule>()
            .compile()
            .await
            .unwrap()
            .create_nest_application();
        configure_with(&mut app, Some(redis))
            .await
            .expect("Redis on 127.0.0.1:6379");
        TestClient::new(app).await.unwrap()
    };
    let first = start().await;
    let response = sign_up(&first, "ada@example.com").await;
    assert_eq!(response.status(), 303);
    let cookie = first.cookie("connect.sid").unwrap();
    drop(first);
    let second = start().await;
    second.set_cookie("connect.sid", &cookie);
    let page = second.get("/notes").send().await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .contains(r#"<span class="who">ada@example.com</span>"#)
    );
    // Logging out deletes it from Redis: the cookie is worth nothing after.
    let response = post_form(&second, "/notes", "/logout", &[]).await;
    assert_eq!(response.status(), 303);
    let third = start().await;
    third.set_cookie("connect.sid", &cookie);
    assert_eq!(third.get("/notes").send().await.status(), 303);
}
