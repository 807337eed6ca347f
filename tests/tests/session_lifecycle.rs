//! A session's life over real sockets: generated, loaded, saved, touched,
//! destroyed, regenerated, reloaded, saved in the handler, unset — the
//! rows of express-session's decision matrix (spec §5.3) one by one, each
//! asserting the `Set-Cookie` bytes (or their absence) and the exact store
//! calls, seen through a recording store.

mod common;
mod session_support;

use std::time::Duration;

use nestling::Server;
use nestling::session::{CookieOptions, SessionOptions, Unset};
use serde_json::json;
use session_support::*;

/// The `std` configuration: resave and save_uninitialized off.
async fn std_app() -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    (serve(std_options(&store)).await, store)
}

async fn app_with(
    options: impl FnOnce(SessionOptions) -> SessionOptions,
) -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    (serve(options(std_options(&store))).await, store)
}

/// The `Set-Cookie` express-session sends for `id` with default cookie
/// options: a browser-session cookie.
fn default_cookie(id: &str) -> String {
    format!("connect.sid={}; Path=/; HttpOnly", cookie_value(id, SECRET))
}

/// A browser with a session stored under `visits: 1`, the store's log
/// emptied.
async fn returning(server: &Server, store: &RecordingStore) -> (Browser, String) {
    let mut browser = Browser::new(server);
    let response = browser.get("/visits").await;
    assert_eq!(response.status_body(), (200, "1"));
    let id = browser
        .id()
        .expect("the first visit sets the session cookie");
    store.ops();
    (browser, id)
}

// --- generation -------------------------------------------------------------

#[tokio::test]
async fn a_first_visit_generates_a_session_without_looking_it_up() {
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(response.status_body(), (200, "1"));
    let set =
        session_cookie(&response, "connect.sid").expect("a new, modified session sends its cookie");
    let id = id_of(pair(&set).split_once('=').unwrap().1).expect("signed with the secret");
    // R8: no cookie, no `get`; E4: the new, modified session is stored.
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("set {id}")]
    );
    // §8: the document, `cookie` first, then the data in insertion order.
    assert_eq!(
        ops[0].json(),
        Some(
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":1}"#
        )
    );
    // W1-W3: exact bytes, attributes in express-session's order, no Max-Age.
    assert_eq!(set, default_cookie(&id));
    assert_eq!(set_cookies(&response).len(), 1);
}

#[tokio::test]
async fn every_new_session_gets_its_own_32_character_id() {
    let (server, _store) = std_app().await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let response = raw_get(server.local_addr(), "/visits", &[]).await;
        let set = session_cookie(&response, "connect.sid").unwrap();
        let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
        assert_eq!(id.len(), 32, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{id} is base64url"
        );
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
}

// --- §5.3, row by row ----------------------------------------------------------

#[tokio::test]
async fn new_unmodified_without_save_uninitialized_is_neither_stored_nor_sent() {
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/read", &[]).await;
    assert_eq!(response.status_body(), (200, "none"));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops(), []);
    assert_eq!(store.len().await, 0);
}

#[tokio::test]
async fn new_unmodified_with_save_uninitialized_is_stored_and_sent() {
    let (server, store) = app_with(|o| o.save_uninitialized(true)).await;
    let response = raw_get(server.local_addr(), "/read", &[]).await;
    assert_eq!(response.status_body(), (200, "none"));
    let set = session_cookie(&response, "connect.sid").unwrap();
    let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
    assert_eq!(set, default_cookie(&id));
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("set {id}")]
    );
    assert_eq!(
        ops[0].json(),
        Some(r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}"#)
    );
}

#[tokio::test]
async fn new_modified_is_stored_and_sent_whatever_save_uninitialized_says() {
    for save_uninitialized in [false, true] {
        let (server, store) = app_with(|o| o.save_uninitialized(save_uninitialized)).await;
        let mut browser = Browser::new(&server);
        let response = browser.get("/visits").await;
        assert_eq!(response.status_body(), (200, "1"));
        let id = browser.id().unwrap();
        assert_eq!(store.ops_short(), [format!("set {id}")]);
        assert_eq!(
            store.value(&id).await.unwrap()["visits"],
            json!(1),
            "save_uninitialized {save_uninitialized}"
        );
    }
}

