//! Every session option, with express-session's defaults, observed over
//! real sockets: `name`, `secret`/`secrets`, `resave`,
//! `save_uninitialized` (and the deprecation warnings), `rolling`,
//! `unset`, `proxy` with the app's trust proxy (spec §6), `genid`, `store`,
//! and each cookie option, static and per request.

mod common;
mod session_support;

use std::time::{Duration, UNIX_EPOCH};

use nestling::Server;
use nestling::session::{CookieOptions, Priority, SameSite, Secure, SessionOptions, Unset};
use serde_json::json;
use session_support::*;

async fn app_with(
    options: impl FnOnce(SessionOptions) -> SessionOptions,
) -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    (serve(options(std_options(&store))).await, store)
}

fn minute() -> CookieOptions {
    CookieOptions::default().max_age(Duration::from_secs(60))
}

/// The id in a `Set-Cookie` line signed with [`SECRET`].
fn sid(set_cookie: &str) -> String {
    id_of(pair(set_cookie).split_once('=').unwrap().1).expect("signed with the spec's secret")
}

/// The id in a `Set-Cookie` line signed with `secret`.
fn sid_signed_with(set_cookie: &str, secret: &str) -> String {
    let value = decode_uri_component(pair(set_cookie).split_once('=').unwrap().1).unwrap();
    let signed = value.strip_prefix("s:").unwrap();
    let (id, _) = signed.rsplit_once('.').unwrap();
    assert_eq!(
        sign(id, secret),
        signed,
        "{set_cookie} is not signed with {secret}"
    );
    id.to_owned()
}

// --- name ---------------------------------------------------------------------

#[tokio::test]
async fn the_cookie_is_named_connect_sid_by_default() {
    let (server, _store) = app_with(|o| o).await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    let cookies = set_cookies(&response);
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].starts_with("connect.sid=s%3A"), "{cookies:?}");
}

#[tokio::test]
async fn name_renames_the_cookie_and_other_names_are_ignored() {
    let (server, store) = app_with(|o| o.name("sessionid")).await;
    let mut browser = Browser::named(&server, "sessionid");
    browser.get("/visits").await;
    let id = browser.id().unwrap();
    assert_eq!(browser.get("/visits").await.text(), "2");
    store.ops();
    // The same signed value under the default name is not the session's.
    let cookie = format!("connect.sid={}", cookie_value(&id, SECRET));
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
    assert_eq!(response.status_body(), (200, "none"));
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn an_empty_name_falls_back_to_connect_sid() {
    let (server, _store) = app_with(|o| o.name("")).await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert!(session_cookie(&response, "connect.sid").is_some());
}

#[tokio::test]
async fn an_invalid_name_stops_the_app() {
    let error = startup_error(SessionOptions::new().secret(SECRET).name("my session")).await;
    assert_eq!(
        error,
        "the app cannot start: 1 problem found\n  - the session cookie name `my session` is not \
         a valid cookie name: use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~"
    );
}

// --- secret -------------------------------------------------------------------

#[tokio::test]
async fn a_missing_secret_stops_the_app() {
    let error = startup_error(
        SessionOptions::new()
            .resave(false)
            .save_uninitialized(false),
    )
    .await;
    assert_eq!(
        error,
        "the app cannot start: 1 problem found\n  - sessions need a secret to sign their \
         cookie: call `SessionOptions::secret(\"...\")` with a long random string, e.g. read \
         from the environment"
    );
}

#[tokio::test]
async fn an_empty_secret_list_or_an_empty_secret_stops_the_app() {
    let error = startup_error(SessionOptions::new().secrets(Vec::<String>::new())).await;
    assert!(error.contains("was given an empty list"), "{error}");
    let error = startup_error(SessionOptions::new().secrets(["ok", ""])).await;
    assert!(error.contains("a session secret is empty"), "{error}");
}

#[tokio::test]
async fn several_problems_are_reported_at_once() {
    let error = startup_error(
        SessionOptions::new()
            .name("a;b")
            .cookie(CookieOptions::default().domain("bad domain")),
    )
    .await;
    assert!(
        error.starts_with("the app cannot start: 3 problems found"),
        "{error}"
    );
}

#[tokio::test]
async fn the_first_secret_signs_and_every_secret_verifies() {
    let store = RecordingStore::new();
    let server = serve(
        std_options(&store)
            .secrets(["new secret", "old secret"])
            .cookie(minute()),
    )
    .await;
    // New cookies are signed with the first secret (SG5).
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let id = sid_signed_with(&set, "new secret");
    // A cookie signed with the old secret loads the same session ...
    let old = format!("connect.sid={}", cookie_value(&id, "old secret"));
    store.ops();
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &old)]).await;
    assert_eq!(response.status_body(), (200, "1"));
    // ... and is not re-issued while nothing requires a cookie.
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
    // When a cookie is sent, it is signed with the new secret.
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &old)]).await;
    assert_eq!(response.text(), "2");
    let set = session_cookie(&response, "connect.sid").expect("modified with an expiry");
    assert_eq!(sid_signed_with(&set, "new secret"), id);
    // A secret outside the list is rejected without a store lookup (P8).
    store.ops();
    let stranger = format!("connect.sid={}", cookie_value(&id, "another secret"));
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &stranger)]).await;
    assert_eq!(response.status_body(), (200, "none"));
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn a_single_secret_verifies_only_its_own_signatures() {
    let (server, store) = app_with(|o| o.secret("other")).await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    let id = sid_signed_with(&session_cookie(&response, "connect.sid").unwrap(), "other");
    store.ops();
    let wrong = format!("connect.sid={}", cookie_value(&id, SECRET));
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &wrong)]).await;
    assert_eq!(response.text(), "none");
    assert_eq!(store.ops(), []);
}

