//! The session cookie on the wire (spec §4): express-session's own test
//! vectors both ways, how the `Cookie` header is parsed, and hostile
//! cookies — each of which must give a fresh session, silently, with no
//! store lookup when the signature does not verify.

mod common;
mod session_support;

use nestling::Server;
use session_support::*;

/// A configuration whose ids come from the `X-Id` header (when present),
/// like the spec's "genid option" tests.
async fn genid_app() -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    let options = std_options(&store).genid(|parts| match parts.headers.get("x-id") {
        Some(id) => String::from_utf8_lossy(id.as_bytes()).into_owned(),
        None => "fallback".to_owned(),
    });
    (serve(options).await, store)
}

async fn std_app() -> (Server, RecordingStore) {
    let store = RecordingStore::new();
    (serve(std_options(&store)).await, store)
}

/// Stores `visits: 41` under `id`.
async fn stored(store: &RecordingStore, id: &str) {
    store
        .put(
            id,
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":41}"#,
        )
        .await;
}

/// Sends `Cookie: <cookie>` to `/visits`; says whether the stored session
/// `abc`-like one was loaded (`42`) or a fresh one made (`1`), and returns
/// the store calls.
async fn visit_with(
    server: &Server,
    store: &RecordingStore,
    cookie: &str,
) -> (String, Vec<String>) {
    store.ops();
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", cookie)]).await;
    assert_eq!(
        response.status, 200,
        "hostile cookies are never a 4xx: {cookie:?}"
    );
    let ops = store.ops();
    let short = ops
        .iter()
        .map(|op| op.name().to_owned() + " " + op.sid())
        .collect();
    (response.text().to_owned(), short)
}

// --- §4.4: express-session's vectors, both ways -------------------------------------

const VECTORS: [(&str, &str); 3] = [
    (
        "apple",
        "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU",
    ),
    ("%", "s%3A%25.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa%2FOTZ01g"),
    (
        "/foo",
        "s%3A%2Ffoo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj%2FMQ",
    ),
];

#[test]
fn the_test_helpers_agree_with_the_vectors() {
    for (id, value) in VECTORS {
        assert_eq!(cookie_value(id, SECRET), value);
        assert_eq!(id_of(value).as_deref(), Some(id));
    }
}

#[tokio::test]
async fn nestling_signs_ids_exactly_as_express_session_does() {
    let (server, store) = genid_app().await;
    for (id, value) in VECTORS {
        let response = raw_get(server.local_addr(), "/visits", &[("X-Id", id)]).await;
        assert_eq!(
            session_cookie(&response, "connect.sid"),
            Some(format!("connect.sid={value}; Path=/; HttpOnly")),
            "{id}"
        );
        assert_eq!(store.ops_short(), [format!("set {id}")]);
    }
}

#[tokio::test]
async fn cookies_signed_by_express_session_are_accepted() {
    let (server, store) = std_app().await;
    for (id, value) in VECTORS {
        stored(&store, id).await;
        let (body, ops) = visit_with(&server, &store, &format!("connect.sid={value}")).await;
        assert_eq!(body, "42", "{id}");
        assert_eq!(ops, [format!("get {id}"), format!("set {id}")]);
    }
}

#[tokio::test]
async fn the_cookie_value_may_come_unencoded_quoted_lowercased_or_padded_with_blanks() {
    // P2, P4, P5.
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    for cookie in [
        "connect.sid=s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU",
        "connect.sid=s%3aapple.D8Y%2bpkTAmeR0PobOhY4G97PRW%2bj7bUnP%2f5m6%2fOn1MCU",
        "connect.sid=\"s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU\"",
        "  connect.sid \t=  s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU  ",
        "a=1; connect.sid=s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU; b=2",
        "junk; connect.sid=s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU",
    ] {
        let (body, ops) = visit_with(&server, &store, cookie).await;
        assert_eq!(ops[0], "get apple", "{cookie}");
        assert!(body.parse::<u32>().unwrap() > 41, "{cookie}: {body}");
    }
}

#[tokio::test]
async fn ids_with_dots_and_escapes_round_trip() {
    // SG2: the signature starts after the *last* dot; P5: a value whose
    // percent-decoding fails is used raw.
    let (server, store) = genid_app().await;
    for id in ["a.b.c", "a%zz", "é", "x y"] {
        let response = raw_get(server.local_addr(), "/visits", &[("X-Id", id)]).await;
        let set = session_cookie(&response, "connect.sid");
        // Non-ASCII header bytes reach genid as Latin-1 text via
        // from_utf8_lossy; whatever the id, the cookie carries it.
        let Some(set) = set else {
            panic!("{id}: no cookie")
        };
        let cookie = pair(&set).to_owned();
        let id = store.ops()[0].sid().to_owned();
        assert_eq!(cookie, format!("connect.sid={}", cookie_value(&id, SECRET)));
        let response = raw_get(server.local_addr(), "/read", &[("Cookie", &cookie)]).await;
        assert_eq!(response.text(), "1", "{id}");
        assert_eq!(store.ops_short()[0], format!("get {id}"));
    }
    // The raw, undecodable form of `a%zz` is accepted as it is.
    let raw = format!("connect.sid=s:{}", sign("a%zz", SECRET));
    let response = raw_get(server.local_addr(), "/read", &[("Cookie", &raw)]).await;
    assert_eq!(response.text(), "1");
}

