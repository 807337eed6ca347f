//! A generated app, built and run for real: `nestling new` with
//! `--nestling-path` at this workspace, `cargo test` inside it, the server
//! started and asked for `/` over a socket; then `nestling g resource posts`,
//! built and tested again, and its routes asked.
//!
//! The app's cargo runs inside this test's cargo, so it gets its own target
//! folder beneath the workspace's (as trybuild's `target/tests/trybuild`):
//! no wait on the outer build's lock, and the second and later runs only
//! rebuild the app. The workspace's Cargo.lock is copied in, so the app
//! builds the dependency versions the workspace is tested with.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{Scratch, nestling_ok, workspace};

#[test]
fn a_new_app_builds_tests_and_serves_then_grows_a_resource() {
    let scratch = Scratch::new("e2e");
    let workspace = workspace();
    nestling_ok(
        scratch.path(),
        &[
            "new",
            "shop",
            "--skip-git",
            "--nestling-path",
            workspace.to_str().unwrap(),
        ],
    );
    let app = scratch.path().join("shop");
    std::fs::copy(workspace.join("Cargo.lock"), app.join("Cargo.lock")).expect("Cargo.lock copied");

    // `cargo test` builds the library, the binary and the tests, and runs them.
    let output = cargo_test(&app);
    assert!(
        output.contains("test the_home_page_greets_and_counts_visits ... ok"),
        "{output}"
    );

    let server = Server::start(&app);
    let first = server.get("/", None);
    assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
    assert!(
        first.contains("content-type: text/html; charset=utf-8"),
        "{first}"
    );
    assert!(first.contains("<title>Shop</title>"), "{first}");
    assert!(first.contains("<strong>1</strong> time."), "{first}");
    let cookie = session_cookie(&first);
    let second = server.get("/", Some(&cookie));
    assert!(second.contains("<strong>2</strong> times."), "{second}");
    let css = server.get("/static/css/app.css", None);
    assert!(
        css.starts_with("HTTP/1.1 200 OK\r\n") && css.contains("--accent"),
        "{css}"
    );
    drop(server);

    nestling_ok(&app, &["g", "resource", "posts"]);
    let output = cargo_test(&app);
    assert!(
        output.contains("test creates_lists_shows_updates_and_deletes ... ok"),
        "{output}"
    );

    let server = Server::start(&app);
    let empty = server.get("/posts", None);
    assert!(
        empty.starts_with("HTTP/1.1 200 OK\r\n") && empty.contains("No posts yet."),
        "{empty}"
    );
    let created = server.request(
        "POST",
        "/posts",
        "application/x-www-form-urlencoded",
        "name=Hello+world",
    );
    assert!(
        created.starts_with("HTTP/1.1 303 See Other\r\n"),
        "{created}"
    );
    assert!(created.contains("location: /posts/1\r\n"), "{created}");
    let page = server.get("/posts/1", None);
    assert!(page.contains("<h1>Hello world</h1>"), "{page}");
    let updated = server.request(
        "PATCH",
        "/posts/1",
        "application/json",
        r#"{"name":"Renamed"}"#,
    );
    assert!(
        updated.ends_with(r#"{"id":1,"name":"Renamed"}"#),
        "{updated}"
    );
    let deleted = server.request("DELETE", "/posts/1", "application/json", "");
    assert!(deleted.starts_with("HTTP/1.1 200 OK\r\n"), "{deleted}");
    let gone = server.get("/posts/1", None);
    assert!(gone.starts_with("HTTP/1.1 404 Not Found\r\n"), "{gone}");
    assert!(
        gone.ends_with(r#"{"message":"Post #1 not found","error":"Not Found","statusCode":404}"#),
        "{gone}"
    );
    // The home page is still there, and its nav links to the posts.
    let home = server.get("/", None);
    assert!(home.starts_with("HTTP/1.1 200 OK\r\n"), "{home}");
    assert!(home.contains(r#"<a href="/posts">Posts</a>"#), "{home}");
}

/// The app's own target folder, beneath the workspace's target folder.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp is in the target folder")
        .join("tests/nestling-cli")
}

/// `cargo test` in the app; panics with its output unless it passes.
fn cargo_test(app: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .arg("test")
        .current_dir(app)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "cargo test failed in the generated app:\n{text}"
    );
    text
}

/// The app's binary, serving on a port of the system's choosing.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(app: &Path) -> Server {
        let mut child = Command::new(target_dir().join("debug/shop"))
            .current_dir(app)
            .env("PORT", "0")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the app's binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the app logs its address before exiting")
                .expect("readable logs");
            if let Some(at) = line.find("listening on http://") {
                break line[at + "listening on http://".len()..].trim().to_owned();
            }
        };
        // Keep reading the logs, so the app never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, address }
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> String {
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        self.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\n{cookie}Connection: close\r\n\r\n"
        ))
    }

    fn request(&self, method: &str, path: &str, content_type: &str, body: &str) -> String {
        self.send(&format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    fn send(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(&self.address).expect("the app accepts");
        stream
            .write_all(request.as_bytes())
            .expect("the request is sent");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("a response");
        response
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `connect.sid=..` from the response's `Set-Cookie`.
fn session_cookie(response: &str) -> String {
    let line = response
        .lines()
        .find(|line| {
            line.to_ascii_lowercase()
                .starts_with("set-cookie: connect.sid=")
        })
        .unwrap_or_else(|| panic!("a session cookie in {response}"));
    let value = &line["set-cookie: ".len()..];
    value.split(';').next().unwrap_or_default().to_owned()
}
