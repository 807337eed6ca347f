//! One request's session: the session itself plus what express-session
//! keeps per request to decide, at the end, whether to send the cookie and
//! write the store (spec §3, §7).

use std::sync::Arc;

use super::SessionError;
use super::cookie::SessionCookie;
use super::cookie_header::CookieId;
use super::data::SessionData;
use super::date;
use super::document;
use super::store::{SessionChanges, StoredSession};

/// A request's session and its history in this request.
///
/// Made by [`SessionConfig::generate`](super::SessionConfig::generate) or
/// [`SessionConfig::load`](super::SessionConfig::load); changed by the
/// handler through the methods below; decided on at the end by
/// [`SessionConfig::commit`](super::SessionConfig::commit). The methods
/// that involve the store ([`save`](Self::save),
/// [`reload`](Self::reload), [`destroy`](Self::destroy),
/// [`regenerate`](Self::regenerate)) only change the state: the caller
/// performs the store operation they name.
#[derive(Debug, Clone)]
pub struct SessionState {
    /// The verified id the request's cookie carried (`cookieId`).
    cookie_id: Option<CookieId>,
    /// `req.sessionID` (shared with the cookie's id and the end-of-request
    /// store call).
    id: Arc<str>,
    /// `req.session`; `None` once destroyed or unset.
    session: Option<Live>,
    /// `originalId` when it differs from the id's first value: set by
    /// `regenerate`, which keeps the request's original id (A7).
    regenerated_from: Option<Arc<str>>,
    /// `originalHash`: the data's hash when generated or loaded.
    original_hash: u64,
    /// `savedHash`: the data's hash when last saved (or loaded, unless
    /// `resave`).
    saved_hash: Option<u64>,
    /// Whether `save` records the saved hash: false for a regenerated
    /// session, whose methods express-session does not wrap (A7).
    wrapped: bool,
    /// The document loaded from the store (or reloaded), while the session
    /// keeps its id: what a merging save compares with.
    loaded: Option<StoredSession>,
}

#[derive(Debug, Clone)]
struct Live {
    data: SessionData,
    cookie: SessionCookie,
}

impl SessionState {
    /// A new session (spec G1, G5).
    pub(crate) fn generated(
        cookie_id: Option<CookieId>,
        id: String,
        cookie: SessionCookie,
    ) -> Self {
        let data = SessionData::new();
        SessionState {
            cookie_id,
            id: id.into(),
            original_hash: data.hash(),
            session: Some(Live { data, cookie }),
            regenerated_from: None,
            saved_hash: None,
            wrapped: true,
            loaded: None,
        }
    }

    /// A session read from the store (spec I1-I8).
    pub(crate) fn loaded(
        cookie_id: CookieId,
        stored: &StoredSession,
        resave: bool,
    ) -> Result<Self, SessionError> {
        let loaded = document::read(stored)?;
        Ok(SessionState {
            id: Arc::clone(cookie_id.shared_id()),
            cookie_id: Some(cookie_id),
            session: Some(Live {
                data: loaded.data,
                cookie: loaded.cookie,
            }),
            regenerated_from: None,
            original_hash: loaded.hash,
            saved_hash: (!resave).then_some(loaded.hash),
            wrapped: true,
            loaded: Some(stored.clone()),
        })
    }

    /// The session id (`req.sessionID`): the new one after `regenerate`,
    /// still the old one after `destroy`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The session id, shared.
    pub(crate) fn shared_id(&self) -> Arc<str> {
        Arc::clone(&self.id)
    }

    /// The verified id the request's cookie carried, if any.
    pub fn cookie_id(&self) -> Option<&str> {
        self.cookie_id.as_ref().map(CookieId::id)
    }

    /// The incoming cookie's signature of the current id, if the first
    /// secret made it.
    pub(crate) fn known_signature(&self) -> Option<&super::signature::SignatureText> {
        self.cookie_id.as_ref()?.signature_of(&self.id)
    }

    /// Whether the session is new to the client: its id is not the one the
    /// request's cookie carried (no or invalid cookie, unknown id,
    /// regenerated).
    pub fn is_new(&self) -> bool {
        self.cookie_id() != Some(&*self.id)
    }

    /// Whether there is a session: false once destroyed or unset.
    pub fn exists(&self) -> bool {
        self.session.is_some()
    }

    /// The session's data; `None` once destroyed or unset.
    pub fn data(&self) -> Option<&SessionData> {
        self.session.as_ref().map(|s| &s.data)
    }

    /// The session's data, to change; `None` once destroyed or unset.
    pub fn data_mut(&mut self) -> Option<&mut SessionData> {
        self.session.as_mut().map(|s| &mut s.data)
    }

