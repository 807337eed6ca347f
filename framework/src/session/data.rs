//! The session's data: the members of the stored JSON document other than
//! `cookie`, in insertion order, as on a JavaScript object (spec §7.1, §8).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::SessionError;
use super::json::{self, HashWriter};

/// Names a session key cannot have: `cookie` is the session cookie's place
/// in the document, and express-session drops the others when it loads a
/// session (they are `Session` methods or `Object.prototype` members, spec
/// §3.2 I5), so storing them would lose them.
const RESERVED: [&str; 21] = [
    "cookie",
    "id",
    "req",
    "touch",
    "resetMaxAge",
    "save",
    "reload",
    "destroy",
    "regenerate",
    "constructor",
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
];

/// Whether express-session drops `key` when it loads a session, or it is
/// the cookie.
pub(crate) fn is_reserved(key: &str) -> bool {
    RESERVED.contains(&key)
}

/// A session's data: JSON values by key, in insertion order.
///
/// Values go in and out through serde. Assigning a key keeps its place;
/// a new key goes last; removing a key and adding it again moves it last,
/// which counts as a change (express-session compares the JSON text, spec
/// §7.1).
///
/// ```
/// use nestling::session::SessionData;
///
/// let mut data = SessionData::new();
/// data.insert("visits", 1)?;
/// let visits = data.get::<u32>("visits")?.unwrap_or(0);
/// data.insert("visits", visits + 1)?;
/// assert_eq!(data.get::<u32>("visits")?, Some(2));
/// assert_eq!(data.get::<String>("user")?, None);
/// # Ok::<(), nestling::session::SessionError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionData {
    /// In order, looked up by a linear search: sessions hold a handful of
    /// keys, for which comparing names beats hashing them (and a `Vec` is
    /// one allocation where an ordered hash map is two).
    members: Vec<(String, Value)>,
    /// How many data members come before `cookie` in the stored document:
    /// 0 for sessions made here; a loaded document keeps its order (§8).
    cookie_at: usize,
}

impl SessionData {
    /// No data.
    pub fn new() -> Self {
        Self::default()
    }

    /// Data from members with distinct names, in order.
    pub(crate) fn from_members(members: Vec<(String, Value)>, cookie_at: usize) -> Self {
        let cookie_at = cookie_at.min(members.len());
        SessionData { members, cookie_at }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.members.iter().position(|(k, _)| k == key)
    }

    /// The value of `key` as a `T`; `None` when absent (a JSON `null` is a
    /// present value: ask for `Option<T>` to read it as `None`).
    ///
    /// # Errors
    /// When the value is not a `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        match self.get_value(key) {
            None => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| SessionError::type_mismatch(key, e)),
        }
    }

    /// Sets `key` to `value` (serialized to JSON), keeping the key's place
    /// if it exists.
    ///
    /// # Errors
    /// When `key` is reserved (`cookie`, or a name express-session drops on
    /// load such as `id` or `save`), or `value` cannot be JSON (a map with
    /// non-string keys, ...).
    pub fn insert<T: Serialize>(&mut self, key: &str, value: T) -> Result<(), SessionError> {
        if is_reserved(key) {
            return Err(SessionError::reserved(key));
        }
        let value = serde_json::to_value(value).map_err(|e| SessionError::serialize(key, e))?;
        match self.get_value_mut(key) {
            Some(slot) => *slot = value,
            None => self.members.push((key.to_owned(), value)),
        }
        Ok(())
    }

    /// Removes `key`, returning its value. Removing an absent key changes
    /// nothing.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.position(key)?;
        if index < self.cookie_at {
            self.cookie_at -= 1;
        }
        // The other keys keep their order, as with `delete` in JavaScript.
        Some(self.members.remove(index).1)
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.members.clear();
        self.cookie_at = 0;
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The raw JSON value of `key`.
    pub fn get_value(&self, key: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The raw JSON value of `key`, to change in place (e.g. a nested
    /// member). Changes are detected at the end of the request like any
    /// other.
    pub fn get_value_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.members
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_str())
    }

    /// Keys and values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there is no data.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub(crate) fn cookie_at(&self) -> usize {
        self.cookie_at
    }

    /// The hash of the data's JSON text (express-session's `hash(session)`,
    /// which leaves the cookie out, spec H1).
    pub(crate) fn hash(&self) -> u64 {
        hash_members(self.iter())
    }
}

/// `members` as `JSON.parse` leaves an object whose text repeats names: each
/// name once, at its first place, with its last value; and `before`, the
/// number of members in front of a place, counted again among the names
/// kept.
pub(crate) fn first_place_last_value(
    mut members: Vec<(String, Value)>,
    before: usize,
) -> (Vec<(String, Value)>, usize) {
    let repeats = if members.len() <= 16 {
        members
            .iter()
            .enumerate()
            .any(|(i, (key, _))| members[..i].iter().any(|(k, _)| k == key))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        !members.iter().all(|(key, _)| seen.insert(key.as_str()))
    };
    if !repeats {
        return (members, before);
    }
    let mut kept_before = None;
    let mut places: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(members.len());
    let mut unique: Vec<(String, Value)> = Vec::with_capacity(members.len());
    for (i, (key, value)) in members.drain(..).enumerate() {
        if i == before {
            kept_before = Some(unique.len());
        }
        match places.get(&key) {
            Some(&at) => unique[at].1 = value,
            None => {
                places.insert(key.clone(), unique.len());
                unique.push((key, value));
            }
        }
    }
    let kept_before = kept_before.unwrap_or(unique.len());
    (unique, kept_before)
}

