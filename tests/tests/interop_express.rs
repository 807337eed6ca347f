//! nestling and a real Express app share sessions: express-session with
//! connect-redis 9 on the same Redis, or connect-pg-simple 10 on the same
//! PostgreSQL table, with the same cookie name and secret. A session
//! created by either side is read and updated by the other, and one
//! destroyed on either side is gone for both.
//!
//! The Express app is `tests/interop/express/app.js`; its packages are
//! installed with `npm ci` (package-lock.json) the first time a test needs
//! them (`.ci/run` does it too). Each test has its own key prefix or
//! schema; the node process is killed when the test ends.

mod common;
mod session_support;
mod store_support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Once;
use std::time::Duration;

use common::{Conn, PATIENCE, RawResponse, build};
use deadpool_postgres::tokio_postgres::{self, NoTls};
use nestling::prelude::*;
use nestling::session::{CookieOptions, PostgresStore, RedisStore, SessionOptions, SessionStore};
use nestling::{Query, Server};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use session_support::{SECRET, pair, session_cookie};
use store_support::unique;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const REDIS: &str = "redis://127.0.0.1:6379";
const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------------------
// The nestling side: the same routes as app.js
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct SetQuery {
    key: String,
    value: String,
}

#[injectable]
struct InteropController;

#[controller]
impl InteropController {
    #[get("visits")]
    async fn visits(&self, mut session: Session) -> Result<Json<Value>, HttpException> {
        let visits = session.get::<u64>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(Json(json!({ "visits": visits })))
    }

    #[get("read")]
    async fn read(&self, session: Session) -> Json<Value> {
        let data: Map<String, Value> = session
            .data()
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect();
        Json(json!({ "data": data }))
    }

    #[get("set")]
    async fn set(
        &self,
        mut session: Session,
        query: Query<SetQuery>,
    ) -> Result<Json<Value>, HttpException> {
        session.insert(&query.key, &query.value)?;
        Ok(Json(json!({ "ok": true })))
    }

    #[get("logout")]
    async fn logout(&self, mut session: Session) -> Result<Json<Value>, HttpException> {
        session.destroy().await?;
        Ok(Json(json!({ "loggedOut": true })))
    }
}

#[module(controllers = [InteropController])]
struct InteropModule;

/// The nestling app on `store`, with app.js's session options.
async fn nestling_on(store: impl SessionStore) -> Server {
    let mut app = nestling::create::<InteropModule>().await.unwrap();
    app.use_session(
        SessionOptions::new()
            .secret(SECRET)
            .resave(false)
            .save_uninitialized(false)
            .cookie(CookieOptions::default().max_age(Duration::from_secs(60)))
            .store(store),
    );
    app.start("127.0.0.1:0").await.unwrap()
}

// ---------------------------------------------------------------------------
// The Express side
// ---------------------------------------------------------------------------

fn express_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/express")
}

/// `npm ci` once per test run, when the packages are missing.
fn install_packages() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let dir = express_dir();
        if dir.join("node_modules/express-session").is_dir() {
            return;
        }
        let status = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed for the Express interop tests (Node 20 and npm)");
        assert!(status.success(), "npm ci in {} failed", dir.display());
    });
}

/// The running Express app; the process is killed on drop.
struct Express {
    _process: Child,
    addr: SocketAddr,
}

impl Express {
    /// `node app.js` with `env`, once it listens.
    async fn start(env: &[(&str, &str)]) -> Express {
        install_packages();
        let mut process = Command::new("node")
            .arg("app.js")
            .current_dir(express_dir())
            .env("SECRET", SECRET)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node is needed for the Express interop tests (Node 20)");
        let stdout = process.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(PATIENCE * 4, lines.next_line())
            .await
            .expect("app.js did not start listening")
            .unwrap()
            .expect("app.js exited before listening (its error is above)");
        let port: u16 = line
            .strip_prefix("listening ")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("app.js said {line:?}"));
        Express {
            _process: process,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }
}

// ---------------------------------------------------------------------------
// One browser, two servers
// ---------------------------------------------------------------------------

/// A browser holding `connect.sid`, whichever server set it.
#[derive(Default)]
struct Browser {
    cookie: Option<String>,
}

impl Browser {
    async fn get(&mut self, addr: SocketAddr, path: &str) -> Value {
        let response = self.get_raw(addr, path).await;
        assert_eq!(response.status, 200, "GET {path} at {addr}: {response:?}");
        serde_json::from_slice(&response.body).expect("a JSON body")
    }

    async fn get_raw(&mut self, addr: SocketAddr, path: &str) -> RawResponse {
        let cookie = self.cookie.clone();
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
        let response = Conn::open(addr)
            .await
            .request(&build("GET", path, &headers, b""))
            .await;
        if let Some(set) = session_cookie(&response, "connect.sid") {
            self.cookie = Some(pair(&set).to_owned());
        }
        response
    }
}

