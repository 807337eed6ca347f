//! The memory store merges overlapping saves under its lock: the same
//! no-lost-updates test as the Redis and PostgreSQL stores, over HTTP.

mod common;
mod session_support;
mod store_support;

use nestling::session::{MemoryStore, SessionStore};
use store_support::*;

#[tokio::test]
async fn parallel_requests_on_one_session_keep_all_200_keys() {
    let store = MemoryStore::new();
    let server = session_support::serve(minute_options(store.clone())).await;
    let id = parallel_keys(&server, 200).await;
    let stored = store.get(&id).await.unwrap().unwrap();
    assert_all_keys(stored.json(), 200);
}

#[tokio::test]
async fn overlapping_writes_of_the_same_key_keep_one_of_them() {
    // The limit of the guarantee: one key written by several requests
    // keeps one request's value (whichever saved last), never a mix.
    let store = MemoryStore::new();
    let server = session_support::serve(minute_options(store.clone())).await;
    let (browser, id) = new_session(&server).await;
    let cookie = browser.cookie.clone().unwrap();
    let addr = server.local_addr();
    let requests: Vec<_> = (0..50)
        .map(|i| {
            let cookie = cookie.clone();
            tokio::spawn(async move {
                let path = format!("/set?key=same&value=v{i}");
                session_support::raw_get(addr, &path, &[("Cookie", &cookie)]).await
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().status_body(), (200, "ok"));
    }
    let stored = store.get(&id).await.unwrap().unwrap();
    let value: serde_json::Value = serde_json::from_str(stored.json()).unwrap();
    let same = value["same"].as_str().unwrap();
    let n: u32 = same.strip_prefix('v').unwrap().parse().unwrap();
    assert!(n < 50, "{same}");
    assert_eq!(value["visits"], 1);
}
