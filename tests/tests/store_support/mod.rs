//! What the production-store tests share: unique names so runs never
//! collide, documents in express-session's format, and the HTTP flows run
//! against every store (the session app of `session_support`).

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use nestling::Server;
use nestling::session::{CookieOptions, SessionOptions, SessionStore, StoredSession, generate_id};
use serde_json::Value;

use crate::session_support::{Browser, SECRET, iso, now_ms, raw_get};

/// `tag` with a random suffix: a key prefix or schema name of its own.
pub fn unique(tag: &str) -> String {
    let id = generate_id().expect("the OS random source");
    // Letters and digits only, lower case: valid in Redis keys and as an
    // unquoted PostgreSQL identifier alike.
    let suffix: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("{tag}_{suffix}")
}

/// A document as express-session writes it, with `expires` at `expires_ms`
/// (`None`: a browser-session cookie) and `members` after the cookie.
pub fn document(expires_ms: Option<i64>, members: &str) -> StoredSession {
    let cookie = match expires_ms {
        Some(ms) => format!(
            r#"{{"originalMaxAge":{},"expires":"{}","httpOnly":true,"path":"/"}}"#,
            ms - now_ms(),
            iso(ms)
        ),
        None => r#"{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}"#.to_owned(),
    };
    StoredSession::from_json(format!(r#"{{"cookie":{cookie}{members}}}"#))
}

/// A document expiring in `secs` seconds.
pub fn expiring_in(secs: i64, members: &str) -> StoredSession {
    document(Some(now_ms() + secs * 1000), members)
}

/// The `std` options (resave and save_uninitialized off) with a one-minute
/// cookie, on `store`.
pub fn minute_options(store: impl SessionStore) -> SessionOptions {
    SessionOptions::new()
        .secret(SECRET)
        .resave(false)
        .save_uninitialized(false)
        .cookie(CookieOptions::default().max_age(Duration::from_secs(60)))
        .store(store)
}

/// A session with `visits: 1`, and a browser holding its cookie.
pub async fn new_session(server: &Server) -> (Browser, String) {
    let mut browser = Browser::new(server);
    assert_eq!(browser.get("/visits").await.status_body(), (200, "1"));
    let id = browser.id().expect("a session cookie");
    (browser, id)
}

/// `n` simultaneous requests on one session, request `i` setting key `k<i>`
/// to `v<i>`; every one must succeed. Returns the session id.
pub async fn parallel_keys(server: &Server, n: usize) -> String {
    let (browser, id) = new_session(server).await;
    let cookie = browser.cookie.clone().expect("a cookie");
    let addr = server.local_addr();
    let requests: Vec<_> = (0..n)
        .map(|i| {
            let cookie = cookie.clone();
            tokio::spawn(async move {
                let path = format!("/set?key=k{i}&value=v{i}");
                raw_get(addr, &path, &[("Cookie", &cookie)]).await
            })
        })
        .collect();
    for request in requests {
        let response = request.await.expect("the request task");
        assert_eq!(response.status_body(), (200, "ok"));
    }
    id
}

/// Checks that the document has `visits: 1` and every `k<i>: v<i>` for
/// `i < n`, and nothing else.
pub fn assert_all_keys(document: &str, n: usize) {
    let value: Value = serde_json::from_str(document).expect("a JSON document");
    let object = value.as_object().expect("an object");
    assert_eq!(object["visits"], 1, "{document}");
    let missing: Vec<usize> = (0..n)
        .filter(|i| object.get(&format!("k{i}")) != Some(&Value::from(format!("v{i}"))))
        .collect();
    assert!(missing.is_empty(), "lost keys {missing:?} in {document}");
    // cookie + visits + the n keys
    assert_eq!(object.len(), n + 2, "{document}");
}