/// The hash [`hash_members`] gives for members whose JSON object text is
/// `text`.
pub(crate) fn hash_text(text: &[u8]) -> u64 {
    use std::io::Write;
    let mut hasher = HashWriter::new();
    let _ = hasher.write_all(text);
    hasher.finish()
}

/// The hash of the JSON object text made of `members`, as
/// `JSON.stringify` writes it: equal text, equal hash.
pub(crate) fn hash_members<'a>(members: impl Iterator<Item = (&'a str, &'a Value)>) -> u64 {
    use std::io::Write;
    let mut hasher = HashWriter::new();
    // Writing into a hasher cannot fail, and neither can serializing a
    // `Value`.
    let _ = hasher.write_all(b"{");
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            let _ = hasher.write_all(b",");
        }
        let _ = json::write(&mut hasher, key);
        let _ = hasher.write_all(b":");
        let _ = json::write(&mut hasher, value);
    }
    let _ = hasher.write_all(b"}");
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_get_and_insert() {
        let mut data = SessionData::new();
        data.insert("n", 5u32).unwrap();
        data.insert("user", json!({"name": "ann"})).unwrap();
        assert_eq!(data.get::<u32>("n").unwrap(), Some(5));
        assert_eq!(data.get::<String>("missing").unwrap(), None);
        let error = data.get::<String>("n").unwrap_err();
        assert!(error.is_type_mismatch(), "{error}");
        assert!(error.to_string().contains("`n`"));
        data.insert("nothing", ()).unwrap();
        assert_eq!(data.get::<Option<u8>>("nothing").unwrap(), Some(None));
    }

    #[test]
    fn reserved_keys_are_refused() {
        let mut data = SessionData::new();
        for key in ["cookie", "id", "save", "__proto__", "toString"] {
            let error = data.insert(key, 1).unwrap_err();
            assert!(error.is_reserved(), "{key}");
        }
        assert!(data.is_empty());
    }

    #[test]
    fn values_that_are_not_json_are_refused() {
        let mut data = SessionData::new();
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), 3);
        assert!(data.insert("map", map).is_err());
    }

    #[test]
    fn order_is_kept() {
        let mut data = SessionData::new();
        for key in ["c", "a", "b"] {
            data.insert(key, 1).unwrap();
        }
        data.insert("a", 2).unwrap(); // keeps its place
        data.remove("c");
        assert_eq!(data.keys().collect::<Vec<_>>(), ["a", "b"]);
        data.insert("c", 1).unwrap();
        assert_eq!(data.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn modification_detection_compares_json_text() {
        // §7.1's consequences.
        let mut data = SessionData::new();
        data.insert("a", 1).unwrap();
        data.insert("b", 2).unwrap();
        let original = data.hash();
        // assigning an equal value is not a change
        data.insert("a", 1).unwrap();
        assert_eq!(data.hash(), original);
        // 1.0 is written `1` by JavaScript: no change
        data.insert("a", 1.0).unwrap();
        assert_eq!(data.hash(), original);
        // "1" is not 1
        data.insert("a", "1").unwrap();
        assert_ne!(data.hash(), original);
        data.insert("a", 1).unwrap();
        // deleting an absent key is not a change
        assert!(data.remove("zzz").is_none());
        assert_eq!(data.hash(), original);
        // deleting and re-adding moves the key: a change
        data.remove("a");
        data.insert("a", 1).unwrap();
        assert_ne!(data.hash(), original);
        // a nested change is a change
        let mut data = SessionData::new();
        data.insert("o", json!({"x": 1})).unwrap();
        let original = data.hash();
        data.get_value_mut("o").unwrap()["x"] = json!(2);
        assert_ne!(data.hash(), original);
    }

    #[test]
    fn repeated_names_keep_the_first_place_and_the_last_value() {
        let members = |names: &[(&str, i32)]| -> Vec<(String, Value)> {
            names
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect()
        };
        let plain = members(&[("a", 1), ("b", 2)]);
        assert_eq!(first_place_last_value(plain.clone(), 1), (plain, 1));
        // {"a":1,"b":2,"cookie":{},"a":3}: the cookie comes after 2 names.
        let (kept, before) = first_place_last_value(members(&[("a", 1), ("b", 2), ("a", 3)]), 2);
        assert_eq!(kept, members(&[("a", 3), ("b", 2)]));
        assert_eq!(before, 2);
        // {"a":1,"a":2,"cookie":{},"b":3}: one name before the cookie.
        let (kept, before) = first_place_last_value(members(&[("a", 1), ("a", 2), ("b", 3)]), 2);
        assert_eq!(kept, members(&[("a", 2), ("b", 3)]));
        assert_eq!(before, 1);
        // The cookie last, and many names (the hashed path).
        let mut many: Vec<(String, Value)> = (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
        many.push(("k0".to_owned(), json!("last")));
        let (kept, before) = first_place_last_value(many, 41);
        assert_eq!(kept.len(), 40);
        assert_eq!(kept[0], ("k0".to_owned(), json!("last")));
        assert_eq!(before, 40);
    }

    #[test]
    fn removing_before_the_cookie_moves_it() {
        let members = vec![("a".to_owned(), json!(1)), ("b".to_owned(), json!(2))];
        let mut data = SessionData::from_members(members, 1);
        data.remove("a");
        assert_eq!(data.cookie_at(), 0);
        data.clear();
        assert_eq!(data.cookie_at(), 0);
    }
}
