//! What the cookie-session tests share: an app whose routes exercise every
//! `Session` method on the cookie backend, and an independent
//! implementation of @fastify/secure-session's cookie (libsodium's
//! `crypto_secretbox_easy` through the RustCrypto crate's one-shot API,
//! base64 from the `base64` crate) to forge and open cookies.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto_secretbox::aead::Aead;
use crypto_secretbox::{KeyInit, Nonce, XSalsa20Poly1305};
use nestling::prelude::*;
use nestling::session::{CookieOptions, SecureSessionOptions};
use nestling::{Application, Server};
use serde_json::Value;

use crate::common::{RawResponse, send};

/// The key most tests use.
pub const KEY: [u8; 32] = [7; 32];
/// An older key, for rotation.
pub const OLD_KEY: [u8; 32] = [1; 32];
/// A key nobody configured.
pub const OTHER_KEY: [u8; 32] = [2; 32];

/// The routes: each uses the `Session` as a handler written for
/// `use_session` would.
#[injectable]
pub struct CookieSessionController;

#[controller]
impl CookieSessionController {
    /// The seed's counter.
    #[get("visits")]
    async fn visits(&self, mut session: Session) -> Result<String, HttpException> {
        let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(visits.to_string())
    }

    /// Reads `key` only: its JSON, or `undefined`.
    #[get("get/:key")]
    async fn read(&self, session: Session, key: Param<String>) -> String {
        match session.get_value(&key) {
            Some(value) => value.to_string(),
            None => "undefined".to_owned(),
        }
    }

    /// `set(key, value)`.
    #[get("set/:key/:value")]
    async fn write(
        &self,
        mut session: Session,
        key: Param<String>,
        value: Param<String>,
    ) -> Result<&'static str, HttpException> {
        session.insert(&key, value.into_inner())?;
        Ok("ok")
    }

    /// Removes `key`.
    #[get("remove/:key")]
    async fn remove(&self, mut session: Session, key: Param<String>) -> String {
        format!("{:?}", session.remove(&key))
    }

    /// Every key but `__ts`, as JSON.
    #[get("data")]
    async fn data(&self, session: Session) -> Json<Value> {
        let data = session.data().unwrap_or_default();
        Json(Value::Object(
            data.iter()
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect(),
        ))
    }

    #[get("is-new")]
    async fn is_new(&self, session: Session) -> String {
        session.is_new().to_string()
    }

    #[get("touch")]
    async fn touch(&self, mut session: Session) -> &'static str {
        session.touch();
        "touched"
    }

    #[get("destroy")]
    async fn destroy(&self, mut session: Session) -> Result<String, HttpException> {
        session.destroy().await?;
        Ok(format!("{:?}", session.get::<Value>("visits")?))
    }

    /// `regenerate(keep)` with `?keep=a,b`.
    #[get("regenerate")]
    async fn regenerate(
        &self,
        mut session: Session,
        query: Query<HashMap<String, String>>,
    ) -> Result<&'static str, HttpException> {
        let keep = query.get("keep").cloned().unwrap_or_default();
        let keep: Vec<&str> = keep.split(',').filter(|k| !k.is_empty()).collect();
        session.regenerate_keeping(&keep).await?;
        Ok("regenerated")
    }

    /// "Remember me": this response's cookie lasts an hour.
    #[get("remember")]
    async fn remember(&self, mut session: Session) -> Result<&'static str, HttpException> {
        session.insert("remember", true)?;
        session.cookie_mut(|c| c.set_max_age(Some(Duration::from_secs(3600))));
        Ok("remembered")
    }

    /// Reads the cookie's attributes, then writes.
    #[get("peek")]
    async fn peek(&self, mut session: Session) -> Result<String, HttpException> {
        let max_age = session.cookie().and_then(|c| c.original_max_age());
        session.insert("peeked", true)?;
        Ok(format!("{max_age:?}"))
    }

    /// Writes, then drops this request's changes.
    #[get("unset")]
    async fn unset(&self, mut session: Session) -> Result<&'static str, HttpException> {
        session.insert("x", 1)?;
        session.unset();
        Ok("unset")
    }

    /// Writes, then reloads what the cookie held.
    #[get("reload")]
    async fn reload(&self, mut session: Session) -> Result<Json<Value>, HttpException> {
        session.insert("scratch", 1)?;
        session.reload().await?;
        let data = session.data().unwrap_or_default();
        Ok(Json(Value::Object(
            data.iter()
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect(),
        )))
    }

    /// Stores `n` bytes of text.
    #[get("big/:n")]
    async fn big(
        &self,
        mut session: Session,
        n: Param<usize>,
    ) -> Result<&'static str, HttpException> {
        session.insert("blob", "x".repeat(*n))?;
        Ok("stored")
    }

    /// Tries to store `__ts`.
    #[get("ts")]
    async fn ts(&self, mut session: Session) -> String {
        match session.insert("__ts", 1) {
            Ok(()) => "stored".to_owned(),
            Err(error) => format!("refused: {}", error.is_reserved()),
        }
    }
}