// --- resave and save_uninitialized: defaults and deprecations -----------------------

#[tokio::test]
async fn omitting_resave_and_save_uninitialized_logs_express_sessions_deprecations() {
    let (logs, _guard) = capture_logs();
    let store = RecordingStore::new();
    let _server = serve(SessionOptions::new().secret(SECRET).store(store)).await;
    let text = logs.text();
    assert!(
        text.contains("deprecated: undefined resave option; provide resave option"),
        "{text}"
    );
    assert!(
        text.contains(
            "deprecated: undefined saveUninitialized option; provide saveUninitialized option"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn giving_one_of_them_logs_only_the_other() {
    let (logs, _guard) = capture_logs();
    let _server = serve(SessionOptions::new().secret(SECRET).resave(true)).await;
    let text = logs.text();
    assert!(!text.contains("resave option"), "{text}");
    assert!(
        text.contains("undefined saveUninitialized option"),
        "{text}"
    );
}

#[tokio::test]
async fn giving_both_logs_no_deprecation() {
    let (logs, _guard) = capture_logs();
    let store = RecordingStore::new();
    let _server = serve(std_options(&store)).await;
    assert!(!logs.text().contains("deprecated"), "{}", logs.text());
}

#[tokio::test]
async fn resave_true_saves_every_loaded_session() {
    let (server, store) = app_with(|o| o.resave(true)).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    let id = browser.id().unwrap();
    store.ops();
    for _ in 0..3 {
        browser.get("/read").await;
        assert_eq!(
            store.ops_short(),
            [format!("get {id}"), format!("set {id}")]
        );
    }
}

#[tokio::test]
async fn save_uninitialized_true_stores_and_sends_empty_sessions() {
    let (server, store) = app_with(|o| o.save_uninitialized(true)).await;
    let mut browser = Browser::new(&server);
    browser.get("/read").await;
    let id = browser.id().expect("sent");
    assert_eq!(store.ops_short(), [format!("set {id}")]);
    // The next request loads it (not new), unmodified: touched.
    browser.get("/read").await;
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
}

// --- rolling --------------------------------------------------------------------------

#[tokio::test]
async fn rolling_resends_the_cookie_with_a_fresh_expiry_on_every_response() {
    let (server, store) = app_with(|o| o.rolling(true).cookie(minute())).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    let id = browser.id().unwrap();
    store.ops();
    for _ in 0..2 {
        let before = now_ms();
        let response = browser.get("/read").await;
        let after = now_ms();
        let set = session_cookie(&response, "connect.sid").expect("rolling");
        let expires = expires_of(&set).unwrap();
        assert!((before + 60_000) / 1000 * 1000 <= expires && expires <= after + 60_000);
        assert_eq!(
            set,
            format!(
                "connect.sid={}; Path=/; Expires={}; HttpOnly",
                cookie_value(&id, SECRET),
                imf(expires)
            )
        );
        assert_eq!(
            store.ops_short(),
            [format!("get {id}"), format!("touch {id}")]
        );
    }
}

#[tokio::test]
async fn rolling_with_save_uninitialized_sends_new_empty_sessions() {
    let (server, store) = app_with(|o| o.rolling(true).save_uninitialized(true)).await;
    let response = raw_get(server.local_addr(), "/read", &[]).await;
    let id = sid(&session_cookie(&response, "connect.sid").unwrap());
    assert_eq!(store.ops_short(), [format!("set {id}")]);
}

// --- unset --------------------------------------------------------------------------

#[tokio::test]
async fn unset_keeps_by_default() {
    let (server, store) = app_with(|o| o).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    let id = browser.id().unwrap();
    store.ops();
    browser.get("/unset").await;
    assert_eq!(store.ops_short(), [format!("get {id}")]);
    let (server, store) = app_with(|o| o.unset(Unset::Keep)).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    store.ops();
    browser.get("/unset").await;
    assert_eq!(store.op_names(), ["get"]);
}

// --- proxy and trust proxy (§6) ----------------------------------------------------------

/// The `secure*` configurations: a secure cookie with a minute's life.
async fn secure_app(proxy: Option<bool>, trust_proxy: bool) -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    let mut options = std_options(&store).cookie(minute().secure(true));
    if let Some(proxy) = proxy {
        options = options.proxy(proxy);
    }
    let server = serve_with(options, |app| {
        app.set_trust_proxy(trust_proxy);
    })
    .await;
    (server, store)
}

/// Whether a new, modified session's cookie is sent with these headers
/// (it is always stored, C5).
async fn sends_secure_cookie(
    server: &Server,
    store: &RecordingStore,
    headers: &[(&str, &str)],
) -> bool {
    let response = raw_get(server.local_addr(), "/visits", headers).await;
    assert_eq!(response.status_body(), (200, "1"));
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::name).collect::<Vec<_>>(),
        ["set"],
        "C5: stored either way"
    );
    match session_cookie(&response, "connect.sid") {
        Some(set) => {
            assert_eq!(sid(&set), ops[0].sid());
            let attributes = attributes(&set);
            assert_eq!(attributes.len(), 4, "{set}");
            assert_eq!(attributes[0], "Path=/");
            assert!(attributes[1].starts_with("Expires="));
            assert_eq!(&attributes[2..], ["HttpOnly", "Secure"]);
            true
        }
        None => false,
    }
}

