//! Flash messages (connect-flash): a message set on one request and read
//! once on a later one, usually the page a redirect leads to.
//!
//! * `injector.rs`: the [`Flash`] injector, connect-flash's `req.flash()`.
//! * `store.rs`: the messages in the session, under the key `flash` as
//!   connect-flash keeps them (`{"info": ["Saved."]}`), so an Express app
//!   sharing the session reads and writes the same ones.
//! * `locals.rs`: with [`Application::use_flash`](crate::Application::use_flash),
//!   every rendered template sees the pending messages as `flash` (and they
//!   are gone from the session).
//!
//! ```
//! use nestling::prelude::*;
//!
//! #[injectable]
//! struct NotesController;
//!
//! #[controller("notes")]
//! impl NotesController {
//!     #[post]
//!     async fn create(&self, mut flash: Flash) -> Result<Redirect, HttpException> {
//!         flash.add("success", "Note saved.")?;
//!         Ok(Redirect::see_other("/notes"))
//!     }
//! }
//! ```

mod injector;
pub(crate) mod locals;
mod store;

pub use injector::{Flash, FlashMessages};
