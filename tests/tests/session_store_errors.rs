//! When the store fails, is slow, holds garbage or is not ready (spec §2
//! R2/R9, §5.2, §5.4, §11), over real sockets.

mod common;
mod session_support;

use std::time::{Duration, Instant};

use common::{Conn, build};
use nestling::Server;
use nestling::session::Unset;
use serde_json::json;
use session_support::*;

const NEST_500: (u16, &str) = (
    500,
    r#"{"statusCode":500,"message":"Internal server error"}"#,
);

async fn std_app() -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    (serve(std_options(&store)).await, store)
}

/// A browser whose session (`visits: 1`) is stored, the log emptied.
async fn returning(server: &Server, store: &RecordingStore) -> (Browser, String) {
    let mut browser = Browser::new(server);
    browser.get("/visits").await;
    let id = browser.id().unwrap();
    store.ops();
    (browser, id)
}

// --- loading ----------------------------------------------------------------------

#[tokio::test]
async fn a_failing_get_is_a_500_and_the_handler_never_runs() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    store.fail("get", Fault::Error);
    let (logs, _guard) = capture_logs();
    let response = browser.get("/counted?tag=failing-get").await;
    assert_eq!(response.status_body(), NEST_500);
    assert_eq!(calls("failing-get"), 0);
    // No session, so no cookie and nothing else asked of the store.
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops_short(), [format!("get {id}")]);
    let text = logs.text();
    assert!(
        text.contains("the session store failed to load a session: store get failed"),
        "{text}"
    );
    // The Req form fails the same way, from `req.session().await?`.
    let response = browser.get("/req-visits").await;
    assert_eq!(response.status_body(), NEST_500);
    // A request without a cookie never asks the store, so it still works.
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(response.status_body(), (200, "1"));
}

#[tokio::test]
async fn a_not_found_error_from_get_means_no_such_session() {
    // R9: express-session's ENOENT rule.
    let (server, store) = std_app().await;
    let (mut browser, old) = returning(&server, &store).await;
    store.fail("get", Fault::NotFound);
    let response = browser.get("/visits").await;
    assert_eq!(response.status_body(), (200, "1"));
    let new = browser.id().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        store.ops_short(),
        [format!("get {old}"), format!("set {new}")]
    );
}

#[tokio::test]
async fn a_corrupt_stored_document_is_a_500() {
    let (server, store) = std_app().await;
    let cookie = format!("connect.sid={}", cookie_value("bad", SECRET));
    for document in [
        r#"{"visits":1}"#,
        r#"{"cookie":null,"visits":1}"#,
        r#"{"cookie":"yes"}"#,
        r#"[1,2]"#,
        "not json",
        r#"{"cookie":{"originalMaxAge":null,"expires":null}"#,
    ] {
        store.put("bad", document).await;
        store.ops();
        let response = raw_get(
            server.local_addr(),
            "/counted?tag=corrupt",
            &[("Cookie", &cookie)],
        )
        .await;
        assert_eq!(response.status_body(), NEST_500, "{document}");
        assert_eq!(set_cookies(&response), Vec::<String>::new());
        assert_eq!(store.ops_short(), ["get bad"], "{document}");
    }
    assert_eq!(calls("corrupt"), 0);
}

#[tokio::test]
async fn unusual_but_valid_stored_cookies_load() {
    // Documents other apps may write: an empty cookie object, missing or
    // unparseable dates. express-session loads them (I1-I4).
    let (server, store) = std_app().await;
    let cookie = format!("connect.sid={}", cookie_value("odd", SECRET));
    for document in [
        r#"{"cookie":{},"visits":1}"#,
        r#"{"cookie":{"path":"/"},"visits":1}"#,
        r#"{"cookie":{"originalMaxAge":60000,"expires":null,"httpOnly":true,"path":"/"},"visits":1}"#,
    ] {
        store.put("odd", document).await;
        store.ops();
        let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
        assert_eq!(response.status_body(), (200, "1"), "{document}");
        assert_eq!(store.op_names(), ["get", "touch"], "{document}");
    }
}

