//! Static assets end to end over real sockets: every serve-static option,
//! conditional GET (304, 412), ranges, HEAD, content types, the order
//! against routes, and every way out of the folder we know of (encoded and
//! double-encoded `..`, backslashes, absolute paths, NUL bytes, symbolic
//! links).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{RawResponse, cannot, get, send, start_with};
use nestling::prelude::*;
use nestling::static_files::{Dotfiles, StaticOptions};

const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/public");

#[injectable]
struct RoutesController;

#[controller]
impl RoutesController {
    #[get("shadowed.txt")]
    async fn shadowed(&self) -> &'static str {
        "from the route"
    }

    #[get("hello")]
    async fn hello(&self) -> &'static str {
        "hello from a route"
    }

    #[post("static/form")]
    async fn form(&self) -> &'static str {
        "posted to a route"
    }
}

#[module(controllers = [RoutesController])]
struct AppModule;

async fn serve(options: StaticOptions) -> nestling::Server {
    serve_dir(PUBLIC, options).await
}

async fn serve_dir(dir: impl Into<PathBuf>, options: StaticOptions) -> nestling::Server {
    let dir = dir.into();
    start_with::<AppModule>(|app| {
        app.use_static_assets(dir, options);
    })
    .await
}

fn file(name: &str) -> String {
    std::fs::read_to_string(Path::new(PUBLIC).join(name)).unwrap()
}

async fn get_with(server: &nestling::Server, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    send(server, "GET", path, headers, b"").await
}

async fn head(server: &nestling::Server, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    let mut conn = common::Conn::open(server.local_addr()).await;
    conn.write(&common::build("HEAD", path, headers, b"")).await;
    conn.head_response().await
}

#[tokio::test]
async fn a_file_is_served_with_its_type_length_and_validators() {
    let server = serve(StaticOptions::default()).await;
    let response = get(&server, "/hello.txt").await;
    assert_eq!(response.status_body(), (200, "Hello, static world!\n"));
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(response.header("content-length"), Some("21"));
    assert_eq!(response.header("accept-ranges"), Some("bytes"));
    assert_eq!(response.header("cache-control"), Some("public, max-age=0"));
    let etag = response.header("etag").unwrap();
    assert!(etag.starts_with("W/\"15-") && etag.ends_with('"'), "{etag}");
    let modified = response.header("last-modified").unwrap();
    assert!(modified.ends_with(" GMT"), "{modified}");
}

#[tokio::test]
async fn content_types_follow_the_extension() {
    let server = serve(StaticOptions::default()).await;
    for (path, expected) in [
        ("/css/app.css", "text/css; charset=utf-8"),
        ("/js/app.js", "text/javascript; charset=utf-8"),
        ("/data.json", "application/json; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/pixel.png", "image/png"),
        ("/file.xyz", "application/octet-stream"),
    ] {
        let response = get(&server, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(expected), "{path}");
    }
    let png = get(&server, "/pixel.png").await;
    assert_eq!(
        png.body,
        std::fs::read(Path::new(PUBLIC).join("pixel.png")).unwrap()
    );
}

#[tokio::test]
async fn files_come_before_routes_and_misses_fall_through_to_them() {
    let server = serve(StaticOptions::default()).await;
    assert_eq!(
        get(&server, "/shadowed.txt").await.status_body(),
        (200, "from the folder\n")
    );
    assert_eq!(
        get(&server, "/hello").await.status_body(),
        (200, "hello from a route")
    );
    assert_eq!(
        get(&server, "/nope.txt").await.status_body(),
        (404, cannot("GET", "/nope.txt").as_str())
    );
}

#[tokio::test]
async fn a_prefix_mounts_the_folder_under_it() {
    let server = serve(StaticOptions::default().prefix("/static")).await;
    assert_eq!(
        get(&server, "/static/css/app.css").await.status_body(),
        (200, "body { color: red; }\n")
    );
    assert_eq!(get(&server, "/css/app.css").await.status, 404);
    assert_eq!(get(&server, "/staticcss/app.css").await.status, 404);
    // Routes outside the prefix never see the folder.
    assert_eq!(
        get(&server, "/shadowed.txt").await.status_body(),
        (200, "from the route")
    );
}

