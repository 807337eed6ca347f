//! Saving without losing concurrent changes to other keys (issue 5).
//!
//! express-session writes the whole document back at the end of a
//! request, so when two requests on one session overlap, the one that
//! finishes last wins and the other's changes are lost, even if they
//! touched different keys. A store that merges instead receives the
//! document the request *loaded* along with the one it saves, and does a
//! three-way merge with what it holds now: a key the request changed takes
//! the request's value (or disappears, if the request removed it); every
//! other key keeps the stored value. The stored document stays
//! express-session's format.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::StoredSession;
use crate::session::json;

/// What a request changed in a session it loaded: the difference between
/// the document it loaded ([`loaded`](Self::loaded)) and the one it saves.
/// Stores that merge concurrent saves receive it in
/// [`SessionStore::set_changes`](super::SessionStore::set_changes) and call
/// [`merge`](Self::merge) with what they hold, atomically.
///
/// The guarantee: two overlapping requests that change *different* keys
/// both keep their changes. Its limits: when both change the *same* key,
/// the last one to save wins (as in express-session); the cookie
/// (`expires`, `originalMaxAge`, ...) is always the saving request's; a
/// key removed and added again with an equal value keeps the stored
/// position.
///
/// ```
/// use nestling::session::StoredSession;
/// use nestling::session::store::SessionChanges;
///
/// let cookie = r#""cookie":{"originalMaxAge":null,"expires":null}"#;
/// let doc = |members: &str| StoredSession::from_json(format!("{{{cookie}{members}}}"));
/// // Two requests load {visits: 1}; the first saves {visits: 1, a: 1} ...
/// let loaded = doc(r#","visits":1"#);
/// let now_stored = doc(r#","visits":1,"a":1"#);
/// // ... and the second, finishing later, saves {visits: 2}.
/// let changes = SessionChanges::new(loaded);
/// let merged = changes.merge(Some(&now_stored), &doc(r#","visits":2"#));
/// assert_eq!(merged, doc(r#","visits":2,"a":1"#));
/// ```
#[derive(Debug, Clone)]
pub struct SessionChanges {
    loaded: StoredSession,
}

impl SessionChanges {
    /// The changes of a request that loaded `loaded` from the store.
    pub fn new(loaded: StoredSession) -> Self {
        SessionChanges { loaded }
    }

    /// The document as the request loaded it.
    pub fn loaded(&self) -> &StoredSession {
        &self.loaded
    }

    /// Whether the store still holds exactly what the request loaded:
    /// then `session` can be stored as it is.
    pub fn is_unchanged_in_store(&self, current: &StoredSession) -> bool {
        current.json() == self.loaded.json()
    }

    /// The keys `session` changes relative to the loaded document, in
    /// `session`'s order, then the removed ones: each with its new JSON
    /// value as `JSON.stringify` writes it, `None` when removed. The
    /// cookie is not a key. `None` when either document is not a JSON
    /// object. For stores that merge outside Rust (a script in the
    /// database); [`merge`](Self::merge) does it all in Rust.
    ///
    /// ```
    /// use nestling::session::StoredSession;
    /// use nestling::session::store::SessionChanges;
    ///
    /// let changes = SessionChanges::new(StoredSession::from_json(r#"{"cookie":{},"a":1,"b":2}"#));
    /// let saved = StoredSession::from_json(r#"{"cookie":{"path":"/"},"a":1,"c":[3]}"#);
    /// assert_eq!(
    ///     changes.changed_keys(&saved),
    ///     Some(vec![("c".to_owned(), Some("[3]".to_owned())), ("b".to_owned(), None)])
    /// );
    /// ```
    pub fn changed_keys(&self, session: &StoredSession) -> Option<Vec<(String, Option<String>)>> {
        let loaded = members(self.loaded.json())?;
        let ours = members(session.json())?;
        Some(
            changed(&loaded, &ours)
                .map(|(key, value)| (key.to_owned(), value.map(|v| v.get().to_owned())))
                .collect(),
        )
    }

    /// The document to store when the store holds `current` and the
    /// request saves `session`:
    ///
    /// * nothing stored (expired or destroyed meanwhile), the store still
    ///   holding what the request loaded, or a stored document that is not
    ///   a session: `session` itself, as a plain `set` would store;
    /// * otherwise `current` in its own key order, with `session`'s cookie,
    ///   the keys the request changed set to its values (new ones last) and
    ///   the keys it removed removed. Members nobody changed keep their
    ///   stored text byte for byte.
    pub fn merge(&self, current: Option<&StoredSession>, session: &StoredSession) -> StoredSession {
        match current {
            Some(current) if !self.is_unchanged_in_store(current) => {
                three_way(&self.loaded, current, session).unwrap_or_else(|| session.clone())
            }
            _ => session.clone(),
        }
    }
}

