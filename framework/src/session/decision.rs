//! The end-of-request decisions of express-session (spec §5): whether the
//! stored session is destroyed, saved or touched, and whether `Set-Cookie`
//! is sent. Pure functions of the request's [`SessionState`] and [`Rules`].

use super::date;
use super::options::Unset;
use super::state::SessionState;

/// The options the decisions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Save unmodified loaded sessions too.
    pub resave: bool,
    /// Save (and send the cookie of) new sessions nobody changed.
    pub save_uninitialized: bool,
    /// Send the cookie of every loaded session on every response.
    pub rolling: bool,
    /// What unsetting the session does to the store.
    pub unset: Unset,
}

/// What the end of a request must do (the result of
/// [`SessionConfig::commit`](super::SessionConfig::commit)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commit {
    /// Append the session's `Set-Cookie` to the response (spec §5.1).
    pub set_cookie: bool,
    /// The store operation to finish before the response completes (§5.2).
    pub store: StoreAction,
}

/// The store operation at the end of a request (spec E1-E6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAction {
    /// No store call.
    None,
    /// `store.destroy(id)`.
    Destroy,
    /// `store.set(id, document)`.
    Save,
    /// `store.touch(id, document)`.
    Touch,
}

/// `shouldDestroy` (spec E1): a session id exists, `unset` is `destroy`, and
/// the session was destroyed or unset.
pub fn should_destroy(state: &SessionState, rules: &Rules) -> bool {
    !state.id().is_empty() && rules.unset == Unset::Destroy && !state.exists()
}

/// `shouldSave` (spec E4): a new session nobody changed is stored only with
/// `save_uninitialized`; anything else is stored unless it was saved (or,
/// without `resave`, loaded) as it is now.
pub fn should_save(state: &SessionState, rules: &Rules) -> bool {
    state
        .hash()
        .is_some_and(|hash| should_save_hashed(state, rules, hash))
}

/// `shouldTouch` (spec E5): a loaded session that is not saved.
pub fn should_touch(state: &SessionState, rules: &Rules) -> bool {
    state
        .hash()
        .is_some_and(|hash| should_touch_hashed(state, rules, hash))
}

/// `shouldSetCookie` (spec C1-C4): a new session's cookie is sent if it is
/// stored-worthy (`save_uninitialized` or modified); a loaded one's with
/// `rolling`, or when it was modified and has an expiry to refresh.
/// ([`SessionConfig::commit`](super::SessionConfig::commit) also withholds
/// secure cookies from insecure requests, C5.)
pub fn should_set_cookie(state: &SessionState, rules: &Rules) -> bool {
    state
        .hash()
        .is_some_and(|hash| should_set_cookie_hashed(state, rules, hash))
}

fn should_save_hashed(state: &SessionState, rules: &Rules, hash: u64) -> bool {
    if !rules.save_uninitialized && !state.was_saved() && state.is_new() {
        state.is_modified(hash)
    } else {
        !state.is_saved(hash)
    }
}

fn should_touch_hashed(state: &SessionState, rules: &Rules, hash: u64) -> bool {
    !state.is_new() && !should_save_hashed(state, rules, hash)
}

fn should_set_cookie_hashed(state: &SessionState, rules: &Rules, hash: u64) -> bool {
    if state.is_new() {
        rules.save_uninitialized || state.is_modified(hash)
    } else {
        let expires = state.cookie().and_then(|c| c.expires_ms());
        rules.rolling || (expires.is_some() && state.is_modified(hash))
    }
}

/// The end of a request (spec §5.1-§5.2, in express-session's order): the
/// session's cookie is touched once (E3/C6), then one store action and the
/// cookie decision are made from the same state.
pub(crate) fn commit(
    state: &mut SessionState,
    rules: &Rules,
    secure_request: bool,
    now: impl FnOnce() -> i64,
) -> Commit {
    if should_destroy(state, rules) {
        return Commit {
            set_cookie: false,
            store: StoreAction::Destroy,
        };
    }
    let Some(hash) = state.hash() else {
        return Commit {
            set_cookie: false,
            store: StoreAction::None,
        };
    };
    state.touch_with(now);
    let store = if should_save_hashed(state, rules, hash) {
        StoreAction::Save
    } else if should_touch_hashed(state, rules, hash) {
        StoreAction::Touch
    } else {
        StoreAction::None
    };
    let withheld = state.cookie().and_then(|c| c.secure()) == Some(true) && !secure_request;
    Commit {
        set_cookie: should_set_cookie_hashed(state, rules, hash) && !withheld,
        store,
    }
}