#[tokio::test]
async fn a_secure_cookie_is_withheld_over_plain_http_but_the_session_is_saved() {
    for (proxy, trust) in [
        (None, false),
        (None, true),
        (Some(true), false),
        (Some(false), true),
    ] {
        let (server, store) = secure_app(proxy, trust).await;
        assert!(
            !sends_secure_cookie(&server, &store, &[]).await,
            "proxy {proxy:?}, trust {trust}"
        );
    }
}

#[tokio::test]
async fn proxy_true_reads_x_forwarded_proto_case_insensitively() {
    // T4, with or without the app's trust proxy.
    for trust in [false, true] {
        let (server, store) = secure_app(Some(true), trust).await;
        for (proto, secure) in [
            ("https", true),
            ("HTTPS", true),
            (" https ", true),
            ("https, http", true),
            ("https,http", true),
            ("http, https", false),
            ("http", false),
            ("", false),
            ("ftp", false),
        ] {
            assert_eq!(
                sends_secure_cookie(&server, &store, &[("X-Forwarded-Proto", proto)]).await,
                secure,
                "trust {trust}, X-Forwarded-Proto {proto:?}"
            );
        }
        // Repeated lines: the first decides, as Node joins them with ", ".
        assert!(
            sends_secure_cookie(
                &server,
                &store,
                &[
                    ("X-Forwarded-Proto", "https"),
                    ("X-Forwarded-Proto", "http")
                ]
            )
            .await
        );
        assert!(
            !sends_secure_cookie(
                &server,
                &store,
                &[
                    ("X-Forwarded-Proto", "http"),
                    ("X-Forwarded-Proto", "https")
                ]
            )
            .await
        );
    }
}

#[tokio::test]
async fn proxy_unset_follows_the_apps_trust_proxy_case_sensitively() {
    // T3: Express's `req.secure`, which does not lower-case the header.
    let (server, store) = secure_app(None, true).await;
    for (proto, secure) in [
        ("https", true),
        (" https", true),
        ("https, http", true),
        ("HTTPS", false),
        ("Https", false),
        ("http", false),
    ] {
        assert_eq!(
            sends_secure_cookie(&server, &store, &[("X-Forwarded-Proto", proto)]).await,
            secure,
            "X-Forwarded-Proto {proto:?}"
        );
    }
    // Without trust proxy the header means nothing.
    let (server, store) = secure_app(None, false).await;
    assert!(!sends_secure_cookie(&server, &store, &[("X-Forwarded-Proto", "https")]).await);
}

#[tokio::test]
async fn proxy_false_ignores_x_forwarded_proto_even_when_the_app_trusts_it() {
    // T2.
    let (server, store) = secure_app(Some(false), true).await;
    assert!(!sends_secure_cookie(&server, &store, &[("X-Forwarded-Proto", "https")]).await);
}

// --- secure -----------------------------------------------------------------------

#[tokio::test]
async fn secure_false_sends_no_secure_attribute_and_is_stored() {
    let (server, store) = app_with(|o| o.cookie(CookieOptions::default().secure(false))).await;
    let response = raw_get(
        server.local_addr(),
        "/visits",
        &[("X-Forwarded-Proto", "https")],
    )
    .await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly"]);
    let ops = store.ops();
    assert_eq!(
        ops[0].json(),
        Some(
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"secure":false,"httpOnly":true,"path":"/"},"visits":1}"#
        )
    );
}

/// The `auto` configuration of the session-contract app.
async fn auto_app() -> (Server, RecordingStore) {
    app_with(|o| {
        o.save_uninitialized(true)
            .rolling(true)
            .proxy(true)
            .cookie(minute().secure(Secure::Auto))
    })
    .await
}