#[tokio::test]
async fn new_explicitly_saved_unmodified_is_stored_once_and_not_sent() {
    // "new, explicitly save()d, unmodified, saveUninitialized:false".
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/save?mod=0", &[]).await;
    assert_eq!(
        response.status_body(),
        (200, r#"{"visits":null,"err":null}"#)
    );
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    let ops = store.ops();
    assert_eq!(ops.iter().map(Op::name).collect::<Vec<_>>(), ["set"]);
    // The session exists in the store, but the client never learns its id.
    assert_eq!(store.ids().await, [ops[0].sid().to_owned()]);
}

#[tokio::test]
async fn new_saved_then_sent_once_without_a_second_write() {
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    let response = browser.get("/save").await;
    assert_eq!(response.status_body(), (200, r#"{"visits":1,"err":null}"#));
    let id = browser
        .id()
        .expect("a modified new session sends its cookie");
    // E4: saved by the handler as it is now, so not saved again; E5: new
    // sessions are never touched.
    assert_eq!(store.ops_short(), [format!("set {id}")]);
}

#[tokio::test]
async fn loaded_unmodified_without_resave_is_touched_and_not_sent() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/read").await;
    assert_eq!(response.status_body(), (200, "1"));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("get {id}"), format!("touch {id}")]
    );
    // The touch carries the whole session; only its cookie matters (M5).
    assert_eq!(
        ops[1].json(),
        Some(
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":1}"#
        )
    );
}

#[tokio::test]
async fn loaded_unmodified_with_rolling_is_touched_and_sent_again() {
    let (server, store) = app_with(|o| o.rolling(true)).await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/read").await;
    assert_eq!(response.status_body(), (200, "1"));
    // The same cookie, byte for byte (the incoming signature is reused).
    assert_eq!(
        session_cookie(&response, "connect.sid"),
        Some(default_cookie(&id))
    );
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
}

#[tokio::test]
async fn rolling_never_sends_a_new_unmodified_session_without_save_uninitialized() {
    let (server, store) = app_with(|o| o.rolling(true)).await;
    let response = raw_get(server.local_addr(), "/read", &[]).await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn loaded_unmodified_with_resave_is_saved_and_not_sent() {
    let (server, store) = app_with(|o| o.resave(true)).await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/read").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("set {id}")]
    );
    // ... and with rolling, sent too.
    let (server, store) = app_with(|o| o.resave(true).rolling(true)).await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/read").await;
    assert_eq!(
        session_cookie(&response, "connect.sid"),
        Some(default_cookie(&id))
    );
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("set {id}")]
    );
}

#[tokio::test]
async fn loaded_modified_browser_session_cookie_is_saved_but_never_sent_again() {
    // C4: without an expiry there is nothing to refresh.
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    for n in 2..5 {
        let response = browser.get("/visits").await;
        assert_eq!(response.status_body(), (200, n.to_string().as_str()));
        assert_eq!(set_cookies(&response), Vec::<String>::new());
        assert_eq!(
            store.ops_short(),
            [format!("get {id}"), format!("set {id}")]
        );
    }
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(4));
}

