//! `use_flash`: the waiting messages handed to every rendered template as
//! `flash`, and taken out of the session (they have been shown).

use super::store;
use crate::request::RequestContext;
use crate::view::Locals;

/// The template variable.
const LOCAL: &str = "flash";

/// Sets `flash` for a render: the messages by kind, or `{}`, so templates
/// can always loop over it. The session was loaded before the render (see
/// `view/rendering.rs`); a request without one shows no messages.
pub(crate) fn provide(ctx: &mut RequestContext, locals: &mut Locals) {
    let messages = match ctx.head().session.get() {
        Some(Some(session)) => {
            let mut session = session.clone();
            store::take_all(&mut session).unwrap_or_default()
        }
        _ => Default::default(),
    };
    if !locals.contains_key(LOCAL) {
        locals.insert_value(LOCAL, tera::Value::from_serializable(&messages));
    }
}
