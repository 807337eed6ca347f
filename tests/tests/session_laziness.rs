//! Sessions are loaded only by routes that use them: a `Session` (or
//! `Option<Session>`) parameter, or a call to `req.session()`. Everything
//! else never touches the store and never sends a cookie — unlike
//! express-session, whose middleware runs for every request under it.
//! Mostly through the in-process `TestClient`, since no socket is needed.

mod common;
mod session_support;

use nestling::session::SessionOptions;
use nestling::testing::TestClient;
use session_support::*;

/// An in-process client of [`SessionModule`] with `options`.
async fn client(options: SessionOptions) -> TestClient {
    let mut app = nestling::create::<SessionModule>().await.unwrap();
    app.use_session(options);
    TestClient::new(app).await.unwrap()
}

/// The most eager configuration: every request would save and send.
fn eager(store: &RecordingStore) -> SessionOptions {
    std_options(store)
        .resave(true)
        .save_uninitialized(true)
        .rolling(true)
}

#[tokio::test]
async fn a_route_without_a_session_never_touches_the_store_or_sends_a_cookie() {
    let store = RecordingStore::new();
    let client = client(eager(&store)).await;
    for path in ["/noop", "/req-only"] {
        let response = client.get(path).send().await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.set_cookies(), Vec::<&str>::new(), "{path}");
    }
    assert_eq!(store.ops(), []);
    // Not even with a valid cookie of a stored session.
    client.get("/visits").send().await;
    assert!(client.cookie("connect.sid").is_some());
    store.ops();
    let response = client.get("/noop").send().await;
    assert_eq!(response.text(), "noop");
    assert_eq!(response.set_cookies(), Vec::<&str>::new());
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn an_unknown_route_never_touches_the_store() {
    let store = RecordingStore::new();
    let client = client(eager(&store)).await;
    let response = client.get("/nowhere").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.set_cookies(), Vec::<&str>::new());
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn taking_a_session_loads_it_even_if_the_handler_ignores_it() {
    let store = RecordingStore::new();
    let client = client(eager(&store)).await;
    let response = client.get("/unused").send().await;
    assert_eq!(response.set_cookies().len(), 1);
    assert_eq!(store.op_names(), ["set"]);
    client.get("/unused").send().await;
    assert_eq!(store.op_names(), ["get", "set"]);
}

#[tokio::test]
async fn req_session_and_the_session_injector_are_the_same_session() {
    let store = RecordingStore::new();
    let client = client(std_options(&store)).await;
    let response = client.get("/both").send().await;
    assert_eq!(
        response.text(),
        r#"{"same_id":true,"a_via_req":1,"b_via_injector":2,"again":1}"#
    );
    let id = store.ops()[0].sid().to_owned();
    // Loaded once, saved once, for both forms.
    client.get("/both").send().await;
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
    // Both forms of the counter share one session.
    assert_eq!(client.get("/visits").send().await.text(), "1");
    assert_eq!(client.get("/req-visits").send().await.text(), "2");
    assert_eq!(client.get("/visits").send().await.text(), "3");
}

#[tokio::test]
async fn overlapping_loads_in_one_request_give_one_session() {
    let store = RecordingStore::new();
    // The store waits, so both loads are under way at once.
    store.delay("get", std::time::Duration::from_millis(30));
    let client = client(std_options(&store)).await;
    assert_eq!(client.get("/visits").send().await.text(), "1");
    let response = client.get("/twice").send().await;
    assert_eq!(response.text(), "same_id=true seen_by_second=Some(7)");
    assert_eq!(client.get("/visits").send().await.text(), "8");
}

#[tokio::test]
async fn option_session_is_the_session_when_sessions_are_on() {
    let store = RecordingStore::new();
    let client = client(std_options(&store)).await;
    assert_eq!(client.get("/optional").send().await.text(), "session true");
    // Loaded but new and unmodified: nothing stored (save_uninitialized off).
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn option_session_without_use_session_is_none() {
    let app = nestling::create::<SessionModule>().await.unwrap();
    let client = TestClient::new(app).await.unwrap();
    let response = client.get("/optional").send().await;
    assert_eq!(
        (response.status().as_u16(), response.text()),
        (200, "none".to_owned())
    );
    assert_eq!(response.set_cookies(), Vec::<&str>::new());
}

#[tokio::test]
async fn session_without_use_session_is_a_500_that_says_why_in_the_log() {
    let (logs, _guard) = capture_logs();
    let server = common::start::<SessionModule>().await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(
        response.status_body(),
        (
            500,
            r#"{"statusCode":500,"message":"Internal server error"}"#
        )
    );
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    let text = logs.text();
    assert!(
        text.contains(
            "takes `session: Session`, but this request has no session: sessions are not \
             enabled; call `app.use_session(SessionOptions::new().secret(..))`"
        ),
        "{text}"
    );
    // The `Req` form says so too.
    let response = raw_get(server.local_addr(), "/req-visits", &[]).await;
    assert_eq!(response.status, 500);
    assert!(
        logs.text()
            .contains("req.session() on /req-visits: sessions are not enabled"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn the_test_client_keeps_the_session_cookie_like_a_browser() {
    let store = RecordingStore::new();
    let client = client(std_options(&store)).await;
    for n in 1..=3 {
        assert_eq!(client.get("/visits").send().await.text(), n.to_string());
    }
    let id = id_of(&client.cookie("connect.sid").unwrap()).unwrap();
    assert_eq!(store.value(&id).await.unwrap()["visits"], 3);
    // A request without the jar's cookies starts over.
    let response = client.get("/visits").without_cookies().send().await;
    assert_eq!(response.text(), "1");
}
