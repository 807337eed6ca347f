//! The `Flash` injector.

use serde_json::{Map, Value};

use super::store;
use crate::exception::HttpException;
use crate::injector::Injector;
use crate::request::RequestContext;
use crate::routing::ArgInfo;
use crate::session::{Session, SessionError};

/// Flash messages (connect-flash's `req.flash()`): add one now, and it is
/// read once, by a later request of the same session.
///
/// Messages live in the session (under `flash`, in connect-flash's layout),
/// so sessions must be enabled; a route without a session answers 500 and
/// logs why, as the [`Session`] injector does. With
/// [`Application::use_flash`](crate::Application::use_flash), rendered
/// templates receive them as `flash` without any handler code.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// struct AuthController;
///
/// #[controller]
/// impl AuthController {
///     #[post("logout")]
///     async fn logout(&self, mut flash: Flash) -> Result<Redirect, HttpException> {
///         flash.add("info", "You are logged out.")?;
///         Ok(Redirect::see_other("/login"))
///     }
///
///     #[get("messages")]
///     async fn messages(&self, mut flash: Flash) -> Result<String, HttpException> {
///         Ok(flash.take("info")?.join("\n"))
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Flash {
    session: Session,
}

/// Every waiting message by kind, as `req.flash()` returns them:
/// `{"info": ["Saved."], "error": ["Title is required."]}`.
pub type FlashMessages = Map<String, Value>;

impl Flash {
    /// The flash messages of `session`.
    ///
    /// ```
    /// use nestling::prelude::*;
    ///
    /// async fn note_saved(session: Session) -> Result<(), HttpException> {
    ///     nestling::Flash::new(session).add("success", "Saved.")?;
    ///     Ok(())
    /// }
    /// ```
    pub fn new(session: Session) -> Self {
        Flash { session }
    }

    /// Adds `message` to the messages of `kind` (`req.flash(kind, msg)`);
    /// returns how many of that kind are waiting.
    ///
    /// # Errors
    /// When the session was destroyed in this request.
    ///
    /// ```
    /// # async fn f(mut flash: nestling::Flash) -> Result<(), nestling::HttpException> {
    /// flash.add("error", "That title is taken.")?;
    /// # Ok(()) }
    /// ```
    pub fn add(&mut self, kind: &str, message: impl AsRef<str>) -> Result<usize, SessionError> {
        store::push(&mut self.session, kind, message.as_ref())
    }

    /// Takes the messages of `kind` (`req.flash(kind)`): they are returned
    /// once, then gone.
    ///
    /// # Errors
    /// When the session was destroyed in this request.
    ///
    /// ```
    /// # async fn f(mut flash: nestling::Flash) -> Result<(), nestling::HttpException> {
    /// let errors: Vec<String> = flash.take("error")?;
    /// # Ok(()) }
    /// ```
    pub fn take(&mut self, kind: &str) -> Result<Vec<String>, SessionError> {
        store::take(&mut self.session, kind)
    }

    /// Takes every message, by kind (`req.flash()`).
    ///
    /// # Errors
    /// When the session was destroyed in this request.
    ///
    /// ```
    /// # async fn f(mut flash: nestling::Flash) -> Result<(), nestling::HttpException> {
    /// for (kind, messages) in flash.take_all()? {
    ///     println!("{kind}: {messages}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn take_all(&mut self) -> Result<FlashMessages, SessionError> {
        store::take_all(&mut self.session)
    }

    /// The waiting messages, left in place.
    ///
    /// ```
    /// # fn f(flash: nestling::Flash) {
    /// let pending = flash.peek().len();
    /// # }
    /// ```
    pub fn peek(&self) -> FlashMessages {
        store::peek(&self.session)
    }
}

/// The request's flash messages, in its session.
impl Injector for Flash {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        Session::inject(ctx, arg).await.map(Flash::new)
    }
}