#[tokio::test]
async fn secure_auto_follows_the_request_that_creates_the_session() {
    // G2: decided once, at creation, and stored as a boolean.
    let (server, store) = auto_app().await;
    let response = raw_get(server.local_addr(), "/read", &[]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert!(!set.contains("Secure"), "{set}");
    let ops = store.ops();
    assert!(
        ops[0].json().unwrap().contains(r#""secure":false"#),
        "{ops:?}"
    );

    let https = [("X-Forwarded-Proto", "https")];
    let response = raw_get(server.local_addr(), "/read", &https).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert!(set.ends_with("; HttpOnly; Secure"), "{set}");
    let ops = store.ops();
    assert!(
        ops[0].json().unwrap().contains(r#""secure":true"#),
        "{ops:?}"
    );
}

#[tokio::test]
async fn secure_auto_session_created_over_https_is_withheld_over_http_but_still_touched() {
    let (server, store) = auto_app().await;
    let https = [("X-Forwarded-Proto", "https")];
    let mut browser = Browser::new(&server);
    browser.get_with("/read", &https).await;
    let id = browser.id().unwrap();
    store.ops();
    // Rolling would re-send it, but the stored cookie is secure (C5).
    let response = browser.get("/read").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("touch {id}")]
    );
    // Back over https it is sent again.
    let response = browser.get_with("/read", &https).await;
    assert!(session_cookie(&response, "connect.sid").is_some());
}

#[tokio::test]
async fn secure_auto_session_created_over_http_stays_insecure_over_https() {
    let (server, store) = auto_app().await;
    let mut browser = Browser::new(&server);
    browser.get("/read").await;
    store.ops();
    let response = browser
        .get_with("/read", &[("X-Forwarded-Proto", "https")])
        .await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert!(!set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn secure_set_in_the_handler_over_http_withholds_the_cookie_but_saves() {
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let response = raw_get(server.local_addr(), "/cookieset?secure=true&mod=1", &[]).await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    let ops = store.ops();
    assert_eq!(ops.iter().map(Op::name).collect::<Vec<_>>(), ["set"]);
    assert!(ops[0].json().unwrap().contains(r#""secure":true"#));
}

// --- genid ------------------------------------------------------------------------

#[tokio::test]
async fn genid_makes_the_ids_from_the_request() {
    let (server, store) = app_with(|o| {
        o.genid(|parts| {
            let user = parts
                .headers
                .get("x-user")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("anon");
            format!("{user}-{}", parts.uri.path().len())
        })
    })
    .await;
    let response = raw_get(server.local_addr(), "/visits", &[("X-User", "ann")]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(
        set,
        format!(
            "connect.sid={}; Path=/; HttpOnly",
            cookie_value("ann-7", SECRET)
        )
    );
    assert_eq!(store.ops_short(), ["set ann-7"]);
    // regenerate asks genid again, with the same request.
    let cookie = pair(&set).to_owned();
    let response = raw_get(
        server.local_addr(),
        "/regenerate",
        &[("Cookie", &cookie), ("X-User", "bob")],
    )
    .await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(sid(&set), "bob-11");
    assert_eq!(
        store.ops_short(),
        ["get ann-7", "destroy ann-7", "set bob-11"]
    );
}

// --- store ------------------------------------------------------------------------

#[tokio::test]
async fn the_memory_store_is_the_default() {
    let server = serve(
        SessionOptions::new()
            .secret(SECRET)
            .resave(false)
            .save_uninitialized(false),
    )
    .await;
    let mut browser = Browser::new(&server);
    assert_eq!(browser.get("/visits").await.text(), "1");
    assert_eq!(browser.get("/visits").await.text(), "2");
    assert_eq!(browser.get("/visits").await.text(), "3");
}

// --- cookie: path (R3) ---------------------------------------------------------------

#[tokio::test]
async fn the_cookie_path_is_a_raw_case_sensitive_prefix_of_the_path() {
    let (server, store) = app_with(|o| o.cookie(CookieOptions::default().path("/p/in"))).await;
    let mut browser = Browser::new(&server);
    let response = browser.get("/p/in/visits").await;
    assert_eq!(response.text(), "1");
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(attributes(&set), ["Path=/p/in", "HttpOnly"]);
    let id = browser.id().unwrap();
    store.ops();
    // A plain string prefix: /p/inside matches /p/in.
    assert_eq!(browser.get("/p/inside").await.text(), "2");
    assert_eq!(
        store.ops_short(),
        [format!("get {id}"), format!("set {id}")]
    );
    // Case-sensitive, undecoded, and outside the path: no session and no
    // store lookup, even with a valid cookie.
    for path in [
        "/p/IN/visits",
        "/p/%69n/visits",
        "/p/",
        "/p/i",
        "/visits-elsewhere/p/in",
    ] {
        let response = browser.get(path).await;
        if path.starts_with("/p/") {
            assert_eq!(response.status_body(), (200, "none"), "{path}");
        }
        assert_eq!(set_cookies(&response), Vec::<String>::new(), "{path}");
        assert_eq!(store.ops(), [], "{path}");
    }
}

#[tokio::test]
async fn outside_the_cookie_path_option_session_is_none_and_session_is_a_500() {
    let (server, store) = app_with(|o| o.cookie(CookieOptions::default().path("/p/in"))).await;
    let response = raw_get(server.local_addr(), "/optional", &[]).await;
    assert_eq!(response.status_body(), (200, "none"));
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(
        response.status_body(),
        (
            500,
            r#"{"statusCode":500,"message":"Internal server error"}"#
        )
    );
    let response = raw_get(server.local_addr(), "/req-visits", &[]).await;
    assert_eq!(response.status, 500);
    assert_eq!(store.ops(), []);
}

#[tokio::test]
async fn the_cookie_path_sees_the_global_prefix() {
    // R3 checks the full original path, prefix included.
    let store = RecordingStore::new();
    let server = serve_with(
        std_options(&store).cookie(CookieOptions::default().path("/api/p")),
        |app| {
            app.set_global_prefix("api");
        },
    )
    .await;
    let response = raw_get(server.local_addr(), "/api/p/x", &[]).await;
    assert_eq!(response.text(), "1");
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(attributes(&set), ["Path=/api/p", "HttpOnly"]);
}

// --- cookie: the other attributes --------------------------------------------------------

/// The `Set-Cookie` of a first visit and the stored cookie JSON.
async fn first_cookie(options: CookieOptions, headers: &[(&str, &str)]) -> (String, String) {
    let (server, store) = app_with(|o| o.proxy(true).cookie(options)).await;
    let response = raw_get(server.local_addr(), "/visits", headers).await;
    let set = session_cookie(&response, "connect.sid").expect("sent");
    let ops = store.ops();
    let json = ops[0].json().unwrap();
    let cookie = json
        .strip_prefix(r#"{"cookie":"#)
        .and_then(|rest| rest.strip_suffix(r#","visits":1}"#))
        .unwrap()
        .to_owned();
    (set, cookie)
}

#[tokio::test]
async fn default_cookie_options_are_express_sessions() {
    let (set, stored) = first_cookie(CookieOptions::default(), &[]).await;
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly"]);
    assert_eq!(
        stored,
        r#"{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}"#
    );
}

#[tokio::test]
async fn http_only_false_drops_the_attribute() {
    let (set, stored) = first_cookie(CookieOptions::default().http_only(false), &[]).await;
    assert_eq!(attributes(&set), ["Path=/"]);
    assert_eq!(
        stored,
        r#"{"originalMaxAge":null,"expires":null,"httpOnly":false,"path":"/"}"#
    );
}

#[tokio::test]
async fn max_age_sets_expires_and_never_max_age() {
    let before = now_ms();
    let (set, stored) = first_cookie(minute(), &[]).await;
    let after = now_ms();
    let expires = expires_of(&set).unwrap();
    assert!((before + 60_000) / 1000 * 1000 <= expires && expires <= after + 60_000);
    assert_eq!(
        attributes(&set),
        ["Path=/", &format!("Expires={}", imf(expires)), "HttpOnly"]
    );
    assert!(!set.contains("Max-Age"));
    assert_eq!(
        shape(&format!(r#"{{"cookie":{stored}}}"#)),
        r#"{"cookie":{"originalMaxAge":60000,"expires":"<date>","httpOnly":true,"path":"/"}}"#
    );
}

#[tokio::test]
async fn a_fixed_expires_becomes_a_lifetime_frozen_at_creation() {
    // K7: originalMaxAge = expires - creation time.
    let at = UNIX_EPOCH + Duration::from_millis(4_070_908_800_000); // 2099-01-01
    let before = now_ms();
    let (set, stored) = first_cookie(CookieOptions::default().expires(at), &[]).await;
    let after = now_ms();
    let expires = expires_of(&set).unwrap();
    // Sent as the configured date (touching at the end moves it by the
    // milliseconds the request took, at most).
    assert!(
        (4_070_908_800_000..=4_070_908_800_000 + (after - before) + 1000).contains(&expires),
        "{set}"
    );
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let original = stored["originalMaxAge"].as_i64().unwrap();
    assert!(
        (4_070_908_800_000 - after..=4_070_908_800_000 - before).contains(&original),
        "{stored}"
    );
}

#[tokio::test]
async fn when_both_are_given_the_last_one_wins() {
    let at = UNIX_EPOCH + Duration::from_millis(4_070_908_800_000);
    let (_, stored) = first_cookie(
        CookieOptions::default()
            .expires(at)
            .max_age(Duration::from_secs(60)),
        &[],
    )
    .await;
    assert!(
        stored.starts_with(r#"{"originalMaxAge":60000,"#),
        "{stored}"
    );
    let (_, stored) = first_cookie(
        CookieOptions::default()
            .max_age(Duration::from_secs(60))
            .expires(at),
        &[],
    )
    .await;
    assert!(
        !stored.starts_with(r#"{"originalMaxAge":60000,"#),
        "{stored}"
    );
}

#[tokio::test]
async fn every_attribute_in_express_sessions_order() {
    // The `attrs` configuration (Path under /p so the route matches).
    let (set, stored) = first_cookie(
        CookieOptions::default()
            .domain("example.test")
            .http_only(false)
            .partitioned(true)
            .priority(Priority::High)
            .path("/"),
        &[],
    )
    .await;
    assert_eq!(
        attributes(&set),
        [
            "Domain=example.test",
            "Path=/",
            "Partitioned",
            "Priority=High"
        ]
    );
    assert_eq!(
        stored,
        r#"{"originalMaxAge":null,"partitioned":true,"priority":"high","expires":null,"httpOnly":false,"domain":"example.test","path":"/"}"#
    );
    // The `attrs2` configuration.
    let (set, stored) = first_cookie(
        CookieOptions::default()
            .domain(".example.test")
            .partitioned(false)
            .priority(Priority::Low)
            .secure(false)
            .same_site(SameSite::Lax)
            .max_age(Duration::from_secs(60)),
        &[],
    )
    .await;
    let expires = expires_of(&set).unwrap();
    assert_eq!(
        attributes(&set),
        [
            "Domain=.example.test",
            "Path=/",
            &format!("Expires={}", imf(expires)),
            "HttpOnly",
            "Priority=Low",
            "SameSite=Lax"
        ]
    );
    assert_eq!(
        shape(&stored),
        r#"{"originalMaxAge":60000,"partitioned":false,"priority":"low","expires":"<date>","secure":false,"httpOnly":true,"domain":".example.test","path":"/","sameSite":"lax"}"#
    );
}

#[tokio::test]
async fn same_site_values() {
    for (same_site, attribute, json) in [
        (SameSite::Strict, Some("SameSite=Strict"), r#""strict""#),
        (SameSite::Lax, Some("SameSite=Lax"), r#""lax""#),
        (SameSite::None, Some("SameSite=None"), r#""none""#),
        (SameSite::True, Some("SameSite=Strict"), "true"),
        (SameSite::False, None, "false"),
    ] {
        let (set, stored) = first_cookie(CookieOptions::default().same_site(same_site), &[]).await;
        assert_eq!(
            attributes(&set).last().copied(),
            attribute.or(Some("HttpOnly")),
            "{same_site:?}"
        );
        // `None` does not add `Secure` (W5).
        assert!(!set.contains("Secure"));
        assert!(
            stored.ends_with(&format!(r#""sameSite":{json}}}"#)),
            "{stored}"
        );
    }
}

#[tokio::test]
async fn same_site_auto_is_none_over_https_and_lax_over_http() {
    // G3: decided at creation; 'auto' does not imply Secure.
    let (set, stored) = first_cookie(CookieOptions::default().same_site(SameSite::Auto), &[]).await;
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly", "SameSite=Lax"]);
    assert!(stored.ends_with(r#""sameSite":"lax"}"#));
    let https = [("X-Forwarded-Proto", "https")];
    let (set, stored) =
        first_cookie(CookieOptions::default().same_site(SameSite::Auto), &https).await;
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly", "SameSite=None"]);
    assert!(stored.ends_with(r#""sameSite":"none"}"#));
    // With secure 'auto' as well, both follow the request.
    let (set, _) = first_cookie(
        CookieOptions::default()
            .same_site(SameSite::Auto)
            .secure(Secure::Auto),
        &https,
    )
    .await;
    assert_eq!(
        attributes(&set),
        ["Path=/", "HttpOnly", "Secure", "SameSite=None"]
    );
}

#[tokio::test]
async fn partitioned_and_priority() {
    let (set, _) = first_cookie(CookieOptions::default().partitioned(true), &[]).await;
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly", "Partitioned"]);
    let (set, _) = first_cookie(CookieOptions::default().partitioned(false), &[]).await;
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly"]);
    for (priority, attribute) in [
        (Priority::Low, "Priority=Low"),
        (Priority::Medium, "Priority=Medium"),
        (Priority::High, "Priority=High"),
    ] {
        let (set, stored) = first_cookie(CookieOptions::default().priority(priority), &[]).await;
        assert_eq!(attributes(&set), ["Path=/", "HttpOnly", attribute]);
        assert!(stored.contains(&format!(
            r#""priority":"{}""#,
            attribute.trim_start_matches("Priority=").to_lowercase()
        )));
    }
}

#[tokio::test]
async fn an_invalid_domain_or_path_stops_the_app() {
    let error = startup_error(
        SessionOptions::new().secret(SECRET).cookie(
            CookieOptions::default()
                .domain("exa mple.test")
                .path("/a;b"),
        ),
    )
    .await;
    assert_eq!(
        error,
        "the app cannot start: 2 problems found\n  - the session cookie domain `exa mple.test` \
         is not a domain name: use dot-separated labels of letters, digits and inner hyphens, \
         like `example.com` or `.example.com`\n  - the session cookie path `/a;b` cannot be \
         sent in a cookie: use printable ASCII without `;` or `<`"
    );
}

// --- per-request cookie options ------------------------------------------------------------

#[tokio::test]
async fn per_request_cookie_options_decide_path_and_lifetime() {
    // The `dyn` configuration.
    let store = RecordingStore::new();
    let server = serve(std_options(&store).proxy(true).cookie_with(|parts| {
        let query = parts.uri.query().unwrap_or("");
        let path = if query.contains("p=root") { "/" } else { "/p" };
        let secs = if query.contains("long") { 120 } else { 60 };
        CookieOptions::default()
            .path(path)
            .max_age(Duration::from_secs(secs))
            .secure(Secure::Auto)
            .same_site(SameSite::Auto)
    }))
    .await;
    // The path check runs with this request's options.
    let response = raw_get(server.local_addr(), "/optional", &[]).await;
    assert_eq!(response.text(), "none");
    let response = raw_get(server.local_addr(), "/optional?p=root", &[]).await;
    assert_eq!(response.text(), "session true");
    // Lifetime per request; 'auto' resolved (unlike express-session 1.19's G4).
    let response = raw_get(
        server.local_addr(),
        "/p/x?long",
        &[("X-Forwarded-Proto", "https")],
    )
    .await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let expires = expires_of(&set).unwrap();
    assert_eq!(
        attributes(&set),
        [
            "Path=/p",
            &format!("Expires={}", imf(expires)),
            "HttpOnly",
            "Secure",
            "SameSite=None"
        ]
    );
    let ops = store.ops();
    assert!(
        ops[0]
            .json()
            .unwrap()
            .contains(r#""originalMaxAge":120000"#)
    );
    // A loaded session keeps its stored cookie whatever this request's
    // options say (I9).
    let cookie = pair(&set).to_owned();
    let response = raw_get(server.local_addr(), "/p/x", &[("Cookie", &cookie)]).await;
    assert_eq!(response.text(), "2");
    let ops = store.ops();
    assert!(
        ops[1]
            .json()
            .unwrap()
            .contains(r#""originalMaxAge":120000"#),
        "{ops:?}"
    );
}

// --- the cookie from the handler ------------------------------------------------------------

#[tokio::test]
async fn the_handler_reads_the_cookie_as_express_session_shows_it() {
    let (server, _store) = app_with(|o| o.cookie(minute().same_site(SameSite::Lax))).await;
    let before = now_ms();
    let response = raw_get(server.local_addr(), "/cookie", &[]).await;
    let after = now_ms();
    let cookie: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    let expires = parse_iso(cookie["expires"].as_str().unwrap());
    assert!(before + 60_000 <= expires && expires <= after + 60_000);
    let max_age = cookie["maxAge"].as_i64().unwrap();
    assert!((50_000..=60_000).contains(&max_age), "{cookie}");
    assert_eq!(
        cookie,
        json!({
            "originalMaxAge": 60000, "maxAge": max_age, "expires": cookie["expires"],
            "httpOnly": true, "secure": null, "path": "/", "domain": null,
            "sameSite": "Lax", "partitioned": null, "priority": null,
        })
    );
}

#[tokio::test]
async fn max_age_set_in_the_handler_persists_and_null_stops_resending() {
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    let id = browser.id().unwrap();
    store.ops();
    // "Remember me": a week, with a modification, is sent and stored.
    let response = browser.get("/maxage?ms=604800000&mod").await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let expires = expires_of(&set).unwrap();
    assert!(expires > now_ms() + 604_000_000);
    let ops = store.ops();
    assert!(
        ops[1]
            .json()
            .unwrap()
            .contains(r#""originalMaxAge":604800000"#)
    );
    // maxAge = null on a loaded session: never re-sent, even when modified (C4).
    let response = browser.get("/maxage?ms=null&mod").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    let ops = store.ops();
    assert_eq!(
        ops.iter().map(Op::short).collect::<Vec<_>>(),
        [format!("get {id}"), format!("set {id}")]
    );
    assert!(
        ops[1]
            .json()
            .unwrap()
            .contains(r#""originalMaxAge":null,"expires":null"#)
    );
    let response = browser.get("/visits").await;
    assert_eq!(set_cookies(&response), Vec::<String>::new());
}

#[tokio::test]
async fn expires_set_in_the_handler_rewrites_the_lifetime() {
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    store.ops();
    let at = now_ms() + 3_600_000;
    let response = browser.get(&format!("/expires?at={at}&mod")).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let sent = expires_of(&set).unwrap();
    // K2: originalMaxAge = at - now; the end-of-request touch keeps the
    // date within the request's duration.
    assert!((at - 5000..=at + 5000).contains(&sent), "{set}");
    let ops = store.ops();
    let stored: serde_json::Value = serde_json::from_str(ops[1].json().unwrap()).unwrap();
    let original = stored["cookie"]["originalMaxAge"].as_i64().unwrap();
    assert!((3_595_000..=3_600_000).contains(&original), "{stored}");
}

#[tokio::test]
async fn max_age_zero_expires_the_session_at_once() {
    // K3: `0` expires immediately; the memory store then reports it missing.
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let mut browser = Browser::new(&server);
    browser.get("/visits").await;
    let response = browser.get("/maxage?ms=0&mod").await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert!(expires_of(&set).unwrap() <= now_ms());
    store.ops();
    assert_eq!(browser.get("/read").await.text(), "none");
}

// --- cookies that cannot be written (§4.7) -----------------------------------------------

#[tokio::test]
async fn a_cookie_path_set_in_the_handler_that_cannot_be_sent_drops_the_cookie_only() {
    // The session is saved; the response is the handler's; no cookie.
    let (server, store) = app_with(|o| o).await;
    let (logs, _guard) = capture_logs();
    let response = raw_get(server.local_addr(), "/cookieset?path=/a%3Bb&mod", &[]).await;
    assert_eq!(response.status_body(), (200, "ok"));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.op_names(), ["set"]);
    assert!(
        logs.text()
            .contains("the session cookie could not be written"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn a_per_request_domain_that_cannot_be_sent_drops_the_cookie_only() {
    let store = RecordingStore::new();
    let server =
        serve(std_options(&store).cookie_with(|_| CookieOptions::default().domain("bad domain")))
            .await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(response.status_body(), (200, "1"));
    assert_eq!(set_cookies(&response), Vec::<String>::new());
    assert_eq!(store.op_names(), ["set"]);
}

#[tokio::test]
async fn an_id_that_cannot_be_a_header_drops_the_cookie_only() {
    let store = RecordingStore::new();
    let server = serve(std_options(&store).genid(|_| "line\nbreak".to_owned())).await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(response.status_body(), (200, "1"));
    // encodeURIComponent escapes the newline: the cookie is fine.
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert!(set.starts_with("connect.sid=s%3Aline%0Abreak."), "{set}");
}

#[tokio::test]
async fn a_max_age_beyond_javascripts_dates_stores_no_expiry_and_sends_no_cookie() {
    // As in express-session: `new Date(now + maxAge)` past year 275760 is an
    // Invalid Date, stored as `null`, and `serialize` refuses it, so no
    // cookie (§4.7). (express-session also stores `originalMaxAge` as
    // `null` there, being NaN; nestling keeps the number: only reachable
    // with lifetimes of more than 270,000 years.)
    for max_age in [
        Duration::from_secs(u64::MAX),
        Duration::MAX,
        Duration::from_secs(300_000 * 365 * 86_400),
    ] {
        let store = RecordingStore::new();
        let server =
            serve(std_options(&store).cookie(CookieOptions::default().max_age(max_age))).await;
        let response = raw_get(server.local_addr(), "/visits", &[]).await;
        assert_eq!(response.status_body(), (200, "1"), "{max_age:?}");
        assert_eq!(set_cookies(&response), Vec::<String>::new());
        let ops = store.ops();
        assert_eq!(ops.iter().map(Op::name).collect::<Vec<_>>(), ["set"]);
        assert!(
            ops[0].json().unwrap().contains(r#""expires":null"#),
            "{ops:?}"
        );
    }
}

#[tokio::test]
async fn an_expires_before_1970_is_sent_as_it_is() {
    let store = RecordingStore::new();
    let at = UNIX_EPOCH - Duration::from_secs(86_400 * 365);
    let server = serve(std_options(&store).cookie(CookieOptions::default().expires(at))).await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    assert_eq!(response.status_body(), (200, "1"));
    let set = session_cookie(&response, "connect.sid").unwrap();
    // (The end-of-request touch moves it by the request's duration.)
    assert!(set.contains("; Expires=Wed, 01 Jan 1969 00:00:0"), "{set}");
    let ops = store.ops();
    assert!(
        ops[0]
            .json()
            .unwrap()
            .contains(r#""expires":"1969-01-01T00:00:0"#)
    );
}

// --- sessions mounted under a path (`use_session_at`) -------------------------------------

#[tokio::test]
async fn a_mounted_session_checks_the_cookie_path_against_the_full_path() {
    // Express's "when mounted at /foo": the middleware sees the original,
    // full URL for its cookie-path check (R3).
    let store = RecordingStore::new();
    let options = std_options(&store).cookie(CookieOptions::default().path("/p/in"));
    let server = common::start_with::<SessionModule>(|app| {
        app.use_session_at("/p", options);
    })
    .await;
    let response = raw_get(server.local_addr(), "/p/in/x", &[]).await;
    assert_eq!(response.text(), "1");
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(attributes(&set), ["Path=/p/in", "HttpOnly"]);
    assert_eq!(
        raw_get(server.local_addr(), "/p/x", &[]).await.text(),
        "none"
    );
    // Outside the mount there are no sessions at all.
    assert_eq!(
        raw_get(server.local_addr(), "/optional", &[]).await.text(),
        "none"
    );
    assert_eq!(
        raw_get(server.local_addr(), "/visits", &[]).await.status,
        500
    );
    assert_eq!(store.op_names(), ["set"]);
}

#[tokio::test]
async fn two_mounts_keep_their_own_cookies_and_stores() {
    let (inner, outer) = (RecordingStore::new(), RecordingStore::new());
    let (inner_options, outer_options) = (
        std_options(&inner).name("p.sid"),
        std_options(&outer).secret("outer secret"),
    );
    let server = common::start_with::<SessionModule>(|app| {
        app.use_session_at("/p", inner_options);
        app.use_session(outer_options);
    })
    .await;
    let mut p = Browser::named(&server, "p.sid");
    assert_eq!(p.get("/p/x").await.text(), "1");
    assert_eq!(p.get("/p/x").await.text(), "2");
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let value = decode_uri_component(pair(&set).split_once('=').unwrap().1).unwrap();
    let (id, _) = value.strip_prefix("s:").unwrap().rsplit_once('.').unwrap();
    assert_eq!(value, format!("s:{}", sign(id, "outer secret")));
    assert_eq!(inner.op_names(), ["set", "get", "set"]);
    assert_eq!(outer.ops_short(), [format!("set {id}")]);
}

#[tokio::test]
async fn a_loaded_sessions_max_age_counts_down_while_its_original_stays() {
    // K4/K5: in the handler, before the end-of-request touch, `maxAge` is
    // what is left of the stored expiry.
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let expires = iso(now_ms() + 10_000);
    store
        .put(
            "abc",
            &format!(
                r#"{{"cookie":{{"originalMaxAge":60000,"expires":"{expires}","httpOnly":true,"path":"/"}}}}"#
            ),
        )
        .await;
    let cookie = format!("connect.sid={}", cookie_value("abc", SECRET));
    let response = raw_get(server.local_addr(), "/cookie", &[("Cookie", &cookie)]).await;
    let json: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    let max_age = json["maxAge"].as_i64().unwrap();
    assert!((1..=10_000).contains(&max_age), "{json}");
    assert_eq!(json["originalMaxAge"], json!(60000));
    assert_eq!(json["expires"], json!(expires));
    // A new session's maxAge is its original one.
    let response = raw_get(server.local_addr(), "/cookie", &[]).await;
    let json: serde_json::Value = serde_json::from_str(response.text()).unwrap();
    assert_eq!(json["originalMaxAge"], json!(60000));
}

#[tokio::test]
async fn attributes_set_in_the_handler_are_sent_and_stored() {
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let response = raw_get(
        server.local_addr(),
        "/cookieset?partitioned=true&priority=medium&domain=example.test&same_site=none&http_only=false&mod",
        &[],
    )
    .await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let expires = expires_of(&set).unwrap();
    assert_eq!(
        attributes(&set),
        [
            "Domain=example.test",
            "Path=/",
            &format!("Expires={}", imf(expires)),
            "Partitioned",
            "Priority=Medium",
            "SameSite=None"
        ]
    );
    let ops = store.ops();
    assert_eq!(
        shape(ops[0].json().unwrap()),
        r#"{"cookie":{"originalMaxAge":60000,"partitioned":true,"priority":"medium","expires":"<date>","httpOnly":false,"domain":"example.test","path":"/","sameSite":"none"},"visits":1}"#
    );
}

#[tokio::test]
async fn a_path_set_in_the_handler_is_the_cookies_path() {
    let (server, _store) = app_with(|o| o).await;
    let response = raw_get(server.local_addr(), "/cookieset?path=/p&mod", &[]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(attributes(&set), ["Path=/p", "HttpOnly"]);
}

#[tokio::test]
async fn expires_set_to_null_in_the_handler_makes_a_browser_session_cookie() {
    let (server, store) = app_with(|o| o.cookie(minute())).await;
    let response = raw_get(server.local_addr(), "/expires?at=null&mod", &[]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    assert_eq!(attributes(&set), ["Path=/", "HttpOnly"]);
    let ops = store.ops();
    assert!(
        ops[0]
            .json()
            .unwrap()
            .starts_with(r#"{"cookie":{"originalMaxAge":null,"expires":null,"#)
    );
}