/// [`commit`] at the current time.
pub(crate) fn commit_now(state: &mut SessionState, rules: &Rules, secure_request: bool) -> Commit {
    commit(state, rules, secure_request, date::now_ms)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::cookie::SessionCookie;
    use crate::session::cookie_header::CookieId;
    use crate::session::options::{CookieOptions, Secure};

    const NOW: i64 = 1_764_094_920_296;

    fn rules(resave: bool, save_uninitialized: bool) -> Rules {
        Rules {
            resave,
            save_uninitialized,
            rolling: false,
            unset: Unset::Keep,
        }
    }

    fn cookie(max_age: Option<u64>) -> SessionCookie {
        let mut options = CookieOptions::default();
        if let Some(secs) = max_age {
            options = options.max_age(Duration::from_secs(secs));
        }
        SessionCookie::from_options(&options, false, NOW)
    }

    fn new_session() -> SessionState {
        SessionState::generated(None, "new-id".into(), cookie(Some(60)))
    }

    /// A session as a previous request stored it, with `visits: 1`.
    fn loaded_session(rules: &Rules, max_age: Option<u64>) -> SessionState {
        let mut first = SessionState::generated(None, "old-id".into(), cookie(max_age));
        first.data_mut().unwrap().insert("visits", 1).unwrap();
        let stored = first.save().unwrap();
        SessionState::loaded(CookieId::unsigned("old-id"), &stored, rules.resave).unwrap()
    }

    fn commit(state: &mut SessionState, rules: &Rules) -> (bool, StoreAction) {
        let c = super::commit(state, rules, false, || NOW + 1000);
        (c.set_cookie, c.store)
    }

    fn modify(state: &mut SessionState) {
        let data = state.data_mut().unwrap();
        let visits = data.get::<u32>("visits").unwrap().unwrap_or(0);
        data.insert("visits", visits + 1).unwrap();
    }

    // Each test below is a row of the matrix of spec §5.3.

    #[test]
    fn new_unmodified_without_save_uninitialized() {
        let r = rules(false, false);
        assert_eq!(commit(&mut new_session(), &r), (false, StoreAction::None));
    }

    #[test]
    fn new_unmodified_with_save_uninitialized() {
        let r = rules(false, true);
        assert_eq!(commit(&mut new_session(), &r), (true, StoreAction::Save));
    }

    #[test]
    fn new_modified() {
        for r in [rules(false, false), rules(true, true)] {
            let mut state = new_session();
            modify(&mut state);
            assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
        }
    }

    #[test]
    fn new_explicitly_saved_unmodified_without_save_uninitialized() {
        // Stored once by the handler, then no cookie and no second write.
        let r = rules(false, false);
        let mut state = new_session();
        state.save().unwrap();
        assert_eq!(commit(&mut state, &r), (false, StoreAction::None));
    }

    #[test]
    fn loaded_unmodified_resave_false() {
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        assert_eq!(commit(&mut state, &r), (false, StoreAction::Touch));
        let rolling = Rules { rolling: true, ..r };
        let mut state = loaded_session(&rolling, Some(60));
        assert_eq!(commit(&mut state, &rolling), (true, StoreAction::Touch));
    }

    #[test]
    fn loaded_unmodified_resave_true() {
        let r = rules(true, false);
        let mut state = loaded_session(&r, Some(60));
        assert_eq!(commit(&mut state, &r), (false, StoreAction::Save));
        let rolling = Rules { rolling: true, ..r };
        let mut state = loaded_session(&rolling, Some(60));
        assert_eq!(commit(&mut state, &rolling), (true, StoreAction::Save));
    }

    #[test]
    fn loaded_modified() {
        let r = rules(false, false);
        // with an expiry: cookie re-sent
        let mut state = loaded_session(&r, Some(60));
        modify(&mut state);
        assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
        // browser-session cookie: never re-sent while the id is unchanged (C4)
        let mut state = loaded_session(&r, None);
        modify(&mut state);
        assert_eq!(commit(&mut state, &r), (false, StoreAction::Save));
        let rolling = Rules { rolling: true, ..r };
        let mut state = loaded_session(&rolling, None);
        modify(&mut state);
        assert_eq!(commit(&mut state, &rolling), (true, StoreAction::Save));
    }

    #[test]
    fn loaded_saved_in_handler_then_unchanged() {
        // set (explicit) + touch
        for resave in [false, true] {
            let r = rules(resave, false);
            let mut state = loaded_session(&r, Some(60));
            modify(&mut state);
            state.save().unwrap();
            assert_eq!(commit(&mut state, &r), (true, StoreAction::Touch));
        }
    }

    #[test]
    fn saved_then_modified_again() {
        // set + set
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        state.save().unwrap();
        modify(&mut state);
        assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
    }

    #[test]
    fn regenerated() {
        // new id: saved and sent even if unmodified, even without
        // save_uninitialized; an explicit save does not count (A7).
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        state.regenerated("fresh".into(), cookie(Some(60)));
        assert!(state.is_new());
        assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
        let mut state = loaded_session(&r, None);
        state.regenerated("fresh".into(), cookie(None));
        state.save().unwrap();
        assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
    }

    #[test]
    fn destroyed() {
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        state.destroy();
        assert_eq!(commit(&mut state, &r), (false, StoreAction::None));
        // unset: destroy destroys (again, after destroy(): E1)
        let destroy = Rules {
            unset: Unset::Destroy,
            ..r
        };
        let mut state = loaded_session(&destroy, Some(60));
        state.destroy();
        assert_eq!(commit(&mut state, &destroy), (false, StoreAction::Destroy));
    }

    #[test]
    fn unset_keep_and_destroy() {
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        modify(&mut state);
        state.unset();
        assert_eq!(commit(&mut state, &r), (false, StoreAction::None));
        let destroy = Rules {
            unset: Unset::Destroy,
            ..r
        };
        let mut state = loaded_session(&destroy, Some(60));
        state.unset();
        assert_eq!(commit(&mut state, &destroy), (false, StoreAction::Destroy));
        // also for a new session nobody stored (E1)
        let mut state = new_session();
        state.unset();
        assert_eq!(commit(&mut state, &destroy), (false, StoreAction::Destroy));
    }

    #[test]
    fn omitted_resave_and_save_uninitialized_act_as_true() {
        let defaults = crate::session::SessionOptions::new()
            .secret("s")
            .into_config()
            .unwrap()
            .rules();
        assert_eq!(
            commit(&mut new_session(), &defaults),
            (true, StoreAction::Save)
        );
        let mut state = loaded_session(&defaults, Some(60));
        assert_eq!(commit(&mut state, &defaults), (false, StoreAction::Save));
    }

    #[test]
    fn secure_cookies_are_withheld_but_saved() {
        // C5
        let r = rules(false, false);
        let options = CookieOptions::default().secure(Secure::Always);
        let mut state = SessionState::generated(
            None,
            "id".into(),
            SessionCookie::from_options(&options, false, NOW),
        );
        modify(&mut state);
        let insecure = super::commit(&mut state.clone(), &r, false, || NOW);
        assert_eq!(
            (insecure.set_cookie, insecure.store),
            (false, StoreAction::Save)
        );
        let secure = super::commit(&mut state, &r, true, || NOW);
        assert_eq!((secure.set_cookie, secure.store), (true, StoreAction::Save));
    }

    #[test]
    fn an_unknown_id_is_a_new_session() {
        // The client's cookie named an id the store did not have (R9).
        let r = rules(false, false);
        let gone = Some(CookieId::unsigned("gone"));
        let mut state = SessionState::generated(gone, "new".into(), cookie(None));
        assert!(state.is_new());
        assert_eq!(commit(&mut state, &r), (false, StoreAction::None));
        // ... unless the generator gives the same id back: then it is not new.
        let same = Some(CookieId::unsigned("same"));
        let state = SessionState::generated(same, "same".into(), cookie(None));
        assert!(!state.is_new());
    }

    #[test]
    fn the_commit_touches_the_cookie_once() {
        // C6/E3: expires = now + originalMaxAge, and that is what is stored.
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        modify(&mut state);
        super::commit(&mut state, &r, false, || NOW + 5000);
        assert_eq!(state.cookie().unwrap().expires_ms(), Some(NOW + 65_000));
        let stored = state.document().unwrap();
        assert_eq!(stored.expires_ms(), Some(NOW + 65_000));
    }

    #[test]
    fn changing_only_the_cookie_is_not_a_modification() {
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        state.cookie_mut().unwrap().set_max_age_at(Some(1), NOW);
        assert_eq!(commit(&mut state, &r), (false, StoreAction::Touch));
        // but a browser-session cookie given a max age is re-sent once
        // modified (C4).
        let mut state = loaded_session(&r, None);
        state
            .cookie_mut()
            .unwrap()
            .set_max_age_at(Some(60_000), NOW);
        modify(&mut state);
        assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
    }

    #[test]
    fn reload_keeps_the_original_hash() {
        // A5: a reload that sees a concurrent change counts as modified.
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        let mut other = loaded_session(&r, Some(60));
        modify(&mut other);
        let concurrent = other.save().unwrap();
        state.reload(Some(&concurrent)).unwrap();
        assert_eq!(state.data().unwrap().get::<u32>("visits").unwrap(), Some(2));
        assert_eq!(commit(&mut state, &r), (true, StoreAction::Save));
        assert!(state.reload(None).unwrap_err().is_not_found());
    }

    #[test]
    fn reserved_keys_in_the_store_make_a_reader_save() {
        // I6: `save` is dropped on load, so the session differs from the
        // stored document and is written back.
        let r = rules(false, false);
        let stored = crate::session::StoredSession::from_json(
            r#"{"cookie":{"originalMaxAge":null,"expires":null},"save":1,"visits":1}"#,
        );
        let mut state = SessionState::loaded(CookieId::unsigned("id"), &stored, false).unwrap();
        assert_eq!(commit(&mut state, &r), (false, StoreAction::Save));
    }

    #[test]
    fn public_predicates_agree_with_the_commit() {
        let r = rules(false, false);
        let mut state = loaded_session(&r, Some(60));
        modify(&mut state);
        assert!(should_save(&state, &r));
        assert!(!should_touch(&state, &r));
        assert!(should_set_cookie(&state, &r));
        assert!(!should_destroy(&state, &r));
        state.destroy();
        assert!(!should_save(&state, &r) && !should_set_cookie(&state, &r));
    }
}