/// The merged document; `None` when one of the documents is not an object
/// with a cookie.
fn three_way(
    loaded: &StoredSession,
    current: &StoredSession,
    session: &StoredSession,
) -> Option<StoredSession> {
    let loaded = members(loaded.json())?;
    let theirs = members(current.json())?;
    let ours = members(session.json())?;
    let cookie = find(&ours, "cookie")?;
    find(&theirs, "cookie")?;
    let changed = |key: &str| !same_value(find(&loaded, key), find(&ours, key));

    let mut out = String::with_capacity(current.json().len() + session.json().len() / 2);
    out.push('{');
    let mut cookie_range = 0..0;
    let mut member = |out: &mut String, key: &str, value: &RawValue| {
        if out.len() > 1 {
            out.push(',');
        }
        push_name(out, key);
        let start = out.len();
        out.push_str(value.get());
        if key == "cookie" {
            cookie_range = start..out.len();
        }
    };
    for (key, value) in &theirs {
        if key == "cookie" {
            member(&mut out, key, cookie);
        } else if !changed(key) {
            member(&mut out, key, value);
        } else if let Some(ours) = find(&ours, key) {
            member(&mut out, key, ours);
        }
        // Changed and absent from ours: the request removed it.
    }
    for (key, value) in &ours {
        if key != "cookie" && changed(key) && find(&theirs, key).is_none() {
            member(&mut out, key, value);
        }
    }
    out.push('}');
    Some(StoredSession::from_parts(
        out,
        cookie_range,
        session.expires_ms(),
    ))
}

/// The keys `ours` changed relative to `loaded` (see
/// [`SessionChanges::changed_keys`]).
fn changed<'a, 'b>(
    loaded: &'b Members<'a>,
    ours: &'b Members<'a>,
) -> impl Iterator<Item = (&'b str, Option<&'a RawValue>)> {
    let set = ours
        .iter()
        .filter(|(key, value)| key != "cookie" && !same_value(find(loaded, key), Some(value)))
        .map(|(key, value)| (key.as_str(), Some(*value)));
    let removed = loaded
        .iter()
        .filter(|(key, _)| key != "cookie" && find(ours, key).is_none())
        .map(|(key, _)| (key.as_str(), None));
    set.chain(removed)
}

/// `"key":`, the name written as `JSON.stringify` writes it.
fn push_name(out: &mut String, key: &str) {
    out.push_str(&name_json(key));
    out.push(':');
}

/// `key` as a JSON string, as `JSON.stringify` writes it.
pub(crate) fn name_json(key: &str) -> String {
    let mut name = Vec::with_capacity(key.len() + 2);
    // Writing a string into a Vec cannot fail, and the result is UTF-8.
    let _ = json::write(&mut name, key);
    String::from_utf8(name).unwrap_or_default()
}

type Members<'a> = Vec<(String, &'a RawValue)>;

fn find<'a>(members: &Members<'a>, key: &str) -> Option<&'a RawValue> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

/// Whether two member values are the same JSON text as `JSON.stringify`
/// would write them (the request's own document is written that way; a
/// document from another app may differ in spacing or escapes).
fn same_value(a: Option<&RawValue>, b: Option<&RawValue>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.get() == b.get() || canonical(a) == canonical(b),
        _ => false,
    }
}

fn canonical(value: &RawValue) -> Option<Vec<u8>> {
    let value: Value = serde_json::from_str(value.get()).ok()?;
    let mut out = Vec::new();
    json::write(&mut out, &value).ok()?;
    Some(out)
}

/// The members of a JSON object, in order; a repeated name keeps its first
/// position and its last value, as `JSON.parse` does. `None` for anything
/// but an object.
fn members(text: &str) -> Option<Members<'_>> {
    serde_json::from_str::<Object<'_>>(text).ok().map(|o| o.0)
}

