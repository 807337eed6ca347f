//! Hostile cookies against encrypted cookie sessions, over real sockets:
//! truncated, bit-flipped, oversized, other alphabets, no `;`, extra
//! parts, wrong nonce lengths, other keys, payloads that are not sessions.
//! Every one is a fresh empty session, silently: 200, and no `Set-Cookie`
//! unless the handler writes (spec §4). What Node's lenient base64 accepts
//! is accepted too.

mod common;
mod secure_session_support;

use nestling::Server;
use secure_session_support::*;

/// A valid cookie value holding `user: "ann"`, percent-encoded.
fn valid() -> String {
    seal(&KEY, &format!(r#"{{"__ts":{},"user":"ann"}}"#, now_secs()))
}

/// Sends `Cookie: <line>` raw (as bytes) to `path`.
async fn with_cookie_line(server: &Server, path: &str, line: &[u8]) -> common::RawResponse {
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: ")
            .into_bytes();
    request.extend_from_slice(line);
    request.extend_from_slice(b"\r\n\r\n");
    common::raw(server.local_addr(), &request).await
}

/// Asserts that `value` gives a fresh session: a read shows nothing and
/// sends nothing; a write starts from scratch.
async fn is_fresh(server: &Server, value: &str) {
    let read = get_with_cookie(server, "/get/user", Some(value)).await;
    assert_eq!(read.status_body(), (200, "undefined"), "{value:?}");
    assert_eq!(set_cookie(&read), None, "{value:?}");
    let write = get_with_cookie(server, "/visits", Some(value)).await;
    assert_eq!(write.status_body(), (200, "1"), "{value:?}");
    assert!(open(&KEY, &cookie_value(&write)).is_some());
}

/// Asserts that `value` is read as the valid session.
async fn is_read(server: &Server, value: &str) {
    let read = get_with_cookie(server, "/get/user", Some(value)).await;
    assert_eq!(read.status_body(), (200, r#""ann""#), "{value:?}");
    assert_eq!(set_cookie(&read), None, "{value:?}");
}

#[tokio::test]
async fn truncated_cookies_are_fresh_sessions() {
    let server = serve(keyed()).await;
    let value = valid();
    // Cut at every length but the whole; some cuts only drop padding,
    // which Node (and so nestling) still reads.
    let raw = value
        .replace("%3B", ";")
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    for cut in 0..raw.len() {
        let truncated = uri_encode(&raw[..cut]);
        let padding_only = raw[cut..].bytes().all(|b| b == b'=');
        if padding_only {
            is_read(&server, &truncated).await;
        } else {
            is_fresh(&server, &truncated).await;
        }
    }
}

#[tokio::test]
async fn bit_flipped_cookies_are_fresh_sessions() {
    let server = serve(keyed()).await;
    let raw = seal_raw(
        &KEY,
        &format!(r#"{{"__ts":{},"user":"ann"}}"#, now_secs()),
        [9; 24],
    );
    // Change each base64 character of ciphertext and nonce to another
    // base64 character: every one breaks authentication.
    for (i, c) in raw.char_indices() {
        if c == ';' || c == '=' {
            continue;
        }
        let other = if c == 'A' { 'B' } else { 'A' };
        let mut flipped = raw.clone();
        flipped.replace_range(i..i + 1, &other.to_string());
        // A change in the last character's unused low bits decodes to the
        // same bytes (Node ignores them too).
        if open(&KEY, &uri_encode(&flipped)).is_some() {
            continue;
        }
        is_fresh(&server, &uri_encode(&flipped)).await;
    }
}

#[tokio::test]
async fn cookies_under_other_keys_are_fresh_sessions() {
    let server = serve(keyed()).await;
    let body = format!(r#"{{"__ts":{},"user":"ann"}}"#, now_secs());
    is_fresh(&server, &seal(&OTHER_KEY, &body)).await;
    is_fresh(&server, &seal(&OLD_KEY, &body)).await;
    is_read(&server, &seal(&KEY, &body)).await;
}

#[tokio::test]
async fn malformed_values_are_fresh_sessions() {
    let server = serve(keyed()).await;
    let raw = seal_raw(
        &KEY,
        &format!(r#"{{"__ts":{},"user":"ann"}}"#, now_secs()),
        [9; 24],
    );
    let (cipher, nonce) = raw.split_once(';').unwrap();
    let cases = [
        String::new(),
        // no `;`
        cipher.to_owned(),
        format!("{cipher}{nonce}"),
        // the nonce too short, too long, missing
        format!("{cipher};{}", &nonce[..30]),
        format!("{cipher};{nonce}AAAA"),
        format!("{cipher};"),
        // the parts swapped
        format!("{nonce};{cipher}"),
        // a ciphertext shorter than a tag
        format!("AAAA;{nonce}"),
        // hex, not base64
        "0707070707070707070707070707070707070707;0909090909090909090909090909090909090909090909"
            .to_owned(),
        // percent-escapes that do not decode are kept raw (and fail)
        format!("{cipher}%zz;{nonce}"),
        format!("%E0%A4%A;{nonce}"),
        // JSON instead of a cookie
        r#"{"user":"ann"}"#.to_owned(),
        // quotes around nothing, a lone quote
        "\"\"".to_owned(),
        "\"".to_owned(),
    ];
    for value in &cases {
        is_fresh(&server, &uri_encode(value)).await;
    }
}

#[tokio::test]
async fn what_node_reads_leniently_is_read() {
    let server = serve(keyed()).await;
    let raw = seal_raw(
        &KEY,
        &format!(r#"{{"__ts":{},"user":"ann"}}"#, now_secs()),
        [9; 24],
    );
    // Extra `;`-separated parts are ignored.
    is_read(&server, &uri_encode(&format!("{raw};extra;parts"))).await;
    // The URL-safe alphabet, and no padding.
    let url_safe = raw.replace('+', "-").replace('/', "_").replace('=', "");
    is_read(&server, &uri_encode(&url_safe)).await;
    // Only the `;` encoded, `+ / =` raw (spec §3).
    is_read(&server, &raw.replace(';', "%3B")).await;
    // Not encoded at all: the `;` ends the cookie in the header, so this
    // one is malformed.
    is_fresh(&server, &raw).await;
    // Lower-case escapes decode too.
    let lower = uri_encode(&raw)
        .replace("%2B", "%2b")
        .replace("%2F", "%2f")
        .replace("%3D", "%3d")
        .replace("%3B", "%3b");
    is_read(&server, &lower).await;
}

#[tokio::test]
async fn payloads_that_are_not_sessions_are_fresh_sessions() {
    // Only a key holder can write these; nestling still never fails on
    // a cookie (the plugin would throw on the first three).
    let server = serve(keyed()).await;
    let now = now_secs();
    for payload in [
        "not json".to_owned(),
        "[1,2]".to_owned(),
        "\"text\"".to_owned(),
        "5".to_owned(),
        "null".to_owned(),
        format!(r#"{{"__ts":"{now}","user":"ann"}}"#),
        r#"{"__ts":null,"user":"ann"}"#.to_owned(),
        format!(r#"{{"__ts":{now},"user":"ann""#),
    ] {
        is_fresh(&server, &seal(&KEY, &payload)).await;
    }
}

#[tokio::test]
async fn oversized_and_odd_headers_are_fresh_sessions() {
    let server = serve(keyed()).await;
    // 6 KB of base64 on both sides of the `;`.
    let big = "QUJD".repeat(768);
    is_fresh(&server, &format!("{big}%3B{big}")).await;
    // A ciphertext of 6 KB with a valid nonce: authentication fails.
    is_fresh(
        &server,
        &format!("{big}%3BCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ"),
    )
    .await;
    // Bytes past ASCII in the header.
    let response = with_cookie_line(&server, "/get/user", b"session=\xff\xfe%3B\xe9").await;
    assert_eq!(response.status_body(), (200, "undefined"));
    assert_eq!(set_cookie(&response), None);
    // The first `session` pair wins, even when it is the bad one.
    let good = valid();
    let line = format!("session=bogus; session={good}");
    let response = with_cookie_line(&server, "/get/user", line.as_bytes()).await;
    assert_eq!(response.status_body(), (200, "undefined"));
    let line = format!("other=1; session={good}; session=bogus");
    let response = with_cookie_line(&server, "/get/user", line.as_bytes()).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    // A cookie of another name is not the session.
    let line = format!("Session={good}");
    let response = with_cookie_line(&server, "/get/user", line.as_bytes()).await;
    assert_eq!(response.status_body(), (200, "undefined"));
}
