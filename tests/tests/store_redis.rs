//! `RedisStore` against the real Redis on 127.0.0.1:6379 (and, for the
//! failure test, a private `redis-server` this test starts and stops):
//! connect-redis 9's keys, values and TTLs (spec §10.3 RD1-RD9), every
//! store operation, corrupt documents, a whole app on it, no lost updates
//! across keys, and an outage the app survives and recovers from.
//!
//! Each test uses a key prefix of its own (random suffix) and deletes its
//! keys at the end.

mod common;
mod session_support;
mod store_support;

use std::process::Stdio;
use std::time::Duration;

use nestling::session::{RedisStore, SessionStore, StoredSession};
use redis::aio::MultiplexedConnection;
use session_support::*;
use store_support::*;
use tokio::process::{Child, Command};

const URL: &str = "redis://127.0.0.1:6379";

const NEST_500: (u16, &str) = (
    500,
    r#"{"statusCode":500,"message":"Internal server error"}"#,
);

/// A store on the shared Redis with a prefix of its own.
async fn store(tag: &str) -> RedisStore {
    RedisStore::new(URL)
        .await
        .expect("Redis on 127.0.0.1:6379 (.ci/run starts it)")
        .prefix(format!("{}:", unique(tag)))
}

/// A plain connection, to look at what the store wrote.
async fn redis_at(url: &str) -> MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

async fn redis() -> MultiplexedConnection {
    redis_at(URL).await
}

async fn raw(connection: &mut MultiplexedConnection, key: &str) -> Option<String> {
    redis::cmd("GET")
        .arg(key)
        .query_async(connection)
        .await
        .unwrap()
}

async fn ttl(connection: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("TTL")
        .arg(key)
        .query_async(connection)
        .await
        .unwrap()
}

async fn put(connection: &mut MultiplexedConnection, key: &str, value: impl redis::ToRedisArgs) {
    redis::cmd("SET")
        .arg(key)
        .arg(value)
        .exec_async(connection)
        .await
        .unwrap();
}

