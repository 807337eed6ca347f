//! `PostgresStore` against the real PostgreSQL on 127.0.0.1:5432 (database
//! `test`): connect-pg-simple 10's table, rows and expiry, every store
//! operation, pruning, corrupt documents, a whole app on it, and no lost
//! updates across keys.
//!
//! Each test works in a schema of its own (random name) and drops it at
//! the end.

mod common;
mod session_support;
mod store_support;

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::tokio_postgres::{self, Client, NoTls};
use nestling::session::store::SessionChanges;
use nestling::session::{PostgresStore, SessionStore, StoredSession};
use session_support::*;
use store_support::*;

const URL: &str = "postgres://postgres@127.0.0.1:5432/test";

const NEST_500: (u16, &str) = (
    500,
    r#"{"statusCode":500,"message":"Internal server error"}"#,
);

/// A schema of the test's own, and a plain connection to look at it.
struct Schema {
    name: String,
    client: Client,
}

impl Schema {
    async fn new(tag: &str) -> Schema {
        let (client, connection) = tokio_postgres::connect(URL, NoTls)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432, database test (.ci/run starts it)");
        tokio::spawn(connection);
        let name = unique(tag);
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        Schema { name, client }
    }

    /// A store on the table `session` of this schema, created if missing.
    async fn store(&self) -> PostgresStore {
        PostgresStore::new(URL)
            .await
            .unwrap()
            .schema_name(&self.name)
            .create_table_if_missing(true)
    }

    async fn drop(self) {
        self.client
            .batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name))
            .await
            .unwrap();
    }

    /// `sess` of the row `sid`, expired or not.
    async fn sess(&self, sid: &str) -> Option<String> {
        let sql = format!(
            "SELECT sess::text FROM {}.session WHERE sid = $1",
            self.name
        );
        let row = self.client.query_opt(&sql, &[&sid]).await.unwrap();
        row.map(|row| row.get(0))
    }

    /// `expire` of the row `sid`, in seconds since the epoch.
    async fn expire(&self, sid: &str) -> Option<f64> {
        let sql = format!(
            "SELECT extract(epoch FROM expire::timestamptz)::float8 FROM {}.session WHERE sid = $1",
            self.name
        );
        let row = self.client.query_opt(&sql, &[&sid]).await.unwrap();
        row.map(|row| row.get(0))
    }

    /// Inserts a row as another app would.
    async fn insert(&self, sid: &str, sess: &str, expire_secs: f64) {
        let sql = format!(
            "INSERT INTO {}.session (sid, sess, expire) VALUES ($1, $2::text::json, to_timestamp($3))",
            self.name
        );
        self.client
            .execute(&sql, &[&sid, &sess, &expire_secs])
            .await
            .unwrap();
    }

    async fn rows(&self) -> i64 {
        let sql = format!("SELECT count(*) FROM {}.session", self.name);
        self.client.query_one(&sql, &[]).await.unwrap().get(0)
    }
}

/// `Math.ceil(ms / 1000)`.
fn ceil_secs(ms: i64) -> f64 {
    (ms as f64 / 1000.0).ceil()
}