    /// The session's cookie; `None` once destroyed or unset.
    pub fn cookie(&self) -> Option<&SessionCookie> {
        self.session.as_ref().map(|s| &s.cookie)
    }

    /// The session's cookie, to change; `None` once destroyed or unset.
    pub fn cookie_mut(&mut self) -> Option<&mut SessionCookie> {
        self.session.as_mut().map(|s| &mut s.cookie)
    }

    /// `req.session.save()` (spec A4): the document to store under
    /// [`id`](Self::id) now. Records it as saved first, even if the store
    /// then fails, as express-session does.
    ///
    /// # Errors
    /// When the session was destroyed or unset.
    pub fn save(&mut self) -> Result<StoredSession, SessionError> {
        let live = self.session.as_ref().ok_or_else(SessionError::gone)?;
        if self.wrapped {
            self.saved_hash = Some(live.data.hash());
        }
        Ok(document::write(&live.data, &live.cookie))
    }

    /// `req.session.reload()` (spec A5) with what the store's `get` of
    /// [`id`](Self::id) returned: the session becomes the stored one,
    /// unsaved changes lost. What counts as modified still compares with
    /// the session as the request first saw it.
    ///
    /// # Errors
    /// `failed to load session` when the store has nothing; a corrupt
    /// document.
    pub fn reload(&mut self, found: Option<&StoredSession>) -> Result<(), SessionError> {
        let stored = found.ok_or_else(SessionError::not_found)?;
        let loaded = document::read(stored)?;
        self.session = Some(Live {
            data: loaded.data,
            cookie: loaded.cookie,
        });
        self.loaded = Some(stored.clone());
        Ok(())
    }

    /// `req.session.destroy()` (spec A6): no session from now on; the
    /// caller deletes [`id`](Self::id) from the store. No cookie is sent.
    pub fn destroy(&mut self) {
        self.session = None;
    }

    /// `req.session = null` (spec E1-E2): this request's changes are
    /// dropped; with `unset: destroy` the stored session is deleted at the
    /// end.
    pub fn unset(&mut self) {
        self.session = None;
    }

    /// The second half of `req.session.regenerate()` (spec A7), once the
    /// caller destroyed the old id in the store (whether or not that
    /// failed): a new id and an empty session, always saved and sent at the
    /// end of the request.
    pub(crate) fn regenerated(&mut self, id: String, cookie: SessionCookie) {
        let old = std::mem::replace(&mut self.id, id.into());
        if self.regenerated_from.is_none() {
            self.regenerated_from = Some(old);
        }
        self.session = Some(Live {
            data: SessionData::new(),
            cookie,
        });
        self.wrapped = false;
        self.loaded = None;
    }

    /// `req.session.touch()` (spec A3): restarts the cookie's lifetime.
    /// Does nothing without a session.
    pub fn touch(&mut self) {
        self.touch_with(date::now_ms);
    }

    pub(crate) fn touch_with(&mut self, now: impl FnOnce() -> i64) {
        if let Some(live) = &mut self.session {
            live.cookie.touch_with(now);
        }
    }

    /// The session's stored document as it stands: what `set` or `touch`
    /// gets at the end of the request. `None` without a session.
    pub fn document(&self) -> Option<StoredSession> {
        let live = self.session.as_ref()?;
        Some(document::write(&live.data, &live.cookie))
    }

    /// What a save changes relative to the document this request loaded,
    /// for stores that merge overlapping saves
    /// ([`SessionStore::set_changes`](super::SessionStore::set_changes));
    /// `None` for a session that was not loaded under its current id (new,
    /// regenerated) or is gone.
    pub fn changes(&self) -> Option<SessionChanges> {
        if self.session.is_none() || self.id_changed() {
            return None;
        }
        self.loaded.clone().map(SessionChanges::new)
    }

    /// The data's hash now; `None` without a session.
    pub(crate) fn hash(&self) -> Option<u64> {
        self.data().map(SessionData::hash)
    }

    /// `isModified` (spec H2) for a data hash of `hash`.
    pub(crate) fn is_modified(&self, hash: u64) -> bool {
        self.id_changed() || hash != self.original_hash
    }

    /// `isSaved` (spec H3) for a data hash of `hash`.
    pub(crate) fn is_saved(&self, hash: u64) -> bool {
        !self.id_changed() && self.saved_hash == Some(hash)
    }

    pub(crate) fn was_saved(&self) -> bool {
        self.saved_hash.is_some()
    }

    fn id_changed(&self) -> bool {
        self.regenerated_from
            .as_deref()
            .is_some_and(|original| *original != *self.id)
    }
}
