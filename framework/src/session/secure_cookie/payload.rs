//! The encrypted payload (spec §3, §4): `JSON.stringify` of the session's
//! data with `__ts`, the Unix seconds of its last write, among the members.
//! A new session puts `__ts` first; a read one keeps its place, so a cookie
//! re-encrypted under a new key carries the same JSON text.

use std::fmt;
use std::io::Write as _;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Number, Value};

use crate::session::SessionData;
use crate::session::data::first_place_last_value;
use crate::session::json;

/// The member holding the time of the last write.
pub(crate) const TS: &str = "__ts";

/// A payload read from a cookie: the data without `__ts` (whose place is
/// the data's `cookie_at`), and `__ts`.
#[derive(Debug)]
pub(crate) struct Payload {
    pub(crate) data: SessionData,
    pub(crate) ts: Number,
}

impl Payload {
    /// A new session's payload: no data, `__ts` now and first.
    pub(crate) fn new(now_ms: i64) -> Payload {
        Payload {
            data: SessionData::new(),
            ts: seconds(now_ms),
        }
    }
}

/// `Math.round(Date.now() / 1000)`.
pub(crate) fn seconds(now_ms: i64) -> Number {
    Number::from((now_ms + 500).div_euclid(1000))
}

/// Reads a decrypted payload. A payload without `__ts` gets it now, last,
/// as the plugin's `Session` constructor does.
///
/// # Errors
/// When it is not a JSON object, or its `__ts` is not a number (only a key
/// holder can write either): the caller starts a fresh session.
pub(crate) fn read(plaintext: &[u8], now_ms: i64) -> Result<Payload, &'static str> {
    let mut deserializer = serde_json::Deserializer::from_slice(plaintext);
    let members = deserializer
        .deserialize_map(MembersVisitor)
        .and_then(|members| deserializer.end().map(|()| members))
        .map_err(|_| "the payload is not a JSON object")?;
    let (ts, at) = match members.ts {
        None => (seconds(now_ms), members.list.len()),
        Some((Value::Number(ts), at)) => (ts, at),
        Some(_) => return Err("the payload's `__ts` is not a number"),
    };
    let (list, at) = first_place_last_value(members.list, at);
    Ok(Payload {
        data: SessionData::from_members(list, at),
        ts,
    })
}

/// A payload's members in order (a repeated key appears each time, until
/// [`first_place_last_value`] keeps its first place and last value, as
/// `JSON.parse` does), with `__ts` kept out of the list as it is read
/// rather than removed from it after.
struct Members {
    list: Vec<(String, Value)>,
    /// `__ts`'s value and how many other members came before it.
    ts: Option<(Value, usize)>,
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Members, A::Error> {
        let mut members = Members {
            list: Vec::new(),
            ts: None,
        };
        while let Some(key) = access.next_key::<Key>()? {
            let value = access.next_value::<Value>()?;
            match key {
                Key::Ts => {
                    let at = members.ts.take().map_or(members.list.len(), |(_, at)| at);
                    members.ts = Some((value, at));
                }
                Key::Other(key) => {
                    members.list.push((key, value));
                }
            }
        }
        Ok(members)
    }
}

/// A member's name, `__ts` told apart without copying it into a string.
enum Key {
    Ts,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(if name == TS {
            Key::Ts
        } else {
            Key::Other(name.to_owned())
        })
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
        Ok(if name == TS {
            Key::Ts
        } else {
            Key::Other(name)
        })
    }
}

/// Appends the JSON text of `data` with `__ts` at its place to `out`.
pub(crate) fn write(data: &SessionData, ts: &Number, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    let mut member = |out: &mut Vec<u8>, key: &str, value: &dyn erased::Json| {
        if !first {
            out.push(b',');
        }
        first = false;
        // Writing into a Vec cannot fail.
        let _ = json::write(&mut *out, key);
        out.push(b':');
        let _ = value.write_to(out);
    };
    for (i, (key, value)) in data.iter().enumerate() {
        if i == data.cookie_at() {
            member(out, TS, ts);
        }
        member(out, key, value);
    }
    if data.cookie_at() >= data.len() {
        member(out, TS, ts);
    }
    let _ = out.write_all(b"}");
}