/// Sessions go both ways between `express` and `nestling`, which share a
/// store; `stored` reads the raw document of a session id.
async fn sessions_go_both_ways<F, Fut>(express: SocketAddr, nestling: SocketAddr, stored: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Option<String>>,
{
    // Express creates, nestling reads and updates, Express sees it.
    let mut browser = Browser::default();
    assert_eq!(browser.get(express, "/visits").await, json!({"visits": 1}));
    let express_cookie = browser.cookie.clone().expect("Express set a cookie");
    assert_eq!(browser.get(nestling, "/visits").await, json!({"visits": 2}));
    browser.get(nestling, "/set?key=from&value=nestling").await;
    assert_eq!(
        browser.get(express, "/read").await,
        json!({"data": {"visits": 2, "from": "nestling"}})
    );
    browser.get(express, "/set?key=lang&value=js").await;
    assert_eq!(
        browser.get(nestling, "/read").await,
        json!({"data": {"visits": 2, "from": "nestling", "lang": "js"}})
    );
    // The same session all along: the id never changed.
    assert_eq!(
        browser.cookie.as_deref().map(id_of_pair),
        Some(id_of_pair(&express_cookie))
    );
    // nestling's save kept express-session's document: cookie first, the
    // keys in the order they were added, integers without a fraction.
    let id = id_of_pair(&express_cookie);
    let document = stored(id.clone()).await.expect("the session is stored");
    let parsed: Value = serde_json::from_str(&document).unwrap();
    let keys: Vec<&String> = parsed.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["cookie", "visits", "from", "lang"]);
    assert!(document.contains(r#""visits":2"#), "{document}");

    // Destroyed by nestling: gone for Express too.
    browser.get(nestling, "/logout").await;
    assert_eq!(stored(id).await, None);
    let mut replay = Browser {
        cookie: Some(express_cookie),
    };
    assert_eq!(replay.get(express, "/read").await, json!({"data": {}}));

    // nestling creates, Express reads and updates, nestling sees it.
    let mut browser = Browser::default();
    assert_eq!(browser.get(nestling, "/visits").await, json!({"visits": 1}));
    let nestling_cookie = browser.cookie.clone().expect("nestling set a cookie");
    assert_eq!(browser.get(express, "/visits").await, json!({"visits": 2}));
    browser.get(express, "/set?key=from&value=express").await;
    assert_eq!(
        browser.get(nestling, "/read").await,
        json!({"data": {"visits": 2, "from": "express"}})
    );
    assert_eq!(browser.get(nestling, "/visits").await, json!({"visits": 3}));
    assert_eq!(
        browser.get(express, "/read").await,
        json!({"data": {"visits": 3, "from": "express"}})
    );
    // Destroyed by Express: gone for nestling too.
    browser.get(express, "/logout").await;
    let id = id_of_pair(&nestling_cookie);
    assert_eq!(stored(id).await, None);
    let mut replay = Browser {
        cookie: Some(nestling_cookie),
    };
    assert_eq!(replay.get(nestling, "/read").await, json!({"data": {}}));

    // A cookie signed with another secret is nobody on either side.
    let mut forger = Browser {
        cookie: Some(format!(
            "connect.sid={}",
            session_support::cookie_value("forged", "another secret")
        )),
    };
    assert_eq!(forger.get(express, "/read").await, json!({"data": {}}));
    assert_eq!(forger.get(nestling, "/read").await, json!({"data": {}}));
}

/// The session id in a `connect.sid=<value>` pair.
fn id_of_pair(pair: &str) -> String {
    let value = pair.split_once('=').expect("name=value").1;
    session_support::id_of(value).expect("a signed session id")
}

#[tokio::test]
async fn sessions_are_shared_with_express_through_connect_redis() {
    let prefix = format!("{}:", unique("interop"));
    let express = Express::start(&[
        ("STORE", "redis"),
        ("REDIS_URL", REDIS),
        ("PREFIX", &prefix),
    ])
    .await;
    let store = RedisStore::new(REDIS).await.unwrap().prefix(prefix.clone());
    let nestling = nestling_on(store).await;
    let redis = redis::Client::open(REDIS)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    sessions_go_both_ways(express.addr, nestling.local_addr(), |id| {
        let mut redis = redis.clone();
        let key = format!("{prefix}{id}");
        async move {
            redis::cmd("GET")
                .arg(key)
                .query_async(&mut redis)
                .await
                .unwrap()
        }
    })
    .await;
}

#[tokio::test]
async fn sessions_are_shared_with_express_through_connect_pg_simple() {
    let (client, connection) = tokio_postgres::connect(POSTGRES, NoTls)
        .await
        .expect("PostgreSQL on 127.0.0.1:5432, database test (.ci/run starts it)");
    tokio::spawn(connection);
    let schema = unique("interop");
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    // Express creates the table (createTableIfMissing), nestling uses it.
    let express = Express::start(&[
        ("STORE", "postgres"),
        ("DATABASE_URL", POSTGRES),
        ("SCHEMA", &schema),
    ])
    .await;
    let store = PostgresStore::new(POSTGRES)
        .await
        .unwrap()
        .schema_name(schema.clone());
    let nestling = nestling_on(store).await;
    let client = std::sync::Arc::new(client);
    let sql = format!("SELECT sess::text FROM {schema}.session WHERE sid = $1");
    sessions_go_both_ways(express.addr, nestling.local_addr(), |id| {
        let client = client.clone();
        let sql = sql.clone();
        async move {
            client
                .query_opt(&sql, &[&id])
                .await
                .unwrap()
                .map(|row| row.get(0))
        }
    })
    .await;
    drop(express);
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}