#[tokio::test]
async fn get_set_destroy_keep_the_document_verbatim() {
    let store = store("rd-basic").await;
    let mut redis = redis().await;
    assert_eq!(store.get("a").await.unwrap(), None);
    let stored = expiring_in(60, r#","visits":1,"name":"é \"q\"""#);
    store.set("a", &stored).await.unwrap();
    // RD1, RD2: the key is prefix + id, the value the document as it is.
    let key = store.key("a");
    assert!(key.ends_with(":a") && key.starts_with("rd-basic_"), "{key}");
    assert_eq!(raw(&mut redis, &key).await.as_deref(), Some(stored.json()));
    // RD6
    assert_eq!(store.get("a").await.unwrap(), Some(stored.clone()));
    // set replaces
    let again = expiring_in(60, r#","visits":2"#);
    store.set("a", &again).await.unwrap();
    assert_eq!(store.get("a").await.unwrap(), Some(again));
    // RD7
    store.destroy("a").await.unwrap();
    store.destroy("a").await.unwrap(); // nothing to do
    assert_eq!(store.get("a").await.unwrap(), None);
    assert_eq!(raw(&mut redis, &key).await, None);
}

#[tokio::test]
async fn ttl_follows_the_cookie_or_the_ttl_option() {
    let store = store("rd-ttl").await;
    let mut redis = redis().await;
    let key = store.key("s");
    // RD3: ceil((expires - now) / 1000).
    store.set("s", &expiring_in(60, "")).await.unwrap();
    assert!((59..=60).contains(&ttl(&mut redis, &key).await));
    store
        .set("s", &document(Some(now_ms() + 1_500), ""))
        .await
        .unwrap();
    assert_eq!(ttl(&mut redis, &key).await, 2);
    // A browser-session cookie: the ttl option, one day by default.
    store.set("s", &document(None, "")).await.unwrap();
    assert!((86_399..=86_400).contains(&ttl(&mut redis, &key).await));
    let short = store.clone().ttl(Duration::from_millis(99_500));
    short.set("s", &document(None, "")).await.unwrap();
    assert_eq!(ttl(&mut redis, &key).await, 100);
    // RD4: disable_ttl stores without expiry ...
    let forever = store.clone().disable_ttl(true);
    forever.set("s", &expiring_in(60, "")).await.unwrap();
    assert_eq!(ttl(&mut redis, &key).await, -1);
    // ... but an expired cookie deletes the key instead of storing it,
    // with or without disable_ttl.
    forever
        .set("s", &document(Some(now_ms() - 5_000), ""))
        .await
        .unwrap();
    assert_eq!(raw(&mut redis, &key).await, None);
    store.set("s", &expiring_in(60, "")).await.unwrap();
    store.set("s", &document(Some(now_ms()), "")).await.unwrap();
    assert_eq!(ttl(&mut redis, &key).await, -2, "deleted");
}

#[tokio::test]
async fn touch_sets_only_the_ttl() {
    let store = store("rd-touch").await;
    let mut redis = redis().await;
    let key = store.key("t");
    let stored = expiring_in(10, r#","visits":7"#);
    store.set("t", &stored).await.unwrap();
    // RD5: EXPIRE with the TTL of the document given; the stored text
    // (and its `expires`) is the last saved one.
    store
        .touch("t", &expiring_in(1_000, r#","visits":1"#))
        .await
        .unwrap();
    assert!((999..=1_000).contains(&ttl(&mut redis, &key).await));
    assert_eq!(raw(&mut redis, &key).await.as_deref(), Some(stored.json()));
    // disable_touch and disable_ttl: nothing happens, successfully.
    for quiet in [
        store.clone().disable_touch(true),
        store.clone().disable_ttl(true),
    ] {
        quiet.touch("t", &expiring_in(50, "")).await.unwrap();
        assert!((999..=1_000).contains(&ttl(&mut redis, &key).await));
    }
    // A missing session is not created.
    store.touch("missing", &expiring_in(50, "")).await.unwrap();
    assert_eq!(raw(&mut redis, &store.key("missing")).await, None);
    store.clear().await.unwrap();
}

#[tokio::test]
async fn all_length_clear_walk_only_the_prefix() {
    let base = unique("rd-all");
    // A prefix with glob characters is matched literally: the other
    // store's keys would match `<base>*` unescaped.
    let globby = RedisStore::new(URL)
        .await
        .unwrap()
        .prefix(format!("{base}*?[x]:"))
        .scan_count(2);
    let other = RedisStore::new(URL)
        .await
        .unwrap()
        .prefix(format!("{base}-other:"));
    assert_eq!(globby.length().await.unwrap(), 0);
    let mut documents = Vec::new();
    for (i, id) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        let stored = expiring_in(60, &format!(r#","n":{i}"#));
        globby.set(id, &stored).await.unwrap();
        documents.push((id.to_string(), stored));
    }
    other.set("z", &expiring_in(60, "")).await.unwrap();
    assert_eq!(globby.length().await.unwrap(), 5);
    let mut all = globby.all().await.unwrap();
    all.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(all, documents);
    globby.clear().await.unwrap();
    assert_eq!(globby.length().await.unwrap(), 0);
    assert!(globby.all().await.unwrap().is_empty());
    assert_eq!(other.length().await.unwrap(), 1);
    other.clear().await.unwrap();
}

#[tokio::test]
async fn sessions_expire_with_their_cookie() {
    let store = store("rd-expiry").await;
    store
        .set("x", &document(Some(now_ms() + 1_000), ""))
        .await
        .unwrap();
    let mut redis = redis().await;
    assert_eq!(ttl(&mut redis, &store.key("x")).await, 1);
    // Redis expires the key by itself: wait for it, up to a deadline.
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    while store.get("x").await.unwrap().is_some() {
        assert!(tokio::time::Instant::now() < deadline, "never expired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn corrupt_documents_are_clear_errors_and_500s() {
    let store = store("rd-corrupt").await;
    let mut redis = redis().await;
    let server = serve(minute_options(store.clone())).await;
    let text_values = ["not json", r#"{"visits":1}"#, "[1]", r#"{"cookie":5}"#, ""];
    for (i, text) in text_values.iter().enumerate() {
        let id = format!("text{i}");
        put(&mut redis, &store.key(&id), *text).await;
        // The store hands the text over; the session layer refuses it.
        let got = store.get(&id).await.unwrap().unwrap();
        assert_eq!(got.json(), *text);
        let cookie = format!("connect.sid={}", cookie_value(&id, SECRET));
        let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &cookie)]).await;
        assert_eq!(response.status_body(), NEST_500, "{text}");
    }
    // Bytes that are not UTF-8: an error from the store itself.
    put(&mut redis, &store.key("bytes"), &[0xff_u8, 0xfe, 0x00][..]).await;
    let error = store.get("bytes").await.unwrap_err();
    assert!(
        error.to_string().contains("is not a session document"),
        "{error}"
    );
    // A key of another type: Redis' WRONGTYPE error, with its cause.
    redis::cmd("HSET")
        .arg(store.key("hash"))
        .arg("f")
        .arg("v")
        .exec_async(&mut redis)
        .await
        .unwrap();
    let error = store.get("hash").await.unwrap_err();
    assert!(error.to_string().contains("Redis GET failed"), "{error}");
    for id in ["bytes", "hash"] {
        let cookie = format!("connect.sid={}", cookie_value(id, SECRET));
        let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &cookie)]).await;
        assert_eq!(response.status_body(), NEST_500, "{id}");
    }
    // The app is fine.
    let response = raw_get(server.local_addr(), "/noop", &[]).await;
    assert_eq!(response.status_body(), (200, "noop"));
    store.clear().await.unwrap();
}

#[tokio::test]
async fn an_app_on_redis() {
    let store = store("rd-app").await;
    let mut redis = redis().await;
    let server = serve(minute_options(store.clone())).await;
    let (mut browser, id) = new_session(&server).await;
    assert_eq!(browser.get("/visits").await.status_body(), (200, "2"));
    let key = store.key(&id);
    // The document of spec §8, with a TTL of one minute.
    let text = raw(&mut redis, &key).await.unwrap();
    assert_eq!(
        shape(&text),
        shape(
            r#"{"cookie":{"originalMaxAge":60000,"expires":"2026-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"visits":2}"#
        )
    );
    assert!((59..=60).contains(&ttl(&mut redis, &key).await));
    // A request that changes nothing touches: EXPIRE, the text untouched.
    redis::cmd("EXPIRE")
        .arg(&key)
        .arg(5)
        .exec_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(browser.get("/read").await.status_body(), (200, "2"));
    assert!((59..=60).contains(&ttl(&mut redis, &key).await));
    assert_eq!(raw(&mut redis, &key).await.unwrap(), text);
    // regenerate: the old key goes, the new one is saved.
    let response = browser.get("/regenerate?then=visits").await;
    assert_eq!(response.status, 200);
    let new_id = browser.id().unwrap();
    assert_ne!(new_id, id);
    assert_eq!(raw(&mut redis, &key).await, None);
    let new_key = store.key(&new_id);
    let text = raw(&mut redis, &new_key).await.unwrap();
    assert!(text.ends_with(r#","visits":1}"#), "{text}");
    // destroy: the key goes.
    assert_eq!(browser.get("/destroy").await.status, 200);
    assert_eq!(raw(&mut redis, &new_key).await, None);
    assert_eq!(store.length().await.unwrap(), 0);
}

#[tokio::test]
async fn a_document_written_by_express_is_read_and_updated_in_place() {
    // connect-redis' bytes: the cookie last, a float, nested data. The app
    // counts a visit; everything else keeps its order and text.
    let store = store("rd-foreign").await;
    let mut redis = redis().await;
    let expires = iso(now_ms() + 60_000);
    let cookie = format!(
        r#"{{"originalMaxAge":60000,"expires":"{expires}","secure":false,"httpOnly":true,"path":"/","sameSite":"lax"}}"#
    );
    let text =
        format!(r#"{{"user":{{"name":"ann","roles":["a"]}},"score":1.5,"cookie":{cookie}}}"#);
    put(&mut redis, &store.key("fromexpress"), &text).await;
    let server = serve(minute_options(store.clone())).await;
    let jar = format!("connect.sid={}", cookie_value("fromexpress", SECRET));
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &jar)]).await;
    assert_eq!(response.status_body(), (200, "1"));
    let saved = raw(&mut redis, &store.key("fromexpress")).await.unwrap();
    let prefix = r#"{"user":{"name":"ann","roles":["a"]},"score":1.5,"cookie":{"originalMaxAge":60000,"expires":""#;
    assert!(saved.starts_with(prefix), "{saved}");
    assert!(
        saved.ends_with(
            r#"","secure":false,"httpOnly":true,"path":"/","sameSite":"lax"},"visits":1}"#
        ),
        "{saved}"
    );
    store.clear().await.unwrap();
}

#[tokio::test]
async fn parallel_requests_on_one_session_keep_all_200_keys() {
    let store = store("rd-merge").await;
    let server = serve(minute_options(store.clone())).await;
    let id = parallel_keys(&server, 200).await;
    let stored = store.get(&id).await.unwrap().unwrap();
    assert_all_keys(stored.json(), 200);
    // The merged document still has a TTL from its cookie.
    let mut redis = redis().await;
    assert!((59..=60).contains(&ttl(&mut redis, &store.key(&id)).await));
    store.clear().await.unwrap();
}

#[tokio::test]
async fn the_merge_script_agrees_with_session_changes_merge() {
    // Redis merges in Lua, on the stored text; SessionChanges::merge is
    // the reference. (loaded, stored meanwhile, saved) triples.
    let store = store("rd-script").await;
    let mut redis = redis().await;
    let cookie = r#"{"originalMaxAge":null,"expires":null}"#;
    let touched = format!(
        r#"{{"originalMaxAge":60000,"expires":"{}","httpOnly":true,"path":"/"}}"#,
        iso(now_ms() + 60_000)
    );
    let doc = |members: &str| format!(r#"{{"cookie":{cookie}{members}}}"#);
    let ours = |members: &str| format!(r#"{{"cookie":{touched}{members}}}"#);
    let cases: Vec<(String, String, String)> = vec![
        // different keys added, changed, removed
        (
            doc(r#","a":1"#),
            doc(r#","a":1,"b":2"#),
            ours(r#","a":1,"c":3"#),
        ),
        (
            doc(r#","a":1,"b":1"#),
            doc(r#","a":2,"b":1"#),
            ours(r#","a":1,"b":2"#),
        ),
        (
            doc(r#","a":1,"b":1"#),
            doc(r#","b":1"#),
            ours(r#","a":1,"b":2"#),
        ),
        (doc(r#","a":1"#), doc(r#","a":1,"b":2"#), ours("")),
        // the same key: last writer wins; untouched: theirs
        (doc(r#","n":1"#), doc(r#","n":5"#), ours(r#","n":2"#)),
        (doc(r#","n":1"#), doc(r#","n":5"#), ours(r#","n":1"#)),
        // strings with quotes, braces and commas; nested values
        (
            doc(r#","s":"a"#),
            doc(r#","s":"a","t":"x\",{}[],\\","o":{"k":[1,{"z":"}"}],"e":{}},"l":[]"#),
            ours(r#","s":"b\"}","m":{"q":[",",{}]}"#),
        ),
        // a document from elsewhere: spacing, the cookie last
        (
            doc(r#","a":1"#),
            format!("{{ \"a\" : 1 ,\n \"w\" : [ 1 , 2 ] , \"cookie\" : {cookie} }}"),
            ours(r#","a":2"#),
        ),
        // repeated names: first place, last value
        (
            doc(r#","a":1"#),
            doc(r#","a":1,"b":2,"a":3"#),
            ours(r#","a":1,"c":4"#),
        ),
        // nothing stored, the loaded document, not a session: ours as is
        (doc(r#","a":1"#), doc(r#","a":1"#), ours(r#","a":2"#)),
        (doc(r#","a":1"#), "{}".to_owned(), ours(r#","a":2"#)),
        (doc(r#","a":1"#), r#"{"a":1}"#.to_owned(), ours(r#","a":2"#)),
        (doc(r#","a":1"#), "[1,2]".to_owned(), ours(r#","a":2"#)),
        (doc(r#","a":1"#), "not json".to_owned(), ours(r#","a":2"#)),
        (
            doc(r#","a":1"#),
            r#"{"cookie":{},"a":1,}"#.to_owned(),
            ours(r#","a":2"#),
        ),
        (
            doc(r#","a":1"#),
            r#"{"cookie":{},"a":1} x"#.to_owned(),
            ours(r#","a":2"#),
        ),
    ];
    for (i, (loaded, current, saved)) in cases.iter().enumerate() {
        let id = format!("case{i}");
        put(&mut redis, &store.key(&id), current.as_str()).await;
        let changes = nestling::session::store::SessionChanges::new(StoredSession::from_json(
            loaded.as_str(),
        ));
        let saved = StoredSession::from_json(saved.as_str());
        store.set_changes(&id, &saved, &changes).await.unwrap();
        let expected = changes.merge(Some(&StoredSession::from_json(current.as_str())), &saved);
        let got = raw(&mut redis, &store.key(&id)).await.unwrap();
        assert_eq!(got, expected.json(), "case {i}: {current}");
        let left = ttl(&mut redis, &store.key(&id)).await;
        assert!((59..=60).contains(&left), "case {i}: TTL {left}");
    }
    // Nothing stored at all: ours.
    let changes = nestling::session::store::SessionChanges::new(StoredSession::from_json(doc("")));
    let saved = StoredSession::from_json(ours(r#","a":1"#));
    store.set_changes("none", &saved, &changes).await.unwrap();
    assert_eq!(store.get("none").await.unwrap(), Some(saved));
    store.clear().await.unwrap();
}

#[tokio::test]
async fn a_merging_save_of_a_session_deleted_meanwhile_stores_it_again() {
    // As express-session's set would: the save recreates the session.
    let store = store("rd-recreate").await;
    let loaded = expiring_in(60, r#","a":1"#);
    store.set("s", &loaded).await.unwrap();
    store.destroy("s").await.unwrap();
    let ours = expiring_in(60, r#","a":1,"b":2"#);
    let changes = nestling::session::store::SessionChanges::new(loaded);
    store.set_changes("s", &ours, &changes).await.unwrap();
    assert_eq!(store.get("s").await.unwrap(), Some(ours));
    // And a session whose cookie expired is deleted, not merged.
    let expired = document(Some(now_ms() - 1), r#","a":1"#);
    store.set_changes("s", &expired, &changes).await.unwrap();
    assert_eq!(store.get("s").await.unwrap(), None);
}

#[tokio::test]
async fn a_bad_url_or_no_server_is_a_start_up_error() {
    let error = RedisStore::new("http://127.0.0.1:6379").await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("not a Redis URL") && message.contains("redis://127.0.0.1:6379"),
        "{message}"
    );
    let port = free_port();
    let error = RedisStore::new(&format!("redis://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!("cannot connect to Redis at 127.0.0.1:{port}"))
            && message.contains("redis-server"),
        "{message}"
    );
    // `?` in a `main` returning nestling::Result: a start-up error.
    let error = nestling::Error::from(error);
    assert!(error.is_startup());
}

// ---------------------------------------------------------------------------
// An outage
// ---------------------------------------------------------------------------

/// A port nobody listens on right now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A `redis-server` of this test's own, without persistence.
fn start_redis(port: u16) -> Child {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("redis-server (Debian package redis-server)")
}

/// Waits until the server on `port` answers PING.
async fn answers(port: u16) {
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    let url = format!("redis://127.0.0.1:{port}");
    loop {
        if let Ok(client) = redis::Client::open(url.as_str())
            && let Ok(mut connection) = client.get_multiplexed_async_connection().await
            && redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .is_ok()
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "redis-server never answered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `GET path` with `cookie`, failing the test if it takes longer than the
/// store's timeout allows.
async fn get_within(server: &nestling::Server, path: &str, cookie: &str) -> common::RawResponse {
    let headers = [("Cookie", cookie)];
    let request = raw_get(server.local_addr(), path, &headers);
    tokio::time::timeout(common::PATIENCE, request)
        .await
        .unwrap_or_else(|_| panic!("GET {path} hung while Redis was down"))
}

#[tokio::test]
async fn the_app_survives_redis_going_away_and_recovers_by_itself() {
    let port = free_port();
    let mut server_process = start_redis(port);
    answers(port).await;
    let url = format!("redis://127.0.0.1:{port}");
    let store = RedisStore::new(&url)
        .await
        .unwrap()
        .timeout(Duration::from_millis(500));
    let server = serve(minute_options(store.clone())).await;
    let (mut browser, _) = new_session(&server).await;
    assert_eq!(browser.get("/visits").await.status_body(), (200, "2"));
    let cookie = browser.cookie.clone().unwrap();

    // Traffic on the session while Redis goes away and comes back: every
    // response is a 200 or a 500, none hangs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let (stop, addr, cookie) = (stop.clone(), server.local_addr(), cookie.clone());
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let headers = [("Cookie", cookie.as_str())];
                let request = raw_get(addr, "/visits", &headers);
                let response = tokio::time::timeout(common::PATIENCE, request)
                    .await
                    .expect("a request hung");
                statuses.push(response.status);
            }
            statuses
        })
    };

    server_process.kill().await.unwrap();
    // Requests that need the session fail to load it: 500, within the
    // timeout.
    for _ in 0..3 {
        assert_eq!(
            get_within(&server, "/visits", &cookie).await.status_body(),
            NEST_500
        );
    }
    // Routes without the session are untouched.
    assert_eq!(
        get_within(&server, "/noop", &cookie).await.status_body(),
        (200, "noop")
    );

    // Redis comes back (empty: no persistence) on the same port: the app
    // reconnects by itself; the old session is gone, so a new one starts.
    let _server_process = start_redis(port);
    answers(port).await;
    let deadline = tokio::time::Instant::now() + common::PATIENCE * 2;
    let recovered = loop {
        let response = get_within(&server, "/visits", &cookie).await;
        if response.status == 200 {
            break response;
        }
        assert_eq!(response.status_body(), NEST_500);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the app never reconnected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(recovered.text(), "1");
    assert!(session_cookie(&recovered, "connect.sid").is_some());

    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let statuses = traffic.await.unwrap();
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 500),
        "{statuses:?}"
    );
    // The recovered app stores sessions again.
    let mut redis = redis_at(&url).await;
    let new_id = id_of(
        pair(&session_cookie(&recovered, "connect.sid").unwrap())
            .trim_start_matches("connect.sid="),
    )
    .unwrap();
    assert!(raw(&mut redis, &store.key(&new_id)).await.is_some());
}

#[tokio::test]
async fn stored_sessions_round_trip_through_clones() {
    // Clones share the connection and options; builder calls on a clone
    // do not change the original.
    let store = store("rd-clone").await;
    let other = store.clone().prefix("elsewhere:");
    assert_ne!(store.key("x"), other.key("x"));
    let stored = StoredSession::from_json(r#"{"cookie":{"expires":null}}"#);
    store.set("x", &stored).await.unwrap();
    assert_eq!(store.clone().get("x").await.unwrap(), Some(stored));
    store.clear().await.unwrap();
}