#[tokio::test]
async fn folders_serve_their_index_and_redirect_without_the_slash() {
    let server = serve(StaticOptions::default().prefix("/static")).await;
    assert_eq!(
        get(&server, "/static/").await.status_body(),
        (200, "<h1>public index</h1>\n")
    );
    assert_eq!(
        get(&server, "/static/docs/").await.status_body(),
        (200, "<h1>docs</h1>\n")
    );
    let redirect = get(&server, "/static/docs?page=2").await;
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/static/docs/?page=2"));
    assert_eq!(
        get(&server, "/static").await.header("location"),
        Some("/static/")
    );
    // A folder without an index file is not found.
    assert_eq!(get(&server, "/static/noindex/").await.status, 404);
}

#[tokio::test]
async fn a_redirect_never_leaves_the_site() {
    let server = serve(StaticOptions::default()).await;
    let redirect = get(&server, "//docs").await;
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/docs/"));
}

#[tokio::test]
async fn redirect_false_lets_the_folder_url_fall_through() {
    let server = serve(StaticOptions::default().redirect(false)).await;
    assert_eq!(
        get(&server, "/docs").await.status_body(),
        (404, cannot("GET", "/docs").as_str())
    );
    assert_eq!(get(&server, "/docs/").await.status, 200);
}

#[tokio::test]
async fn index_can_be_disabled_or_a_list() {
    let server = serve(StaticOptions::default().index(false)).await;
    assert_eq!(get(&server, "/docs/").await.status, 404);
    assert_eq!(get(&server, "/").await.status, 404);

    let server = serve(StaticOptions::default().index(["home.html", "index.html"])).await;
    assert_eq!(
        get(&server, "/home/").await.status_body(),
        (200, "<h1>home.html</h1>\n")
    );
    assert_eq!(
        get(&server, "/docs/").await.status_body(),
        (200, "<h1>docs</h1>\n")
    );
}

#[tokio::test]
async fn extensions_are_tried_for_names_without_one() {
    let server = serve(StaticOptions::default().extensions(["txt", "html"])).await;
    assert_eq!(
        get(&server, "/about").await.status_body(),
        (200, "<p>about</p>\n")
    );
    assert_eq!(
        get(&server, "/hello").await.status_body(),
        (200, "Hello, static world!\n")
    );
    // Only for names without an extension.
    assert_eq!(get(&server, "/about.txt").await.status, 404);
}

#[tokio::test]
async fn dotfiles_are_ignored_by_default_allowed_or_denied() {
    let server = serve(StaticOptions::default()).await;
    assert_eq!(
        get(&server, "/.env").await.status_body(),
        (404, cannot("GET", "/.env").as_str())
    );
    assert_eq!(get(&server, "/.well-known/security.txt").await.status, 404);

    let server = serve(StaticOptions::default().dotfiles(Dotfiles::Allow)).await;
    assert_eq!(
        get(&server, "/.env").await.status_body(),
        (200, "SECRET=1\n")
    );
    assert_eq!(
        get(&server, "/.well-known/security.txt")
            .await
            .status_body(),
        (200, "policy\n")
    );

    let server = serve(
        StaticOptions::default()
            .dotfiles(Dotfiles::Deny)
            .fallthrough(false),
    )
    .await;
    assert_eq!(
        get(&server, "/.env").await.status_body(),
        (403, r#"{"message":"Forbidden","statusCode":403}"#)
    );
}

#[tokio::test]
async fn caching_headers_follow_the_options() {
    let server = serve(
        StaticOptions::default()
            .max_age(Duration::from_secs(86_400))
            .immutable(true)
            .etag(false)
            .last_modified(false),
    )
    .await;
    let response = get(&server, "/hello.txt").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=86400, immutable")
    );
    assert_eq!(response.header("etag"), None);
    assert_eq!(response.header("last-modified"), None);

    let server = serve(
        StaticOptions::default()
            .max_age(Duration::from_secs(10 * 365 * 86_400))
            .accept_ranges(false),
    )
    .await;
    let response = get_with(&server, "/hello.txt", &[("Range", "bytes=0-0")]).await;
    assert_eq!(response.status, 200, "ranges are off");
    assert_eq!(response.header("accept-ranges"), None);
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=31536000"),
        "capped at a year"
    );

    let server = serve(StaticOptions::default().cache_control(false)).await;
    assert_eq!(
        get(&server, "/hello.txt").await.header("cache-control"),
        None
    );
}

