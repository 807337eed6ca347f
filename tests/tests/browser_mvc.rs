//! examples/mvc in a real browser: headless Chromium driven through
//! chromedriver (Debian's `chromium` and `chromium-driver`, installed by
//! `.ci/run`). Signs up, logs out, logs in, adds a note, sees the flash
//! messages, and checks that a form posted from another site is refused.
//! A screenshot of each page is saved under the test's output folder,
//! printed at the start (`target/tmp/browser-mvc/`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        // A free port: bind, note it, release it for chromedriver.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{CHROMEDRIVER} does not start ({e}); .ci/run installs chromium and chromium-driver")
            });
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        // Ready when it accepts connections (bounded, so a broken driver
        // fails the test instead of hanging it).
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("chromedriver never listened on port {port}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with the flags the CI machine needs and a fresh profile.
async fn browser(driver: &Driver, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--window-size=1024,768",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session through chromedriver")
}

/// Serves one page, from another site than the app (`localhost` rather than
/// `127.0.0.1`), whose form posts a note to the app: a cross-site request
/// forgery, as an attacker's page would make it.
async fn evil_site(app: SocketAddr) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let page = format!(
        r#"<!DOCTYPE html><html><body><h1>You won a prize!</h1>
<form id="forged" method="post" action="http://{app}/notes">
<input type="hidden" name="title" value="pwned"><input type="hidden" name="body" value="by evil">
<button id="claim">Claim it</button></form></body></html>"#
    );
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let page = page.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    addr
}

struct Screens {
    dir: PathBuf,
    count: usize,
}

impl Screens {
    async fn take(&mut self, browser: &Client, name: &str) {
        self.count += 1;
        let png = browser.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = self.dir.join(format!("{:02}-{name}.png", self.count));
        std::fs::write(&path, png).expect("the screenshot is written");
    }
}

async fn fill(browser: &Client, css: &str, text: &str) {
    let field = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for the page at `path` whose text contains `text`.
async fn wait_for(browser: &Client, path: &str, text: &str) -> String {
    for _ in 0..200 {
        let url = browser.current_url().await.unwrap();
        let source = browser.source().await.unwrap();
        if url.path() == path && source.contains(text) {
            return source;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let source = browser.source().await.unwrap();
    panic!(
        "never reached {path} showing {text:?}; at {}:\n{source}",
        browser.current_url().await.unwrap()
    );
}

#[tokio::test]
async fn sign_up_log_in_add_a_note_and_refuse_a_forged_post_in_chromium() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-mvc");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("profile")).unwrap();
    println!("screenshots: {}", dir.display());
    let mut screens = Screens {
        dir: dir.clone(),
        count: 0,
    };

    let mut app = nestling::create::<mvc::AppModule>().await.unwrap();
    mvc::configure(&mut app).await.unwrap();
    let server = app.start("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", server.local_addr());
    let evil = evil_site(server.local_addr()).await;

    let driver = Driver::start().await;
    let browser = browser(&driver, &dir.join("profile")).await;

    // Sign up.
    browser.goto(&format!("{base}/signup")).await.unwrap();
    wait_for(&browser, "/signup", "<h1>Sign up</h1>").await;
    screens.take(&browser, "signup").await;
    fill(&browser, "#email", "ada@example.com").await;
    fill(&browser, "#password", "correct horse").await;
    click(&browser, "#submit").await;
    let page = wait_for(&browser, "/notes", "Welcome, ada@example.com!").await;
    assert!(page.contains("No notes yet."));
    screens.take(&browser, "welcome").await;
    // The layout's stylesheet came from public/.
    let color: String = browser
        .execute(
            "return getComputedStyle(document.querySelector('header')).backgroundColor",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(color, "rgb(45, 74, 62)");

    // Log out, then log in.
    click(&browser, "#logout").await;
    wait_for(&browser, "/login", "<h1>Log in</h1>").await;
    screens.take(&browser, "logged-out").await;
    fill(&browser, "#email", "ada@example.com").await;
    fill(&browser, "#password", "wrong horse").await;
    click(&browser, "#submit").await;
    wait_for(&browser, "/login", "wrong email or password").await;
    screens.take(&browser, "wrong-password").await;
    fill(&browser, "#password", "correct horse").await;
    click(&browser, "#submit").await;
    wait_for(&browser, "/notes", "You are logged in.").await;
    screens.take(&browser, "logged-in").await;

    // Add a note: the flash says so, once.
    fill(&browser, "#title", "Groceries").await;
    fill(&browser, "#body", "milk, eggs").await;
    click(&browser, "#add").await;
    let page = wait_for(&browser, "/notes", "Note added.").await;
    assert!(page.contains("<h2>Groceries</h2>"), "{page}");
    screens.take(&browser, "note-added").await;
    browser.refresh().await.unwrap();
    let page = wait_for(&browser, "/notes", "<h2>Groceries</h2>").await;
    assert!(
        !page.contains("Note added."),
        "a flash message is shown once"
    );

    // Another site's form posts to the app with the user's browser.
    browser
        .goto(&format!("http://localhost:{}/", evil.port()))
        .await
        .unwrap();
    wait_for(&browser, "/", "You won a prize!").await;
    screens.take(&browser, "evil-site").await;
    click(&browser, "#claim").await;
    let page = wait_for(&browser, "/notes", "csrf token").await;
    assert!(page.contains(r#""statusCode":403"#), "{page}");
    screens.take(&browser, "forged-post-refused").await;
    browser.goto(&format!("{base}/notes")).await.unwrap();
    let page = wait_for(&browser, "/notes", "<h2>Groceries</h2>").await;
    assert!(!page.contains("pwned"), "the forged note was not created");
    screens.take(&browser, "notes-unchanged").await;

    browser.close().await.unwrap();
    drop(driver);
    server.shutdown().await;
    let saved = std::fs::read_dir(&dir).unwrap().filter(|e| {
        e.as_ref()
            .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
    });
    assert_eq!(saved.count(), 9);
}
