//! examples/cluster: two instances of one app on two 127.0.0.1:0 ports,
//! sharing one store, Redis then PostgreSQL. A user logs in through
//! instance A, is recognised by B, counts visits on both, logs out through
//! B and is logged out on A. Each test has a key prefix or schema of its
//! own.

mod common;
mod session_support;
mod store_support;

use cluster::Settings;
use common::{Conn, RawResponse, build};
use deadpool_postgres::tokio_postgres::{self, NoTls};
use nestling::Server;
use session_support::{SECRET, cookie_value, pair, session_cookie};
use store_support::unique;

const REDIS: &str = "redis://127.0.0.1:6379";
const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A browser: the two instances are one site (cookies ignore the port),
/// so one cookie goes to both.
struct Browser {
    cookie: Option<String>,
}

impl Browser {
    async fn send(&mut self, server: &Server, method: &str, path: &str, body: &str) -> RawResponse {
        let mut headers = vec![("Content-Type", "application/json")];
        let cookie = self.cookie.clone();
        if let Some(cookie) = &cookie {
            headers.push(("Cookie", cookie));
        }
        let response = Conn::open(server.local_addr())
            .await
            .request(&build(method, path, &headers, body.as_bytes()))
            .await;
        if let Some(set) = session_cookie(&response, "connect.sid") {
            self.cookie = Some(pair(&set).to_owned());
        }
        response
    }
}

/// Two instances built from `settings`, started on ephemeral ports.
async fn two_instances(settings: &Settings) -> (Server, Server) {
    let mut servers = Vec::new();
    for _ in 0..2 {
        let app = cluster::build_instance(settings)
            .await
            .unwrap_or_else(|e| panic!("an instance does not start: {e}"));
        servers.push(app.start("127.0.0.1:0").await.unwrap());
    }
    let b = servers.pop().unwrap();
    let a = servers.pop().unwrap();
    (a, b)
}

const UNAUTHORIZED: (u16, &str) = (
    401,
    r#"{"message":"log in first","error":"Unauthorized","statusCode":401}"#,
);

/// Login on A, recognised on B, visits counted by both, logout on B, gone
/// on A; bad input answered with Nest's 4xx bodies.
async fn log_in_on_a_and_out_on_b(a: &Server, b: &Server) {
    let mut browser = Browser { cookie: None };
    assert_eq!(
        browser.send(a, "GET", "/me", "").await.status_body(),
        UNAUTHORIZED
    );
    let login = browser
        .send(a, "POST", "/login", r#"{"username":"ada"}"#)
        .await;
    assert_eq!(login.status_body(), (200, r#"{"user":"ada"}"#));
    let logged_in = browser.cookie.clone().expect("a session cookie");

    assert_eq!(
        browser.send(b, "GET", "/me", "").await.status_body(),
        (200, r#"{"user":"ada"}"#)
    );
    for (server, expected) in [(a, 1), (b, 2), (a, 3), (b, 4)] {
        let visits = browser.send(server, "GET", "/visits", "").await;
        assert_eq!(
            visits.status_body(),
            (200, format!(r#"{{"visits":{expected}}}"#).as_str())
        );
    }

    let logout = browser.send(b, "POST", "/logout", "").await;
    assert_eq!(logout.status_body(), (200, r#"{"loggedOut":true}"#));
    assert_eq!(
        browser.send(a, "GET", "/me", "").await.status_body(),
        UNAUTHORIZED
    );
    // The old cookie, replayed on either instance, is nobody.
    let mut replay = Browser {
        cookie: Some(logged_in),
    };
    for server in [a, b] {
        assert_eq!(
            replay.send(server, "GET", "/me", "").await.status_body(),
            UNAUTHORIZED
        );
    }

    // Garbage: not JSON, no username, an empty one, a forged cookie.
    let not_json = browser.send(a, "POST", "/login", "{user").await;
    assert_eq!(not_json.status, 400);
    assert!(
        not_json.text().contains(r#""statusCode":400"#),
        "{not_json:?}"
    );
    assert_eq!(
        browser
            .send(b, "POST", "/login", r#"{"name":"x"}"#)
            .await
            .status,
        400
    );
    assert_eq!(
        browser
            .send(a, "POST", "/login", r#"{"username":"  "}"#)
            .await
            .status_body(),
        (
            400,
            r#"{"message":"username must be 1 to 64 characters","error":"Bad Request","statusCode":400}"#
        )
    );
    let mut forger = Browser {
        cookie: Some(format!(
            "connect.sid={}",
            cookie_value("not-a-session", "wrong secret")
        )),
    };
    assert_eq!(
        forger.send(b, "GET", "/me", "").await.status_body(),
        UNAUTHORIZED
    );
    let mut stranger = Browser {
        cookie: Some(format!(
            "connect.sid={}",
            cookie_value("no-such-session", SECRET)
        )),
    };
    assert_eq!(
        stranger.send(a, "GET", "/me", "").await.status_body(),
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn two_instances_share_sessions_through_redis() {
    let prefix = format!("{}:", unique("cluster"));
    let settings = Settings::redis(REDIS, prefix.clone());
    let (a, b) = two_instances(&settings).await;
    log_in_on_a_and_out_on_b(&a, &b).await;

    // Everything the instances wrote is under the prefix, and logging out
    // deleted the session: nothing is left.
    let mut redis = redis::Client::open(REDIS)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(keys, Vec::<String>::new());
}

#[tokio::test]
async fn two_instances_share_sessions_through_postgres() {
    let (client, connection) = tokio_postgres::connect(POSTGRES, NoTls)
        .await
        .expect("PostgreSQL on 127.0.0.1:5432, database test (.ci/run starts it)");
    tokio::spawn(connection);
    let schema = unique("cluster");
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    let settings = Settings::postgres(POSTGRES, Some(schema.clone()));
    let (a, b) = two_instances(&settings).await;
    log_in_on_a_and_out_on_b(&a, &b).await;

    let rows = client
        .query_one(&format!("SELECT count(*) FROM {schema}.session"), &[])
        .await
        .unwrap();
    assert_eq!(rows.get::<_, i64>(0), 0);
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}

/// The error `build_instance` stops with.
async fn start_error(settings: &Settings) -> nestling::Error {
    match cluster::build_instance(settings).await {
        Ok(_) => panic!("the instance started on {settings:?}"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn an_unreachable_store_stops_an_instance_at_start_up() {
    let redis = Settings::redis("redis://127.0.0.1:1", "sess:");
    let error = start_error(&redis).await;
    assert!(error.is_startup());
    assert!(error.to_string().contains("127.0.0.1:1"), "{error}");
    let postgres = Settings::postgres("postgres://postgres@127.0.0.1:1/test", None);
    let error = start_error(&postgres).await;
    assert!(error.is_startup());
    let wrong = Settings::from_vars(|name| (name == "STORE").then(|| "memcached".to_owned()));
    assert_eq!(
        wrong.unwrap_err().to_string(),
        r#"STORE="memcached" is not a shared session store: set STORE=redis or STORE=postgres"#
    );
}
