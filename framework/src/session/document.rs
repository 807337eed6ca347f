//! The stored document (spec §8): `JSON.stringify(req.session)`, i.e. the
//! data members with `cookie` among them, in order. New sessions put
//! `cookie` first; loaded ones keep the stored order.

use std::fmt;
use std::io::Write;

use serde::Deserializer;
use serde::de::{self, Deserialize, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::SessionError;
use super::cookie::SessionCookie;
use super::cookie_memo;
use super::data::{self, SessionData};
use super::json;
use super::store::StoredSession;

/// A document read back from a store.
pub(crate) struct Loaded {
    pub(crate) data: SessionData,
    pub(crate) cookie: SessionCookie,
    /// The hash of the document as stored, before reserved keys were
    /// dropped (spec I6).
    pub(crate) hash: u64,
}

/// Writes the document of a session.
pub(crate) fn write(data: &SessionData, cookie: &SessionCookie) -> StoredSession {
    let mut out = Vec::with_capacity(192);
    out.push(b'{');
    let mut cookie_range = 0..0;
    let mut write_cookie = |out: &mut Vec<u8>| {
        member_name(out, "cookie");
        let start = out.len();
        cookie_memo::write(out, cookie);
        cookie_range = start..out.len();
    };
    for (i, (key, value)) in data.iter().enumerate() {
        if i == data.cookie_at() {
            write_cookie(&mut out);
        }
        member_name(&mut out, key);
        let _ = json::write(&mut out, value);
    }
    if data.cookie_at() >= data.len() {
        write_cookie(&mut out);
    }
    out.push(b'}');
    // serde_json writes UTF-8.
    let text = std::str::from_utf8(&out).unwrap_or_default();
    StoredSession::written_here(text, cookie_range, cookie.expires_ms())
}

/// `,"key":` (without the comma for the first member).
fn member_name(out: &mut Vec<u8>, key: &str) {
    if out.len() > 1 {
        out.push(b',');
    }
    let _ = json::write(&mut *out, key);
    let _ = out.write_all(b":");
}

/// Reads a stored document as express-session's `createSession` does (spec
/// I1-I6): the `cookie` member becomes the [`SessionCookie`], the other
/// members the data, minus the names express-session reserves (I5).
///
/// # Errors
/// When the document is not a JSON object with an object `cookie` member:
/// express-session then fails the request (R9).
pub(crate) fn read(stored: &StoredSession) -> Result<Loaded, SessionError> {
    let (document, text_hash) = match cookie_first(stored) {
        Some((document, text_hash)) => (document, text_hash),
        None => {
            let document = serde_json::from_str(stored.json()).map_err(|e| {
                SessionError::corrupt(format!("it is not a session document ({e})"))
            })?;
            (document, None)
        }
    };
    let (members, cookie_at) = data::first_place_last_value(document.members, document.cookie_at);
    let cookie = document
        .cookie
        .ok_or_else(|| SessionError::corrupt("it has no `cookie` member"))?;
    let hash = text_hash
        .unwrap_or_else(|| data::hash_members(members.iter().map(|(k, v)| (k.as_str(), v))));
    let mut data = SessionData::from_members(members, cookie_at);
    if data.keys().any(data::is_reserved) {
        let reserved: Vec<String> = data
            .keys()
            .filter(|k| data::is_reserved(k))
            .map(str::to_owned)
            .collect();
        for key in reserved {
            data.remove(&key);
        }
    }
    Ok(Loaded { data, cookie, hash })
}

/// The start of the documents [`write`] makes for new sessions.
const COOKIE_FIRST: &str = "{\"cookie\":";

/// Members after the cookie of up to this many bytes are parsed from a
/// buffer on the stack.
const INLINE_MEMBERS: usize = 256;

/// A document laid out as [`write`] lays out new sessions,
/// `{"cookie":{...},"visits":1}`, read without scanning the cookie's text
/// twice: the store knows where the cookie is, so only the members after
/// it are parsed (as `{"visits":1}`). `None` for any other layout, and for
/// anything unexpected: the full parse then reads the document and reports
/// its errors.
///
/// A document this module wrote is in canonical form, so the text of its
/// members is the text the change-detection hash reads: the hash comes with
/// it, taken from the text rather than from the values serialized again.
fn cookie_first(stored: &StoredSession) -> Option<(Document, Option<u64>)> {
    let json = stored.json();
    let cookie_text = stored.cookie_json()?;
    let after_head = json.strip_prefix(COOKIE_FIRST)?;
    if !after_head.starts_with(cookie_text) || cookie_text.as_ptr() != after_head.as_ptr() {
        return None;
    }
    let rest = &after_head[cookie_text.len()..];
    let canonical = stored.is_written_here();
    let (members, text_hash) = if rest == "}" {
        (Vec::new(), canonical.then(|| data::hash_text(b"{}")))
    } else {
        let tail = rest.strip_prefix(',')?;
        let mut stack = [0u8; INLINE_MEMBERS];
        let mut heap = Vec::new();
        let object: &mut [u8] = if tail.len() < INLINE_MEMBERS {
            &mut stack[..=tail.len()]
        } else {
            heap.resize(tail.len() + 1, 0);
            &mut heap
        };
        object[0] = b'{';
        object[1..].copy_from_slice(tail.as_bytes());
        let document: Document = serde_json::from_slice(object).ok()?;
        if document.cookie.is_some() {
            // A second `cookie` member: leave it to the full parse.
            return None;
        }
        (document.members, canonical.then(|| data::hash_text(object)))
    };
    let cookie = cookie_memo::read(cookie_text).ok()?;
    let document = Document {
        members,
        cookie: Some(cookie),
        cookie_at: 0,
    };
    Some((document, text_hash))
}

struct Document {
    /// In document order; a repeated name appears each time.
    members: Vec<(String, Value)>,
    cookie: Option<SessionCookie>,
    cookie_at: usize,
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Document, A::Error> {
        let mut document = Document {
            members: Vec::new(),
            cookie: None,
            cookie_at: 0,
        };
        while let Some(key) = access.next_key::<Key>()? {
            match key {
                Key::Cookie => {
                    // `JSON.parse` keeps the first position and the last
                    // value of a repeated name.
                    if document.cookie.is_none() {
                        document.cookie_at = document.members.len();
                    }
                    let text: &RawValue = access.next_value()?;
                    let cookie = cookie_memo::read(text.get()).map_err(de::Error::custom)?;
                    document.cookie = Some(cookie);
                }
                Key::Data(name) => {
                    let value: Value = access.next_value()?;
                    document.members.push((name, value));
                }
            }
        }
        Ok(document)
    }
}

enum Key {
    Cookie,
    Data(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(if name == "cookie" {
                    Key::Cookie
                } else {
                    Key::Data(name.to_owned())
                })
            }
            fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
                Ok(if name == "cookie" {
                    Key::Cookie
                } else {
                    Key::Data(name)
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::session::options::CookieOptions;

    const NOW: i64 = 1_764_094_920_296;

    fn cookie() -> SessionCookie {
        let options = CookieOptions::default().max_age(Duration::from_secs(60));
        SessionCookie::from_options(&options, false, NOW)
    }

    #[test]
    fn writes_express_sessions_document() {
        // §8's example, byte for byte.
        let mut data = SessionData::new();
        data.insert("visits", 1).unwrap();
        let stored = write(&data, &cookie());
        assert_eq!(
            stored.json(),
            r#"{"cookie":{"originalMaxAge":60000,"expires":"2025-11-25T18:23:00.296Z","httpOnly":true,"path":"/"},"visits":1}"#
        );
        assert_eq!(
            stored.cookie_json(),
            Some(
                r#"{"originalMaxAge":60000,"expires":"2025-11-25T18:23:00.296Z","httpOnly":true,"path":"/"}"#
            )
        );
        assert_eq!(stored.expires_ms(), Some(NOW + 60_000));
        let empty = write(&SessionData::new(), &cookie());
        assert!(empty.json().starts_with(r#"{"cookie":{"#));
        assert!(empty.json().ends_with("}}"));
    }

    #[test]
    fn round_trips_and_keeps_the_stored_order() {
        let text = r#"{"a":1,"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"b":{"y":1,"x":[2.5,"s"]}}"#;
        let loaded = read(&StoredSession::from_json(text)).unwrap();
        assert_eq!(loaded.data.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(loaded.data.hash(), loaded.hash);
        assert_eq!(write(&loaded.data, &loaded.cookie).json(), text);
        // and the same document parsed from our own writing
        let again = read(&write(&loaded.data, &loaded.cookie)).unwrap();
        assert_eq!(again.data, loaded.data);
    }

    #[test]
    fn cookie_last_in_a_document_stays_last() {
        let text = r#"{"a":1,"b":2,"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}"#;
        let mut loaded = read(&StoredSession::from_json(text)).unwrap();
        assert_eq!(write(&loaded.data, &loaded.cookie).json(), text);
        loaded.data.insert("c", 3).unwrap(); // new keys go after the cookie
        assert!(
            write(&loaded.data, &loaded.cookie)
                .json()
                .ends_with(r#""path":"/"},"c":3}"#)
        );
    }

    #[test]
    fn reserved_keys_are_dropped_but_hashed() {
        // I5/I6: the stored document hashes differently from the session,
        // so the session counts as modified.
        let text =
            r#"{"cookie":{"originalMaxAge":null,"expires":null},"save":1,"toString":2,"visits":3}"#;
        let loaded = read(&StoredSession::from_json(text)).unwrap();
        assert_eq!(loaded.data.keys().collect::<Vec<_>>(), ["visits"]);
        assert_ne!(loaded.data.hash(), loaded.hash);
        let clean = r#"{"cookie":{"originalMaxAge":null,"expires":null},"visits":3}"#;
        let loaded = read(&StoredSession::from_json(clean)).unwrap();
        assert_eq!(loaded.data.hash(), loaded.hash);
    }

    #[test]
    fn a_nested_cookie_key_is_data() {
        let text = r#"{"cookie":{},"nested":{"cookie":1}}"#;
        let loaded = read(&StoredSession::from_json(text)).unwrap();
        assert_eq!(loaded.data.get_value("nested"), Some(&json!({"cookie": 1})));
    }

    #[test]
    fn documents_that_are_not_sessions_are_errors() {
        for text in [
            "",
            "garbage",
            "[1]",
            "5",
            r#"{"visits":1}"#,
            r#"{"cookie":null}"#,
            r#"{"cookie":5}"#,
            r#"{"cookie":{"sameSite":"sideways"}}"#,
        ] {
            let error = read(&StoredSession::from_json(text)).err().unwrap();
            assert!(error.is_corrupt(), "{text}: {error}");
        }
    }

    #[test]
    fn the_cookie_first_path_reads_what_the_full_parse_reads() {
        let long = format!(
            r#"{{"cookie":{{"path":"/"}},"big":"{}","n":1}}"#,
            "x".repeat(600)
        );
        let texts = [
            r#"{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"visits":1}"#,
            r#"{"cookie":{"path":"/"}}"#,
            r#"{"cookie":{"path":"/"},"a":{"b":[1,2.5,"s"]},"c":null,"a":3}"#,
            r#"{"cookie":{"path":"/"},"id":1,"keep":2}"#,
            r#"{"cookie":{"path":"/a"},"x":1,"cookie":{"path":"/b"}}"#,
            long.as_str(),
        ];
        for (i, text) in texts.into_iter().enumerate() {
            let stored = StoredSession::from_json(text);
            // Every layout but the repeated cookie's takes the short path.
            assert_eq!(cookie_first(&stored).is_some(), i != 4, "{text}");
            let full: Document = serde_json::from_str(text).unwrap();
            let full_members = data::first_place_last_value(full.members, full.cookie_at);
            let loaded = read(&stored).unwrap();
            assert_eq!(loaded.cookie, full.cookie.unwrap(), "{text}");
            let expected = {
                let mut data = SessionData::from_members(full_members.0, full_members.1);
                data.remove("id"); // reserved (I5)
                data
            };
            assert_eq!(loaded.data, expected, "{text}");
        }
        // What is not a session document is still an error.
        for text in [
            r#"{"cookie":{"path":"/"},"a":1} x"#,
            r#"{"cookie":{"path":"/"},"a":}"#,
        ] {
            assert!(read(&StoredSession::from_json(text)).is_err(), "{text}");
        }
    }

    #[test]
    fn the_hash_of_a_written_document_is_the_hash_of_its_data() {
        let mut data = SessionData::new();
        let written = write(&data, &cookie());
        assert!(written.is_written_here());
        assert_eq!(read(&written).unwrap().hash, data.hash());
        for (key, value) in [
            ("visits", json!(1)),
            ("f", json!(1.5)),
            ("big", json!(1e21)),
            ("whole", json!(2.0)),
            ("text", json!("é \" \\ \n \u{1F600} </script>")),
            (
                "nested",
                json!({"b": [1, null, true, {"c": "d"}], "a": -0.0}),
            ),
        ] {
            data.insert(key, value).unwrap();
            let written = write(&data, &cookie());
            let loaded = read(&written).unwrap();
            assert_eq!(loaded.hash, data.hash(), "after {key}");
            assert_eq!(loaded.hash, loaded.data.hash(), "after {key}");
            assert_eq!(write(&loaded.data, &cookie()).json(), written.json());
        }
        // The same text from elsewhere is read the same, hashed from values.
        let foreign = StoredSession::from_json(write(&data, &cookie()).json());
        assert!(!foreign.is_written_here());
        assert_eq!(read(&foreign).unwrap().hash, data.hash());
    }

    #[test]
    fn repeated_names_behave_like_json_parse() {
        let text = r#"{"a":1,"cookie":{"path":"/x"},"a":2,"cookie":{"path":"/y"}}"#;
        let loaded = read(&StoredSession::from_json(text)).unwrap();
        assert_eq!(loaded.data.get::<u8>("a").unwrap(), Some(2));
        assert_eq!(loaded.cookie.path(), "/y");
        assert_eq!(loaded.data.cookie_at(), 1);
    }
}