#[tokio::test]
async fn the_table_is_connect_pg_simples() {
    let schema = Schema::new("sessions_table").await;
    let store = schema.store().await;
    store.create_table().await.unwrap();
    store.create_table().await.unwrap(); // again: nothing to do
    assert_eq!(store.table(), format!(r#""{}"."session""#, schema.name));
    let columns = schema
        .client
        .query(
            "SELECT column_name::text, data_type::text, is_nullable::text, \
             coalesce(datetime_precision, -1) FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = 'session' ORDER BY ordinal_position",
            &[&schema.name],
        )
        .await
        .unwrap();
    let columns: Vec<(String, String, String, i32)> = columns
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let column = |name: &str, kind: &str, precision: i32| {
        (name.to_owned(), kind.to_owned(), "NO".to_owned(), precision)
    };
    assert_eq!(
        columns,
        [
            column("sid", "character varying", -1),
            column("sess", "json", -1),
            column("expire", "timestamp without time zone", 6),
        ]
    );
    let indexes = schema
        .client
        .query(
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1",
            &[&schema.name],
        )
        .await
        .unwrap();
    let indexes: Vec<(String, String)> = indexes.iter().map(|r| (r.get(0), r.get(1))).collect();
    let n = &schema.name;
    assert_eq!(
        indexes,
        [
            (
                "IDX_session_expire".to_owned(),
                format!(r#"CREATE INDEX "IDX_session_expire" ON {n}.session USING btree (expire)"#)
            ),
            (
                "session_pkey".to_owned(),
                format!("CREATE UNIQUE INDEX session_pkey ON {n}.session USING btree (sid)")
            ),
        ]
    );
    schema.drop().await;
}

#[tokio::test]
async fn get_set_destroy_keep_the_document_verbatim() {
    let schema = Schema::new("sessions_basic").await;
    let store = schema.store().await;
    assert_eq!(store.get("a").await.unwrap(), None);
    let expires = now_ms() + 60_000;
    let stored = document(Some(expires), r#","visits":1,"name":"é \"q\"""#);
    store.set("a", &stored).await.unwrap();
    assert_eq!(schema.sess("a").await.as_deref(), Some(stored.json()));
    // expire = ceil(expires / 1000), as connect-pg-simple writes it.
    assert_eq!(schema.expire("a").await, Some(ceil_secs(expires)));
    assert_eq!(store.get("a").await.unwrap(), Some(stored));
    let again = expiring_in(60, r#","visits":2"#);
    store.set("a", &again).await.unwrap();
    assert_eq!(store.get("a").await.unwrap(), Some(again));
    assert_eq!(schema.rows().await, 1);
    store.destroy("a").await.unwrap();
    store.destroy("a").await.unwrap(); // nothing to do
    assert_eq!(store.get("a").await.unwrap(), None);
    assert_eq!(schema.rows().await, 0);
    schema.drop().await;
}

#[tokio::test]
async fn expire_follows_the_cookie_or_the_ttl_option() {
    let schema = Schema::new("sessions_ttl").await;
    let store = schema.store().await;
    // A browser-session cookie: now plus one day ...
    let before = ceil_secs(now_ms() + 86_400_000);
    store.set("s", &document(None, "")).await.unwrap();
    let after = ceil_secs(now_ms() + 86_400_000);
    let expire = schema.expire("s").await.unwrap();
    assert!((before..=after).contains(&expire), "{expire}");
    // ... or plus the ttl option.
    let short = store.clone().ttl(Duration::from_secs(100));
    short.set("s", &document(None, "")).await.unwrap();
    let expire = schema.expire("s").await.unwrap();
    let now = now_ms() as f64 / 1000.0;
    assert!(expire > now + 98.0 && expire <= now + 101.0, "{expire}");
    // A session whose cookie expired is stored (connect-pg-simple does not
    // delete) but never found.
    let past = now_ms() - 5_000;
    store
        .set("s", &document(Some(past), r#","old":true"#))
        .await
        .unwrap();
    assert_eq!(schema.expire("s").await, Some(ceil_secs(past)));
    assert_eq!(store.get("s").await.unwrap(), None);
    schema.drop().await;
}

#[tokio::test]
async fn touch_updates_expire_only() {
    let schema = Schema::new("sessions_touch").await;
    let store = schema.store().await;
    let stored = expiring_in(10, r#","visits":7"#);
    store.set("t", &stored).await.unwrap();
    let later = now_ms() + 1_000_000;
    store
        .touch("t", &document(Some(later), r#","visits":1"#))
        .await
        .unwrap();
    assert_eq!(schema.expire("t").await, Some(ceil_secs(later)));
    assert_eq!(schema.sess("t").await.as_deref(), Some(stored.json()));
    // disable_touch: nothing happens, successfully.
    let quiet = store.clone().disable_touch(true);
    quiet.touch("t", &expiring_in(50, "")).await.unwrap();
    assert_eq!(schema.expire("t").await, Some(ceil_secs(later)));
    // A missing session is not created.
    store.touch("missing", &expiring_in(50, "")).await.unwrap();
    assert_eq!(schema.sess("missing").await, None);
    schema.drop().await;
}

#[tokio::test]
async fn all_length_clear_see_live_rows() {
    let schema = Schema::new("sessions_all").await;
    let store = schema.store().await;
    assert_eq!(store.length().await.unwrap(), 0);
    let mut documents = Vec::new();
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        let stored = expiring_in(60, &format!(r#","n":{i}"#));
        store.set(id, &stored).await.unwrap();
        documents.push((id.to_string(), stored));
    }
    store
        .set("expired", &document(Some(now_ms() - 2_000), ""))
        .await
        .unwrap();
    assert_eq!(store.length().await.unwrap(), 3);
    let mut all = store.all().await.unwrap();
    all.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(all, documents);
    store.clear().await.unwrap();
    assert_eq!(store.length().await.unwrap(), 0);
    assert_eq!(schema.rows().await, 0);
    schema.drop().await;
}

#[tokio::test]
async fn expired_rows_are_pruned() {
    let schema = Schema::new("sessions_prune").await;
    // By hand ...
    let store = schema.store().await.prune_interval(None);
    store.set("live", &expiring_in(60, "")).await.unwrap();
    schema
        .insert("old", r#"{"cookie":{}}"#, ceil_secs(now_ms() - 10_000))
        .await;
    assert_eq!(store.prune().await.unwrap(), 1);
    assert_eq!(schema.sess("old").await, None);
    assert!(schema.sess("live").await.is_some());
    // ... and by the background task, started by the first operation.
    let pruning = schema
        .store()
        .await
        .prune_interval(Some(Duration::from_millis(50)));
    assert!(pruning.get("live").await.unwrap().is_some());
    schema
        .insert("older", r#"{"cookie":{}}"#, ceil_secs(now_ms() - 10_000))
        .await;
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    while schema.sess("older").await.is_some() {
        assert!(tokio::time::Instant::now() < deadline, "never pruned");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(schema.sess("live").await.is_some());
    drop(pruning);
    schema.drop().await;
}

#[tokio::test]
async fn corrupt_documents_and_a_missing_table_are_clear_errors() {
    let schema = Schema::new("sessions_corrupt").await;
    let store = schema.store().await;
    store.create_table().await.unwrap();
    let server = serve(minute_options(store.clone())).await;
    let later = ceil_secs(now_ms() + 60_000);
    for (i, text) in [
        r#"{"visits":1}"#,
        "[1]",
        r#""text""#,
        "5",
        r#"{"cookie":null}"#,
    ]
    .iter()
    .enumerate()
    {
        let id = format!("bad{i}");
        schema.insert(&id, text, later).await;
        assert_eq!(store.get(&id).await.unwrap().unwrap().json(), *text);
        let cookie = format!("connect.sid={}", cookie_value(&id, SECRET));
        let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &cookie)]).await;
        assert_eq!(response.status_body(), NEST_500, "{text}");
    }
    assert_eq!(
        raw_get(server.local_addr(), "/noop", &[])
            .await
            .status_body(),
        (200, "noop")
    );
    // No table and not told to create it: the message says what to do.
    let bare = PostgresStore::new(URL)
        .await
        .unwrap()
        .schema_name(&schema.name)
        .table_name("nothing_here");
    let error = bare.get("x").await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            r#""{}"."nothing_here" does not exist"#,
            schema.name
        )) && message.contains("create_table_if_missing"),
        "{message}"
    );
    schema.drop().await;
}

#[tokio::test]
async fn an_app_on_postgres() {
    let schema = Schema::new("sessions_app").await;
    let store = schema.store().await;
    let server = serve(minute_options(store.clone())).await;
    let (mut browser, id) = new_session(&server).await;
    assert_eq!(browser.get("/visits").await.status_body(), (200, "2"));
    let text = schema.sess(&id).await.unwrap();
    assert_eq!(
        shape(&text),
        shape(
            r#"{"cookie":{"originalMaxAge":60000,"expires":"2026-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"visits":2}"#
        )
    );
    // A request that changes nothing touches: expire moves, sess stays.
    let sql = format!(
        "UPDATE {}.session SET expire = to_timestamp(1000) WHERE sid = $1",
        schema.name
    );
    // (an expire in the past would hide the row: move it less far)
    let soon = format!(
        "UPDATE {}.session SET expire = now() + interval '5 seconds' WHERE sid = $1",
        schema.name
    );
    schema.client.execute(&soon, &[&id]).await.unwrap();
    let before = now_ms();
    assert_eq!(browser.get("/read").await.status_body(), (200, "2"));
    let expire = schema.expire(&id).await.unwrap();
    assert!(expire >= ceil_secs(before + 60_000), "{expire}");
    assert_eq!(schema.sess(&id).await.unwrap(), text);
    // An expired row is a new session.
    schema.client.execute(&sql, &[&id]).await.unwrap();
    assert_eq!(browser.get("/visits").await.status_body(), (200, "1"));
    let id = browser.id().unwrap();
    // regenerate: the old row goes, the new one is saved.
    assert_eq!(browser.get("/regenerate?then=visits").await.status, 200);
    let new_id = browser.id().unwrap();
    assert_ne!(new_id, id);
    assert_eq!(schema.sess(&id).await, None);
    assert!(
        schema
            .sess(&new_id)
            .await
            .unwrap()
            .ends_with(r#","visits":1}"#)
    );
    // destroy: the row goes.
    assert_eq!(browser.get("/destroy").await.status, 200);
    assert_eq!(schema.sess(&new_id).await, None);
    schema.drop().await;
}

#[tokio::test]
async fn a_document_written_by_express_is_read_and_updated_in_place() {
    let schema = Schema::new("sessions_foreign").await;
    let store = schema.store().await;
    store.create_table().await.unwrap();
    let expires = now_ms() + 60_000;
    let cookie = format!(
        r#"{{"originalMaxAge":60000,"expires":"{}","secure":false,"httpOnly":true,"path":"/","sameSite":"lax"}}"#,
        iso(expires)
    );
    let text =
        format!(r#"{{"user":{{"name":"ann","roles":["a"]}},"score":1.5,"cookie":{cookie}}}"#);
    schema
        .insert("fromexpress", &text, ceil_secs(expires))
        .await;
    let server = serve(minute_options(store.clone())).await;
    let jar = format!("connect.sid={}", cookie_value("fromexpress", SECRET));
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &jar)]).await;
    assert_eq!(response.status_body(), (200, "1"));
    let saved = schema.sess("fromexpress").await.unwrap();
    assert!(
        saved.starts_with(
            r#"{"user":{"name":"ann","roles":["a"]},"score":1.5,"cookie":{"originalMaxAge":60000,"expires":""#
        ),
        "{saved}"
    );
    assert!(
        saved.ends_with(
            r#"","secure":false,"httpOnly":true,"path":"/","sameSite":"lax"},"visits":1}"#
        ),
        "{saved}"
    );
    schema.drop().await;
}

#[tokio::test]
async fn parallel_requests_on_one_session_keep_all_200_keys() {
    let schema = Schema::new("sessions_merge").await;
    // 199 of the saves queue on one row lock, each a transaction with a
    // commit flushed to disk: on a busy machine the last ones wait longer
    // than the 2 s default timeout, and a save that times out is logged and
    // dropped (express-session's rule). This test is about merging, so it
    // gives the queue time, and fails loudly on any store error.
    let store = schema.store().await.timeout(Duration::from_secs(60));
    let errors = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&errors);
    let options = minute_options(store.clone()).on_commit_error(move |error| {
        seen.lock().unwrap().push(error.to_string());
    });
    let server = serve(options).await;
    let id = parallel_keys(&server, 200).await;
    assert_eq!(*errors.lock().unwrap(), Vec::<String>::new());
    assert_all_keys(&schema.sess(&id).await.unwrap(), 200);
    schema.drop().await;
}

#[tokio::test]
async fn a_merging_save_merges_with_the_row_as_it_is() {
    let schema = Schema::new("sessions_merge_direct").await;
    let store = schema.store().await;
    let loaded = expiring_in(60, r#","a":1,"b":1"#);
    let ours = expiring_in(60, r#","a":1,"b":2,"c":3"#);
    let changes = SessionChanges::new(loaded.clone());
    // Unchanged since loaded: stored as it is.
    store.set("s", &loaded).await.unwrap();
    store.set_changes("s", &ours, &changes).await.unwrap();
    assert_eq!(store.get("s").await.unwrap(), Some(ours.clone()));
    // Changed meanwhile: merged.
    let theirs = expiring_in(60, r#","a":5,"b":1,"z":0"#);
    store.set("s", &theirs).await.unwrap();
    store.set_changes("s", &ours, &changes).await.unwrap();
    let expected = changes.merge(Some(&theirs), &ours);
    assert_eq!(store.get("s").await.unwrap(), Some(expected.clone()));
    assert!(expected.json().ends_with(r#","a":5,"b":2,"z":0,"c":3}"#));
    // Deleted or expired meanwhile: stored again as it is.
    store.destroy("s").await.unwrap();
    store.set_changes("s", &ours, &changes).await.unwrap();
    assert_eq!(store.get("s").await.unwrap(), Some(ours.clone()));
    store
        .set("s", &document(Some(now_ms() - 5_000), r#","stale":1"#))
        .await
        .unwrap();
    store.set_changes("s", &ours, &changes).await.unwrap();
    assert_eq!(store.get("s").await.unwrap(), Some(ours));
    schema.drop().await;
}

#[tokio::test]
async fn a_bad_url_or_no_server_is_a_start_up_error() {
    let error = PostgresStore::new("postgres://127.0.0.1:notaport/test")
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("not a PostgreSQL URL") && message.contains("postgres://"),
        "{message}"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = PostgresStore::new(&format!("postgres://postgres:secret@127.0.0.1:{port}/test"))
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "cannot connect to PostgreSQL at 127.0.0.1:{port}/test"
        )),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
    assert!(nestling::Error::from(error).is_startup());
}

#[tokio::test]
async fn clones_share_the_pool_and_builders_do_not_touch_the_original() {
    let schema = Schema::new("sessions_clone").await;
    let store = schema.store().await;
    let other = store.clone().table_name("other");
    assert_ne!(store.table(), other.table());
    let stored = StoredSession::from_json(r#"{"cookie":{"expires":null}}"#);
    store.set("x", &stored).await.unwrap();
    assert_eq!(store.clone().get("x").await.unwrap(), Some(stored));
    assert_eq!(other.length().await.unwrap(), 0);
    schema.drop().await;
}
