//! A session as a store keeps it: express-session's JSON document (spec
//! §8), as text.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::session::cookie::StoredDate;
use crate::session::date;

/// A stored session: the JSON text express-session stores,
/// `{"cookie":{...},"visits":1}`, shared cheaply (cloning copies a
/// pointer).
///
/// Stores keep [`json`](Self::json) as it is and give it back from `get`;
/// stores that expire entries read [`expires`](Self::expires). The text is
/// what an Express app with the same store would read and write.
///
/// ```
/// use nestling::session::StoredSession;
///
/// let stored = StoredSession::from_json(
///     r#"{"cookie":{"originalMaxAge":null,"expires":"2099-01-01T00:00:00.000Z"},"visits":1}"#,
/// );
/// assert!(stored.expires().is_some());
/// assert_eq!(stored.cookie_json(), Some(r#"{"originalMaxAge":null,"expires":"2099-01-01T00:00:00.000Z"}"#));
/// ```
#[derive(Clone)]
pub struct StoredSession {
    json: Arc<str>,
    // Packed, so that a session costs a store 32 bytes besides its text (the
    // memory store holds one per live session): the cookie's place as
    // `start..end` ([`NO_COOKIE`], [`NOT_AN_OBJECT`] otherwise), and its
    // `expires` in milliseconds since the epoch ([`NO_EXPIRY`] for none).
    cookie_start: u32,
    cookie_end: u32,
    expires: i64,
}

/// Set in `cookie_end` of a document the session layer wrote itself, whose
/// text is exactly what it would write again for the same data.
const WRITTEN_HERE: u32 = 1 << 31;
/// `cookie_start..cookie_end` of a JSON object without `cookie`.
const NO_COOKIE: (u32, u32) = (0, 0);
/// `cookie_start..cookie_end` of a text that is not a JSON object.
const NOT_AN_OBJECT: (u32, u32) = (u32::MAX, u32::MAX);
/// The `expires` of a session that does not expire: no date JavaScript can
/// hold is this far back.
const NO_EXPIRY: i64 = i64::MIN;

/// Where the `cookie` member's value is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Cookie {
        start: u32,
        end: u32,
    },
    /// A JSON object without `cookie`.
    NoCookie,
    /// Not a JSON object (or not JSON at all).
    Other,
}

impl StoredSession {
    /// A stored session from its JSON text, kept verbatim (a store reading
    /// a document written elsewhere). The text is not validated here: a
    /// document that is not a session fails when the session layer loads
    /// it, as in express-session.
    pub fn from_json(json: impl Into<Arc<str>>) -> StoredSession {
        let json = json.into();
        let (layout, expires) = analyze(&json);
        StoredSession::packed(json, layout, expires)
    }

    fn packed(json: Arc<str>, layout: Layout, expires: Option<i64>) -> StoredSession {
        let (cookie_start, cookie_end) = match layout {
            Layout::Cookie { start, end } => (start, end),
            Layout::NoCookie => NO_COOKIE,
            Layout::Other => NOT_AN_OBJECT,
        };
        StoredSession {
            json,
            cookie_start,
            cookie_end,
            expires: expires.unwrap_or(NO_EXPIRY),
        }
    }

    fn layout(&self) -> Layout {
        match (self.cookie_start, self.cookie_end) {
            NO_COOKIE => Layout::NoCookie,
            NOT_AN_OBJECT => Layout::Other,
            (start, end) => Layout::Cookie {
                start,
                end: end & !WRITTEN_HERE,
            },
        }
    }

    /// A document the session layer wrote (`document::write`): its text is
    /// the canonical `JSON.stringify` form of its members, so it can stand
    /// for them (the change-detection hash is taken from it directly).
    pub(crate) fn written_here(json: &str, cookie: Range<usize>, expires: Option<i64>) -> Self {
        let mut stored = StoredSession::from_parts(json, cookie, expires);
        if let Layout::Cookie { .. } = stored.layout() {
            stored.cookie_end |= WRITTEN_HERE;
        }
        stored
    }

    /// Whether [`written_here`](Self::written_here) made this document.
    pub(crate) fn is_written_here(&self) -> bool {
        (self.cookie_start, self.cookie_end) != NOT_AN_OBJECT && self.cookie_end & WRITTEN_HERE != 0
    }