#[tokio::test]
async fn loaded_modified_with_max_age_is_saved_and_sent_with_a_fresh_expiry() {
    let (server, store) =
        app_with(|o| o.cookie(CookieOptions::default().max_age(Duration::from_secs(60)))).await;
    let (mut browser, id) = returning(&server, &store).await;
    let before = now_ms();
    let response = browser.get("/visits").await;
    let after = now_ms();
    let set = session_cookie(&response, "connect.sid").expect("C4: modified with an expiry");
    let expires = expires_of(&set).unwrap();
    // Expires = now + 60 s, written to the second (W4).
    assert!(
        (before + 60_000) / 1000 * 1000 <= expires && expires <= after + 60_000,
        "{set}"
    );
    assert_eq!(
        set,
        format!(
            "connect.sid={}; Path=/; Expires={}; HttpOnly",
            cookie_value(&id, SECRET),
            imf(expires)
        )
    );
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("get {id}"), format!("set {id}")]
    );
    // The stored expiry is the one sent, to the millisecond (C6).
    let document = ops[1].json().unwrap();
    assert_eq!(
        shape(document),
        r#"{"cookie":{"originalMaxAge":60000,"expires":"<date>","httpOnly":true,"path":"/"},"visits":2}"#
    );
    let stored: serde_json::Value = serde_json::from_str(document).unwrap();
    let stored_expires = parse_iso(stored["cookie"]["expires"].as_str().unwrap());
    assert_eq!(stored_expires / 1000 * 1000, expires);
    // Unmodified: touched, not sent.
    let response = browser.get("/read").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
}

#[tokio::test]
async fn saved_in_the_handler_and_unchanged_afterwards_is_set_then_touched() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/save").await;
    assert_eq!(response.status_body(), (200, r#"{"visits":2,"err":null}"#));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
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
async fn saved_then_modified_again_is_set_twice() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/save?after=1").await;
    assert_eq!(response.status_body(), (200, r#"{"visits":3,"err":null}"#));
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [
            format!("get {id}"),
            format!("set {id}"),
            format!("set {id}")
        ]
    );
    assert!(ops[1].json().unwrap().ends_with(r#""visits":2}"#));
    assert!(ops[2].json().unwrap().ends_with(r#""visits":3}"#));
}

#[tokio::test]
async fn regenerated_destroys_the_old_id_and_stores_and_sends_the_new_one() {
    let (server, store) = std_app().await;
    let (mut browser, old) = returning(&server, &store).await;
    let old_cookie = browser.cookie.clone();
    let response = browser.get("/regenerate").await;
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    let new = browser.id().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        body,
        json!({"old": old, "new": new, "err": null, "visits": null})
    );
    // Sent and stored even though the new session is empty (A7).
    assert_eq!(
        session_cookie(&response, "connect.sid"),
        Some(default_cookie(&new))
    );
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [
            format!("get {old}"),
            format!("destroy {old}"),
            format!("set {new}")
        ]
    );
    assert_eq!(
        ops[2].json(),
        Some(r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}"#)
    );
    assert_eq!(store.ids().await, vec![new.clone()]);
    // The old cookie no longer finds a session: a fresh one, not the new.
    browser.cookie = old_cookie;
    let response = browser.get("/visits").await;
    assert_eq!(response.status_body(), (200, "1"));
    assert_ne!(browser.id().unwrap(), new);
}

#[tokio::test]
async fn regenerated_then_saved_in_the_handler_is_stored_twice() {
    // The README login pattern: regenerate, set the user, save (A7).
    let (server, store) = std_app().await;
    let (mut browser, old) = returning(&server, &store).await;
    let response = browser.get("/regenerate?then=save").await;
    let new = browser.id().unwrap();
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    assert_eq!(body["visits"], json!(1));
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [
            format!("get {old}"),
            format!("destroy {old}"),
            format!("set {new}"),
            format!("set {new}")
        ]
    );
    assert_eq!(ops[2].json(), ops[3].json());
}

#[tokio::test]
async fn regenerating_a_new_session_destroys_its_fresh_id() {
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    let response = browser.get("/regenerate?then=visits").await;
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    let new = browser.id().unwrap();
    assert_eq!(body["new"], json!(new));
    let old = body["old"].as_str().unwrap().to_owned();
    assert_eq!(
        store.ops_short(),
        [format!("destroy {old}"), format!("set {new}")]
    );
}

#[tokio::test]
async fn destroyed_is_deleted_and_no_cookie_is_sent() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/destroy").await;
    // After destroy: nothing to read, writing fails with a message, no cookie.
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    assert_eq!(body["err"], json!(null));
    assert_eq!(body["visits"], json!(null));
    assert_eq!(body["cookie"], json!(false));
    assert!(
        body["insert"].as_str().unwrap().contains("destroyed"),
        "{body}"
    );
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("destroy {id}")]
    );
    assert_eq!(store.len().await, 0);
    // The cookie the browser still holds gives a fresh session.
    let response = browser.get("/id").await;
    let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    assert_eq!(body["new"], json!(true));
    assert_ne!(body["id"], json!(id));
}