// --- hostile cookies: a fresh session, silently ------------------------------------------

/// The signed value of `apple`, unencoded.
fn apple() -> String {
    format!("s:{}", sign("apple", SECRET))
}

#[tokio::test]
async fn a_tampered_signature_gives_a_fresh_session_without_a_lookup() {
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let good = apple();
    let mut tampered = good.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let other_id = good.replace("apple", "applf");
    for value in [
        tampered.as_str(),
        other_id.as_str(),
        // Truncated, extended, and the signature of another secret.
        &good[..good.len() - 1],
        &format!("{good}A"),
        &format!("s:{}", sign("apple", "another secret")),
    ] {
        let (body, ops) = visit_with(&server, &store, &format!("connect.sid={value}")).await;
        assert_eq!(body, "1", "{value}");
        assert_eq!(ops.len(), 1, "{value}: {ops:?}");
        assert!(
            ops[0].starts_with("set ") && ops[0] != "set apple",
            "{ops:?}"
        );
    }
    assert_eq!(store.value("apple").await.unwrap()["visits"], 41);
}

#[tokio::test]
async fn re_encoded_signatures_are_rejected() {
    // SG2: base64url, `=` padding, or no signature at all.
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let good = apple();
    let url = good.replace('+', "-").replace('/', "_");
    for value in [
        url.as_str(),
        &format!("{good}="),
        "s:apple",
        "s:apple.",
        "s:.",
        &format!("s:apple..{}", &good[8..]),
    ] {
        let (body, ops) = visit_with(&server, &store, &format!("connect.sid={value}")).await;
        assert_eq!((body.as_str(), ops.len()), ("1", 1), "{value}: {ops:?}");
        assert!(ops[0].starts_with("set "), "{value}: {ops:?}");
    }
}

#[tokio::test]
async fn unsigned_and_wrongly_prefixed_values_are_ignored() {
    // P6, P7.
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let upper = apple().replacen("s:", "S:", 1);
    for value in ["apple", "", "s:", upper.as_str(), "s%3A", "\"\"", "\""] {
        let (body, ops) = visit_with(&server, &store, &format!("connect.sid={value}")).await;
        assert_eq!((body.as_str(), ops.len()), ("1", 1), "{value:?}: {ops:?}");
        assert!(ops[0].starts_with("set "), "{value:?}: {ops:?}");
    }
}

#[tokio::test]
async fn a_validly_signed_empty_id_is_no_id() {
    // SG4.
    let (server, store) = std_app().await;
    let value = cookie_value("", SECRET);
    let (body, ops) = visit_with(&server, &store, &format!("connect.sid={value}")).await;
    assert_eq!(body, "1");
    assert_eq!(ops.len(), 1);
    assert!(
        ops[0].starts_with("set ") && ops[0].len() == "set ".len() + 32,
        "{ops:?}"
    );
}

#[tokio::test]
async fn a_forged_id_unknown_to_the_store_is_never_adopted() {
    // R9 and §12: a valid signature on an id the store does not know gives
    // a new id, so a session cannot be fixed by an attacker.
    let (server, store) = std_app().await;
    let forged = format!("connect.sid={}", cookie_value("attacker-chosen", SECRET));
    let response = raw_get(server.local_addr(), "/visits", &[("Cookie", &forged)]).await;
    assert_eq!(response.status_body(), (200, "1"));
    let set = session_cookie(&response, "connect.sid").unwrap();
    let id = id_of(pair(&set).split_once('=').unwrap().1).unwrap();
    assert_ne!(id, "attacker-chosen");
    assert_eq!(id.len(), 32);
    assert_eq!(
        store.ops_short(),
        ["get attacker-chosen".to_owned(), format!("set {id}")]
    );
    assert_eq!(store.ids().await, [id]);
}

#[tokio::test]
async fn a_huge_cookie_value_gives_a_fresh_session() {
    let (server, store) = std_app().await;
    let huge = format!("s:{}", "A".repeat(6000));
    let (body, ops) = visit_with(&server, &store, &format!("connect.sid={huge}")).await;
    assert_eq!((body.as_str(), ops.len()), ("1", 1));
    // A huge, validly signed id is looked up (and not found).
    let signed = format!("connect.sid={}", cookie_value(&"x".repeat(4000), SECRET));
    let (body, ops) = visit_with(&server, &store, &signed).await;
    assert_eq!(body, "1");
    assert_eq!(ops[0], format!("get {}", "x".repeat(4000)));
}

#[tokio::test]
async fn invalid_percent_encoding_keeps_the_raw_value() {
    // P5: decodeURIComponent throws, the raw value is used: here it no
    // longer starts with `s:`, so it is ignored.
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let encoded = cookie_value("apple", SECRET);
    for value in [
        format!("{encoded}%"),
        format!("{encoded}%ZZ"),
        format!("{encoded}%C3%28"),
        encoded.replacen("%3A", "%3", 1),
    ] {
        let (body, ops) = visit_with(&server, &store, &format!("connect.sid={value}")).await;
        assert_eq!((body.as_str(), ops.len()), ("1", 1), "{value}: {ops:?}");
    }
}