#[module(controllers = [CookieSessionController])]
pub struct CookieSessionModule;

/// Serves [`CookieSessionModule`] with `options`.
pub async fn serve(options: SecureSessionOptions) -> Server {
    serve_with(options, |_| {}).await
}

/// Serves [`CookieSessionModule`] with `options`, configured further.
pub async fn serve_with(
    options: SecureSessionOptions,
    configure: impl FnOnce(&mut Application),
) -> Server {
    crate::common::start_with::<CookieSessionModule>(|app| {
        app.use_secure_session(options);
        configure(app);
    })
    .await
}

/// The options with [`KEY`].
pub fn keyed() -> SecureSessionOptions {
    SecureSessionOptions::new().key(KEY)
}

/// `GET path`, sending `Cookie: session=<value>` when given.
pub async fn get_with_cookie(server: &Server, path: &str, value: Option<&str>) -> RawResponse {
    match value {
        Some(value) => {
            let cookie = format!("session={value}");
            send(server, "GET", path, &[("Cookie", &cookie)], b"").await
        }
        None => send(server, "GET", path, &[], b"").await,
    }
}

/// Now, in Unix seconds.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// `base64(crypto_secretbox_easy(json)) + ';' + base64(nonce)`, not
/// percent-encoded.
pub fn seal_raw(key: &[u8; 32], json: &str, nonce: [u8; 24]) -> String {
    let cipher = XSalsa20Poly1305::new(key.into())
        .encrypt(Nonce::from_slice(&nonce), json.as_bytes())
        .unwrap();
    format!("{};{}", STANDARD.encode(cipher), STANDARD.encode(nonce))
}

/// What `encodeURIComponent` makes of a base64 cookie value.
pub fn uri_encode(raw: &str) -> String {
    raw.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
        .replace(';', "%3B")
}

/// A cookie value, as @fastify/secure-session sends it, holding `json`.
pub fn seal(key: &[u8; 32], json: &str) -> String {
    let nonce: [u8; 24] = std::array::from_fn(|i| (now_secs() as u8).wrapping_add(i as u8));
    uri_encode(&seal_raw(key, json, nonce))
}

/// The JSON inside a (percent-encoded) cookie value, if `key` opens it.
pub fn open(key: &[u8; 32], value: &str) -> Option<String> {
    let raw = value
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=")
        .replace("%3B", ";");
    let (cipher, nonce) = raw.split_once(';')?;
    let cipher = STANDARD.decode(cipher).ok()?;
    let nonce = STANDARD.decode(nonce).ok()?;
    let plain = XSalsa20Poly1305::new(key.into())
        .decrypt(Nonce::from_slice(&nonce), cipher.as_slice())
        .ok()?;
    String::from_utf8(plain).ok()
}

/// The `Set-Cookie` value of `response`, if any.
pub fn set_cookie(response: &RawResponse) -> Option<&str> {
    response.header("set-cookie")
}

/// The value of the `session` pair of `response`'s `Set-Cookie`.
pub fn cookie_value(response: &RawResponse) -> String {
    let header = set_cookie(response).expect("a Set-Cookie");
    let pair = header.split(';').next().unwrap();
    pair.strip_prefix("session=")
        .unwrap_or_else(|| panic!("not the session cookie: {header}"))
        .to_owned()
}

/// The JSON payload `response` set, opened with `key`, parsed.
pub fn payload(key: &[u8; 32], response: &RawResponse) -> Value {
    let json = open(key, &cookie_value(response)).expect("the cookie opens under the key");
    serde_json::from_str(&json).unwrap()
}

/// Cookie options the tests use explicitly.
pub fn cookie_options() -> CookieOptions {
    CookieOptions::new()
}
