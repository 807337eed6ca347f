//! Encrypted cookie sessions over real sockets: the rules of
//! `shared/specs/secure-session.md` §4-§7 — when `Set-Cookie` is sent and
//! what it says, key rotation, `regenerate(keep)`, per-response cookie
//! options, the 4096-byte limit, and start-up errors. Cookies are forged
//! and opened with an independent implementation of the format.

mod common;
mod secure_session_support;

use std::time::Duration;

use nestling::session::{CookieOptions, SameSite, Secure, SecureSessionOptions, SessionKey};
use secure_session_support::*;
use serde_json::json;

#[tokio::test]
async fn the_seeds_counter_runs_on_the_cookie_alone() {
    let server = serve(keyed()).await;
    let first = get_with_cookie(&server, "/visits", None).await;
    assert_eq!(first.status_body(), (200, "1"));
    let header = set_cookie(&first).unwrap();
    assert!(
        header.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{header}"
    );
    // The payload is the plugin's: `__ts` first (a new session), then data.
    let payload = payload(&KEY, &first);
    let keys: Vec<&String> = payload.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["__ts", "visits"]);
    let ts = payload["__ts"].as_u64().unwrap();
    assert!(ts.abs_diff(now_secs()) <= 2, "{ts}");
    let mut value = cookie_value(&first);
    for n in 2..=4 {
        let next = get_with_cookie(&server, "/visits", Some(&value)).await;
        assert_eq!(next.status_body(), (200, n.to_string().as_str()));
        value = cookie_value(&next);
    }
}