#[tokio::test]
async fn non_ascii_bytes_in_the_cookie_header_are_harmless() {
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let mut request = b"GET /visits HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: x=\xe9\xff; connect.sid=s%3A\xe9.abc\r\n\r\n".to_vec();
    let response = common::raw(server.local_addr(), &request).await;
    assert_eq!(response.status_body(), (200, "1"));
    // ... and a valid cookie after them still counts.
    request = format!(
        "GET /visits HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: x=\u{e9}; connect.sid={}\r\n\r\n",
        cookie_value("apple", SECRET)
    )
    .into_bytes();
    let response = common::raw(server.local_addr(), &request).await;
    assert_eq!(response.status_body(), (200, "42"));
}

#[tokio::test]
async fn the_first_cookie_of_a_name_wins_even_when_invalid() {
    // P3.
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    stored(&store, "pear").await;
    let apple = cookie_value("apple", SECRET);
    let pear = cookie_value("pear", SECRET);
    // valid first, invalid second: loaded.
    let (body, ops) = visit_with(
        &server,
        &store,
        &format!("connect.sid={apple}; connect.sid=junk"),
    )
    .await;
    assert_eq!((body.as_str(), ops[0].as_str()), ("42", "get apple"));
    // invalid first, valid second: fresh, no lookup.
    let (body, ops) = visit_with(
        &server,
        &store,
        &format!("connect.sid=junk; connect.sid={apple}"),
    )
    .await;
    assert_eq!((body.as_str(), ops.len()), ("1", 1));
    // two valid: the first.
    let (_, ops) = visit_with(
        &server,
        &store,
        &format!("connect.sid={pear}; connect.sid={apple}"),
    )
    .await;
    assert_eq!(ops[0], "get pear");
    // empty first: ignored as a whole (the first occurrence decides).
    let (body, ops) = visit_with(
        &server,
        &store,
        &format!("connect.sid=; connect.sid={apple}"),
    )
    .await;
    assert_eq!((body.as_str(), ops.len()), ("1", 1));
}

#[tokio::test]
async fn repeated_cookie_header_lines_are_read_in_order() {
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    stored(&store, "pear").await;
    let apple = format!("connect.sid={}", cookie_value("apple", SECRET));
    let pear = format!("connect.sid={}", cookie_value("pear", SECRET));
    let response = raw_get(
        server.local_addr(),
        "/visits",
        &[("Cookie", "a=1"), ("Cookie", &pear), ("Cookie", &apple)],
    )
    .await;
    assert_eq!(response.text(), "42");
    assert_eq!(store.ops_short()[0], "get pear");
}

#[tokio::test]
async fn cookie_names_are_case_sensitive_and_never_decoded() {
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let apple = cookie_value("apple", SECRET);
    for cookie in [
        format!("Connect.sid={apple}"),
        format!("connect%2Esid={apple}"),
        format!("connect.sid2={apple}"),
        format!("xconnect.sid={apple}"),
    ] {
        let (body, ops) = visit_with(&server, &store, &cookie).await;
        assert_eq!((body.as_str(), ops.len()), ("1", 1), "{cookie}");
    }
}

#[tokio::test]
async fn garbage_cookie_headers_give_a_fresh_session() {
    let (server, store) = std_app().await;
    for cookie in [
        ";",
        ";;;=;",
        "=",
        "connect.sid",
        "connect.sid;",
        "x",
        "==;==",
        "\t",
    ] {
        let (body, ops) = visit_with(&server, &store, cookie).await;
        assert_eq!((body.as_str(), ops.len()), ("1", 1), "{cookie:?}");
    }
}

#[tokio::test]
async fn default_ids_are_32_base64url_characters_and_signed() {
    let (server, _store) = std_app().await;
    let response = raw_get(server.local_addr(), "/visits", &[]).await;
    let set = session_cookie(&response, "connect.sid").unwrap();
    let value = pair(&set).strip_prefix("connect.sid=").unwrap();
    // `s%3A` + 32 id characters + `.` + 43 signature characters, with `+`
    // and `/` of the signature percent-encoded.
    let decoded = decode_uri_component(value).unwrap();
    assert_eq!(decoded.len(), 2 + 32 + 1 + 43, "{decoded}");
    let id = id_of(value).unwrap();
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(value, cookie_value(&id, SECRET));
}

#[tokio::test]
async fn a_cookie_for_another_app_does_not_disturb_the_session() {
    // Several cookies, one session: only `connect.sid` is read.
    let (server, store) = std_app().await;
    stored(&store, "apple").await;
    let cookie = format!(
        "theme=dark; connect.sid={}; other.sid={}",
        cookie_value("apple", SECRET),
        cookie_value("pear", SECRET)
    );
    let (body, ops) = visit_with(&server, &store, &cookie).await;
    assert_eq!(body, "42");
    assert_eq!(ops, ["get apple", "set apple"]);
}
