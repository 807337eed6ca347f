//! Live interoperability with @fastify/secure-session 8: a real Fastify app
//! (`tests/interop/fastify-secure-session/server.js`, its packages installed
//! with `npm ci` when missing) and a nestling app, configured with the same
//! key, pass one cookie back and forth. Each reads what the other wrote, in
//! both directions; with a rotated key each re-encrypts the other's old
//! cookie under the new key; with a secret and salt both derive the same
//! key.

mod common;
mod secure_session_support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use nestling::session::SecureSessionOptions;
use secure_session_support::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long Fastify may take to start (the key derivation in secret mode
/// takes about a second).
const START_PATIENCE: Duration = Duration::from_secs(60);

/// The folder of the Fastify app.
fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop/fastify-secure-session")
}

/// Installs the Fastify app's packages once, from its lock file, when
/// they are missing (a fresh checkout; `.ci/run` does the same).
fn ensure_installed() {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = app_dir();
    if dir.join("node_modules/@fastify/secure-session").exists() {
        return;
    }
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .expect("npm must be installed to run the Fastify interop test (Node 20 or later)");
    assert!(status.success(), "`npm ci` failed in {}", dir.display());
}

/// A running Fastify app; killed (by its process id) when dropped.
struct Fastify {
    _child: Child,
    addr: SocketAddr,
}

impl Fastify {
    /// Starts the app with `KEYS` (base64, first encrypts).
    async fn with_keys(keys: &[[u8; 32]]) -> Fastify {
        let keys: Vec<String> = keys.iter().map(|k| STANDARD.encode(k)).collect();
        Fastify::start(&[("KEYS", keys.join(","))]).await
    }

    async fn start(env: &[(&str, String)]) -> Fastify {
        ensure_installed();
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(app_dir())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node must be installed to run the Fastify interop test");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(START_PATIENCE, lines.next_line())
            .await
            .expect("the Fastify app did not start in time")
            .unwrap()
            .expect("the Fastify app exited before listening");
        let port: u16 = line
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected output from the Fastify app: {line}"));
        Fastify {
            _child: child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    /// `GET path` with `Cookie: session=<value>` when given.
    async fn get(&self, path: &str, value: Option<&str>) -> common::RawResponse {
        let cookie = value.map(|v| format!("session={v}"));
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
        common::raw(self.addr, &common::build("GET", path, &headers, b"")).await
    }
}

#[tokio::test]
async fn fastify_and_nestling_read_each_others_cookies() {
    let fastify = Fastify::with_keys(&[KEY]).await;
    let nestling = serve(keyed()).await;

    // Fastify writes, nestling reads: a structured value, byte for byte.
    let response = fastify
        .get(
            r#"/set/user?json={"name":"ann","roles":["admin"],"n":1.5,"s":"ab%2B/%3F%C3%A9"}"#,
            None,
        )
        .await;
    assert_eq!(response.status_body(), (200, "ok"));
    let from_fastify = cookie_value(&response);
    let read = get_with_cookie(&nestling, "/get/user", Some(&from_fastify)).await;
    assert_eq!(
        read.status_body(),
        (
            200,
            r#"{"name":"ann","roles":["admin"],"n":1.5,"s":"ab+/?é"}"#
        )
    );
    assert_eq!(set_cookie(&read), None, "reading sends nothing");

    // nestling writes, Fastify reads.
    let written = get_with_cookie(&nestling, "/set/pet/tom", Some(&from_fastify)).await;
    let from_nestling = cookie_value(&written);
    let read = fastify.get("/get/pet", Some(&from_nestling)).await;
    assert_eq!(read.status_body(), (200, r#""tom""#));
    let read = fastify.get("/get/user", Some(&from_nestling)).await;
    assert_eq!(read.status, 200);
    assert!(
        read.text().starts_with(r#"{"name":"ann""#),
        "{}",
        read.text()
    );

    // The seed's counter, passed back and forth: 1 to 6.
    let mut value: Option<String> = None;
    for n in 1..=6 {
        let response = if n % 2 == 1 {
            get_with_cookie(&nestling, "/visits", value.as_deref()).await
        } else {
            fastify.get("/visits", value.as_deref()).await
        };
        assert_eq!(response.status_body(), (200, n.to_string().as_str()));
        value = Some(cookie_value(&response));
    }

    // A Fastify cookie tampered with is a fresh session in nestling too.
    let mut tampered = from_fastify.clone();
    let other = if tampered.as_bytes()[5] == b'A' {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(5..6, other);
    let read = get_with_cookie(&nestling, "/get/user", Some(&tampered)).await;
    assert_eq!(read.status_body(), (200, "undefined"));
}

#[tokio::test]
async fn rotated_keys_work_across_both_apps() {
    // Before the rotation: both on the old key.
    let old_fastify = Fastify::with_keys(&[OLD_KEY]).await;
    let old_cookie = cookie_value(&old_fastify.get(r#"/set/user?json="ann""#, None).await);

    // nestling rotated first: it reads the old cookie and re-encrypts it
    // under the new key on a read-only request.
    let nestling = serve(SecureSessionOptions::new().keys([KEY, OLD_KEY])).await;
    let read = get_with_cookie(&nestling, "/get/user", Some(&old_cookie)).await;
    assert_eq!(read.status_body(), (200, r#""ann""#));
    let rotated = cookie_value(&read);
    assert!(open(&KEY, &rotated).is_some());

    // Fastify still on the old key alone cannot read it; rotated, it can.
    let read = old_fastify.get("/get/user", Some(&rotated)).await;
    assert_eq!(read.status_body(), (200, "undefined"));
    let new_fastify = Fastify::with_keys(&[KEY, OLD_KEY]).await;
    let read = new_fastify.get("/get/user", Some(&rotated)).await;
    assert_eq!(read.status_body(), (200, r#""ann""#));
    assert_eq!(set_cookie(&read), None);

    // The other way: Fastify rotated re-encrypts an old cookie, and a
    // nestling app that dropped the old key reads the result.
    let read = new_fastify.get("/get/user", Some(&old_cookie)).await;
    assert_eq!(read.status_body(), (200, r#""ann""#));
    let by_fastify = cookie_value(&read);
    let new_only = serve(keyed()).await;
    let read = get_with_cookie(&new_only, "/get/user", Some(&by_fastify)).await;
    assert_eq!(read.status_body(), (200, r#""ann""#));
    let read = get_with_cookie(&new_only, "/get/user", Some(&old_cookie)).await;
    assert_eq!(read.status_body(), (200, "undefined"));
}

#[tokio::test]
async fn a_secret_and_salt_derive_the_same_key_in_both() {
    let secret = "averylogphrasebiggerthanthirtytwochars";
    let salt = "mq9hDxBVDbspDR6n";
    let fastify = Fastify::start(&[("SECRET", secret.to_owned()), ("SALT", salt.to_owned())]).await;
    let nestling = serve(SecureSessionOptions::new().secret(secret).salt(salt)).await;
    let from_fastify = cookie_value(&fastify.get("/visits", None).await);
    let response = get_with_cookie(&nestling, "/visits", Some(&from_fastify)).await;
    assert_eq!(response.status_body(), (200, "2"));
    let response = fastify.get("/visits", Some(&cookie_value(&response))).await;
    assert_eq!(response.status_body(), (200, "3"));
}