struct Object<'a>(Members<'a>);

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
                let mut members: Members<'de> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: &'de RawValue = map.next_value()?;
                    match members.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => members.push((key, value)),
                    }
                }
                Ok(Object(members))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOKIE: &str = r#"{"originalMaxAge":null,"expires":null}"#;
    const TOUCHED: &str = r#"{"originalMaxAge":60000,"expires":"2099-01-01T00:00:00.000Z"}"#;

    fn doc(members: &str) -> StoredSession {
        StoredSession::from_json(format!(r#"{{"cookie":{COOKIE}{members}}}"#))
    }

    fn merge(loaded: &str, current: &str, ours: &str) -> String {
        let changes = SessionChanges::new(doc(loaded));
        let merged = changes.merge(Some(&doc(current)), &doc(ours));
        merged.json().to_owned()
    }

    #[test]
    fn unchanged_store_or_nothing_stored_takes_the_session_as_it_is() {
        let changes = SessionChanges::new(doc(r#","a":1"#));
        let ours = doc(r#","a":2"#);
        assert_eq!(changes.merge(Some(&doc(r#","a":1"#)), &ours), ours);
        assert_eq!(changes.merge(None, &ours), ours);
        // Not a session: ours wins.
        let garbage = StoredSession::from_json("[1]");
        assert_eq!(changes.merge(Some(&garbage), &ours), ours);
        let no_cookie = StoredSession::from_json(r#"{"a":1}"#);
        assert_eq!(changes.merge(Some(&no_cookie), &ours), ours);
    }

    #[test]
    fn different_keys_both_survive() {
        // They added b; we added c.
        assert_eq!(
            merge(r#","a":1"#, r#","a":1,"b":2"#, r#","a":1,"c":3"#),
            doc(r#","a":1,"b":2,"c":3"#).json()
        );
        // They changed a; we changed b.
        assert_eq!(
            merge(r#","a":1,"b":1"#, r#","a":2,"b":1"#, r#","a":1,"b":2"#),
            doc(r#","a":2,"b":2"#).json()
        );
        // They removed a; we changed b: a stays removed.
        assert_eq!(
            merge(r#","a":1,"b":1"#, r#","b":1"#, r#","a":1,"b":2"#),
            doc(r#","b":2"#).json()
        );
        // We removed a; they added b.
        assert_eq!(
            merge(r#","a":1"#, r#","a":1,"b":2"#, ""),
            doc(r#","b":2"#).json()
        );
    }

    #[test]
    fn the_same_key_is_last_writer_wins() {
        assert_eq!(
            merge(r#","n":1"#, r#","n":2"#, r#","n":2"#),
            doc(r#","n":2"#).json()
        );
        assert_eq!(
            merge(r#","n":1"#, r#","n":5"#, r#","n":2"#),
            doc(r#","n":2"#).json()
        );
        // We left n alone: theirs stays.
        assert_eq!(
            merge(r#","n":1"#, r#","n":5"#, r#","n":1"#),
            doc(r#","n":5"#).json()
        );
    }

    #[test]
    fn the_cookie_is_ours_and_the_order_theirs() {
        let changes = SessionChanges::new(StoredSession::from_json(format!(
            r#"{{"a":1,"cookie":{COOKIE}}}"#
        )));
        let current = StoredSession::from_json(format!(r#"{{"z":0,"a":1,"cookie":{COOKIE}}}"#));
        let ours = StoredSession::from_json(format!(r#"{{"a":2,"cookie":{TOUCHED},"n":1}}"#));
        let merged = changes.merge(Some(&current), &ours);
        assert_eq!(
            merged.json(),
            format!(r#"{{"z":0,"a":2,"cookie":{TOUCHED},"n":1}}"#)
        );
        assert_eq!(merged.cookie_json(), Some(TOUCHED));
        assert_eq!(merged.expires_ms(), ours.expires_ms());
        assert!(merged.expires_ms().is_some());
    }

    #[test]
    fn untouched_members_keep_their_text_and_equal_values_are_unchanged() {
        // A foreign document with spacing: the member nobody changed is
        // copied verbatim; `1.0` written elsewhere equals our `1`.
        let changes = SessionChanges::new(StoredSession::from_json(format!(
            r#"{{"cookie":{COOKIE},"x": {{ "k" : 1.0 }}}}"#
        )));
        let current = StoredSession::from_json(format!(
            r#"{{"cookie":{COOKIE},"x": {{ "k" : 1.0 }},"t":"\u00e9"}}"#
        ));
        let ours = doc(r#","x":{"k":1},"mine":true"#);
        assert_eq!(
            changes.merge(Some(&current), &ours).json(),
            format!(r#"{{"cookie":{COOKIE},"x":{{ "k" : 1.0 }},"t":"\u00e9","mine":true}}"#)
        );
    }

    #[test]
    fn repeated_and_escaped_names() {
        // JSON.parse: first position, last value; names are re-escaped.
        let changes = SessionChanges::new(doc(r#","a":1"#));
        let current = doc(r#","a":1,"q\"":2,"a":3"#);
        let ours = doc(r#","a":1,"b":4"#);
        assert_eq!(
            changes.merge(Some(&current), &ours).json(),
            doc(r#","a":3,"q\"":2,"b":4"#).json()
        );
    }
}