#[tokio::test]
async fn a_store_that_is_not_ready_means_no_session_and_no_store_calls() {
    // R2: while the store is disconnected, requests run without a session.
    let (server, store) = std_app().await;
    let (mut browser, _id) = returning(&server, &store).await;
    store.set_ready(false);
    let response = browser.get("/optional").await;
    assert_eq!(response.status_body(), (200, "none"));
    let response = browser.get("/visits").await;
    assert_eq!(response.status_body(), NEST_500);
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops(), []);
    store.set_ready(true);
    assert_eq!(browser.get("/visits").await.text(), "2");
}

// --- failures at the end of the request ----------------------------------------------------

// express-session completes the response when `set`, `touch` or `destroy`
// fail at the end of the request and passes the error on afterwards
// (§5.2, §11; its own tests err_set_error_after_response and friends), and
// the session-contract app checks that. nestling does the same since
// bfe7cca: the failure is logged, the handler's response is sent as it is
// (with the session cookie when one was due), even though here nothing of
// the response has left yet when the store answers.

#[tokio::test]
async fn a_failing_set_at_the_end_is_logged_and_the_response_is_unchanged() {
    let (server, store) = std_app().await;
    store.fail("set", Fault::Error);
    let (logs, _guard) = capture_logs();
    let mut browser = Browser::new(&server);
    let response = browser.get("/visits").await;
    assert_eq!(response.status_body(), (200, "1"));
    // The cookie is sent, as express-session sends it with the headers.
    let id = browser.id().expect("the cookie was due");
    assert_eq!(store.ops_short(), [format!("set {id}")]);
    assert_eq!(store.len().await, 0);
    let text = logs.text();
    assert!(
        text.contains("the session store failed at the end of the request"),
        "{text}"
    );
    assert!(text.contains("store set failed"), "{text}");
    // The session was not stored: the next request starts again.
    store.fail("set", Fault::NotFound);
    assert_eq!(browser.get("/visits").await.text(), "1");
}

#[tokio::test]
async fn a_failing_touch_at_the_end_is_logged_and_the_response_is_unchanged() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    store.fail("touch", Fault::Error);
    let (logs, _guard) = capture_logs();
    let response = browser.get("/read").await;
    assert_eq!(response.status_body(), (200, "1"));
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
    assert!(
        logs.text().contains("store touch failed"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn a_failing_destroy_at_the_end_is_logged_and_the_response_is_unchanged() {
    let store = RecordingStore::new();
    let server = serve(std_options(&store).unset(Unset::Destroy)).await;
    let (mut browser, id) = returning(&server, &store).await;
    store.fail("destroy", Fault::Error);
    let (logs, _guard) = capture_logs();
    let response = browser.get("/unset").await;
    assert_eq!(response.status_body(), (200, "unset"));
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("destroy {id}")]
    );
    assert!(
        logs.text().contains("store destroy failed"),
        "{}",
        logs.text()
    );
    assert_eq!(store.len().await, 1);
}

// --- failures inside the handler -------------------------------------------------------

#[tokio::test]
async fn a_failing_explicit_save_is_reported_to_the_handler_and_still_counts_as_saved() {
    // A4: the saved hash is recorded before the store answers, so the end
    // of the request does not save again.
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    store.fail("set", Fault::Error);
    let response = browser.get("/save").await;
    assert_eq!(
        response.status_body(),
        (200, r#"{"visits":2,"err":"store set failed"}"#)
    );
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("set {id}"),
            format!("touch {id}")
        ]
    );
}

#[tokio::test]
async fn a_failing_destroy_in_the_handler_is_reported_and_the_session_is_gone_anyway() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    store.fail("destroy", Fault::Error);
    let response = browser.get("/destroy").await;
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    assert_eq!(body["err"], json!("store destroy failed"));
    assert_eq!(body["cookie"], json!(false));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("destroy {id}")]
    );
}

#[tokio::test]
async fn regenerate_makes_the_new_session_even_when_destroying_the_old_fails() {
    // A7.
    let (server, store) = std_app().await;
    let (mut browser, old) = returning(&server, &store).await;
    store.fail("destroy", Fault::Error);
    let response = browser.get("/regenerate?then=visits").await;
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    let new = browser.id().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        body,
        json!({"old": old, "new": new, "err": "store destroy failed", "visits": 1})
    );
    assert_eq!(
        store.ops_short(),
        [
            format!("get {old}"),
            format!("destroy {old}"),
            format!("set {new}")
        ]
    );
    // The old session is still stored (its destroy failed).
    assert_eq!(store.len().await, 2);
}