#[tokio::test]
async fn destroyed_with_unset_destroy_is_destroyed_twice() {
    // E1 after A6: express-session destroys again at the end.
    let (server, store) = app_with(|o| o.unset(Unset::Destroy)).await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/destroy").await;
    assert_eq!(response.status, 200);
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("destroy {id}"),
            format!("destroy {id}")
        ]
    );
}

#[tokio::test]
async fn destroying_a_new_session_destroys_its_fresh_id() {
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/destroy?before=1", &[]).await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    let ops = store.ops();
    assert_eq!(ops.iter().map(Op::name).collect::<Vec<_>>(), ["destroy"]);
    assert_eq!(ops[0].sid().len(), 32);
}

#[tokio::test]
async fn unset_with_keep_discards_the_changes_and_leaves_the_store_alone() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/unset?before=1").await;
    assert_eq!(response.status_body(), (200, "unset"));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops_short(), [format!("get {id}")]);
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(1));
    // Still there for the next request.
    assert_eq!(browser.get("/read").await.status_body(), (200, "1"));
}

#[tokio::test]
async fn unset_with_destroy_deletes_the_stored_session() {
    let (server, store) = app_with(|o| o.unset(Unset::Destroy)).await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/unset?before=1").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("destroy {id}")]
    );
    assert_eq!(store.len().await, 0);
}

#[tokio::test]
async fn unset_with_destroy_on_a_new_session_destroys_its_fresh_id() {
    let (server, store) = app_with(|o| o.unset(Unset::Destroy)).await;
    let response = raw_get(server.local_addr(), "/unset", &[]).await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.op_names(), ["destroy"]);
}

#[tokio::test]
async fn omitted_resave_and_save_uninitialized_behave_as_true() {
    let store = RecordingStore::new();
    let server = serve(SessionOptions::new().secret(SECRET).store(store.clone())).await;
    // new, unmodified: stored and sent (save_uninitialized true).
    let mut browser = Browser::new(&server);
    let response = browser.get("/read").await;
    let id = browser.id().expect("sent");
    assert_eq!(
        session_cookie(&response, "connect.sid"),
        Some(default_cookie(&id))
    );
    assert_eq!(store.ops_short(), [format!("set {id}")]);
    // loaded, unmodified: saved, not touched (resave true).
    let response = browser.get("/read").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("set {id}")]
    );
}

// --- loading ------------------------------------------------------------------

#[tokio::test]
async fn a_returning_cookie_loads_the_stored_session() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/id").await;
    assert_eq!(response.text(), format!(r#"{{"id":"{id}","new":false}}"#));
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
}

#[tokio::test]
async fn a_session_stored_by_another_app_loads_with_its_key_order() {
    // A document as Express writes it, data before `cookie`: the order is
    // kept when it is written back (§8).
    let (server, store) = std_app().await;
    store
        .put(
            "abc",
            r#"{"user":"ann","cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":41}"#,
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status_body(), (200, "42"));
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        ["get abc", "set abc"]
    );
    assert_eq!(
        ops[1].json(),
        Some(
            r#"{"user":"ann","cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":42}"#
        )
    );
}

