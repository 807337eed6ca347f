//! One request's cookie session: its data, `__ts`, and the plugin's
//! `changed` and `deleted` flags that decide the `Set-Cookie` (spec §5,
//! §6). Every write touches: `changed = true`, `__ts = now`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

use super::codec::Opened;
use super::payload::{self, Payload, TS};
use crate::session::cookie::SessionCookie;
use crate::session::{SessionData, SessionError, date};

/// A request's cookie session.
#[derive(Debug)]
pub(crate) struct CookieState {
    /// The data; `None` once destroyed or unset.
    data: Option<SessionData>,
    /// `__ts`: the Unix seconds of the last write.
    ts: Number,
    /// Whether the cookie is written at the end of the request.
    changed: bool,
    /// Whether the cookie is deleted at the end of the request.
    deleted: bool,
    /// The request's cookie, when it authenticated: what `reload` reads.
    opened: Option<Opened>,
    /// Cookie attributes a handler changed for this response.
    cookie: Option<SessionCookie>,
}

/// What the end of the request does.
pub(crate) enum Outcome<'a> {
    /// No `Set-Cookie`.
    Nothing,
    /// `Set-Cookie` with this payload, freshly encrypted.
    Write(&'a SessionData, &'a Number),
    /// `Set-Cookie` deleting the cookie.
    Delete,
}

impl CookieState {
    /// A fresh empty session: no cookie, or one that was not valid.
    pub(crate) fn fresh(now_ms: i64) -> Self {
        CookieState::of(Payload::new(now_ms), None)
    }

    /// The session a valid cookie carried; one opened by an older key is
    /// re-encrypted under the first at the end of the request (spec §7).
    pub(crate) fn read(payload: Payload, opened: Opened) -> Self {
        let rotated = opened.key_index > 0;
        let mut state = CookieState::of(payload, Some(opened));
        state.changed = rotated;
        state
    }

    fn of(payload: Payload, opened: Option<Opened>) -> Self {
        CookieState {
            data: Some(payload.data),
            ts: payload.ts,
            changed: false,
            deleted: false,
            opened,
            cookie: None,
        }
    }

    /// Whether no valid cookie came with the request.
    pub(crate) fn is_new(&self) -> bool {
        self.opened.is_none()
    }

    /// The data; `None` once destroyed or unset.
    pub(crate) fn data(&self) -> Option<&SessionData> {
        self.data.as_ref()
    }

