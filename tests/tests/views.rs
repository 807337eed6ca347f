//! Views end to end: `#[render]` and `View` rendered with Tera from
//! `tests/fixtures/views`, layouts, autoescaping, globals and locals, and
//! every way a template can be missing or broken (at start-up and at run
//! time), plus reloading when a file changes.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::{get, start_with};
use nestling::http::StatusCode;
use nestling::prelude::*;
use nestling::{ArgInfo, RequestContext};
use serde::Serialize;

const VIEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/views");
const BROKEN_VIEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/broken-views");

#[derive(Serialize)]
struct Page {
    title: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(serde::Deserialize)]
struct TextQuery {
    text: String,
}

#[derive(Serialize)]
struct Cat {
    name: &'static str,
    age: u8,
}

#[derive(Serialize)]
struct Title {
    title: &'static str,
}

/// Puts `user` in the request's locals, as the session code will.
struct CurrentUser;

impl Injector for CurrentUser {
    type Rejection = HttpException;
    async fn inject(ctx: &mut RequestContext, _: &'static ArgInfo) -> Result<Self, HttpException> {
        ctx.locals_mut()
            .insert("user", "ada")
            .map_err(|_| HttpException::internal_server_error())?;
        Ok(CurrentUser)
    }
}

#[injectable]
struct PagesController;

#[controller]
impl PagesController {
    #[get]
    #[render("index")]
    async fn index(&self) -> Page {
        Page {
            title: "Home",
            message: "Hello world!".to_string(),
        }
    }

    #[get("escape")]
    #[render("escape.html")]
    async fn escape(&self, query: Query<TextQuery>) -> Text {
        Text { text: query.0.text }
    }

    #[get("letter")]
    #[render("letter.txt")]
    async fn letter(&self) -> serde_json::Value {
        serde_json::json!({ "name": "Ada", "text": "<not escaped in .txt>" })
    }

    #[get("cats/:id")]
    #[render("cats/show")]
    async fn show(&self, id: Param<u32>) -> Result<Cat, HttpException> {
        match *id {
            1 => Ok(Cat {
                name: "Tom",
                age: 3,
            }),
            n => Err(NotFoundException::new(format!("Cat {n} not found"))),
        }
    }

    #[get("pick/:name")]
    async fn pick(&self, name: Param<String>) -> View {
        render(
            name.0,
            &Cat {
                name: "Tom",
                age: 3,
            },
        )
    }

    #[get("teapot")]
    async fn teapot(&self) -> (StatusCode, View) {
        (
            StatusCode::IM_A_TEAPOT,
            View::new("escape", &serde_json::json!({ "text": "short and stout" })),
        )
    }

    #[get("custom-type")]
    async fn custom_type(&self) -> ([(&'static str, &'static str); 1], View) {
        (
            [("content-type", "application/xhtml+xml")],
            View::new("escape", &serde_json::json!({ "text": "x" })),
        )
    }

    #[get("context")]
    #[render("context")]
    async fn context(&self, _user: CurrentUser) -> Title {
        Title {
            title: "from the handler",
        }
    }

    #[get("context-without-user")]
    #[render("context")]
    async fn context_without_user(&self) -> Title {
        Title { title: "t" }
    }

    #[get("undefined")]
    #[render("undefined")]
    async fn undefined(&self) -> Title {
        Title { title: "t" }
    }

    #[get("not-a-map")]
    #[render("escape")]
    async fn not_a_map(&self) -> Vec<u8> {
        vec![1, 2, 3]
    }

    #[get("empty")]
    async fn empty(&self) -> View {
        View::empty("about")
    }
}

#[module(controllers = [PagesController])]
struct PagesModule;

async fn start_pages() -> nestling::Server {
    start_with::<PagesModule>(|app| {
        app.set_base_views_dir(VIEWS)
            .set_local("site", "Cat Shelter")
            .set_local("title", "the global title")
            .use_view_locals(|request, locals| {
                let path = request.head().parts().uri.path().to_string();
                let _ = locals.insert("path", &path);
            });
    })
    .await
}

