//! The session-contract app over real sockets: every action and
//! observation endpoint, the configurations' cookies and store calls,
//! fault injection and disconnected stores, and the `redis*`
//! configurations on the real Redis (127.0.0.1:6379). Each test starts its
//! own app on 127.0.0.1:0 with a Redis namespace of its own, so tests never
//! share a store.
//!
//! Rule numbers (C4, E5, T3, ...) refer to `shared/specs/express-session.md`.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use nestling::Server;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SECRET: &str = "keyboard cat";
const PATIENCE: Duration = Duration::from_secs(10);
const JSON: &str = "application/json; charset=utf-8";

// ---------------------------------------------------------------------------
// A tiny HTTP/1.1 client
// ---------------------------------------------------------------------------

/// One response: status, headers in order, body.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    /// The JSON body; also checks the content type every JSON answer has.
    fn json(&self) -> Value {
        assert_eq!(self.header("content-type"), Some(JSON), "{self:?}");
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    /// `(status, JSON body)`, for one assertion on both.
    fn status_json(&self) -> (u16, Value) {
        (self.status, self.json())
    }

    fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The `Set-Cookie` line of cookie `name`, if sent.
    fn cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.set_cookies()
            .into_iter()
            .find(|line| line.starts_with(&prefix))
    }

    /// `name=value` of cookie `name`, to send back.
    fn pair(&self, name: &str) -> String {
        let line = self
            .cookie(name)
            .unwrap_or_else(|| panic!("no {name} cookie in {self:?}"));
        line.split(';').next().unwrap_or_default().to_owned()
    }

    /// The session id in cookie `name`.
    fn sid(&self, name: &str) -> String {
        sid_of(&self.pair(name))
    }

    /// The attributes of cookie `name` after its value, with the date of
    /// `Expires` replaced by `*`.
    fn attributes(&self, name: &str) -> String {
        let line = self
            .cookie(name)
            .unwrap_or_else(|| panic!("no {name} cookie in {self:?}"));
        line.split("; ")
            .skip(1)
            .map(|a| {
                if a.starts_with("Expires=") {
                    "Expires=*"
                } else {
                    a
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The id inside `name=s%3A<id>.<signature>`.
fn sid_of(pair: &str) -> String {
    let value = pair.split_once('=').map(|(_, v)| v).unwrap_or_default();
    let signed = value.strip_prefix("s%3A").expect("a signed session cookie");
    let (id, _) = signed.rsplit_once('.').expect("a signature");
    decode(id)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// JavaScript's `encodeURIComponent`.
fn enc(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(byte as char),
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// cookie-signature's `sign`: `id.<base64 HMAC-SHA256, no padding>`.
fn sign(id: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(id.as_bytes());
    format!(
        "{id}.{}",
        STANDARD_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The `Cookie` header pair for session `id` of configuration `cfg`,
/// signed with `secret`, as express-session writes it.
fn signed(cfg: &str, id: &str, secret: &str) -> String {
    format!("{cfg}.sid={}", enc(&format!("s:{}", sign(id, secret))))
}

/// The running app.
struct App {
    server: Server,
}

impl App {
    async fn start() -> App {
        let redis = session_contract::RedisSettings {
            url: "redis://127.0.0.1:6379".into(),
            namespace: unique_namespace(),
        };
        let app = session_contract::build_app_with(&redis)
            .await
            .unwrap_or_else(|e| panic!("the app does not start: {e}"));
        let server = app
            .start("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("the app does not start: {e}"));
        App { server }
    }

    fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], "").await
    }

    /// GET with a `Cookie` header.
    async fn get_with(&self, path: &str, cookie: &str) -> Reply {
        self.send("GET", path, &[("cookie", cookie)], "").await
    }

    async fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        tokio::time::timeout(PATIENCE, exchange(self.addr(), method, path, headers, body))
            .await
            .unwrap_or_else(|_| panic!("{method} {path} timed out"))
    }

    /// `/__store?cfg=`: what the store holds and was asked (then forgotten).
    async fn store(&self, cfg: &str) -> Value {
        let reply = self.get(&format!("/__store?cfg={cfg}")).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let store = reply.json();
        assert_eq!(store["cfg"], cfg);
        assert_eq!(store["backend"], json!([]));
        store
    }

    /// The store's op log as `"get <sid>"` strings (and forgets the logs).
    async fn ops(&self, cfg: &str) -> Vec<String> {
        short(&self.store(cfg).await)
    }

    async fn control(&self, query: &str) -> Value {
        let reply = self.get(&format!("/__control?{query}")).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        reply.json()
    }

    async fn put(&self, cfg: &str, sid: &str, document: &str) {
        let reply = self
            .send(
                "POST",
                &format!("/__store/put?cfg={cfg}&sid={sid}"),
                &[],
                document,
            )
            .await;
        assert_eq!(reply.status_json(), (200, json!({"ok": true})));
    }
}

/// A Redis namespace no other test (or earlier run) uses.
fn unique_namespace() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "contract-test:{}-{nanos}-{}:",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

fn short(store: &Value) -> Vec<String> {
    store["ops"]
        .as_array()
        .expect("ops")
        .iter()
        .map(|op| {
            format!(
                "{} {}",
                op["op"].as_str().unwrap(),
                op["sid"].as_str().unwrap()
            )
        })
        .collect()
}

async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = std::str::from_utf8(&raw[..end]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v == "chunked");
    let body = if chunked {
        unchunk(rest)
    } else {
        rest.to_vec()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap(), 16).unwrap();
        rest = &rest[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// `Wed, 25 Nov 2026 21:30:19 GMT` and `2026-11-25T21:30:19.046Z` name the
/// same second.
fn same_second(imf: &str, iso: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = imf.split(' ').collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else {
        return false;
    };
    let Some(month) = MONTHS.iter().position(|m| *m == month) else {
        return false;
    };
    iso.starts_with(&format!("{year}-{:02}-{day}T{time}.", month + 1)) && iso.ends_with('Z')
}

/// `expires` (ISO-8601 with milliseconds and `Z`) is within the second
/// `second` (`2099-01-01T00:00:00`) begins.
fn assert_within_a_second_of(expires: &Value, second: &str) {
    let text = expires.as_str().unwrap_or_default();
    assert!(
        text.len() == 24 && text.starts_with(&format!("{second}.")) && text.ends_with('Z'),
        "expires {expires} is not within {second}"
    );
}

// ---------------------------------------------------------------------------
// Observation endpoints
// ---------------------------------------------------------------------------

#[tokio::test]
async fn health_lists_every_configuration_and_warnings_are_counted() {
    let app = App::start().await;
    let health = app.get("/__health").await;
    assert_eq!(
        health.status_json(),
        (
            200,
            json!({"ok": true, "configs": session_contract::NAMES.as_slice(), "reference": session_contract::REFERENCE})
        )
    );
    assert_eq!(health.json()["configs"].as_array().unwrap().len(), 37);
    assert_eq!(health.json()["configs"][36], "redisnottl");

    // The `legacy` configuration gives neither resave nor saveUninitialized
    // (§1.2); under NODE_ENV/NESTLING_ENV=production each of the 33 memory
    // stores warns too (§1.3).
    let mut expected = vec![
        json!({"message": "deprecated: undefined resave option; provide resave option", "count": 1}),
        json!({"message": "deprecated: undefined saveUninitialized option; provide saveUninitialized option", "count": 1}),
    ];
    let production = ["NESTLING_ENV", "NODE_ENV"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|v| v == "production"));
    if production {
        expected.push(json!({
            "message": format!("warn: {}", session_contract::MEMORY_STORE_WARNING),
            "count": 33,
        }));
    }
    assert_eq!(
        app.get("/__warnings").await.status_json(),
        (200, json!({"warnings": expected}))
    );
}

#[tokio::test]
async fn std_counts_visits_and_the_store_records_every_call() {
    let app = App::start().await;
    let first = app.get("/std/visits").await;
    assert_eq!(first.status_json(), (200, json!({"visits": 1})));
    let id = first.sid("std.sid");
    assert_eq!(id.len(), 32);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    // Signed with the secret, byte for byte as express-session writes it.
    assert_eq!(
        first.cookie("std.sid"),
        Some(format!("{}; Path=/; HttpOnly", signed("std", &id, SECRET)).as_str())
    );
    let cookie = first.pair("std.sid");

    // A browser-session cookie is not sent again while the id stays (C4).
    let second = app.get_with("/std/visits", &cookie).await;
    assert_eq!(second.status_json(), (200, json!({"visits": 2})));
    assert!(second.set_cookies().is_empty());
    let read = app.get_with("/std/read", &cookie).await;
    assert_eq!(read.status_json(), (200, json!({"visits": 2})));

    let browser_cookie =
        json!({"originalMaxAge": null, "expires": null, "httpOnly": true, "path": "/"});
    assert_eq!(
        app.store("std").await,
        json!({
            "cfg": "std",
            "kind": "memory",
            "sessions": {&id: {"cookie": browser_cookie, "visits": 2}},
            "ops": [
                {"op": "set", "sid": &id, "sess": {"cookie": browser_cookie, "visits": 1}},
                {"op": "get", "sid": &id},
                {"op": "set", "sid": &id, "sess": {"cookie": browser_cookie, "visits": 2}},
                {"op": "get", "sid": &id},
                {"op": "touch", "sid": &id, "cookie": browser_cookie},
            ],
            "backend": [],
            "errors": [],
        })
    );
    // The logs were emptied by reading them; the sessions stay.
    let again = app.store("std").await;
    assert_eq!(again["ops"], json!([]));
    assert_eq!(again["sessions"][&id]["visits"], 2);

    // A new session nobody changed is neither stored nor sent (std).
    let noop = app.get("/std/noop").await;
    assert_eq!(
        noop.status_json(),
        (200, json!({"ok": true, "session": true}))
    );
    assert!(noop.set_cookies().is_empty());
    assert!(app.ops("std").await.is_empty());

    // /__reset empties every store and log.
    assert_eq!(
        app.get("/__reset").await.status_json(),
        (200, json!({"ok": true}))
    );
    assert_eq!(app.store("std").await["sessions"], json!({}));
}

// ---------------------------------------------------------------------------
// Every action
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_action_on_one_session() {
    let app = App::start().await;
    let first = app.get("/std/visits").await;
    let id = first.sid("std.sid");
    let c = first.pair("std.sid");
    let get = |path: &str| {
        let (app, c) = (&app, &c);
        let path = format!("/std/{path}");
        async move { app.get_with(&path, c).await }
    };
    let ok = (200, json!({"ok": true}));

    assert_eq!(
        get("id").await.status_json(),
        (200, json!({"sessionID": &id, "id": &id}))
    );
    assert_eq!(
        get("noop").await.status_json(),
        (200, json!({"ok": true, "session": true}))
    );
    assert_eq!(get("set?key=name&value=ann+b").await.status_json(), ok);
    assert_eq!(
        get("get?key=name").await.status_json(),
        (200, json!({"value": "ann b"}))
    );
    let value = enc(r#"{"a":[1,2]}"#);
    assert_eq!(
        get(&format!("set?key=obj&value={value}&json=1"))
            .await
            .status_json(),
        ok
    );
    assert_eq!(
        get("get?key=obj").await.json(),
        json!({"value": {"a": [1, 2]}})
    );
    assert_eq!(get("get?key=missing").await.json(), json!({"value": null}));
    assert_eq!(get("get?key=id").await.json(), json!({"value": &id}));
    assert_eq!(
        get("get?key=cookie").await.json(),
        json!({"value": {"originalMaxAge": null, "expires": null, "httpOnly": true, "path": "/"}})
    );
    assert_eq!(get("del?key=name").await.status_json(), ok);
    let ops = enc(
        r#"[["set","a",1],["inc","a"],["inc","b"],["del","obj"],["setpath",["p","q","r"],true]]"#,
    );
    assert_eq!(get(&format!("mutate?ops={ops}")).await.status_json(), ok);
    assert_eq!(
        get("dump").await.status_json(),
        (
            200,
            json!({"data": {"visits": 1, "a": 2, "b": 1, "p": {"q": {"r": true}}}})
        )
    );
    assert_eq!(get("read").await.json(), json!({"visits": 1}));
    assert_eq!(
        get("cookie").await.json(),
        json!({"cookie": {
            "originalMaxAge": null, "maxAge": null, "expires": null, "httpOnly": true,
            "secure": null, "path": "/", "domain": null, "sameSite": null,
            "partitioned": null, "priority": null,
        }})
    );
    assert_eq!(get("touch").await.status_json(), ok);

    // maxage: the cookie now lives a minute; changing only the cookie is not
    // a modification, so it is touched, not saved (and not re-sent, C4).
    let maxage = get("maxage?ms=60000").await;
    assert_eq!(maxage.status_json(), ok);
    assert!(maxage.set_cookies().is_empty());
    let cookie = get("cookie").await.json()["cookie"].clone();
    assert_eq!(cookie["originalMaxAge"], 60000);
    let left = cookie["maxAge"].as_i64().unwrap();
    assert!(0 < left && left <= 60000, "{cookie}");
    assert_eq!(cookie["expires"].as_str().unwrap().len(), 24);
    // ... and with a change it is re-sent, with a fresh Expires.
    let modified = get("maxage?ms=60000&mod=1").await;
    assert_eq!(
        modified.attributes("std.sid"),
        "Path=/; Expires=*; HttpOnly"
    );

    // A set date is kept as a max age (`expires - now`), and the touch at
    // the end of the request adds back the time that passed since (spec
    // K7): the stored date may be a millisecond or two later than the one
    // set, in express-session too.
    assert_eq!(get("expires?at=4070908800000").await.status_json(), ok);
    assert_within_a_second_of(
        &get("cookie").await.json()["cookie"]["expires"],
        "2099-01-01T00:00:00",
    );
    assert_eq!(
        get("expires?at=2099-06-01T12:00:00.000Z")
            .await
            .status_json(),
        ok
    );
    assert_within_a_second_of(
        &get("cookie").await.json()["cookie"]["expires"],
        "2099-06-01T12:00:00",
    );
    assert_eq!(get("expires?at=null").await.status_json(), ok);
    let cookie = get("cookie").await.json()["cookie"].clone();
    assert_eq!(
        (&cookie["expires"], &cookie["originalMaxAge"]),
        (&json!(null), &json!(null))
    );

    // visits: 1, then maxage&mod: 2.
    let set = get("cookieset?secure=false&httpOnly=false&sameSite=strict&domain=example.test&path=/std&priority=medium&partitioned=true&mod=1").await;
    assert_eq!(set.status_json(), ok);
    assert_eq!(
        get("cookie").await.json(),
        json!({"cookie": {
            "originalMaxAge": null, "maxAge": null, "expires": null, "httpOnly": false,
            "secure": false, "path": "/std", "domain": "example.test", "sameSite": "strict",
            "partitioned": true, "priority": "medium",
        }})
    );
    assert_eq!(get("read").await.json(), json!({"visits": 3}));

    assert_eq!(
        get("save").await.status_json(),
        (200, json!({"visits": 4, "err": null}))
    );
    assert_eq!(
        get("save?mod=0&after=1").await.status_json(),
        (200, json!({"visits": 5, "err": null}))
    );
    // The change after the explicit save is saved at the end.
    assert_eq!(
        get("reload?before=1").await.status_json(),
        (200, json!({"visits": 5, "err": null}))
    );
    let data = json!({"visits": 5, "a": 2, "b": 1, "p": {"q": {"r": true}}});
    assert_eq!(
        get("slowreload?ms=1").await.status_json(),
        (200, json!({"data": data}))
    );
    assert_eq!(
        get("slow?ms=1").await.status_json(),
        (200, json!({"data": data}))
    );

    let multi = get("multiwrite").await;
    assert_eq!((multi.status, multi.text()), (200, "hello, world"));
    assert_eq!(
        multi.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(multi.header("content-length"), Some("12"));
    let other = get("othercookie").await;
    assert_eq!(other.status_json(), ok);
    assert_eq!(other.set_cookies(), ["other=1; Path=/"]);
    assert_eq!(get("read").await.json(), json!({"visits": 7}));

    let fail = get("fail").await;
    assert_eq!(
        fail.status_json(),
        (500, json!({"error": "handler failed"}))
    );
    assert_eq!(
        get("read").await.json(),
        json!({"visits": 8}),
        "a failed handler's session is saved"
    );
    let store = app.store("std").await;
    assert_eq!(store["errors"], json!([{"message": "handler failed"}]));

    // regenerate + save: destroy(old), set(new) twice (A7), a new cookie.
    let regenerated = get("regenerate?then=save").await;
    assert_eq!(
        regenerated.status_json(),
        (200, json!({"regenerated": true, "err": null, "visits": 1}))
    );
    let new_id = regenerated.sid("std.sid");
    assert_ne!(new_id, id);
    assert_eq!(
        app.ops("std").await,
        [
            format!("get {id}"),
            format!("destroy {id}"),
            format!("set {new_id}"),
            format!("set {new_id}")
        ]
    );
    assert_eq!(
        get("read").await.json(),
        json!({"visits": null}),
        "the old cookie finds nothing"
    );

    let c2 = regenerated.pair("std.sid");
    let unset = app.get_with("/std/unset?before=1", &c2).await;
    assert_eq!(unset.status_json(), (200, json!({"unset": true})));
    assert_eq!(
        app.get_with("/std/read", &c2).await.json(),
        json!({"visits": 1}),
        "unset: 'keep'"
    );
    let destroyed = app.get_with("/std/destroy", &c2).await;
    assert_eq!(
        destroyed.status_json(),
        (
            200,
            json!({"destroyed": true, "err": null, "session": false})
        )
    );
    assert!(destroyed.set_cookies().is_empty());
    let ops = app.ops("std").await;
    assert_eq!(
        ops[ops.len() - 2..],
        [format!("get {new_id}"), format!("destroy {new_id}")]
    );

    // Reloading a session the store does not have.
    assert_eq!(
        app.get("/std/reload").await.status_json(),
        (500, json!({"err": "failed to load session"}))
    );

    // Routing: unknown actions, other methods, no action, unknown names.
    assert_eq!(
        get("nope").await.status_json(),
        (404, json!({"error": "unknown action"}))
    );
    assert_eq!(
        app.get("/std").await.status_json(),
        (404, json!({"error": "unknown action"}))
    );
    assert_eq!(
        app.get("/std/some/thing/visits").await.status_json(),
        (200, json!({"visits": 1})),
        "the action is the last segment"
    );
    let post = app.send("POST", "/std/visits", &[], "").await;
    assert_eq!(post.status_json(), (405, json!({"error": "method"})));
    assert_eq!(
        app.get("/nope/visits").await.status_json(),
        (404, json!({"error": "unknown configuration"}))
    );
}

#[tokio::test]
async fn bad_input_is_an_internal_error_in_the_log() {
    let app = App::start().await;
    let internal = (500, json!({"error": "internal"}));
    assert_eq!(
        app.get("/uninit/set?key=x&value=nope&json=1")
            .await
            .status_json(),
        internal
    );
    assert_eq!(
        app.get("/uninit/mutate?ops=nope").await.status_json(),
        internal
    );
    assert_eq!(
        app.get("/uninit/mutate?ops=%5B%5B%22zap%22%5D%5D")
            .await
            .status_json(),
        internal
    );
    // `cookie` is the session cookie's place, not data.
    assert_eq!(
        app.get("/uninit/set?key=cookie&value=1")
            .await
            .status_json(),
        internal
    );
    assert_eq!(
        app.get("/uninit/maxage?ms=soon").await.status_json(),
        internal
    );
    let store = app.store("uninit").await;
    assert_eq!(store["errors"].as_array().unwrap().len(), 5);
    assert!(
        store["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["message"] == "internal")
    );
}

// ---------------------------------------------------------------------------
// Configurations
// ---------------------------------------------------------------------------

#[tokio::test]
async fn new_sessions_are_stored_per_save_uninitialized() {
    let app = App::start().await;
    // legacy: resave and saveUninitialized default to true.
    for (cfg, name, stored) in [
        ("legacy", "legacy.sid", true),
        ("eager", "eager.sid", true),
        ("uninit", "uninit.sid", true),
        ("dflt", "connect.sid", true),
        ("std", "std.sid", false),
        ("resave", "resave.sid", false),
    ] {
        let noop = app.get(&format!("/{cfg}/noop")).await;
        assert_eq!(
            noop.status_json(),
            (200, json!({"ok": true, "session": true}))
        );
        assert_eq!(noop.cookie(name).is_some(), stored, "{cfg}: {noop:?}");
        let ops = app.ops(cfg).await;
        assert_eq!(ops.len(), usize::from(stored), "{cfg}: {ops:?}");
    }
    // resave: an unchanged loaded session is saved again, not touched.
    let c = app.get("/eager/noop").await.pair("eager.sid");
    let id = sid_of(&c);
    app.ops("eager").await;
    let read = app.get_with("/eager/read", &c).await;
    assert!(read.set_cookies().is_empty());
    assert_eq!(
        app.ops("eager").await,
        [format!("get {id}"), format!("set {id}")]
    );
}

#[tokio::test]
async fn max_age_rolling_and_a_store_without_touch() {
    let app = App::start().await;
    let first = app.get("/maxage/visits").await;
    assert_eq!(
        first.attributes("maxage.sid"),
        "Path=/; Expires=*; HttpOnly"
    );
    let id = first.sid("maxage.sid");
    let c = first.pair("maxage.sid");
    let store = app.store("maxage").await;
    let expires = store["sessions"][&id]["cookie"]["expires"]
        .as_str()
        .unwrap()
        .to_owned();
    let header = first.cookie("maxage.sid").unwrap();
    let imf = header
        .split("Expires=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    assert!(same_second(imf, &expires), "{imf} vs {expires}");
    assert_eq!(store["sessions"][&id]["cookie"]["originalMaxAge"], 60000);

    // Modified: re-sent (C4); read only: touched, not re-sent.
    assert!(
        app.get_with("/maxage/visits", &c)
            .await
            .cookie("maxage.sid")
            .is_some()
    );
    assert!(
        app.get_with("/maxage/read", &c)
            .await
            .set_cookies()
            .is_empty()
    );
    assert_eq!(
        app.ops("maxage").await,
        [
            format!("get {id}"),
            format!("set {id}"),
            format!("get {id}"),
            format!("touch {id}")
        ]
    );

    // notouch: the same, without the touch call (E5).
    let c = app.get("/notouch/visits").await.pair("notouch.sid");
    let id = sid_of(&c);
    assert_eq!(
        app.get_with("/notouch/read", &c).await.json(),
        json!({"visits": 1})
    );
    let store = app.store("notouch").await;
    assert_eq!(store["kind"], "memory-notouch");
    assert_eq!(short(&store), [format!("set {id}"), format!("get {id}")]);

    // rolling: every response of a loaded session carries the cookie, but
    // a new unmodified one does not (saveUninitialized false).
    assert!(app.get("/rolling/noop").await.set_cookies().is_empty());
    let c = app.get("/rolling/visits").await.pair("rolling.sid");
    let read = app.get_with("/rolling/read", &c).await;
    assert_eq!(
        read.attributes("rolling.sid"),
        "Path=/; Expires=*; HttpOnly"
    );
    // rollall: new sessions too.
    assert!(
        app.get("/rollall/noop")
            .await
            .cookie("rollall.sid")
            .is_some()
    );

    // expires: a fixed date is a max age frozen at creation (K7).
    let expires = app.get("/expires/visits").await;
    assert!(
        expires
            .cookie("expires.sid")
            .unwrap()
            .contains("; Expires=Thu, 01 Jan 2099 00:00:0"),
        "{expires:?}"
    );
    let cookie = app
        .get_with("/expires/cookie", &expires.pair("expires.sid"))
        .await
        .json();
    assert!(cookie["cookie"]["originalMaxAge"].as_i64().unwrap() > 60_000);
    // both: maxAge was given last and wins.
    let both = app.get("/both/visits").await;
    let cookie = app
        .get_with("/both/cookie", &both.pair("both.sid"))
        .await
        .json();
    assert_eq!(cookie["cookie"]["originalMaxAge"], 60000);
}

#[tokio::test]
async fn expired_sessions_stay_in_the_store_until_read() {
    let app = App::start().await;
    // `short` lives one second; a document that expired in 2000 shows how
    // express-session's MemoryStore keeps what nobody reads (M7).
    let dead = r#"{"cookie":{"originalMaxAge":1000,"expires":"2000-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"visits":3}"#;
    app.put("short", "dead", dead).await;
    let store = app.store("short").await;
    assert_eq!(store["sessions"]["dead"]["visits"], 3);
    assert_eq!(store["ops"], json!([]), "put is not a store call");
    // Reading it deletes it: a new session.
    let read = app
        .get_with("/short/visits", &signed("short", "dead", SECRET))
        .await;
    assert_eq!(read.json(), json!({"visits": 1}));
    let id = read.sid("short.sid");
    assert_ne!(id, "dead");
    let store = app.store("short").await;
    assert_eq!(short(&store), ["get dead".to_owned(), format!("set {id}")]);
    assert_eq!(
        store["sessions"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [&id]
    );
}

#[tokio::test]
async fn secure_cookies_follow_the_proxy_rules() {
    let app = App::start().await;
    let visit = |cfg: &'static str, proto: Option<&'static str>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> = proto
                .map(|p| ("x-forwarded-proto", p))
                .into_iter()
                .collect();
            app.send("GET", &format!("/{cfg}/visits"), &headers, "")
                .await
        }
    };
    for (cfg, proto, sent) in [
        ("secure", None, false),
        ("secure", Some("https"), true),
        ("secure", Some("HTTPS"), true), // proxy: true lower-cases (T4)
        ("secureapp", Some("https"), true), // trust proxy (T3)
        ("secureapp", Some("HTTPS"), false), // ... case-sensitively
        ("secureapp", None, false),
        ("securenp", Some("https"), false),  // proxy: false (T2)
        ("securedef", Some("https"), false), // no trust proxy
    ] {
        let reply = visit(cfg, proto).await;
        assert_eq!(reply.json(), json!({"visits": 1}));
        let name = format!("{cfg}.sid");
        match sent {
            true => assert_eq!(
                reply.attributes(&name),
                "Path=/; Expires=*; HttpOnly; Secure"
            ),
            false => assert!(reply.set_cookies().is_empty(), "{cfg} {proto:?}: {reply:?}"),
        }
        // Withheld or not, the session is saved (C5).
        let store = app.store(cfg).await;
        assert_eq!(short(&store).len(), 1, "{cfg}");
        assert_eq!(store["ops"][0]["sess"]["cookie"]["secure"], true);
    }

    // secure: 'auto' and sameSite: 'auto', decided at creation (G2, G3).
    let https = Some("https");
    assert_eq!(
        visit("auto", None).await.attributes("auto.sid"),
        "Path=/; Expires=*; HttpOnly"
    );
    assert_eq!(
        app.store("auto").await["ops"][0]["sess"]["cookie"]["secure"],
        false
    );
    assert_eq!(
        visit("auto", https).await.attributes("auto.sid"),
        "Path=/; Expires=*; HttpOnly; Secure"
    );
    assert_eq!(
        visit("ssauto", None).await.attributes("ssauto.sid"),
        "Path=/; HttpOnly; SameSite=Lax"
    );
    assert_eq!(
        visit("ssauto", https).await.attributes("ssauto.sid"),
        "Path=/; HttpOnly; Secure; SameSite=None"
    );
    assert_eq!(
        visit("ssautoplain", https)
            .await
            .attributes("ssautoplain.sid"),
        "Path=/; HttpOnly; SameSite=None"
    );
    for (cfg, attribute, stored) in [
        ("sstrue", "; SameSite=Strict", json!(true)),
        ("sslax", "; SameSite=Lax", json!("lax")),
        ("ssstrict", "; SameSite=Strict", json!("strict")),
        ("ssnone", "; SameSite=None", json!("none")),
        ("ssfalse", "", json!(false)),
    ] {
        let reply = visit(cfg, None).await;
        assert_eq!(
            reply.attributes(&format!("{cfg}.sid")),
            format!("Path=/; HttpOnly{attribute}")
        );
        assert_eq!(
            app.store(cfg).await["ops"][0]["sess"]["cookie"]["sameSite"],
            stored
        );
    }
}

#[tokio::test]
async fn cookie_attributes_and_the_cookie_path() {
    let app = App::start().await;
    let attrs = app.get("/attrs/visits").await;
    assert_eq!(
        attrs.attributes("attrs.sid"),
        "Domain=example.test; Path=/attrs; Partitioned; Priority=High"
    );
    let attrs2 = app.get("/attrs2/visits").await;
    assert_eq!(
        attrs2.attributes("attrs2.sid"),
        "Domain=.example.test; Path=/; Expires=*; HttpOnly; Priority=Low; SameSite=Lax"
    );
    let sess = &app.store("attrs2").await["ops"][0]["sess"];
    assert_eq!(
        sess["cookie"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [
            "originalMaxAge",
            "partitioned",
            "priority",
            "expires",
            "secure",
            "httpOnly",
            "domain",
            "path",
            "sameSite"
        ]
    );

    // The path check sees the full path, as a plain prefix (R3).
    let inside = app.get("/path/in/visits").await;
    assert_eq!(inside.json(), json!({"visits": 1}));
    assert_eq!(inside.attributes("path.sid"), "Path=/path/in; HttpOnly");
    for outside in ["/path/visits", "/path/%69n/visits", "/path/IN/visits"] {
        assert_eq!(
            app.get(outside).await.status_json(),
            (200, json!({"session": false})),
            "{outside}"
        );
    }
    assert_eq!(
        app.get("/path/noop").await.json(),
        json!({"ok": true, "session": false})
    );
    assert_eq!(
        app.get("/path/id").await.json(),
        json!({"sessionID": null, "id": null})
    );
    assert_eq!(app.ops("path").await.len(), 1);
}

#[tokio::test]
async fn rotated_secrets_verify_old_cookies_and_sign_with_the_first() {
    let app = App::start().await;
    let document = r#"{"cookie":{"originalMaxAge":60000,"expires":"2099-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"visits":5}"#;
    app.put("rotate", "r1", document).await;
    let old = app
        .get_with("/rotate/visits", &signed("rotate", "r1", "old secret"))
        .await;
    assert_eq!(old.json(), json!({"visits": 6}));
    assert_eq!(old.pair("rotate.sid"), signed("rotate", "r1", "new secret"));
    // Another secret: no lookup, a new session (P8).
    app.ops("rotate").await;
    let unknown = app
        .get_with("/rotate/visits", &signed("rotate", "r1", "other"))
        .await;
    assert_eq!(unknown.json(), json!({"visits": 1}));
    let id = unknown.sid("rotate.sid");
    assert_eq!(app.ops("rotate").await, [format!("set {id}")]);
}

#[tokio::test]
async fn unset_destroys_or_keeps() {
    let app = App::start().await;
    let c = app.get("/unset/visits").await.pair("unset.sid");
    let id = sid_of(&c);
    assert_eq!(
        app.get_with("/unset/unset", &c).await.json(),
        json!({"unset": true})
    );
    let store = app.store("unset").await;
    assert_eq!(
        short(&store),
        [
            format!("set {id}"),
            format!("get {id}"),
            format!("destroy {id}")
        ]
    );
    assert_eq!(store["sessions"], json!({}));
    // destroy() with unset: 'destroy' destroys twice (E1).
    let c = app.get("/unset/visits").await.pair("unset.sid");
    let id = sid_of(&c);
    app.get_with("/unset/destroy", &c).await;
    assert_eq!(
        app.ops("unset").await,
        [
            format!("set {id}"),
            format!("get {id}"),
            format!("destroy {id}"),
            format!("destroy {id}")
        ]
    );

    let c = app.get("/unsetkeep/visits").await.pair("unsetkeep.sid");
    let id = sid_of(&c);
    assert_eq!(
        app.get_with("/unsetkeep/unset?before=1", &c).await.json(),
        json!({"unset": true})
    );
    let store = app.store("unsetkeep").await;
    assert_eq!(short(&store), [format!("set {id}"), format!("get {id}")]);
    assert_eq!(store["sessions"][&id]["visits"], 1);
}

#[tokio::test]
async fn genid_ids_match_the_reference_vectors() {
    let app = App::start().await;
    assert_eq!(app.get("/genid/noop").await.sid("genid.sid"), "g1");
    assert_eq!(app.get("/genid/noop").await.sid("genid.sid"), "g2");
    // spec §4.4
    for (gid, value) in [
        (
            "apple",
            "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU",
        ),
        (
            "%25",
            "s%3A%25.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa%2FOTZ01g",
        ),
        (
            "/foo",
            "s%3A%2Ffoo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj%2FMQ",
        ),
    ] {
        let reply = app.get(&format!("/genid/visits?gid={gid}")).await;
        assert_eq!(
            reply.cookie("genid.sid"),
            Some(format!("genid.sid={value}; Path=/; HttpOnly").as_str())
        );
    }
    // regenerate asks genid again, with this request.
    let c = app.get("/genid/visits?gid=apple").await.pair("genid.sid");
    let regenerated = app.get_with("/genid/regenerate", &c).await;
    assert_eq!(regenerated.sid("genid.sid"), "g3");
    // The counter restarts with /__reset.
    app.get("/__reset").await;
    assert_eq!(app.get("/genid/noop").await.sid("genid.sid"), "g1");
}

#[tokio::test]
async fn dyn_cookie_options_are_computed_per_request() {
    let app = App::start().await;
    let plain = app.get("/dyn/visits").await;
    assert_eq!(
        plain.attributes("dyn.sid"),
        "Path=/dyn; Expires=*; HttpOnly"
    );
    let long = app.get("/dyn/visits?long=1").await;
    let c = long.pair("dyn.sid");
    // A loaded session keeps the options it was created with (I9).
    let cookie = app.get_with("/dyn/cookie", &c).await.json();
    assert_eq!(cookie["cookie"]["originalMaxAge"], 120000);
    assert_eq!(
        app.get("/dyn/visits?p=/elsewhere").await.json(),
        json!({"session": false})
    );
    let deeper = app.get("/dyn/x/visits?p=/dyn/x").await;
    assert_eq!(
        deeper.attributes("dyn.sid"),
        "Path=/dyn/x; Expires=*; HttpOnly"
    );
}

// ---------------------------------------------------------------------------
// Faults, disconnects, the store API
// ---------------------------------------------------------------------------

#[tokio::test]
async fn injected_store_faults() {
    let app = App::start().await;
    let c = app.get("/maxage/visits").await.pair("maxage.sid");
    let id = sid_of(&c);
    app.store("maxage").await;

    // get fails: 500 before the handler, no cookie, logged.
    assert_eq!(
        app.control("cfg=maxage&fail=get&mode=error").await,
        json!({"ok": true, "fail": {"get": "error", "set": "none", "touch": "none", "destroy": "none"}})
    );
    let failed = app.get_with("/maxage/read", &c).await;
    assert_eq!(
        failed.status_json(),
        (500, json!({"error": "store get failed"}))
    );
    assert!(failed.set_cookies().is_empty());
    let store = app.store("maxage").await;
    assert_eq!(short(&store), [format!("get {id}")]);
    assert_eq!(store["errors"], json!([{"message": "store get failed"}]));

    // ENOENT means "no such session": a new one.
    app.control("cfg=maxage&fail=get&mode=enoent").await;
    let fresh = app.get_with("/maxage/visits", &c).await;
    assert_eq!(fresh.status_json(), (200, json!({"visits": 1})));
    assert_ne!(fresh.sid("maxage.sid"), id);
    app.control("cfg=maxage&fail=get&mode=none").await;
    assert_eq!(app.store("maxage").await["errors"], json!([]));

    // set fails at the end: the response is as the handler made it, the
    // error is only logged.
    app.control("cfg=maxage&fail=set&mode=error").await;
    let unchanged = app.get_with("/maxage/visits", &c).await;
    assert_eq!(unchanged.status_json(), (200, json!({"visits": 2})));
    assert_eq!(unchanged.pair("maxage.sid"), c);
    let store = app.store("maxage").await;
    assert_eq!(store["errors"], json!([{"message": "store set failed"}]));
    assert_eq!(store["sessions"][&id]["visits"], 1, "nothing was stored");
    // An explicit save's error goes to the handler, not to the log.
    assert_eq!(
        app.get_with("/maxage/save", &c).await.json(),
        json!({"visits": 2, "err": "store set failed"})
    );
    assert_eq!(app.store("maxage").await["errors"], json!([]));
    app.control("cfg=maxage&fail=set&mode=none").await;

    // touch fails: logged.
    app.control("cfg=maxage&fail=touch&mode=error").await;
    assert_eq!(
        app.get_with("/maxage/read", &c).await.status_json(),
        (200, json!({"visits": 1}))
    );
    assert_eq!(
        app.store("maxage").await["errors"],
        json!([{"message": "store touch failed"}])
    );
    app.control("cfg=maxage&fail=touch&mode=none").await;

    // destroy fails: destroy() and regenerate() tell the handler.
    app.control("cfg=maxage&fail=destroy&mode=error").await;
    assert_eq!(
        app.get_with("/maxage/destroy", &c).await.json(),
        json!({"destroyed": true, "err": "store destroy failed", "session": false})
    );
    let regenerated = app.get_with("/maxage/regenerate?then=visits", &c).await;
    assert_eq!(
        regenerated.json(),
        json!({"regenerated": true, "err": "store destroy failed", "visits": 1})
    );
    assert_ne!(
        regenerated.sid("maxage.sid"),
        id,
        "a new session anyway (A7)"
    );
    assert_eq!(app.store("maxage").await["errors"], json!([]));

    // ... and a destroy at the end of the request is logged.
    app.control("cfg=unset&fail=destroy&mode=error").await;
    let c = app.get("/unset/visits").await.pair("unset.sid");
    assert_eq!(
        app.get_with("/unset/unset", &c).await.status_json(),
        (200, json!({"unset": true}))
    );
    assert_eq!(
        app.store("unset").await["errors"],
        json!([{"message": "store destroy failed"}])
    );

    // Bad control requests.
    assert_eq!(
        app.get("/__control?cfg=std&fail=get&mode=maybe")
            .await
            .status,
        400
    );
    assert_eq!(app.get("/__control?cfg=std").await.status, 400);
    // /__reset clears the faults.
    app.get("/__reset").await;
    assert_eq!(
        app.control("cfg=unset&event=connect").await,
        json!({"ok": true})
    );
    assert!(app.get("/unset/visits").await.cookie("unset.sid").is_some());
}

#[tokio::test]
async fn an_unwritable_cookie_is_logged_as_internal() {
    let app = App::start().await;
    let c = app.get("/maxage/visits").await.pair("maxage.sid");
    let id = sid_of(&c);
    app.store("maxage").await;
    // sameSite 'auto' on a session's cookie cannot be serialised (§4.7):
    // no cookie, the response unchanged, the session still saved.
    let reply = app
        .get_with("/maxage/cookieset?sameSite=auto&mod=1", &c)
        .await;
    assert_eq!(reply.status_json(), (200, json!({"ok": true})));
    assert!(reply.set_cookies().is_empty());
    let store = app.store("maxage").await;
    assert_eq!(store["errors"], json!([{"message": "internal"}]));
    assert_eq!(short(&store), [format!("get {id}"), format!("set {id}")]);
}

#[tokio::test]
async fn a_disconnected_store_means_no_session() {
    let app = App::start().await;
    let c = app.get("/std/visits").await.pair("std.sid");
    app.store("std").await;
    assert_eq!(
        app.control("cfg=std&event=disconnect").await,
        json!({"ok": true})
    );
    assert_eq!(
        app.get_with("/std/visits", &c).await.status_json(),
        (200, json!({"session": false}))
    );
    assert_eq!(
        app.get_with("/std/noop", &c).await.json(),
        json!({"ok": true, "session": false})
    );
    assert_eq!(
        app.get_with("/std/id", &c).await.json(),
        json!({"sessionID": null, "id": null})
    );
    assert!(
        app.ops("std").await.is_empty(),
        "no store call while disconnected (R2)"
    );
    app.control("cfg=std&event=connect").await;
    assert_eq!(
        app.get_with("/std/read", &c).await.json(),
        json!({"visits": 1})
    );
    // /__reset reconnects too.
    app.control("cfg=std&event=disconnect").await;
    app.get("/__reset").await;
    assert_eq!(
        app.get("/std/noop").await.json(),
        json!({"ok": true, "session": true})
    );
}

#[tokio::test]
async fn store_api_and_foreign_documents() {
    let app = App::start().await;
    let live = r#"{"cookie":{"originalMaxAge":null,"expires":"2099-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"visits":7}"#;
    let dead = r#"{"cookie":{"originalMaxAge":null,"expires":"2000-01-01T00:00:00.000Z","httpOnly":true,"path":"/"}}"#;
    app.put("std", "live", live).await;
    app.put("std", "dead", dead).await;
    app.put("std", "corrupt", r#"{"visits":1}"#).await;
    let store = app.store("std").await;
    assert_eq!(
        store["sessions"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["live", "dead", "corrupt"]
    );
    // all() and length() skip (and delete) the expired one.
    assert_eq!(
        app.get("/__storeapi?cfg=std").await.status_json(),
        (
            200,
            json!({
                "ids": ["corrupt", "live"],
                "length": 2,
                "sessions": {"live": serde_json::from_str::<Value>(live).unwrap(), "corrupt": {"visits": 1}},
            })
        )
    );
    assert_eq!(
        app.ops("std").await,
        Vec::<String>::new(),
        "all/length are not session calls"
    );

    // A document written elsewhere loads; one without a cookie is a 500.
    assert_eq!(
        app.get_with("/std/read", &signed("std", "live", SECRET))
            .await
            .json(),
        json!({"visits": 7})
    );
    let corrupt = app
        .get_with("/std/read", &signed("std", "corrupt", SECRET))
        .await;
    assert_eq!(corrupt.status_json(), (500, json!({"error": "internal"})));
    assert_eq!(
        app.store("std").await["errors"],
        json!([{"message": "internal"}])
    );

    // Unknown and malformed requests.
    assert_eq!(
        app.get("/__store?cfg=nope").await.status_json(),
        (404, json!({"error": "unknown configuration"}))
    );
    for bad_ttl in ["0", "-1", "soon", "NaN", "inf"] {
        let put = app
            .send(
                "POST",
                &format!("/__store/put?cfg=redis&sid=x&ttl={bad_ttl}"),
                &[],
                "{}",
            )
            .await;
        assert_eq!(put.status, 400, "{bad_ttl}");
    }
    assert_eq!(
        app.send("POST", "/__store/put?cfg=std", &[], "{}")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn head_requests() {
    let app = App::start().await;
    let head = app.send("HEAD", "/uninit/visits", &[], "").await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.cookie("uninit.sid").is_some());
    assert_eq!(app.ops("uninit").await.len(), 1);
}

// ---------------------------------------------------------------------------
// The redis* configurations, on the real Redis
// ---------------------------------------------------------------------------

/// The `ttl_ms` of a snapshot entry, which must be set and at most `max`.
fn ttl_within(entry: &Value, max: i64) -> i64 {
    let ttl = entry["ttl_ms"].as_i64().expect("a TTL");
    assert!(0 < ttl && ttl <= max, "{ttl} not in (0, {max}]");
    ttl
}

#[tokio::test]
async fn redis_keeps_sessions_as_connect_redis_does() {
    let app = App::start().await;
    let first = app.get("/redis/visits").await;
    assert_eq!(first.status_json(), (200, json!({"visits": 1})));
    let id = first.sid("redis.sid");
    assert_eq!(
        first
            .cookie("redis.sid")
            .map(|c| c.split(';').next().unwrap().to_owned()),
        Some(signed("redis", &id, SECRET))
    );
    let cookie = first.pair("redis.sid");
    let second = app.get_with("/redis/visits", &cookie).await;
    assert_eq!(second.status_json(), (200, json!({"visits": 2})));
    let read = app.get_with("/redis/read", &cookie).await;
    assert_eq!(read.status_json(), (200, json!({"visits": 2})));

    let store = app.store("redis").await;
    assert_eq!(store["kind"], "redis");
    assert_eq!(
        short(&store),
        [
            format!("set {id}"),
            format!("get {id}"),
            format!("set {id}"),
            format!("get {id}"),
            format!("touch {id}"),
        ]
    );
    let key = format!("sess:{id}");
    let entry = &store["sessions"][&key];
    assert_eq!(entry["value"]["visits"], 2);
    assert_eq!(entry["value"]["cookie"]["originalMaxAge"], 60000);
    // RD3: maxAge 60 s is a TTL of 60 s.
    ttl_within(entry, 60_000);
    assert_eq!(store["sessions"].as_object().unwrap().len(), 1);
    assert_eq!(store["errors"], json!([]));

    // The store's own all() and length().
    let api = app.get("/__storeapi?cfg=redis").await;
    assert_eq!(api.status, 200);
    assert_eq!(api.json()["ids"], json!([&id]));
    assert_eq!(api.json()["length"], 1);

    // destroy: DEL, and the session is gone.
    let destroyed = app.get_with("/redis/destroy", &cookie).await;
    assert_eq!(destroyed.json()["destroyed"], true);
    let store = app.store("redis").await;
    assert_eq!(
        short(&store),
        [format!("get {id}"), format!("destroy {id}")]
    );
    assert_eq!(store["sessions"], json!({}));
    let after = app.get_with("/redis/read", &cookie).await;
    assert_eq!(after.status_json(), (200, json!({"visits": null})));
}

#[tokio::test]
async fn redis_ttl_options() {
    let app = App::start().await;
    // No maxAge: the default TTL of one day (RD3).
    let nomax = app.get("/redisnomax/visits").await;
    let nomax_id = nomax.sid("redisnomax.sid");
    let store = app.store("redisnomax").await;
    let ttl = ttl_within(&store["sessions"][format!("sess:{nomax_id}")], 86_400_000);
    assert!(ttl > 60_000, "{ttl}");
    assert_eq!(
        store["sessions"][format!("sess:{nomax_id}")]["value"]["cookie"]["expires"],
        Value::Null
    );

    // disableTTL: no expiry at all; touch is logged but does nothing.
    let nottl = app.get("/redisnottl/visits").await;
    let nottl_id = nottl.sid("redisnottl.sid");
    app.get_with("/redisnottl/read", &nottl.pair("redisnottl.sid"))
        .await;
    let store = app.store("redisnottl").await;
    assert_eq!(
        store["sessions"][format!("sess:{nottl_id}")]["ttl_ms"],
        Value::Null
    );
    assert_eq!(short(&store)[2], format!("touch {nottl_id}"));

    // disableTouch: touch is called (and logged) and succeeds.
    let notouch = app.get("/redisnotouch/visits").await;
    let notouch_id = notouch.sid("redisnotouch.sid");
    let read = app
        .get_with("/redisnotouch/read", &notouch.pair("redisnotouch.sid"))
        .await;
    assert_eq!(read.status_json(), (200, json!({"visits": 1})));
    let store = app.store("redisnotouch").await;
    assert_eq!(
        short(&store),
        [
            format!("set {notouch_id}"),
            format!("get {notouch_id}"),
            format!("touch {notouch_id}"),
        ]
    );
    assert_eq!(store["errors"], json!([]));
    app.get("/__reset").await;
}

#[tokio::test]
async fn redis_set_of_an_expired_session_destroys_it() {
    // RD4: a TTL of zero or less deletes instead of storing, through the
    // store's own destroy, which the op log shows.
    let app = App::start().await;
    let first = app.get("/redis/visits").await;
    let id = first.sid("redis.sid");
    let cookie = first.pair("redis.sid");
    let expired = app.get_with("/redis/maxage?ms=-1000&mod=1", &cookie).await;
    assert_eq!(expired.status_json(), (200, json!({"ok": true})));
    let store = app.store("redis").await;
    assert_eq!(
        short(&store),
        [
            format!("set {id}"),
            format!("get {id}"),
            format!("set {id}"),
            format!("destroy {id}"),
        ]
    );
    assert_eq!(store["sessions"], json!({}));
}

#[tokio::test]
async fn redis_foreign_documents_faults_and_disconnects() {
    let app = App::start().await;
    // A document written by someone else (an Express app) is read as it is.
    let document = r#"{"cookie":{"originalMaxAge":60000,"expires":"2099-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"visits":41}"#;
    let put = app
        .send(
            "POST",
            "/__store/put?cfg=redis&sid=foreign&ttl=30",
            &[],
            document,
        )
        .await;
    assert_eq!(put.status_json(), (200, json!({"ok": true})));
    let cookie = signed("redis", "foreign", SECRET);
    let visits = app.get_with("/redis/visits", &cookie).await;
    assert_eq!(visits.status_json(), (200, json!({"visits": 42})));
    let store = app.store("redis").await;
    assert_eq!(store["sessions"]["sess:foreign"]["value"]["visits"], 42);
    // The save wrote the TTL of its cookie (60 s), not the put's.
    ttl_within(&store["sessions"]["sess:foreign"], 60_000);

    // A stored value that is not a session: 500, logged `internal`.
    app.send("POST", "/__store/put?cfg=redis&sid=junk", &[], "[1,2]")
        .await;
    let junk = app
        .get_with("/redis/read", &signed("redis", "junk", SECRET))
        .await;
    assert_eq!(junk.status_json(), (500, json!({"error": "internal"})));

    // Injected faults: logged calls that fail.
    app.control("cfg=redis&fail=get&mode=error").await;
    let failed = app.get_with("/redis/read", &cookie).await;
    assert_eq!(
        failed.status_json(),
        (500, json!({"error": "store get failed"}))
    );
    app.control("cfg=redis&fail=get&mode=enoent").await;
    let fresh = app.get_with("/redis/visits", &cookie).await;
    assert_eq!(fresh.status_json(), (200, json!({"visits": 1})));
    assert_ne!(fresh.sid("redis.sid"), "foreign");
    app.control("cfg=redis&fail=get&mode=none").await;
    app.control("cfg=redis&fail=set&mode=error").await;
    let unsaved = app.get_with("/redis/visits", &cookie).await;
    assert_eq!(unsaved.status_json(), (200, json!({"visits": 43})));
    let store = app.store("redis").await;
    assert_eq!(
        store["errors"],
        json!([{"message": "internal"}, {"message": "store get failed"}, {"message": "store set failed"}])
    );
    assert_eq!(store["sessions"]["sess:foreign"]["value"]["visits"], 42);

    // Disconnected: no session, no store call.
    app.control("cfg=redis&event=disconnect").await;
    let absent = app.get_with("/redis/visits", &cookie).await;
    assert_eq!(absent.status_json(), (200, json!({"session": false})));
    assert!(app.ops("redis").await.is_empty());

    // /__reset: the keys are deleted, the store reconnected, faults gone.
    app.get("/__reset").await;
    let store = app.store("redis").await;
    assert_eq!(store["sessions"], json!({}));
    let again = app.get("/redis/visits").await;
    assert_eq!(again.status_json(), (200, json!({"visits": 1})));
    app.get("/__reset").await;
}

#[tokio::test]
async fn redis_configurations_and_apps_keep_their_keys_apart() {
    let one = App::start().await;
    let two = App::start().await;
    let first = one.get("/redis/visits").await;
    let id = first.sid("redis.sid");
    // The same id under another configuration's cookie: not its session.
    let other = one
        .get_with("/redisnomax/read", &signed("redisnomax", &id, SECRET))
        .await;
    assert_eq!(other.status_json(), (200, json!({"visits": null})));
    // The same cookie on another app (another namespace): not its session.
    let elsewhere = two.get_with("/redis/read", &first.pair("redis.sid")).await;
    assert_eq!(elsewhere.status_json(), (200, json!({"visits": null})));
    assert_eq!(two.store("redis").await["sessions"], json!({}));
    // Resetting one app leaves the other's keys.
    two.get("/__reset").await;
    let still = one.get_with("/redis/read", &first.pair("redis.sid")).await;
    assert_eq!(still.status_json(), (200, json!({"visits": 1})));
    one.get("/__reset").await;
}