#[tokio::test]
async fn the_stored_cookie_wins_over_the_options() {
    // I9: a loaded session keeps its stored attributes and lifetime.
    let (server, store) = app_with(|o| {
        o.rolling(true)
            .cookie(CookieOptions::default().max_age(Duration::from_secs(60)))
    })
    .await;
    let expires = iso(now_ms() + 3_600_000);
    store
        .put(
            "abc",
            &format!(
                r#"{{"cookie":{{"originalMaxAge":7200000,"expires":"{expires}","secure":false,"httpOnly":false,"domain":"example.test","path":"/","sameSite":"strict"}},"visits":1}}"#
            ),
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let before = now_ms();
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
    let after = now_ms();
    let set = session_cookie(&response, "connect.sid").expect("rolling");
    let sent = expires_of(&set).unwrap();
    assert!((before + 7_200_000) / 1000 * 1000 <= sent && sent <= after + 7_200_000);
    assert_eq!(
        set,
        format!(
            "connect.sid={}; Domain=example.test; Path=/; Expires={}; SameSite=Strict",
            cookie_value("abc", SECRET),
            imf(sent)
        )
    );
}

#[tokio::test]
async fn a_touch_refreshes_the_stored_expiry_and_keeps_the_data() {
    // M5 through the session layer: an unmodified request moves the stored
    // expiry to now + originalMaxAge.
    let (server, store) =
        app_with(|o| o.cookie(CookieOptions::default().max_age(Duration::from_secs(60)))).await;
    let soon = iso(now_ms() + 10_000);
    store
        .put(
            "abc",
            &format!(
                r#"{{"cookie":{{"originalMaxAge":60000,"expires":"{soon}","httpOnly":true,"path":"/"}},"visits":7}}"#
            ),
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let before = now_ms();
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
    let after = now_ms();
    assert_eq!(response.status_body(), (200, "7"));
    assert_eq!(store.op_names(), ["get", "touch"]);
    let stored = store.value("abc").await.unwrap();
    let expires = parse_iso(stored["cookie"]["expires"].as_str().unwrap());
    assert!(
        before + 60_000 <= expires && expires <= after + 60_000,
        "{stored}"
    );
    assert_eq!(stored["visits"], json!(7));
    assert_eq!(stored["cookie"]["originalMaxAge"], json!(60000));
}

#[tokio::test]
async fn an_expired_stored_session_gives_a_fresh_one() {
    // X3/M2: the memory store reports an expired session as missing.
    let (server, store) =
        app_with(|o| o.cookie(CookieOptions::default().max_age(Duration::from_secs(60)))).await;
    let past = iso(now_ms() - 1000);
    store
        .put(
            "abc",
            &format!(
                r#"{{"cookie":{{"originalMaxAge":60000,"expires":"{past}","httpOnly":true,"path":"/"}},"visits":7}}"#
            ),
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status_body(), (200, "1"));
    let set = session_cookie(&response, "connect.sid").unwrap();
    let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
    assert_ne!(id, "abc");
    assert_eq!(
        store.ops_short(),
        ["get abc".to_owned(), format!("set {id}")]
    );
    assert_eq!(store.ids().await, [id]);
}

#[tokio::test]
async fn an_expired_unmodified_session_gives_nothing_without_save_uninitialized() {
    let (server, store) = std_app().await;
    let past = iso(now_ms() - 1000);
    store
        .put(
            "abc",
            &format!(
                r#"{{"cookie":{{"originalMaxAge":1,"expires":"{past}","httpOnly":true,"path":"/"}}}}"#
            ),
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status_body(), (200, "none"));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops_short(), ["get abc"]);
}

#[tokio::test]
async fn reserved_keys_in_a_stored_document_are_dropped_and_the_session_saved() {
    // I5/I6: keys express-session cannot load make a read-only request save.
    let (server, store) = std_app().await;
    store
        .put(
            "abc",
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":3,"save":true,"id":"x"}"#,
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status_body(), (200, "3"));
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        ["get abc", "set abc"]
    );
    assert_eq!(
        ops[1].json(),
        Some(
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":3}"#
        )
    );
}

// --- modification detection (§7.1) -----------------------------------------------

#[tokio::test]
async fn assigning_an_equal_value_is_not_a_change() {
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    browser.get("/set?key=name&value=ann").await;
    let id = browser.id().unwrap();
    store.ops();
    browser.get("/set?key=name&value=ann").await;
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
    // The string "1" and the number 1 differ.
    browser.get("/set?key=n&value=1").await;
    store.ops();
    browser.get("/set?key=n&value=1&json").await;
    assert_eq!(store.op_names(), ["get", "set"]);
}

