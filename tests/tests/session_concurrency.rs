//! Overlapping requests on one session, ordered with gates (no sleeps).
//!
//! In express-session each request loads the session, works on its own
//! copy and writes the whole document back, so the last writer wins and a
//! change made in between is lost. nestling's memory store merges a save
//! with what it holds (issue 5): keys the request changed take its values,
//! every other key keeps the stored one. So overlapping requests that write
//! *different* keys keep both; the *same* key is still last writer wins,
//! as is a read-modify-write of one counter.

mod common;
mod session_support;

use nestling::Server;
use serde_json::json;
use session_support::*;
use tokio::task::JoinHandle;

async fn std_app() -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    (serve(std_options(&store)).await, store)
}

/// A stored session with `visits: 1`: its cookie and id.
async fn session(server: &Server, store: &RecordingStore) -> (String, String) {
    let mut browser = Browser::new(server);
    browser.get("/visits").await;
    store.ops();
    (browser.cookie.clone().unwrap(), browser.id().unwrap())
}

/// Starts `GET path` with `cookie` in the background.
fn start(server: &Server, path: &str, cookie: &str) -> JoinHandle<common::RawResponse> {
    let (addr, path, cookie) = (server.local_addr(), path.to_owned(), cookie.to_owned());
    tokio::spawn(async move { raw_get(addr, &path, &[("Cookie", &cookie)]).await })
}

#[tokio::test]
async fn two_overlapping_increments_lose_one_update() {
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let (a, b) = (Gate::named("conc-inc-a"), Gate::named("conc-inc-b"));
    // Both load visits = 1 ...
    let first = start(&server, "/slowinc?gate=conc-inc-a", &cookie);
    a.arrived().await;
    let second = start(&server, "/slowinc?gate=conc-inc-b", &cookie);
    b.arrived().await;
    // ... and both write 2.
    a.open();
    assert_eq!(first.await.unwrap().status_body(), (200, "2"));
    b.open();
    assert_eq!(second.await.unwrap().status_body(), (200, "2"));
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("get {id}"),
            format!("set {id}"),
            format!("set {id}")
        ]
    );
    // Three visits in all, two recorded: on one key the last writer wins.
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(2));
}

#[tokio::test]
async fn two_overlapping_writes_of_different_keys_keep_both() {
    // express-session would keep only `b`: the second request's document
    // never had `a`. The memory store merges per key.
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let (a, b) = (Gate::named("conc-keys-a"), Gate::named("conc-keys-b"));
    let first = start(&server, "/slowset?gate=conc-keys-a&key=a&value=1", &cookie);
    a.arrived().await;
    let second = start(&server, "/slowset?gate=conc-keys-b&key=b&value=2", &cookie);
    b.arrived().await;
    a.open();
    assert_eq!(first.await.unwrap().status, 200);
    b.open();
    assert_eq!(second.await.unwrap().status, 200);
    // Each request sent its own document; the store merged them.
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::name).collect::<Vec<_>>(),
        ["get", "get", "set", "set"]
    );
    assert!(!ops[3].json().unwrap().contains(r#""a""#), "{ops:?}");
    let stored = store.document(&id).await.unwrap();
    assert_eq!(
        stored,
        r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":1,"a":"1","b":"2"}"#
    );
}

#[tokio::test]
async fn parallel_requests_each_setting_its_own_key_keep_every_key() {
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let requests: Vec<_> = (0..50)
        .map(|n| start(&server, &format!("/set?key=k{n}&value={n}"), &cookie))
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().status_body(), (200, "ok"));
    }
    let stored = store.value(&id).await.unwrap();
    for n in 0..50 {
        assert_eq!(stored[format!("k{n}")], json!(n.to_string()), "{stored}");
    }
    assert_eq!(stored["visits"], json!(1));
}

#[tokio::test]
async fn a_key_removed_by_one_request_stays_removed_when_another_saves() {
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let gate = Gate::named("conc-remove");
    let writer = start(&server, "/slowset?gate=conc-remove&key=b&value=2", &cookie);
    gate.arrived().await;
    let response = raw_get(
        server.local_addr(),
        "/del?key=visits",
        &[("Cookie", &cookie)],
    )
    .await;
    assert_eq!(response.text(), r#"{"removed":1}"#);
    gate.open();
    assert_eq!(writer.await.unwrap().status, 200);
    // The writer's document still had `visits`, unchanged: the removal wins.
    let stored = store.value(&id).await.unwrap();
    assert_eq!(stored.get("visits"), None, "{stored}");
    assert_eq!(stored["b"], json!("2"));
}

#[tokio::test]
async fn a_touch_after_an_overlapping_save_keeps_the_saved_data() {
    // M5: the store's touch replaces only the cookie, so a read-only
    // request finishing last does not undo another request's write.
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let (a, b) = (Gate::named("conc-touch-a"), Gate::named("conc-touch-b"));
    let reader = start(&server, "/slow?gate=conc-touch-a", &cookie);
    a.arrived().await;
    let writer = start(&server, "/slowinc?gate=conc-touch-b", &cookie);
    b.arrived().await;
    b.open();
    assert_eq!(writer.await.unwrap().text(), "2");
    a.open();
    assert_eq!(reader.await.unwrap().text(), "1");
    assert_eq!(
        store.ops_short(),
        [
            format!("get {id}"),
            format!("get {id}"),
            format!("set {id}"),
            format!("touch {id}")
        ]
    );
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(2));
}

#[tokio::test]
async fn a_save_after_an_overlapping_destroy_brings_the_session_back() {
    // A logout racing another request: the other request's save recreates
    // the session under the old id (as with express-session's stores).
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let gate = Gate::named("conc-destroy");
    let writer = start(&server, "/slowinc?gate=conc-destroy", &cookie);
    gate.arrived().await;
    let logout = raw_get(server.local_addr(), "/destroy", &[("Cookie", &cookie)]).await;
    assert_eq!(logout.status, 200);
    assert_eq!(store.document(&id).await, None);
    gate.open();
    assert_eq!(writer.await.unwrap().text(), "2");
    assert_eq!(store.value(&id).await.unwrap()["visits"], json!(2));
}

#[tokio::test]
async fn many_simultaneous_requests_on_one_session_all_succeed() {
    let (server, store) = std_app().await;
    let (cookie, id) = session(&server, &store).await;
    let requests: Vec<_> = (0..20)
        .map(|_| start(&server, "/visits", &cookie))
        .collect();
    for request in requests {
        let response = request.await.unwrap();
        assert_eq!(response.status, 200);
        let n: u64 = response.text().parse().unwrap();
        assert!((2..=21).contains(&n), "{n}");
    }
    let visits = store.value(&id).await.unwrap()["visits"].as_u64().unwrap();
    // Some updates may be lost; none is invented.
    assert!((2..=21).contains(&visits), "{visits}");
    assert_eq!(store.len().await, 1);
}

#[tokio::test]
async fn simultaneous_sessions_do_not_interfere() {
    let (server, store) = std_app().await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let server_addr = server.local_addr();
            tokio::spawn(async move {
                let mut browser = Browser {
                    addr: server_addr,
                    name: "connect.sid".to_owned(),
                    cookie: None,
                };
                for n in 1..=3 {
                    assert_eq!(browser.get("/visits").await.text(), n.to_string());
                }
                browser.id().unwrap()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    for id in &ids {
        assert_eq!(store.value(id).await.unwrap()["visits"], json!(3));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10);
}
