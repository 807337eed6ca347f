//! CSRF protection end to end: tokens in templates, the check on unsafe
//! methods (missing, wrong, right; header or form field), `#[skip_csrf]`,
//! the secret replaced by `regenerate()` on login, a forged cross-site
//! form, garbage, and start-up errors.

mod common;

use common::{RawResponse, send, start_with};
use nestling::csrf::{CsrfOptions, CsrfToken};
use nestling::prelude::*;
use nestling::{Server, SessionOptions};

const VIEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/csrf-views");
const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
const MISSING: &str = r#"{"message":"missing csrf token","error":"Forbidden","statusCode":403}"#;
const INVALID: &str = r#"{"message":"invalid csrf token","error":"Forbidden","statusCode":403}"#;

#[derive(serde::Deserialize)]
struct Note {
    title: String,
}

#[injectable]
struct CsrfController;

#[controller]
impl CsrfController {
    #[get("form")]
    #[render("form")]
    async fn form(&self) -> serde_json::Value {
        serde_json::json!({})
    }

    #[get("plain")]
    #[render("plain")]
    async fn plain(&self) -> serde_json::Value {
        serde_json::json!({})
    }

    #[post("notes")]
    async fn create(&self, note: Body<Note>) -> String {
        format!("created {}", note.title)
    }

    #[put("notes")]
    async fn replace(&self) -> &'static str {
        "replaced"
    }

    #[patch("notes")]
    async fn update(&self) -> &'static str {
        "updated"
    }

    #[delete("notes")]
    async fn remove(&self) -> &'static str {
        "deleted"
    }

    #[post("webhook")]
    #[skip_csrf]
    async fn webhook(&self) -> &'static str {
        "hooked"
    }

    #[post("login")]
    async fn login(&self, mut session: Session) -> Result<&'static str, HttpException> {
        session.regenerate().await?;
        session.insert("user", "ada")?;
        Ok("welcome")
    }

    #[get("token")]
    async fn token(&self, token: CsrfToken) -> String {
        token.0
    }
}

#[module(controllers = [CsrfController])]
struct CsrfModule;

async fn server() -> Server {
    server_with(CsrfOptions::default()).await
}

async fn server_with(options: CsrfOptions) -> Server {
    start_with::<CsrfModule>(|app| {
        app.use_session(
            SessionOptions::new()
                .secret("csrf tests")
                .save_uninitialized(false),
        )
        .set_base_views_dir(VIEWS)
        .use_csrf(options);
    })
    .await
}

fn cookie_of(response: &RawResponse) -> String {
    let header = response.header("set-cookie").expect("a session cookie");
    header.split(';').next().unwrap().to_owned()
}