#[tokio::test]
async fn set_headers_adds_and_overrides_headers() {
    let server = serve(StaticOptions::default().set_headers(|headers, path, meta| {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        headers.insert("x-file", name.parse().unwrap());
        headers.insert("x-size", meta.len().into());
        headers.insert("cache-control", "no-cache".parse().unwrap());
    }))
    .await;
    let response = get(&server, "/hello.txt").await;
    assert_eq!(response.header("x-file"), Some("hello.txt"));
    assert_eq!(response.header("x-size"), Some("21"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn conditional_gets_answer_304() {
    let server = serve(StaticOptions::default()).await;
    let first = get(&server, "/hello.txt").await;
    let etag = first.header("etag").unwrap().to_string();
    let modified = first.header("last-modified").unwrap().to_string();

    let cached = get_with(&server, "/hello.txt", &[("If-None-Match", &etag)]).await;
    assert_eq!(cached.status_body(), (304, ""));
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
    assert_eq!(cached.header("content-type"), None);

    let cached = get_with(&server, "/hello.txt", &[("If-Modified-Since", &modified)]).await;
    assert_eq!(cached.status, 304);

    let stale = get_with(&server, "/hello.txt", &[("If-None-Match", "W/\"other\"")]).await;
    assert_eq!(stale.status_body(), (200, "Hello, static world!\n"));

    let old = get_with(
        &server,
        "/hello.txt",
        &[("If-Modified-Since", "Thu, 01 Jan 1970 00:00:01 GMT")],
    )
    .await;
    assert_eq!(old.status, 200);

    let failed = get_with(&server, "/hello.txt", &[("If-Match", "\"other\"")]).await;
    assert_eq!(failed.status_body(), (412, ""));
    let matched = get_with(&server, "/hello.txt", &[("If-Match", &etag)]).await;
    assert_eq!(matched.status, 200);
}

#[tokio::test]
async fn a_single_range_is_a_206_and_an_impossible_one_a_416() {
    let server = serve(StaticOptions::default()).await;
    let part = get_with(&server, "/hello.txt", &[("Range", "bytes=0-4")]).await;
    assert_eq!(part.status_body(), (206, "Hello"));
    assert_eq!(part.header("content-range"), Some("bytes 0-4/21"));
    assert_eq!(part.header("content-length"), Some("5"));

    let tail = get_with(&server, "/hello.txt", &[("Range", "bytes=-7")]).await;
    assert_eq!(tail.status_body(), (206, "world!\n"));
    assert_eq!(tail.header("content-range"), Some("bytes 14-20/21"));

    let impossible = get_with(&server, "/hello.txt", &[("Range", "bytes=100-")]).await;
    assert_eq!(impossible.status_body(), (416, ""));
    assert_eq!(impossible.header("content-range"), Some("bytes */21"));

    let several = get_with(&server, "/hello.txt", &[("Range", "bytes=0-1,3-4")]).await;
    assert_eq!(several.status_body(), (200, "Hello, static world!\n"));

    // If-Range with another version: the whole file.
    let changed = get_with(
        &server,
        "/hello.txt",
        &[("Range", "bytes=0-4"), ("If-Range", "\"old\"")],
    )
    .await;
    assert_eq!(changed.status, 200);
    let etag = get(&server, "/hello.txt")
        .await
        .header("etag")
        .unwrap()
        .to_string();
    let same = get_with(
        &server,
        "/hello.txt",
        &[("Range", "bytes=7-12"), ("If-Range", &etag)],
    )
    .await;
    assert_eq!(same.status_body(), (206, "static"));
}

#[tokio::test]
async fn head_sends_the_headers_without_the_body() {
    let server = serve(StaticOptions::default()).await;
    let response = head(&server, "/hello.txt", &[]).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-length"), Some("21"));
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(response.header("etag").is_some());
    // The connection holds nothing more: a next request gets its own answer.
    assert_eq!(
        get(&server, "/hello.txt").await.status_body(),
        (200, "Hello, static world!\n")
    );
}

#[tokio::test]
async fn fallthrough_false_answers_misses_and_other_methods_itself() {
    let server = serve(
        StaticOptions::default()
            .prefix("/static")
            .fallthrough(false),
    )
    .await;
    assert_eq!(
        get(&server, "/static/nope.txt").await.status_body(),
        (404, cannot("GET", "/static/nope.txt").as_str())
    );
    let post = send(&server, "POST", "/static/form", &[], b"").await;
    assert_eq!(post.status_body(), (405, ""));
    assert_eq!(post.header("allow"), Some("GET, HEAD"));

    // With fallthrough, other methods reach the routes.
    let server = serve(StaticOptions::default().prefix("/static")).await;
    let post = send(&server, "POST", "/static/form", &[], b"").await;
    assert_eq!(post.status_body(), (201, "posted to a route"));
}

#[tokio::test]
async fn several_folders_are_tried_in_order() {
    let dir = TempDir::new("order");
    std::fs::write(dir.path().join("hello.txt"), "first folder\n").unwrap();
    std::fs::write(dir.path().join("only-here.txt"), "only here\n").unwrap();
    let first = dir.path().to_path_buf();
    let server = start_with::<AppModule>(|app| {
        app.use_static_assets(first, StaticOptions::default())
            .use_static_assets(PUBLIC, StaticOptions::default());
    })
    .await;
    assert_eq!(
        get(&server, "/hello.txt").await.status_body(),
        (200, "first folder\n")
    );
    assert_eq!(get(&server, "/css/app.css").await.status, 200);
    assert_eq!(get(&server, "/only-here.txt").await.status, 200);
}

#[tokio::test]
async fn large_files_are_streamed_and_ranged() {
    let dir = TempDir::new("large");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("big.bin"), &data).unwrap();
    let server = serve_dir(dir.path(), StaticOptions::default()).await;
    let response = get(&server, "/big.bin").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-length"), Some("300000"));
    assert!(response.body == data, "the streamed body differs");

    let part = get_with(&server, "/big.bin", &[("Range", "bytes=100000-199999")]).await;
    assert_eq!(part.status, 206);
    assert!(part.body == data[100_000..200_000], "the range differs");

    let response = head(&server, "/big.bin", &[]).await;
    assert_eq!(response.header("content-length"), Some("300000"));
}

#[tokio::test]
async fn a_missing_folder_stops_start_up() {
    let mut app = nestling::create::<AppModule>().await.unwrap();
    app.use_static_assets("no/such/public", StaticOptions::default());
    let error = app.start("127.0.0.1:0").await.unwrap_err();
    let problem = &error.problems()[0];
    assert!(
        problem
            .starts_with("app.use_static_assets(\"no/such/public\"): the folder cannot be opened"),
        "{problem}"
    );
}

// ---- never outside the folder --------------------------------------------------

/// Requests that try to leave `fixtures/public` for `fixtures/secret.txt`
/// or `tests/Cargo.toml`, and what a folder that does not fall through
/// answers to each.
const ESCAPES: &[(&str, u16)] = &[
    ("/../secret.txt", 403),
    ("/../../Cargo.toml", 403),
    ("/css/../../secret.txt", 403),
    ("/%2e%2e/secret.txt", 403),
    ("/%2E%2E/%2e%2e/Cargo.toml", 403),
    ("/.%2e/secret.txt", 403),
    ("/..%2fsecret.txt", 403),
    ("/..%2F..%2FCargo.toml", 403),
    ("/css%2f..%2f..%2fsecret.txt", 403),
    ("/%252e%252e/secret.txt", 404),
    ("/%252e%252e%252fsecret.txt", 404),
    ("/..%5csecret.txt", 403),
    ("/%5c..%5csecret.txt", 403),
    ("//etc/passwd", 404),
    ("/%2Fetc%2Fpasswd", 404),
    ("/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", 403),
    ("/hello.txt%00.png", 400),
    ("/%00", 400),
    ("/..%00/secret.txt", 400),
];

fn assert_not_leaked(path: &str, response: &RawResponse) {
    let body = String::from_utf8_lossy(&response.body);
    assert!(
        !body.contains("top secret") && !body.contains("[package]") && !body.contains("root:"),
        "{path} leaked: {body}"
    );
}

#[tokio::test]
async fn traversal_attempts_fall_through_to_a_404() {
    let server = serve(StaticOptions::default()).await;
    for (path, _) in ESCAPES {
        let response = get(&server, path).await;
        assert_not_leaked(path, &response);
        assert_eq!(response.status, 404, "{path}");
    }
}

#[tokio::test]
async fn traversal_attempts_are_refused_by_a_strict_folder() {
    let server = serve(StaticOptions::default().fallthrough(false)).await;
    for (path, status) in ESCAPES {
        let response = get(&server, path).await;
        assert_not_leaked(path, &response);
        assert_eq!(response.status, *status, "{path}");
    }
}

#[tokio::test]
async fn raw_backslashes_and_absolute_form_targets_do_not_escape() {
    let server = serve(StaticOptions::default().fallthrough(false)).await;
    for request in [
        "GET /\\..\\secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "GET /..\\..\\Cargo.toml HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "GET http://localhost/../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    ] {
        let response = common::raw(server.local_addr(), request.as_bytes()).await;
        assert_not_leaked(request, &response);
        assert!(
            response.status == 400 || response.status == 403,
            "{request:?}: {}",
            response.status
        );
    }
}

/// A fresh folder under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("nestling-static-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
#[tokio::test]
async fn symbolic_links_out_of_the_folder_are_refused() {
    use std::os::unix::fs::symlink;

    let dir = TempDir::new("symlinks");
    let public = dir.path().join("public");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "top secret\n").unwrap();
    std::fs::write(public.join("inside.txt"), "inside\n").unwrap();
    symlink(outside.join("secret.txt"), public.join("absolute.txt")).unwrap();
    symlink("../outside/secret.txt", public.join("relative.txt")).unwrap();
    symlink(&outside, public.join("folder")).unwrap();
    symlink("inside.txt", public.join("alias.txt")).unwrap();
    std::fs::create_dir_all(outside.join("site")).unwrap();
    std::fs::write(outside.join("site/index.html"), "top secret\n").unwrap();
    symlink(outside.join("site"), public.join("site")).unwrap();

    let server = serve_dir(&public, StaticOptions::default().fallthrough(false)).await;
    for path in [
        "/absolute.txt",
        "/relative.txt",
        "/folder/secret.txt",
        "/site/",
    ] {
        let response = get(&server, path).await;
        assert_not_leaked(path, &response);
        assert_eq!(response.status, 403, "{path}");
    }
    // A link that stays inside is served.
    assert_eq!(
        get(&server, "/alias.txt").await.status_body(),
        (200, "inside\n")
    );
    assert_eq!(file("hello.txt"), "Hello, static world!\n");
}
