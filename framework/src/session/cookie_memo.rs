//! The stored cookie's last text and value, remembered per thread.
//!
//! Every load parses the document's `cookie` member and every save writes
//! it again. Sessions of one app mostly carry the same cookie text: with
//! express-session's default browser-session cookie it is
//! `{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}` for
//! every session, and a session whose `maxAge` is not rolled keeps its text
//! from one request to the next. So the text last read and the cookie last
//! written are kept, each with its counterpart: reading the same text again,
//! or writing an equal cookie, copies the answer instead of parsing or
//! serializing. Both are pure functions of their input, so the memo only
//! ever gives what the work would.

use std::cell::RefCell;

use super::cookie::SessionCookie;
use super::json;

thread_local! {
    static READ: RefCell<Option<(Box<str>, SessionCookie)>> = const { RefCell::new(None) };
    static WRITTEN: RefCell<Option<(SessionCookie, Box<[u8]>)>> = const { RefCell::new(None) };
}

/// The cookie of the JSON `text` (a stored document's `cookie` member).
///
/// # Errors
/// When `text` is not a cookie object.
pub(crate) fn read(text: &str) -> Result<SessionCookie, serde_json::Error> {
    let known = READ.with_borrow(|memo| match memo {
        Some((seen, cookie)) if **seen == *text => Some(cookie.clone()),
        _ => None,
    });
    if let Some(cookie) = known {
        return Ok(cookie);
    }
    let cookie: SessionCookie = serde_json::from_str(text)?;
    READ.set(Some((text.into(), cookie.clone())));
    Ok(cookie)
}

/// Appends the JSON text of `cookie` to `out`, as [`json::write`] writes it.
pub(crate) fn write(out: &mut Vec<u8>, cookie: &SessionCookie) {
    let known = WRITTEN.with_borrow(|memo| match memo {
        Some((seen, text)) if seen == cookie => {
            out.extend_from_slice(text);
            true
        }
        _ => false,
    });
    if known {
        return;
    }
    let start = out.len();
    // Serializing into a Vec cannot fail.
    let _ = json::write(&mut *out, cookie);
    WRITTEN.set(Some((cookie.clone(), out[start..].into())));
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::options::CookieOptions;

    #[test]
    fn remembered_answers_are_the_computed_ones() {
        let texts = [
            r#"{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}"#,
            r#"{"originalMaxAge":60000,"expires":"2099-01-01T00:00:00.000Z","httpOnly":true,"path":"/"}"#,
            r#"{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}"#,
            r#"{"path":"/admin","secure":true}"#,
        ];
        for text in texts.iter().chain(texts.iter()) {
            let fresh: SessionCookie = serde_json::from_str(text).unwrap();
            assert_eq!(read(text).unwrap(), fresh, "{text}");
        }
        assert!(read("[1]").is_err());
        assert!(read(texts[0]).is_ok());

        let cookies = [
            SessionCookie::new(&CookieOptions::default()),
            SessionCookie::new(&CookieOptions::default().max_age(Duration::from_secs(60))),
            SessionCookie::new(&CookieOptions::default()),
            SessionCookie::new(&CookieOptions::default().path("/admin")),
        ];
        for cookie in cookies.iter().chain(cookies.iter()) {
            let mut fresh = Vec::new();
            json::write(&mut fresh, cookie).unwrap();
            let mut out = b"prefix".to_vec();
            write(&mut out, cookie);
            assert_eq!(&out[6..], &fresh[..]);
        }
    }
}