#[tokio::test]
async fn a_failing_reload_is_reported_to_the_handler() {
    let (server, store) = std_app().await;
    let (browser, id) = returning(&server, &store).await;
    // Let the first get through, fail the reload's.
    let response = {
        let gate = Gate::named("errors-reload");
        let cookie = browser.cookie.clone().unwrap();
        let addr = server.local_addr();
        let request = tokio::spawn(async move {
            raw_get(addr, "/reload?gate=errors-reload", &[("Cookie", &cookie)]).await
        });
        gate.arrived().await;
        store.fail("get", Fault::Error);
        gate.open();
        request.await.unwrap()
    };
    assert_eq!(response.status_body(), NEST_500);
    // The handler answered 500 itself; the session, unchanged, is touched.
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("get {id}"),
            format!("touch {id}")
        ]
    );
}

// --- the response waits for the store (§5.4) --------------------------------------------

#[tokio::test]
async fn a_slow_set_delays_the_response_and_the_write_is_visible_right_after() {
    let (server, store) = std_app().await;
    store.delay("set", Duration::from_millis(200));
    let started = Instant::now();
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    let elapsed = started.elapsed();
    assert_eq!(response.status_body(), (200, "1"));
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    let set = session_cookie(&response, "connect.sid").unwrap();
    let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(1));
}

/// Sends `GET path` on a raw connection and checks that not one byte of the
/// response arrives while the store operation waits at `gate`.
async fn nothing_before_the_store_answers(
    server: &Server,
    path: &str,
    cookie: Option<&str>,
    gate: &str,
) {
    let mut conn = Conn::open(server.local_addr()).await;
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("Cookie", c)).into_iter().collect();
    conn.write(&build("GET", path, &headers, b"")).await;
    let gate = Gate::named(gate);
    gate.arrived().await;
    // Waiting on the store: no status line, no headers, no close.
    assert!(!conn.closed_within(Duration::from_millis(100)).await);
    gate.open();
    let response = conn.response().await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn no_byte_of_the_response_leaves_before_the_store_write() {
    let (server, store) = std_app().await;
    store.gate("set", "errors-order-set");
    nothing_before_the_store_answers(&server, "/visits", None, "errors-order-set").await;
    let ids = store.ids().await;
    assert_eq!(ids.len(), 1);
}

#[tokio::test]
async fn no_byte_of_the_response_leaves_before_the_store_touch_or_destroy() {
    let (server, store) = std_app().await;
    let (browser, _id) = returning(&server, &store).await;
    let cookie = browser.cookie.clone().unwrap();
    store.gate("touch", "errors-order-touch");
    nothing_before_the_store_answers(&server, "/read", Some(&cookie), "errors-order-touch").await;
    let store2 = RecordingStore::new();
    let server2 = serve(std_options(&store2).unset(Unset::Destroy)).await;
    let (browser2, id2) = returning(&server2, &store2).await;
    let cookie2 = browser2.cookie.clone().unwrap();
    store2.gate("destroy", "errors-order-destroy");
    nothing_before_the_store_answers(&server2, "/unset", Some(&cookie2), "errors-order-destroy")
        .await;
    assert_eq!(store2.document(&id2).await, None);
}

#[tokio::test]
async fn a_client_that_goes_away_does_not_cancel_the_store_write() {
    // express-session always finishes the store call it started at the end
    // of a request, whatever happened to the socket. Here the connection is
    // dropped while `set` waits: the write must still land, or the
    // handler's changes are lost (and a store doing several commands per
    // write could be left half-written).
    let (server, store) = std_app().await;
    let (browser, id) = returning(&server, &store).await;
    let cookie = browser.cookie.clone().unwrap();
    store.gate("set", "errors-gone-set");
    let mut conn = Conn::open(server.local_addr()).await;
    conn.write(&build("GET", "/visits", &[("Cookie", &cookie)], b""))
        .await;
    let gate = Gate::named("errors-gone-set");
    gate.arrived().await;
    drop(conn);
    // Give the server time to notice the closed connection (if it took
    // longer, the test would pass without proving anything, never fail).
    tokio::time::sleep(Duration::from_millis(200)).await;
    gate.open();
    let deadline = Instant::now() + common::PATIENCE;
    loop {
        let visits = store.value(&id).await.unwrap()["visits"].clone();
        if visits == json!(2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the write was cancelled: {visits}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
