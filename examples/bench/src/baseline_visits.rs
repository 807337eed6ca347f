//! The baseline's hand-written `/visits`: the least a server can do for the
//! same wire behaviour — verify express-session's signed cookie
//! (`s:<id>.<HMAC-SHA256 base64>`), count in a map, and hand out a new signed
//! id with `Set-Cookie` when the cookie is missing or forged.

use std::cell::RefCell;
use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

thread_local! {
    // The baseline runs on one thread, as the bench requires.
    static SESSIONS: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
}

fn mac(secret: &str) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

fn sign(secret: &str, id: &str) -> String {
    let mut mac = mac(secret);
    mac.update(id.as_bytes());
    format!(
        "s:{id}.{}",
        STANDARD_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The verified id of a `connect.sid` cookie value (percent-decoded `s:`
/// prefix, constant-time signature check).
fn unsign<'a>(secret: &str, value: &'a str) -> Option<&'a str> {
    let signed = value
        .strip_prefix("s%3A")
        .or_else(|| value.strip_prefix("s:"))?;
    let (id, signature) = signed.rsplit_once('.')?;
    let signature = signature.replace("%2B", "+").replace("%2F", "/");
    let expected = STANDARD_NO_PAD.decode(signature).ok()?;
    let mut mac = mac(secret);
    mac.update(id.as_bytes());
    mac.verify_slice(&expected).ok()?;
    Some(id)
}

/// The count for this request and, for a new session, its `Set-Cookie`.
pub fn visit(secret: &str, cookie_header: Option<&str>) -> (u64, Option<String>) {
    let id = cookie_header
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("connect.sid="))
        .next()
        .and_then(|value| unsign(secret, value))
        .filter(|id| SESSIONS.with(|s| s.borrow().contains_key(*id)))
        .map(str::to_owned);
    match id {
        Some(id) => {
            let count = SESSIONS.with(|s| {
                let mut sessions = s.borrow_mut();
                let count = sessions.entry(id).or_insert(0);
                *count += 1;
                *count
            });
            (count, None)
        }
        None => {
            let mut bytes = [0u8; 24];
            if getrandom::fill(&mut bytes).is_err() {
                return (0, None);
            }
            let id = URL_SAFE_NO_PAD.encode(bytes);
            let cookie = sign(secret, &id)
                .replace(':', "%3A")
                .replace('+', "%2B")
                .replace('/', "%2F");
            SESSIONS.with(|s| s.borrow_mut().insert(id, 1));
            (1, Some(format!("connect.sid={cookie}; Path=/; HttpOnly")))
        }
    }
}