    /// The value of `key`.
    pub(crate) fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        match &self.data {
            Some(data) => data.get(key),
            None => Ok(None),
        }
    }

    /// `session.set(key, value)`: stores and touches.
    pub(crate) fn insert<T: Serialize>(&mut self, key: &str, value: T) -> Result<(), SessionError> {
        if key == TS {
            return Err(SessionError::reserved(key));
        }
        let data = self.data.as_mut().ok_or_else(SessionError::gone)?;
        data.insert(key, value)?;
        self.touch();
        Ok(())
    }

    /// `session.set(key, undefined)`: removes and touches, if present.
    pub(crate) fn remove(&mut self, key: &str) -> Option<Value> {
        let removed = self.data.as_mut()?.remove(key)?;
        self.touch();
        Some(removed)
    }

    /// Removes every key, touching if there was any.
    pub(crate) fn clear(&mut self) {
        if let Some(data) = self.data.as_mut()
            && !data.is_empty()
        {
            data.clear();
            self.touch();
        }
    }

    /// `session.touch()`: the cookie is written, `__ts` now.
    pub(crate) fn touch(&mut self) {
        self.touch_at(date::now_ms());
    }

    fn touch_at(&mut self, now_ms: i64) {
        if self.data.is_some() {
            self.changed = true;
            self.ts = payload::seconds(now_ms);
        }
    }

    /// `session.delete()`: the cookie is deleted at the end of the request,
    /// and the data is gone for the rest of it.
    pub(crate) fn destroy(&mut self) {
        self.data = None;
        self.deleted = true;
    }

    /// This request's changes are dropped; no `Set-Cookie` is sent.
    pub(crate) fn unset(&mut self) {
        self.data = None;
        self.deleted = false;
        self.changed = false;
    }

    /// `session.regenerate(keep)`: removes every key but those in `keep`
    /// and touches; after `destroy`, a new empty session.
    pub(crate) fn regenerate(&mut self, keep: &[&str]) {
        match &mut self.data {
            Some(data) => {
                let drop: Vec<String> = data
                    .keys()
                    .filter(|key| !keep.contains(key))
                    .map(str::to_owned)
                    .collect();
                for key in drop {
                    data.remove(&key);
                }
            }
            None => self.data = Some(SessionData::new()),
        }
        self.deleted = false;
        self.touch();
    }

    /// The session as the request's cookie carried it (empty without one):
    /// this request's changes are dropped.
    pub(crate) fn reload(&mut self) {
        let now = date::now_ms();
        let payload = self
            .opened
            .as_ref()
            .and_then(|opened| payload::read(opened.plaintext(), now).ok())
            .unwrap_or_else(|| Payload::new(now));
        let rotated = self.opened.as_ref().is_some_and(|o| o.key_index > 0);
        self.data = Some(payload.data);
        self.ts = payload.ts;
        self.changed = rotated;
        self.deleted = false;
    }

    /// The attributes of this response's cookie, made from `options` on
    /// first use.
    pub(crate) fn cookie_mut(
        &mut self,
        make: impl FnOnce() -> SessionCookie,
    ) -> Option<&mut SessionCookie> {
        self.data.as_ref()?;
        Some(self.cookie.get_or_insert_with(make))
    }

    /// The attributes a handler changed, if it did.
    pub(crate) fn changed_cookie(&self) -> Option<&SessionCookie> {
        self.cookie.as_ref()
    }

    /// What the end of the request does (spec §5).
    pub(crate) fn outcome(&self) -> Outcome<'_> {
        match &self.data {
            None if self.deleted => Outcome::Delete,
            Some(data) if self.changed => Outcome::Write(data, &self.ts),
            _ => Outcome::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_write(state: &CookieState) -> bool {
        matches!(state.outcome(), Outcome::Write(..))
    }

    #[test]
    fn reading_changes_nothing_writing_touches() {
        let mut state = CookieState::fresh(0);
        assert!(state.is_new());
        assert_eq!(state.get::<u32>("visits").unwrap(), None);
        assert!(matches!(state.outcome(), Outcome::Nothing));
        state.insert("visits", 1).unwrap();
        assert!(is_write(&state));
        assert_ne!(state.ts, Number::from(0));
        assert!(state.insert(TS, 1).unwrap_err().is_reserved());
    }

    #[test]
    fn removing_an_absent_key_is_no_change() {
        let mut state = CookieState::fresh(0);
        assert_eq!(state.remove("x"), None);
        state.clear();
        assert!(matches!(state.outcome(), Outcome::Nothing));
    }

    #[test]
    fn destroy_deletes_and_regenerate_revives() {
        let mut state = CookieState::fresh(0);
        state.insert("user", "ann").unwrap();
        state.destroy();
        assert!(matches!(state.outcome(), Outcome::Delete));
        assert!(state.insert("x", 1).unwrap_err().is_gone());
        state.regenerate(&[]);
        assert!(is_write(&state));
        assert!(state.data().unwrap().is_empty());
    }

    #[test]
    fn regenerate_keeps_what_it_is_told() {
        let mut state = CookieState::fresh(0);
        for key in ["a", "b", "c"] {
            state.insert(key, key).unwrap();
        }
        state.regenerate(&["b", "z"]);
        assert_eq!(state.data().unwrap().keys().collect::<Vec<_>>(), ["b"]);
    }

    #[test]
    fn unset_sends_nothing() {
        let mut state = CookieState::fresh(0);
        state.insert("a", 1).unwrap();
        state.unset();
        assert!(matches!(state.outcome(), Outcome::Nothing));
        state.touch();
        assert!(matches!(state.outcome(), Outcome::Nothing));
    }

    #[test]
    fn reload_without_a_cookie_is_empty() {
        let mut state = CookieState::fresh(0);
        state.insert("a", 1).unwrap();
        state.reload();
        assert!(state.data().unwrap().is_empty());
        assert!(matches!(state.outcome(), Outcome::Nothing));
    }
}
