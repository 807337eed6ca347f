//! connect-flash's layout in the session: `flash` is an object from kind to
//! a list of messages, `{"info": ["Saved."], "error": ["No."]}`.

use serde_json::{Map, Value};

use crate::session::{Session, SessionError};

/// The session key connect-flash uses.
pub(super) const KEY: &str = "flash";

/// Appends `message` to the `kind` list (`req.flash(kind, message)`);
/// returns how many messages of that kind are now waiting.
pub(super) fn push(
    session: &mut Session,
    kind: &str,
    message: &str,
) -> Result<usize, SessionError> {
    let mut all = stored(session);
    let list = match all
        .entry(kind.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(list) => list,
        other => {
            // Written by someone else in another shape: start the kind over.
            *other = Value::Array(Vec::new());
            let Value::Array(list) = other else {
                unreachable!()
            };
            list
        }
    };
    list.push(Value::String(message.to_owned()));
    let count = list.len();
    session.insert(KEY, Value::Object(all))?;
    Ok(count)
}

/// Removes and returns the `kind` list (`req.flash(kind)`).
pub(super) fn take(session: &mut Session, kind: &str) -> Result<Vec<String>, SessionError> {
    let mut all = stored(session);
    let Some(list) = all.remove(kind) else {
        return Ok(Vec::new());
    };
    session.insert(KEY, Value::Object(all))?;
    Ok(strings(list))
}

/// Removes and returns every list (`req.flash()`), leaving `{}` as
/// connect-flash does; a session without messages is left unchanged.
pub(super) fn take_all(session: &mut Session) -> Result<Map<String, Value>, SessionError> {
    let all = stored(session);
    if all.is_empty() {
        return Ok(all);
    }
    session.insert(KEY, Value::Object(Map::new()))?;
    Ok(all
        .into_iter()
        .map(|(kind, list)| (kind, Value::from(strings(list))))
        .collect())
}

/// The messages waiting, without taking them.
pub(super) fn peek(session: &Session) -> Map<String, Value> {
    stored(session)
}

fn stored(session: &Session) -> Map<String, Value> {
    match session.get_value(KEY) {
        Some(Value::Object(all)) => all,
        _ => Map::new(),
    }
}

/// A list as connect-flash would hand it over; a lone string counts as a
/// list of one, anything else is dropped.
fn strings(list: Value) -> Vec<String> {
    match list {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        Value::String(s) => vec![s],
        _ => Vec::new(),
    }
}