/// One writer for both member kinds without generics in the closure.
mod erased {
    use std::io;

    use serde_json::{Number, Value};

    use crate::session::json;

    pub(super) trait Json {
        fn write_to(&self, out: &mut Vec<u8>) -> io::Result<()>;
    }

    impl Json for Value {
        fn write_to(&self, out: &mut Vec<u8>) -> io::Result<()> {
            json::write(out, self)
        }
    }

    impl Json for Number {
        fn write_to(&self, out: &mut Vec<u8>) -> io::Result<()> {
            json::write(out, self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let payload = read(text.as_bytes(), 0).unwrap();
        let mut out = Vec::new();
        write(&payload.data, &payload.ts, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn keeps_the_text_of_a_read_payload() {
        for text in [
            r#"{"user":"x","__ts":1700000000}"#,
            r#"{"__ts":1795630164,"user":"ab+/?é"}"#,
            r#"{"__ts":1795630164}"#,
            r#"{"a":1,"__ts":1.5,"b":[1,{"c":null}],"d":1e+21}"#,
        ] {
            assert_eq!(round_trip(text), text);
        }
    }

    #[test]
    fn repeated_members_keep_their_first_place_and_last_value() {
        // As `JSON.parse` and a `serde_json` map read them.
        assert_eq!(
            round_trip(r#"{"a":1,"__ts":5,"b":2,"a":3,"__ts":"x","__ts":7}"#),
            r#"{"a":3,"__ts":7,"b":2}"#
        );
        assert!(read(br#"{"__ts":5,"__ts":"x"}"#, 0).is_err());
        assert_eq!(round_trip(r#"{"__ts":"x","__ts":5}"#), r#"{"__ts":5}"#);
        // A name written with escapes is the same name.
        assert_eq!(
            round_trip(r#"{"a":1,"\u005f_ts":5,"\u0062":2}"#),
            r#"{"a":1,"__ts":5,"b":2}"#
        );
        assert_eq!(round_trip(" {\"__ts\":5} \n"), r#"{"__ts":5}"#);
    }

    #[test]
    fn a_new_payload_starts_with_ts() {
        let mut payload = Payload::new(1_700_000_000_499);
        payload.data.insert("visits", 1).unwrap();
        let mut out = Vec::new();
        write(&payload.data, &payload.ts, &mut out);
        assert_eq!(out, br#"{"__ts":1700000000,"visits":1}"#);
        // Math.round: half a second rounds up.
        assert_eq!(seconds(1_700_000_000_500), Number::from(1_700_000_001));
    }

    #[test]
    fn a_missing_ts_is_now_and_last() {
        let payload = read(br#"{"user":"x"}"#, 1_700_000_000_000).unwrap();
        assert_eq!(payload.ts, Number::from(1_700_000_000));
        let mut out = Vec::new();
        write(&payload.data, &payload.ts, &mut out);
        assert_eq!(out, br#"{"user":"x","__ts":1700000000}"#);
    }

    #[test]
    fn what_is_not_a_session_is_refused() {
        for text in [
            "",
            "[]",
            "5",
            "\"x\"",
            "null",
            "{",
            r#"{"__ts":"1"}"#,
            r#"{"__ts":null}"#,
            "\u{fffd}",
            r#"{"__ts":1} x"#,
            r#"{"__ts":1}{}"#,
            r#"{"a":}"#,
        ] {
            assert!(read(text.as_bytes(), 0).is_err(), "{text:?}");
        }
        assert!(read(b"{\"a\":\"\xff\"}", 0).is_err());
    }
}
