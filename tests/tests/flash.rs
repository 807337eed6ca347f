//! Flash messages end to end: the `Flash` injector (set on one request,
//! read once on a later one), connect-flash's layout in the session, and
//! `use_flash` handing them to templates, over real sockets with cookies.

mod common;

use common::{RawResponse, send, start_with};
use nestling::prelude::*;
use nestling::{Application, Server, SessionOptions};
use serde::Serialize;

const VIEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/flash-views");

#[derive(Serialize)]
struct Page {
    title: &'static str,
}

#[injectable]
struct FlashController;

#[controller]
impl FlashController {
    #[post("notes")]
    async fn create(&self, mut flash: Flash) -> Result<Redirect, HttpException> {
        flash.add("success", "Note saved.")?;
        flash.add("success", "<b>Twice</b>")?;
        flash.add("error", "Title was trimmed.")?;
        Ok(Redirect::see_other("/notes"))
    }

    #[get("take/:kind")]
    async fn take(
        &self,
        kind: Param<String>,
        mut flash: Flash,
    ) -> Result<Json<Vec<String>>, HttpException> {
        Ok(Json(flash.take(&kind)?))
    }

    #[get("all")]
    async fn all(
        &self,
        mut flash: Flash,
    ) -> Result<Json<nestling::flash::FlashMessages>, HttpException> {
        Ok(Json(flash.take_all()?))
    }

    /// What the session holds under `flash`, as an Express app would see it.
    #[get("raw")]
    async fn raw(&self, session: Session) -> Json<serde_json::Value> {
        Json(session.get_value("flash").unwrap_or_default())
    }

    /// Writes `flash` as given (another app's layout, or garbage).
    #[post("raw")]
    async fn set_raw(
        &self,
        mut session: Session,
        body: Body<serde_json::Value>,
    ) -> Result<&'static str, HttpException> {
        session.insert("flash", body.0)?;
        Ok("ok")
    }

    /// Renders without touching the session itself.
    #[get("notes")]
    #[render("page")]
    async fn notes(&self) -> Page {
        Page { title: "Notes" }
    }

    #[get("view")]
    async fn view(&self) -> View {
        render("page", &Page { title: "View" })
    }
}

#[module(controllers = [FlashController])]
struct FlashModule;

fn sessions(app: &mut Application) {
    app.use_session(
        SessionOptions::new()
            .secret("flash tests")
            .save_uninitialized(false),
    );
}

async fn server() -> Server {
    start_with::<FlashModule>(|app| {
        sessions(app);
        app.set_base_views_dir(VIEWS).use_flash();
    })
    .await
}

/// The session cookie of a response, ready for a `Cookie` header.
fn cookie_of(response: &RawResponse) -> String {
    let header = response.header("set-cookie").expect("a session cookie");
    header.split(';').next().unwrap().to_owned()
}

async fn get_with(server: &Server, path: &str, cookie: &str) -> RawResponse {
    send(server, "GET", path, &[("Cookie", cookie)], b"").await
}