#[tokio::test]
async fn removing_an_absent_key_is_not_a_change_but_moving_a_key_is() {
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    browser.get("/set?key=a&value=1").await;
    browser.get("/set?key=b&value=2").await;
    let id = browser.id().unwrap();
    store.ops();
    let response = browser.get("/del?key=absent").await;
    assert_eq!(response.text(), r#"{"removed":null}"#);
    assert_eq!(store.op_names(), ["get", "touch"]);
    // Deleting `a` and adding it again moves it last: a change (key order).
    browser.get("/del?key=a").await;
    browser.get("/set?key=a&value=1").await;
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::name).collect::<Vec<_>>(),
        ["get", "set", "get", "set"]
    );
    assert!(
        ops[3].json().unwrap().ends_with(r#""b":"2","a":"1"}"#),
        "{:?}",
        ops[3]
    );
    assert_eq!(store.ids().await, [id]);
}

#[tokio::test]
async fn changing_only_the_cookie_is_not_a_modification() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser
        .get("/cookieset?http_only=false&same_site=strict")
        .await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    // Touched: the changed cookie is what the store's touch receives.
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("get {id}"), format!("touch {id}")]
    );
    assert_eq!(
        ops[1].json(),
        Some(
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":false,"path":"/","sameSite":"strict"},"visits":1}"#
        )
    );
}

#[tokio::test]
async fn clearing_the_data_is_a_modification() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    browser.get("/clear").await;
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("get {id}"), format!("set {id}")]
    );
    assert_eq!(
        ops[1].json(),
        Some(r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}"#)
    );
}

// --- the Session API in handlers --------------------------------------------------

#[tokio::test]
async fn an_explicit_touch_changes_nothing_observable() {
    let (server, store) =
        app_with(|o| o.cookie(CookieOptions::default().max_age(Duration::from_secs(60)))).await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/touch").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
}

#[tokio::test]
async fn reload_discards_unsaved_changes() {
    let (server, store) = std_app().await;
    let (mut browser, id) = returning(&server, &store).await;
    let response = browser.get("/reload?before=1").await;
    assert_eq!(response.status_body(), (200, r#"{"visits":1}"#));
    // Reloaded as it was loaded: not modified, so touched.
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("get {id}"),
            format!("touch {id}")
        ]
    );
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(1));
}

#[tokio::test]
async fn reload_picks_up_a_concurrent_change_and_saves_it_again() {
    // A5: what was reloaded is compared with what the request first loaded.
    let (server, store) = std_app().await;
    let (browser, id) = returning(&server, &store).await;
    let cookie = browser.cookie.clone().unwrap();
    let gate = Gate::named("lifecycle-reload");
    let addr = server.local_addr();
    let request = tokio::spawn(async move {
        raw_get(
            addr,
            "/reload?gate=lifecycle-reload",
            &[("Cookie", &cookie)],
        )
        .await
    });
    gate.arrived().await;
    store
        .put(
            &id,
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":50}"#,
        )
        .await;
    gate.open();
    let response = request.await.unwrap();
    assert_eq!(response.status_body(), (200, r#"{"visits":50}"#));
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("get {id}"),
            format!("set {id}")
        ]
    );
}

#[tokio::test]
async fn reload_of_a_vanished_session_is_an_error() {
    let (server, store) = std_app().await;
    // A new session was never stored: reload finds nothing.
    let response = raw_get(server.local_addr(), "/reload", &[]).await;
    assert_eq!(
        response.status_body(),
        (
            500,
            r#"{"statusCode":500,"message":"Internal server error"}"#
        )
    );
    assert_eq!(store.op_names(), ["get"]);
}