#[tokio::test]
async fn reading_sends_no_cookie() {
    let server = serve(keyed()).await;
    // Without a cookie.
    let response = get_with_cookie(&server, "/get/user", None).await;
    assert_eq!(response.status_body(), (200, "undefined"));
    assert_eq!(set_cookie(&response), None);
    // With a valid one: read, nothing written, `is_new` false.
    let value = seal(&KEY, &format!(r#"{{"user":"ann","__ts":{}}}"#, now_secs()));
    let response = get_with_cookie(&server, "/get/user", Some(&value)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    assert_eq!(set_cookie(&response), None);
    let response = get_with_cookie(&server, "/is-new", Some(&value)).await;
    assert_eq!(response.status_body(), (200, "false"));
    let response = get_with_cookie(&server, "/is-new", None).await;
    assert_eq!(response.status_body(), (200, "true"));
}

#[tokio::test]
async fn a_cookie_in_the_plugins_order_is_kept_as_written() {
    let server = serve(keyed()).await;
    // `__ts` after the data, as `createSecureSession(data)` writes it.
    let ts = now_secs();
    let value = seal(&KEY, &format!(r#"{{"user":"x","__ts":{ts}}}"#));
    let response = get_with_cookie(&server, "/set/user/y", Some(&value)).await;
    assert_eq!(response.status, 200);
    let payload = payload(&KEY, &response);
    let keys: Vec<&String> = payload.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["user", "__ts"]);
    assert_eq!(payload["user"], "y");
}

#[tokio::test]
async fn a_payload_without_ts_is_valid_and_not_rewritten() {
    let server = serve(keyed()).await;
    let value = seal(&KEY, r#"{"user":"ann"}"#);
    let response = get_with_cookie(&server, "/get/user", Some(&value)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    assert_eq!(set_cookie(&response), None);
}

#[tokio::test]
async fn an_expired_session_is_a_fresh_one() {
    let server = serve(keyed().expiry(Duration::from_secs(60))).await;
    let now = now_secs();
    let old = seal(&KEY, &format!(r#"{{"user":"ann","__ts":{}}}"#, now - 61));
    let response = get_with_cookie(&server, "/get/user", Some(&old)).await;
    assert_eq!(response.status_body(), (200, "undefined"));
    assert_eq!(set_cookie(&response), None);
    let recent = seal(&KEY, &format!(r#"{{"user":"ann","__ts":{}}}"#, now - 30));
    let response = get_with_cookie(&server, "/get/user", Some(&recent)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    // The default expiry is 86401 s.
    let server = serve(keyed()).await;
    let day = seal(
        &KEY,
        &format!(r#"{{"user":"ann","__ts":{}}}"#, now - 86_300),
    );
    let response = get_with_cookie(&server, "/get/user", Some(&day)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    let older = seal(
        &KEY,
        &format!(r#"{{"user":"ann","__ts":{}}}"#, now - 86_402),
    );
    let response = get_with_cookie(&server, "/get/user", Some(&older)).await;
    assert_eq!(response.status_body(), (200, "undefined"));
}

#[tokio::test]
async fn touch_rewrites_the_cookie_with_a_new_time() {
    let server = serve(keyed()).await;
    let ts = now_secs() - 100;
    let value = seal(&KEY, &format!(r#"{{"user":"ann","__ts":{ts}}}"#));
    let response = get_with_cookie(&server, "/touch", Some(&value)).await;
    assert_eq!(response.status, 200);
    let payload = payload(&KEY, &response);
    assert_eq!(payload["user"], "ann");
    assert!(payload["__ts"].as_u64().unwrap() >= ts + 99);
}

#[tokio::test]
async fn destroy_deletes_the_cookie() {
    let server = serve(keyed()).await;
    let value = seal(&KEY, &format!(r#"{{"visits":3,"__ts":{}}}"#, now_secs()));
    let response = get_with_cookie(&server, "/destroy", Some(&value)).await;
    // The data is gone for the rest of the request, as with a store.
    assert_eq!(response.status_body(), (200, "None"));
    assert_eq!(
        set_cookie(&response),
        Some(
            "session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
        )
    );
}

#[tokio::test]
async fn regenerate_keeps_only_what_it_is_told() {
    let server = serve(keyed()).await;
    let value = seal(
        &KEY,
        &format!(
            r#"{{"__ts":{},"user":"ann","cart":[1,2],"csrf":"t"}}"#,
            now_secs()
        ),
    );
    let response = get_with_cookie(&server, "/regenerate?keep=cart", Some(&value)).await;
    assert_eq!(response.status_body(), (200, "regenerated"));
    let kept = payload(&KEY, &response);
    assert_eq!(kept["cart"], json!([1, 2]));
    assert!(kept.get("user").is_none() && kept.get("csrf").is_none());
    let response = get_with_cookie(&server, "/regenerate", Some(&value)).await;
    let emptied = payload(&KEY, &response);
    assert_eq!(emptied.as_object().unwrap().len(), 1, "{emptied}");
}

#[tokio::test]
async fn remove_unset_reload_and_the_reserved_ts() {
    let server = serve(keyed()).await;
    let value = seal(&KEY, &format!(r#"{{"__ts":{},"a":1,"b":2}}"#, now_secs()));
    // Removing a key writes the cookie without it.
    let response = get_with_cookie(&server, "/remove/a", Some(&value)).await;
    assert_eq!(response.status_body(), (200, "Some(Number(1))"));
    assert!(payload(&KEY, &response).get("a").is_none());
    // Removing an absent key changes nothing.
    let response = get_with_cookie(&server, "/remove/zz", Some(&value)).await;
    assert_eq!(response.status_body(), (200, "None"));
    assert_eq!(set_cookie(&response), None);
    // `unset` drops the changes: nothing is sent.
    let response = get_with_cookie(&server, "/unset", Some(&value)).await;
    assert_eq!(response.status_body(), (200, "unset"));
    assert_eq!(set_cookie(&response), None);
    // `reload` goes back to the cookie's data.
    let response = get_with_cookie(&server, "/reload", Some(&value)).await;
    assert_eq!(response.status_body(), (200, r#"{"a":1,"b":2}"#));
    assert_eq!(set_cookie(&response), None);
    // `__ts` is the plugin's.
    let response = get_with_cookie(&server, "/ts", None).await;
    assert_eq!(response.status_body(), (200, "refused: true"));
    // `data()` leaves `__ts` out.
    let response = get_with_cookie(&server, "/data", Some(&value)).await;
    assert_eq!(response.status_body(), (200, r#"{"a":1,"b":2}"#));
}

#[tokio::test]
async fn rotation_reads_old_keys_and_writes_the_first() {
    let server = serve(SecureSessionOptions::new().keys([KEY, OLD_KEY])).await;
    let ts = now_secs();
    let old = seal(&OLD_KEY, &format!(r#"{{"__ts":{ts},"user":"ann"}}"#));
    // A read-only request re-encrypts under the first key.
    let response = get_with_cookie(&server, "/get/user", Some(&old)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    let value = cookie_value(&response);
    assert_eq!(
        open(&KEY, &value).as_deref(),
        Some(format!(r#"{{"__ts":{ts},"user":"ann"}}"#).as_str()),
        "the same JSON, under the new key"
    );
    assert_eq!(open(&OLD_KEY, &value), None);
    // Under the first key, reading sends nothing.
    let response = get_with_cookie(&server, "/get/user", Some(&value)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    assert_eq!(set_cookie(&response), None);
    // Keys given as base64 text work the same.
    let text = |key: &[u8; 32]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(key)
    };
    let server = serve(SecureSessionOptions::new().keys([text(&KEY), text(&OLD_KEY)])).await;
    let response = get_with_cookie(&server, "/get/user", Some(&old)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    assert!(open(&KEY, &cookie_value(&response)).is_some());
}

#[tokio::test]
async fn per_response_cookie_options_and_configured_attributes() {
    let options = keyed().cookie_name("sid").cookie(
        CookieOptions::new()
            .path("/")
            .domain("example.test")
            .secure(Secure::Auto)
            .same_site(SameSite::Strict)
            .max_age(Duration::from_secs(600)),
    );
    let server = serve_with(options, |app| {
        app.set_trust_proxy(true);
    })
    .await;
    let response = common::send(&server, "GET", "/visits", &[], b"").await;
    let header = set_cookie(&response).unwrap();
    assert!(header.starts_with("sid="), "{header}");
    assert!(
        header.ends_with("; Max-Age=600; Domain=example.test; Path=/; HttpOnly; SameSite=Strict"),
        "{header}"
    );
    let https = [("X-Forwarded-Proto", "https")];
    let response = common::send(&server, "GET", "/visits", &https, b"").await;
    let header = set_cookie(&response).unwrap();
    assert!(
        header.contains("; HttpOnly; Secure; SameSite=Strict"),
        "{header}"
    );
    // `cookie_mut` changes this response's cookie only.
    let server = serve(keyed()).await;
    let response = get_with_cookie(&server, "/remember", None).await;
    let header = set_cookie(&response).unwrap();
    assert!(
        header.contains("; Max-Age=3600; Path=/; Expires="),
        "{header}"
    );
    assert!(header.ends_with("; HttpOnly; SameSite=Lax"), "{header}");
    let response = get_with_cookie(&server, "/visits", None).await;
    assert!(!set_cookie(&response).unwrap().contains("Max-Age"));
    // Reading the attributes changes nothing in the header.
    let server = serve(keyed().cookie(CookieOptions::new().max_age(Duration::from_secs(60)))).await;
    let response = get_with_cookie(&server, "/peek", None).await;
    assert_eq!(response.status_body(), (200, "Some(60s)"));
    assert!(
        set_cookie(&response)
            .unwrap()
            .ends_with("; Max-Age=60; Path=/; HttpOnly; SameSite=Lax"),
        "{:?}",
        set_cookie(&response)
    );
}

#[tokio::test]
async fn a_session_too_big_for_a_cookie_fails_the_request() {
    let server = serve(keyed()).await;
    // Just under: 2700 bytes of JSON give a cookie of about 3950 bytes.
    let response = get_with_cookie(&server, "/big/2700", None).await;
    assert_eq!(response.status_body(), (200, "stored"));
    let header = set_cookie(&response).unwrap();
    assert!(header.len() <= 4096, "{}", header.len());
    // Over: a 500 with Nest's body, and no cookie the browser would drop.
    let response = get_with_cookie(&server, "/big/3100", None).await;
    assert_eq!(
        response.status_body(),
        (
            500,
            r#"{"statusCode":500,"message":"Internal server error"}"#
        )
    );
    assert_eq!(set_cookie(&response), None);
    // The session the browser holds is unchanged and still works.
    let value = cookie_value(&get_with_cookie(&server, "/visits", None).await);
    let response = get_with_cookie(&server, "/big/5000", Some(&value)).await;
    assert_eq!(response.status, 500);
    let response = get_with_cookie(&server, "/visits", Some(&value)).await;
    assert_eq!(response.status_body(), (200, "2"));
}

#[tokio::test]
async fn a_key_derived_from_a_secret_reads_fastify_cookies() {
    // Spec §8: this secret and salt give this key in libsodium.
    let server = serve(
        SecureSessionOptions::new()
            .secret("averylogphrasebiggerthanthirtytwochars")
            .salt("mq9hDxBVDbspDR6n"),
    )
    .await;
    let key: [u8; 32] = std::array::from_fn(|i| {
        let hex = "fa4edddde76d7a8f4a7d89b3a93effcc51d9e7bf176b6441c5d82a3b86c2f82b";
        u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()
    });
    let value = seal(&key, &format!(r#"{{"__ts":{},"user":"ann"}}"#, now_secs()));
    let response = get_with_cookie(&server, "/get/user", Some(&value)).await;
    assert_eq!(response.status_body(), (200, r#""ann""#));
    let response = get_with_cookie(&server, "/visits", None).await;
    assert!(open(&key, &cookie_value(&response)).is_some());
}

#[tokio::test]
async fn invalid_configurations_refuse_to_start_naming_the_fix() {
    async fn problems(options: SecureSessionOptions) -> Vec<String> {
        let mut app = nestling::create::<CookieSessionModule>().await.unwrap();
        app.use_secure_session(options);
        let error = app.start("127.0.0.1:0").await.unwrap_err();
        assert!(error.is_startup(), "{error}");
        error.problems().to_vec()
    }
    let found = problems(SecureSessionOptions::new()).await;
    assert!(
        found[0].contains("`SecureSessionOptions::key(..)`"),
        "{found:?}"
    );
    let found = problems(SecureSessionOptions::new().secret("short")).await;
    assert!(found[0].contains("at least 32 bytes"), "{found:?}");
    let found = problems(
        SecureSessionOptions::new()
            .secret("averylogphrasebiggerthanthirtytwochars")
            .salt("salty"),
    )
    .await;
    assert!(found[0].contains("exactly 16 bytes"), "{found:?}");
    // One wrong key anywhere in the array is an error (the plugin only
    // refuses an array where every key is wrong).
    let found = problems(
        SecureSessionOptions::new().keys([SessionKey::from(KEY), SessionKey::from(&[0u8; 16][..])]),
    )
    .await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("key #2 (of `keys`) is 16 bytes"),
        "{found:?}"
    );
    // A hex key (as the plugin's README shows) is read as base64: refused.
    let found = problems(SecureSessionOptions::new().key("07".repeat(32))).await;
    assert!(found[0].contains("read as base64, not hex"), "{found:?}");
}

#[tokio::test]
async fn cookie_and_store_mounts_side_by_side() {
    // Cookie sessions under /visits only; the rest has none.
    let server = common::start_with::<CookieSessionModule>(|app| {
        app.use_secure_session_at("/visits", keyed().cookie_name("visits"));
    })
    .await;
    let response = get_with_cookie(&server, "/visits", None).await;
    assert_eq!(response.status_body(), (200, "1"));
    assert!(set_cookie(&response).unwrap().starts_with("visits="));
    let response = get_with_cookie(&server, "/get/user", None).await;
    assert_eq!(response.status, 500, "no session outside the mount");
    // With express-session on the rest, each path gets its own backend.
    let server = common::start_with::<CookieSessionModule>(|app| {
        app.use_secure_session_at("/visits", keyed());
        app.use_session(
            nestling::session::SessionOptions::new()
                .secret("s")
                .resave(false)
                .save_uninitialized(false),
        );
    })
    .await;
    let response = get_with_cookie(&server, "/visits", None).await;
    assert!(set_cookie(&response).unwrap().starts_with("session="));
    let response = get_with_cookie(&server, "/set/user/ann", None).await;
    assert!(
        set_cookie(&response)
            .unwrap()
            .starts_with("connect.sid=s%3A")
    );
}

#[tokio::test]
async fn a_session_handler_without_sessions_answers_500() {
    let server = common::start::<CookieSessionModule>().await;
    let response = common::get(&server, "/visits").await;
    assert_eq!(response.status, 500);
}