#[tokio::test]
async fn a_message_is_read_once_on_a_later_request() {
    let server = server().await;
    let response = send(&server, "POST", "/notes", &[], b"").await;
    assert_eq!(response.status, 303);
    let cookie = cookie_of(&response);
    let response = get_with(&server, "/take/success", &cookie).await;
    assert_eq!(
        response.status_body(),
        (200, r#"["Note saved.","<b>Twice</b>"]"#)
    );
    // Read once: gone now, and the other kind is still there.
    let response = get_with(&server, "/take/success", &cookie).await;
    assert_eq!(response.status_body(), (200, "[]"));
    let response = get_with(&server, "/all", &cookie).await;
    assert_eq!(
        response.status_body(),
        (200, r#"{"error":["Title was trimmed."]}"#)
    );
    let response = get_with(&server, "/all", &cookie).await;
    assert_eq!(response.status_body(), (200, "{}"));
}

#[tokio::test]
async fn messages_are_kept_in_connect_flash_layout() {
    let server = server().await;
    let cookie = cookie_of(&send(&server, "POST", "/notes", &[], b"").await);
    let response = get_with(&server, "/raw", &cookie).await;
    assert_eq!(
        response.text(),
        r#"{"success":["Note saved.","<b>Twice</b>"],"error":["Title was trimmed."]}"#
    );
    // Taking everything leaves `{}`, as connect-flash's `req.flash()` does.
    get_with(&server, "/all", &cookie).await;
    assert_eq!(get_with(&server, "/raw", &cookie).await.text(), "{}");
}

#[tokio::test]
async fn messages_written_by_express_are_read_and_garbage_is_no_message() {
    let server = server().await;
    let json = ("Content-Type", "application/json");
    let response = send(
        &server,
        "POST",
        "/raw",
        &[json],
        br#"{"info":["from express"],"lone":"one"}"#,
    )
    .await;
    let cookie = cookie_of(&response);
    assert_eq!(
        get_with(&server, "/take/info", &cookie).await.text(),
        r#"["from express"]"#
    );
    assert_eq!(
        get_with(&server, "/take/lone", &cookie).await.text(),
        r#"["one"]"#
    );
    for garbage in [
        &br#""a string""#[..],
        b"42",
        b"null",
        br#"{"info":[1,{"x":2},"kept"]}"#,
        br#"{"info":7}"#,
    ] {
        let cookie_header = ("Cookie", cookie.as_str());
        let response = send(&server, "POST", "/raw", &[json, cookie_header], garbage).await;
        assert_eq!(response.status, 201);
        let response = get_with(&server, "/take/info", &cookie).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let expected = if garbage.starts_with(br#"{"info":["#) {
            r#"["kept"]"#
        } else {
            "[]"
        };
        assert_eq!(response.text(), expected);
        // Adding over garbage starts the kind over.
        let response = send(&server, "POST", "/raw", &[json, cookie_header], garbage).await;
        assert_eq!(response.status, 201);
        assert_eq!(
            send(&server, "POST", "/notes", &[cookie_header], b"")
                .await
                .status,
            303
        );
        assert_eq!(
            get_with(&server, "/take/error", &cookie).await.text(),
            r#"["Title was trimmed."]"#
        );
    }
}

#[tokio::test]
async fn templates_see_the_messages_once_with_use_flash() {
    let server = server().await;
    let cookie = cookie_of(&send(&server, "POST", "/notes", &[], b"").await);
    // `/notes` never asks for the session: rendering loads it.
    let response = get_with(&server, "/notes", &cookie).await;
    assert_eq!(response.status, 200);
    // Kinds come in the order they were first added (template maps keep
    // their order), the messages of a kind in the order they were added.
    assert_eq!(
        response.text(),
        "<h1>Notes</h1>\n<p class=\"flash success\">Note saved.</p>\n<p class=\"flash success\">&lt;b&gt;Twice&lt;/b&gt;</p>\n<p class=\"flash error\">Title was trimmed.</p>\n\n"
    );
    let response = get_with(&server, "/notes", &cookie).await;
    assert_eq!(response.text(), "<h1>Notes</h1>\n\n");
    // A returned `View` too.
    let cookie = cookie_of(&send(&server, "POST", "/notes", &[], b"").await);
    let response = get_with(&server, "/view", &cookie).await;
    assert!(
        response.text().contains("Note saved."),
        "{}",
        response.text()
    );
    assert_eq!(
        get_with(&server, "/take/success", &cookie).await.text(),
        "[]"
    );
}

#[tokio::test]
async fn a_page_without_messages_creates_no_session() {
    let server = server().await;
    let response = send(&server, "GET", "/notes", &[], b"").await;
    assert_eq!(response.status_body(), (200, "<h1>Notes</h1>\n\n"));
    assert_eq!(response.header("set-cookie"), None);
}

#[tokio::test]
async fn without_use_flash_templates_do_not_load_the_session() {
    let server = start_with::<FlashModule>(|app| {
        sessions(app);
        app.set_base_views_dir(VIEWS)
            .set_local("flash", &serde_json::json!({}));
    })
    .await;
    let cookie = cookie_of(&send(&server, "POST", "/notes", &[], b"").await);
    assert_eq!(
        get_with(&server, "/notes", &cookie).await.text(),
        "<h1>Notes</h1>\n\n"
    );
    // Still waiting for whoever asks.
    assert_eq!(
        get_with(&server, "/take/error", &cookie).await.text(),
        r#"["Title was trimmed."]"#
    );
}

#[tokio::test]
async fn use_flash_without_sessions_does_not_start() {
    let mut app = nestling::create::<FlashModule>().await.unwrap();
    app.set_base_views_dir(VIEWS).use_flash();
    let error = app.start("127.0.0.1:0").await.unwrap_err().to_string();
    assert!(
        error.contains("app.use_flash() keeps its state in the session"),
        "{error}"
    );
    assert!(
        error.contains("app.use_session(SessionOptions::new().secret(..))"),
        "{error}"
    );
}

#[tokio::test]
async fn the_flash_injector_without_sessions_is_a_500() {
    let server = start_with::<FlashModule>(|app| {
        app.set_base_views_dir(VIEWS);
    })
    .await;
    let response = send(&server, "POST", "/notes", &[], b"").await;
    assert_eq!(response.status, 500);
    assert_eq!(
        response.text(),
        r#"{"statusCode":500,"message":"Internal server error"}"#
    );
}