/// The hidden field's token (and checks the `<meta>` one is another token
/// of the same secret).
fn token_in(html: &str) -> String {
    let start = html.find(r#"name="_csrf" value=""#).expect("a csrf field") + 20;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// A visitor who opened the form: their cookie and the form's token.
/// A urlencoded POST with the session cookie.
async fn post_form(server: &Server, path: &str, cookie: &str, body: &[u8]) -> RawResponse {
    send(server, "POST", path, &[FORM, ("Cookie", cookie)], body).await
}

async fn visit(server: &Server) -> (String, String) {
    let response = send(server, "GET", "/form", &[], b"").await;
    assert_eq!(response.status, 200);
    (cookie_of(&response), token_in(response.text()))
}

#[tokio::test]
async fn templates_get_a_field_and_a_token() {
    let server = server().await;
    let response = send(&server, "GET", "/form", &[], b"").await;
    let html = response.text();
    let token = token_in(html);
    assert!(
        html.starts_with(r#"<meta name="csrf-token" content=""#),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<input type="hidden" name="_csrf" value="{token}">"#
        )),
        "{html}"
    );
    // csurf's shape: an 8-character salt, `-`, a base64url SHA-1.
    let (salt, hash) = token.split_once('-').unwrap();
    assert_eq!((salt.len(), hash.len()), (8, 27));
    // The session was created to hold the secret; each render salts anew.
    let cookie = cookie_of(&response);
    let again = send(&server, "GET", "/form", &[("Cookie", &cookie)], b"").await;
    assert_ne!(token_in(again.text()), token);
    // `csrf_token` is a plain variable too.
    let plain = send(&server, "GET", "/plain", &[("Cookie", &cookie)], b"").await;
    assert!(!plain.text().contains("none"), "{}", plain.text());
}

#[tokio::test]
async fn a_missing_token_is_refused_before_the_handler() {
    let server = server().await;
    let (cookie, _) = visit(&server).await;
    let response = post_form(&server, "/notes", &cookie, b"title=hi").await;
    assert_eq!(response.status_body(), (403, MISSING));
    let response = send(
        &server,
        "POST",
        "/notes",
        &[("Content-Type", "application/json"), ("Cookie", &cookie)],
        br#"{"title":"hi"}"#,
    )
    .await;
    assert_eq!(response.status_body(), (403, MISSING));
}

#[tokio::test]
async fn a_wrong_token_is_refused() {
    let server = server().await;
    let (cookie, token) = visit(&server).await;
    let mut wrong = token.clone().into_bytes();
    let last = wrong.len() - 1;
    wrong[last] = if wrong[last] == b'A' { b'B' } else { b'A' };
    let wrong = String::from_utf8(wrong).unwrap();
    let body = format!("title=hi&_csrf={wrong}");
    let response = post_form(&server, "/notes", &cookie, body.as_bytes()).await;
    assert_eq!(response.status_body(), (403, INVALID));
    // A right token without the session it belongs to.
    let body = format!("title=hi&_csrf={token}");
    let response = send(&server, "POST", "/notes", &[FORM], body.as_bytes()).await;
    assert_eq!(response.status_body(), (403, INVALID));
    // Another visitor's token.
    let (other_cookie, _) = visit(&server).await;
    let response = post_form(&server, "/notes", &other_cookie, body.as_bytes()).await;
    assert_eq!(response.status_body(), (403, INVALID));
}

#[tokio::test]
async fn the_right_token_in_the_form_field_passes_and_the_body_reaches_the_handler() {
    let server = server().await;
    let (cookie, token) = visit(&server).await;
    let body = format!("title=hello+there&_csrf={token}");
    let response = post_form(&server, "/notes", &cookie, body.as_bytes()).await;
    assert_eq!(response.status_body(), (201, "created hello there"));
    // A token stays valid for the session's life (synchronizer token).
    let response = post_form(&server, "/notes", &cookie, body.as_bytes()).await;
    assert_eq!(response.status, 201);
}

#[tokio::test]
async fn the_right_token_in_a_header_passes() {
    let server = server().await;
    let (cookie, token) = visit(&server).await;
    for header in ["x-csrf-token", "X-XSRF-Token", "csrf-token", "xsrf-token"] {
        let response = send(
            &server,
            "POST",
            "/notes",
            &[
                ("Content-Type", "application/json"),
                ("Cookie", &cookie),
                (header, &token),
            ],
            br#"{"title":"json"}"#,
        )
        .await;
        assert_eq!(response.status_body(), (201, "created json"), "{header}");
    }
    // The header wins over the field.
    let body = format!("title=x&_csrf={token}");
    let response = send(
        &server,
        "POST",
        "/notes",
        &[FORM, ("Cookie", &cookie), ("x-csrf-token", "nope")],
        body.as_bytes(),
    )
    .await;
    assert_eq!(response.status_body(), (403, INVALID));
    // Only the configured header when one is set.
    let server = server_with(CsrfOptions::default().header("x-token").field("token")).await;
    let (cookie, _) = visit_field(&server, "token").await;
    let token = send(&server, "GET", "/token", &[("Cookie", &cookie)], b"")
        .await
        .text()
        .to_owned();
    let json = ("Content-Type", "application/json");
    let response = send(
        &server,
        "POST",
        "/notes",
        &[json, ("Cookie", &cookie), ("x-csrf-token", &token)],
        br#"{"title":"a"}"#,
    )
    .await;
    assert_eq!(response.status_body(), (403, MISSING));
    let response = send(
        &server,
        "POST",
        "/notes",
        &[json, ("Cookie", &cookie), ("x-token", &token)],
        br#"{"title":"a"}"#,
    )
    .await;
    assert_eq!(response.status, 201);
}

async fn visit_field(server: &Server, field: &str) -> (String, String) {
    let response = send(server, "GET", "/form", &[], b"").await;
    let html = response.text();
    let marker = format!(r#"name="{field}" value=""#);
    let start = html.find(&marker).expect("the field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    (cookie_of(&response), html[start..end].to_owned())
}

#[tokio::test]
async fn every_unsafe_method_is_checked_and_safe_ones_are_not() {
    let server = server().await;
    let (cookie, token) = visit(&server).await;
    for method in ["PUT", "PATCH", "DELETE"] {
        let response = send(&server, method, "/notes", &[("Cookie", &cookie)], b"").await;
        assert_eq!(response.status_body(), (403, MISSING), "{method}");
        let response = send(
            &server,
            method,
            "/notes",
            &[("Cookie", &cookie), ("x-csrf-token", &token)],
            b"",
        )
        .await;
        assert_eq!(response.status, 200, "{method}");
    }
    assert_eq!(send(&server, "GET", "/plain", &[], b"").await.status, 200);
    let mut conn = common::Conn::open(server.local_addr()).await;
    conn.write(&common::build("HEAD", "/plain", &[], b"")).await;
    assert_eq!(conn.head_response().await.status, 200);
}

#[tokio::test]
async fn a_skip_csrf_route_is_not_checked() {
    let server = server().await;
    let response = send(&server, "POST", "/webhook", &[FORM], b"anything").await;
    assert_eq!(response.status_body(), (201, "hooked"));
}

#[tokio::test]
async fn a_forged_cross_site_post_is_refused() {
    let server = server().await;
    // The victim is logged in; the attacker's page posts a form to the app
    // with the victim's cookie (the browser adds it) but cannot read a token.
    let (cookie, token) = visit(&server).await;
    let body = format!("_csrf={token}");
    let login = post_form(&server, "/login", &cookie, body.as_bytes()).await;
    let victim = cookie_of(&login);
    let forged = send(
        &server,
        "POST",
        "/notes",
        &[
            FORM,
            ("Cookie", &victim),
            ("Origin", "https://evil.example"),
            ("Referer", "https://evil.example/"),
        ],
        b"title=pwned",
    )
    .await;
    assert_eq!(forged.status_body(), (403, MISSING));
    let guessed = post_form(
        &server,
        "/notes",
        &victim,
        b"title=pwned&_csrf=abcdefgh-AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    )
    .await;
    assert_eq!(guessed.status_body(), (403, INVALID));
}

#[tokio::test]
async fn the_secret_is_replaced_on_login() {
    let server = server().await;
    let (cookie, token) = visit(&server).await;
    let body = format!("_csrf={token}");
    let response = post_form(&server, "/login", &cookie, body.as_bytes()).await;
    assert_eq!(response.status_body(), (201, "welcome"));
    let logged_in = cookie_of(&response);
    assert_ne!(logged_in, cookie);
    // The token of the anonymous session is worthless now.
    let body = format!("title=x&_csrf={token}");
    let response = post_form(&server, "/notes", &logged_in, body.as_bytes()).await;
    assert_eq!(response.status_body(), (403, INVALID));
    // A form rendered after login carries one that works.
    let page = send(&server, "GET", "/form", &[("Cookie", &logged_in)], b"").await;
    let body = format!("title=x&_csrf={}", token_in(page.text()));
    let response = post_form(&server, "/notes", &logged_in, body.as_bytes()).await;
    assert_eq!(response.status_body(), (201, "created x"));
}

#[tokio::test]
async fn garbage_is_refused_never_a_panic() {
    let server = server().await;
    let (cookie, token) = visit(&server).await;
    let c = ("Cookie", cookie.as_str());
    for (headers, body) in [
        (vec![FORM, c], b"\xff\xfe=\x00&_csrf=\xff".to_vec()),
        (
            vec![FORM, c],
            format!("_csrf={token}&_csrf=other").into_bytes(),
        ),
        (vec![FORM, c], b"_csrf=".to_vec()),
        (vec![FORM, c], b"_csrf=-".to_vec()),
        (vec![FORM, c], b"%%%&&&===".to_vec()),
        (
            vec![("Content-Type", "text/plain"), c],
            format!("_csrf={token}").into_bytes(),
        ),
        (vec![c, ("x-csrf-token", "é")], Vec::new()),
        (
            vec![("Cookie", "connect.sid=s%3Agarbage.sig"), FORM],
            format!("_csrf={token}").into_bytes(),
        ),
    ] {
        let response = send(&server, "POST", "/notes", &headers, &body).await;
        assert_eq!(
            response.status,
            403,
            "{headers:?} {body:?}: {}",
            response.text()
        );
        assert!(response.text().contains(r#""error":"Forbidden""#));
    }
    let big = vec![b'a'; 2 * 1024 * 1024];
    let response = send(&server, "POST", "/notes", &[FORM, c], &big).await;
    assert_eq!(response.status, 413);
}

#[tokio::test]
async fn the_token_injector_gives_a_working_token() {
    let server = server().await;
    let (cookie, _) = visit(&server).await;
    let token = send(&server, "GET", "/token", &[("Cookie", &cookie)], b"")
        .await
        .text()
        .to_owned();
    let response = send(
        &server,
        "DELETE",
        "/notes",
        &[("Cookie", &cookie), ("x-csrf-token", &token)],
        b"",
    )
    .await;
    assert_eq!(response.status_body(), (200, "deleted"));
}

#[tokio::test]
async fn use_csrf_without_sessions_or_with_bad_options_does_not_start() {
    let mut app = nestling::create::<CsrfModule>().await.unwrap();
    app.set_base_views_dir(VIEWS)
        .use_csrf(CsrfOptions::default());
    let error = app.start("127.0.0.1:0").await.unwrap_err().to_string();
    assert!(
        error.contains("app.use_csrf(..) keeps its state in the session"),
        "{error}"
    );
    let mut app = nestling::create::<CsrfModule>().await.unwrap();
    app.use_session(SessionOptions::new().secret("s"))
        .set_base_views_dir(VIEWS)
        .use_csrf(
            CsrfOptions::default()
                .field("bad field")
                .header("bad header"),
        );
    let error = app.start("127.0.0.1:0").await.unwrap_err().to_string();
    assert!(
        error.contains(r#"CsrfOptions::field("bad field")"#),
        "{error}"
    );
    assert!(
        error.contains(r#"CsrfOptions::header("bad header")"#),
        "{error}"
    );
}

#[tokio::test]
async fn without_use_csrf_templates_using_the_functions_do_not_load() {
    let mut app = nestling::create::<CsrfModule>().await.unwrap();
    app.use_session(SessionOptions::new().secret("s"))
        .set_base_views_dir(VIEWS);
    let error = app.start("127.0.0.1:0").await.unwrap_err().to_string();
    assert!(error.contains("Unknown function `csrf_field`"), "{error}");
    assert!(
        error.contains("call app.use_csrf(CsrfOptions::default())"),
        "{error}"
    );
}

#[injectable]
struct OpenController;

#[controller]
impl OpenController {
    #[post("open")]
    async fn open(&self, note: Body<Note>) -> String {
        format!("created {}", note.title)
    }

    #[get("token")]
    async fn token(&self, token: CsrfToken) -> String {
        token.0
    }
}

#[module(controllers = [OpenController])]
struct OpenModule;

#[tokio::test]
async fn without_use_csrf_nothing_is_checked() {
    let server = start_with::<OpenModule>(|app| {
        app.use_session(SessionOptions::new().secret("s"));
    })
    .await;
    let response = send(&server, "POST", "/open", &[FORM], b"title=free").await;
    assert_eq!(response.status_body(), (201, "created free"));
    assert_eq!(send(&server, "GET", "/token", &[], b"").await.status, 500);
}