#[tokio::test]
async fn render_fills_the_layout_through_inheritance() {
    let server = start_pages().await;
    let response = get(&server, "/").await;
    assert_eq!(
        response.status_body(),
        (
            200,
            "<!DOCTYPE html>\n<html>\n<head><title>Home | Cat Shelter</title></head>\n<body>\n\
             <h1>Home</h1>\n<p>Hello world!</p>\n</body>\n</html>\n"
        )
    );
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

#[tokio::test]
async fn values_are_escaped_in_html_templates() {
    let server = start_pages().await;
    let response = get(
        &server,
        "/escape?text=%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E%20%26%20%22q%22",
    )
    .await;
    assert_eq!(
        response.status_body(),
        (
            200,
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>\n"
        )
    );
}

#[tokio::test]
async fn text_templates_are_not_escaped_and_keep_their_type() {
    let server = start_pages().await;
    let response = get(&server, "/letter").await;
    assert_eq!(
        response.status_body(),
        (200, "Dear Ada,\n<b><not escaped in .txt></b>\n")
    );
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn names_work_with_and_without_extension_and_in_folders_with_includes() {
    let server = start_pages().await;
    assert_eq!(
        get(&server, "/cats/1").await.status_body(),
        (200, "<h1>Tom</h1><p>3 years</p>\n\n")
    );
    assert_eq!(
        get(&server, "/pick/cats%2Fshow.html").await.status_body(),
        (200, "<h1>Tom</h1><p>3 years</p>\n\n")
    );
}

#[tokio::test]
async fn a_render_handler_error_answers_as_usual() {
    let server = start_pages().await;
    assert_eq!(
        get(&server, "/cats/7").await.status_body(),
        (
            404,
            r#"{"message":"Cat 7 not found","error":"Not Found","statusCode":404}"#
        )
    );
}

#[tokio::test]
async fn a_view_chooses_its_template_at_run_time() {
    let server = start_pages().await;
    let response = get(&server, "/pick/about").await;
    assert_eq!(response.status_body(), (200, "<p>the about page</p>\n"));
    assert_eq!(
        get(&server, "/empty").await.status_body(),
        (200, "<p>the about page</p>\n")
    );
}

#[tokio::test]
async fn a_view_keeps_the_status_and_headers_it_was_returned_with() {
    let server = start_pages().await;
    let response = get(&server, "/teapot").await;
    assert_eq!(response.status_body(), (418, "<p>short and stout</p>\n"));
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let response = get(&server, "/custom-type").await;
    assert_eq!(response.status_body(), (200, "<p>x</p>\n"));
    assert_eq!(
        response.header("content-type"),
        Some("application/xhtml+xml")
    );
}

#[tokio::test]
async fn handler_context_wins_over_locals_which_win_over_globals() {
    let server = start_pages().await;
    assert_eq!(
        get(&server, "/context").await.status_body(),
        (200, "Cat Shelter|ada|/context|from the handler\n")
    );
}

/// The error page of debug builds: the template, the handler and Tera's report.
fn assert_debug_error_page(body: &str, expected: &[&str]) {
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert!(body.contains("The view could not be rendered"), "{body}");
    for part in expected {
        assert!(body.contains(part), "expected {part:?} in:\n{body}");
    }
}

#[tokio::test]
async fn an_unknown_template_at_run_time_is_a_500_naming_it() {
    let server = start_pages().await;
    let response = get(&server, "/pick/nope").await;
    assert_eq!(response.status, 500);
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_debug_error_page(
        response.text(),
        &[
            "Template <code>nope</code>, rendered for <code>PagesController::pick</code>",
            "has no `nope.html` (nor `nope`)",
            "about.html, cats/show.html, context.html",
        ],
    );
}

#[tokio::test]
async fn a_render_error_is_a_500_with_tera_s_report() {
    let server = start_pages().await;
    let response = get(&server, "/undefined").await;
    assert_eq!(response.status, 500);
    assert_debug_error_page(response.text(), &["undefined.html:1:", "missing_variable"]);
    // A variable the handler did not give and no provider set.
    let response = get(&server, "/context-without-user").await;
    assert_eq!(response.status, 500);
    assert_debug_error_page(response.text(), &["context.html:1:", "user"]);
}

#[tokio::test]
async fn a_context_that_is_not_a_map_is_a_500() {
    let server = start_pages().await;
    let response = get(&server, "/not-a-map").await;
    assert_eq!(response.status, 500);
    assert_debug_error_page(
        response.text(),
        &["PagesController::not_a_map", "a struct or a map is needed"],
    );
}

// ---- start-up ----------------------------------------------------------------

#[injectable]
struct MissingTemplateController;

#[controller("missing")]
impl MissingTemplateController {
    #[get]
    #[render("nowhere")]
    async fn nowhere(&self) -> Title {
        Title { title: "t" }
    }
}

#[module(controllers = [MissingTemplateController])]
struct MissingTemplateModule;

async fn startup_error<M: nestling::module::Module>(
    configure: impl FnOnce(&mut nestling::Application),
) -> nestling::Error {
    let mut app = nestling::create::<M>().await.expect("the module is valid");
    configure(&mut app);
    match app.start("127.0.0.1:0").await {
        Ok(_) => panic!("the app started"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn a_missing_render_template_stops_start_up_naming_the_handler() {
    let error = startup_error::<MissingTemplateModule>(|app| {
        app.set_base_views_dir(VIEWS);
    })
    .await;
    assert!(error.is_startup());
    assert_eq!(error.problems().len(), 1);
    let problem = &error.problems()[0];
    assert!(
        problem.starts_with(
            "MissingTemplateController::nowhere renders the template \"nowhere\" (#[render]), \
             but the views folder `"
        ),
        "{problem}"
    );
    assert!(
        problem.ends_with(
            "` has no `nowhere.html` (nor `nowhere`); it has: about.html, cats/show.html, \
             context.html, escape.html, index.html, layout.html, letter.txt, \
             partials/age.html, undefined.html"
        ),
        "{problem}"
    );
}

#[tokio::test]
async fn render_without_a_views_folder_stops_start_up() {
    let error = startup_error::<MissingTemplateModule>(|_| {}).await;
    assert_eq!(
        error.problems(),
        [
            "MissingTemplateController::nowhere renders the template \"nowhere\" (#[render]), \
          but no views folder is set: call app.set_base_views_dir(\"views\") before listening"
        ]
    );
}

#[tokio::test]
async fn a_broken_template_stops_start_up_with_file_line_and_message() {
    let error = startup_error::<PagesModule>(|app| {
        app.set_base_views_dir(BROKEN_VIEWS);
    })
    .await;
    assert_eq!(error.problems().len(), 1, "{error}");
    let problem = &error.problems()[0];
    assert!(
        problem.starts_with(&format!("the views in `{BROKEN_VIEWS}` do not load:\n")),
        "{problem}"
    );
    assert!(problem.contains("--> broken.html:4:"), "{problem}");
    assert!(problem.contains("<p>{{ broken( }}</p>"), "{problem}");
}

#[tokio::test]
async fn a_missing_views_folder_stops_start_up() {
    let error = startup_error::<PagesModule>(|app| {
        app.set_base_views_dir("no/such/views");
    })
    .await;
    let problem = &error.problems()[0];
    assert!(
        problem.starts_with("the views folder `no/such/views` does not exist or is not a folder"),
        "{problem}"
    );
}

// ---- reloading ---------------------------------------------------------------

/// A copy of a few views in a fresh folder, removed on drop.
struct TempViews(PathBuf);

impl TempViews {
    fn new(name: &str) -> TempViews {
        let dir =
            std::env::temp_dir().join(format!("nestling-views-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("about.html"), "<p>version 1</p>\n").unwrap();
        TempViews(dir)
    }

    /// Rewrites a template, with a modification time clearly apart from the
    /// first (file systems stamp writes with a coarse clock).
    fn rewrite(&self, name: &str, contents: &str) {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(5))
            .unwrap();
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempViews {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Only run-time template names, so any folder will do at start-up.
#[injectable]
struct AnyViewController;

#[controller]
impl AnyViewController {
    #[get(":name")]
    async fn page(&self, name: Param<String>) -> View {
        View::empty(name.0)
    }
}

#[module(controllers = [AnyViewController])]
struct AnyViewModule;

#[tokio::test]
async fn without_the_view_cache_a_changed_template_is_reloaded() {
    let views = TempViews::new("reload");
    let dir = views.path().to_path_buf();
    let server = start_with::<AnyViewModule>(|app| {
        app.set_base_views_dir(dir).set_view_cache(false);
    })
    .await;
    assert_eq!(
        get(&server, "/about").await.status_body(),
        (200, "<p>version 1</p>\n")
    );
    views.rewrite("about.html", "<p>version two</p>\n");
    assert_eq!(
        get(&server, "/about").await.status_body(),
        (200, "<p>version two</p>\n")
    );
    // A new file is found too (its folder changed).
    std::fs::write(views.path().join("new.html"), "<p>new</p>\n").unwrap();
    assert_eq!(
        get(&server, "/new").await.status_body(),
        (200, "<p>new</p>\n")
    );
    // A broken edit answers 500 with the report; fixing it recovers.
    views.rewrite("about.html", "<p>{{ oops( }}</p>\n");
    let response = get(&server, "/about").await;
    assert_eq!(response.status, 500);
    assert_debug_error_page(response.text(), &["about.html:1:"]);
    views.rewrite("about.html", "<p>fixed</p>\n");
    assert_eq!(
        get(&server, "/about").await.status_body(),
        (200, "<p>fixed</p>\n")
    );
}

#[tokio::test]
async fn with_the_view_cache_templates_are_loaded_once() {
    let views = TempViews::new("cache");
    let dir = views.path().to_path_buf();
    let server = start_with::<AnyViewModule>(|app| {
        app.set_base_views_dir(dir).set_view_cache(true);
    })
    .await;
    assert_eq!(
        get(&server, "/about").await.status_body(),
        (200, "<p>version 1</p>\n")
    );
    views.rewrite("about.html", "<p>version two</p>\n");
    assert_eq!(
        get(&server, "/about").await.status_body(),
        (200, "<p>version 1</p>\n")
    );
}

#[tokio::test]
async fn head_on_a_render_route_sends_the_headers_only() {
    let server = start_pages().await;
    let mut conn = common::Conn::open(server.local_addr()).await;
    conn.write(&common::build("HEAD", "/", &[], b"")).await;
    let response = conn.head_response().await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

// ---- the log line of a failed render -----------------------------------------

thread_local! {
    /// Where the current thread's log lines go, while a test captures them.
    static CAPTURE: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes to the capturing thread's buffer, or nowhere.
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some(captured) = c.borrow_mut().as_mut() {
                let _ = captured.write(bytes);
            }
        });
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's ERROR lines. One global subscriber, installed once:
/// a scoped one per test can miss events whose callsite another test's thread
/// had already cached as uninteresting.
fn capture_errors() -> Captured {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(
            tracing_subscriber::fmt()
                .with_writer(|| ThreadWriter)
                .with_ansi(false)
                .with_max_level(tracing_subscriber::filter::LevelFilter::ERROR)
                .finish(),
        );
    });
    let captured = Captured::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(captured.clone()));
    captured
}

#[tokio::test]
async fn a_failed_render_logs_the_handler_the_template_and_the_report() {
    // The test's runtime has one thread, so the server's tasks log here too.
    let captured = capture_errors();
    let server = start_pages().await;
    assert_eq!(get(&server, "/undefined").await.status, 500);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ERROR"), "{log}");
    assert!(
        log.contains("handler=PagesController::undefined template=\"undefined\""),
        "{log}"
    );
    assert!(
        log.contains("rendering a view failed; answered 500"),
        "{log}"
    );
    assert!(log.contains("undefined.html:1:"), "{log}");
}