    /// A document written by the session layer, which knows where the
    /// cookie is.
    pub(crate) fn from_parts(
        json: impl Into<Arc<str>>,
        cookie: Range<usize>,
        expires: Option<i64>,
    ) -> Self {
        let layout = match (u32::try_from(cookie.start), u32::try_from(cookie.end)) {
            (Ok(start), Ok(end)) if start < end && end < WRITTEN_HERE => {
                Layout::Cookie { start, end }
            }
            _ => return StoredSession::from_json(json),
        };
        StoredSession::packed(json.into(), layout, expires)
    }

    /// The JSON text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The JSON text, shared.
    pub fn to_shared(&self) -> Arc<str> {
        Arc::clone(&self.json)
    }

    /// The text of the `cookie` member's value, if the document has one.
    pub fn cookie_json(&self) -> Option<&str> {
        match self.layout() {
            Layout::Cookie { start, end } => self.json.get(start as usize..end as usize),
            _ => None,
        }
    }

    /// When the session expires: its cookie's `expires` (`None` for a
    /// browser-session cookie or an unreadable date, which never expire).
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires_ms().map(date::from_ms)
    }

    pub(crate) fn expires_ms(&self) -> Option<i64> {
        (self.expires != NO_EXPIRY).then_some(self.expires)
    }

    /// This document with its cookie replaced by `session`'s, the rest
    /// untouched: what express-session's MemoryStore `touch` stores (spec
    /// M5). `None` when this document is not an object or `session` has no
    /// cookie.
    pub(crate) fn with_cookie_of(&self, session: &StoredSession) -> Option<StoredSession> {
        let cookie = session.cookie_json()?;
        let (head, tail) = match self.layout() {
            Layout::Cookie { start, end } => (
                self.json.get(..start as usize)?,
                self.json.get(end as usize..)?,
            ),
            Layout::NoCookie => {
                // Add the member last, as assigning a new property does.
                let close = self.json.rfind('}')?;
                let body = self.json[..close].trim_end();
                let comma = if body.ends_with('{') { "" } else { "," };
                let mut text = String::with_capacity(self.json.len() + cookie.len() + 12);
                text.push_str(body);
                text.push_str(comma);
                text.push_str("\"cookie\":");
                let start = text.len();
                text.push_str(cookie);
                let end = text.len();
                text.push('}');
                return Some(StoredSession::from_parts(
                    text,
                    start..end,
                    session.expires_ms(),
                ));
            }
            Layout::Other => return None,
        };
        let mut text = String::with_capacity(head.len() + cookie.len() + tail.len());
        text.push_str(head);
        text.push_str(cookie);
        let end = text.len();
        text.push_str(tail);
        Some(StoredSession::from_parts(
            text,
            head.len()..end,
            session.expires_ms(),
        ))
    }
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StoredSession").field(&self.json).finish()
    }
}

impl PartialEq for StoredSession {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

impl Eq for StoredSession {}

/// Finds the `cookie` member (its last occurrence, as `JSON.parse` keeps)
/// and its `expires`, as express-session's MemoryStore reads it (spec M2).
fn analyze(json: &str) -> (Layout, Option<i64>) {
    let Ok(top) = serde_json::from_str::<TopLevel<'_>>(json) else {
        return (Layout::Other, None);
    };
    let Some(cookie) = top.cookie else {
        return (Layout::NoCookie, None);
    };
    let text = cookie.get();
    let start = text.as_ptr() as usize - json.as_ptr() as usize;
    let layout = match (u32::try_from(start), u32::try_from(start + text.len())) {
        (Ok(start), Ok(end)) if end < WRITTEN_HERE => Layout::Cookie { start, end },
        _ => Layout::Other,
    };
    let expires = serde_json::from_str::<CookieExpires>(text)
        .ok()
        .and_then(|c| c.0);
    (layout, expires)
}

struct TopLevel<'a> {
    cookie: Option<&'a RawValue>,
}

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel<'de>, A::Error> {
                let mut cookie = None;
                while let Some(IsCookie(is_cookie)) = map.next_key()? {
                    if is_cookie {
                        cookie = Some(map.next_value::<&RawValue>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(TopLevel { cookie })
            }
        }
        deserializer.deserialize_map(TopVisitor)
    }
}