#[tokio::test]
async fn a_failing_handler_still_saves_and_sends_the_cookie() {
    // §5.4: "A handler error (500) still saves and sends the cookie."
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    let response = browser.get("/fail").await;
    assert_eq!(
        response.status_body(),
        (
            500,
            r#"{"statusCode":500,"message":"Internal server error"}"#
        )
    );
    let id = browser.id().expect("the cookie is sent with the 500");
    assert_eq!(store.ops_short(), [format!("set {id}")]);
    assert_eq!(browser.get("/read").await.text(), "1");
}

#[tokio::test]
async fn a_panicking_handler_neither_saves_nor_sends_the_cookie() {
    // Differs from Express, where a thrown error reaches `next(err)` and
    // the session is still saved: a panic is a bug, its request's session
    // changes are dropped with it (nestling answers 500 and logs the panic).
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/panic", &[]).await;
    assert_eq!(
        response.status_body(),
        (
            500,
            r#"{"statusCode":500,"message":"Internal server error"}"#
        )
    );
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn the_session_cookie_comes_after_the_handlers_own() {
    // W7: appended to the Set-Cookie headers already on the response.
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/othercookie", &[]).await;
    let cookies = set_cookies(&response);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    assert_eq!(cookies[0], "other=1; Path=/");
    let id = id_of(pair(&cookies[1]).split_once('=').unwrap().1).unwrap();
    assert_eq!(cookies[1], default_cookie(&id));
    assert_eq!(store.ops_short(), [format!("set {id}")]);
}

#[tokio::test]
async fn a_body_in_several_chunks_is_delivered_whole_after_the_save() {
    let (server, store) = std_app().await;
    let response = raw_get(server.local_addr(), "/multiwrite", &[]).await;
    assert_eq!(response.status_body(), (200, "hello, world"));
    let set = session_cookie(&response, "connect.sid").unwrap();
    let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
    assert_eq!(store.ops_short(), [format!("set {id}")]);
}

#[tokio::test]
async fn typed_values_round_trip_and_a_type_mismatch_is_reported() {
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    let response = browser.get("/typed").await;
    assert_eq!(response.text(), r#"{"before":null,"mismatch":true}"#);
    let response = browser.get("/typed").await;
    assert_eq!(response.text(), r#"{"before":"ann","mismatch":true}"#);
    let id = browser.id().unwrap();
    assert_eq!(
        store.value(&id).await.unwrap()["user"],
        json!({"name": "ann", "admin": true})
    );
}

#[tokio::test]
async fn reserved_keys_cannot_be_written() {
    let (server, store) = std_app().await;
    for key in [
        "cookie",
        "id",
        "save",
        "regenerate",
        "__proto__",
        "toString",
    ] {
        let response = raw_get(server.local_addr(), &format!("/reserved?key={key}"), &[]).await;
        let body: serde_json::Value = serde_json::from_str(response.text()).unwrap();
        let err = body["err"]
            .as_str()
            .unwrap_or_else(|| panic!("{key} was accepted"));
        assert!(err.contains(&format!("`{key}`")), "{err}");
    }
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn a_head_request_commits_like_a_get() {
    let (server, store) = std_app().await;
    let mut conn = common::Conn::open(server.local_addr()).await;
    conn.write(&common::build("HEAD", "/visits", &[], b""))
        .await;
    let response = conn.head_response().await;
    assert_eq!(response.status, 200);
    let set = session_cookie(&response, "connect.sid").expect("HEAD runs the GET handler");
    let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
    assert_eq!(store.ops_short(), [format!("set {id}")]);
}

#[tokio::test]
async fn a_session_past_its_max_age_is_gone() {
    // The memory store drops it once its expiry passed (M2, and its purge
    // task); 50 ms is well past a 1 ms lifetime.
    let (server, store) = std_app().await;
    let mut browser = Browser::new(&server);
    browser.get("/maxage?ms=1&mod").await;
    let id = browser.id().expect("modified with an expiry: sent");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(store.document(&id).await, None);
    store.ops();
    let response = browser.get("/read").await;
    assert_eq!(response.text(), "none");
    assert_eq!(store.ops_short(), [format!("get {id}")]);
}