/// Whether a member name is `cookie` (also when written with escapes).
struct IsCookie(bool);

impl<'de> Deserialize<'de> for IsCookie {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = IsCookie;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<IsCookie, E> {
                Ok(IsCookie(name == "cookie"))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// The `expires` of a cookie object; nothing for anything else.
struct CookieExpires(Option<i64>);

impl<'de> Deserialize<'de> for CookieExpires {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpiresVisitor;
        impl<'de> Visitor<'de> for ExpiresVisitor {
            type Value = CookieExpires;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a cookie")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CookieExpires, A::Error> {
                let mut expires = None;
                while let Some(key) = map.next_key::<ExpiresKey>()? {
                    if key.0 {
                        expires = map.next_value::<StoredDate>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(CookieExpires(expires))
            }
        }
        deserializer.deserialize_map(ExpiresVisitor)
    }
}

struct ExpiresKey(bool);

impl<'de> Deserialize<'de> for ExpiresKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = ExpiresKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ExpiresKey, E> {
                Ok(ExpiresKey(name == "expires"))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_cookie_of_foreign_documents() {
        let text = r#" { "visits" : 1 , "cookie" : { "expires" : "2099-01-01T00:00:00.000Z" } } "#;
        let stored = StoredSession::from_json(text);
        assert_eq!(
            stored.cookie_json(),
            Some(r#"{ "expires" : "2099-01-01T00:00:00.000Z" }"#)
        );
        assert_eq!(stored.expires_ms(), Some(4_070_908_800_000));
        assert_eq!(stored.json(), text);
        // escaped member names are the same names
        let stored = StoredSession::from_json(r#"{"cooki\u0065":{"expires":"2099-01-01"}}"#);
        assert_eq!(stored.expires_ms(), Some(4_070_908_800_000));
    }

    #[test]
    fn a_stored_session_is_32_bytes_besides_its_text() {
        // The memory store holds one per live session (issue 4's memory
        // budget is ~300 bytes per session, text and index included).
        assert_eq!(std::mem::size_of::<StoredSession>(), 32);
    }

    #[test]
    fn expiry_as_memory_store_reads_it() {
        let expires = |text: &str| StoredSession::from_json(text).expires_ms();
        assert_eq!(expires(r#"{"cookie":{"expires":null}}"#), None);
        assert_eq!(expires(r#"{"cookie":{"expires":false}}"#), None);
        assert_eq!(expires(r#"{"cookie":{"expires":"not a date"}}"#), None);
        assert_eq!(expires(r#"{"cookie":{"expires":1000}}"#), Some(1000));
        assert_eq!(expires(r#"{"cookie":5}"#), None);
        assert_eq!(expires(r#"{"visits":1}"#), None);
        assert_eq!(expires("garbage"), None);
    }

    #[test]
    fn touch_replaces_only_the_cookie() {
        let stored = StoredSession::from_json(r#"{"cookie":{"expires":null},"visits":7}"#);
        let touched = StoredSession::from_json(
            r#"{"cookie":{"expires":"2099-01-01T00:00:00.000Z"},"visits":1}"#,
        );
        let result = stored.with_cookie_of(&touched).unwrap();
        assert_eq!(
            result.json(),
            r#"{"cookie":{"expires":"2099-01-01T00:00:00.000Z"},"visits":7}"#
        );
        assert_eq!(result.expires_ms(), Some(4_070_908_800_000));
        assert_eq!(result.cookie_json(), touched.cookie_json());
        // A document without a cookie gets one, last.
        let bare = StoredSession::from_json(r#"{"visits":7}"#);
        let result = bare.with_cookie_of(&touched).unwrap();
        assert_eq!(
            result.json(),
            r#"{"visits":7,"cookie":{"expires":"2099-01-01T00:00:00.000Z"}}"#
        );
        let empty = StoredSession::from_json("{ }");
        assert_eq!(
            empty.with_cookie_of(&touched).unwrap().json(),
            r#"{"cookie":{"expires":"2099-01-01T00:00:00.000Z"}}"#
        );
        // Anything else is left alone.
        assert!(
            StoredSession::from_json("[1]")
                .with_cookie_of(&touched)
                .is_none()
        );
    }
}
