//! Per-request template variables (Express's `res.locals`).

use std::borrow::Cow;

use serde::Serialize;

use super::ViewError;

/// Variables that every template rendered for this request sees, beside the
/// handler's own context (Express's `res.locals`).
///
/// The framework's per-request subsystems (session user, flash messages, the
/// CSRF token) put their values here, and so can your own injectors, through
/// [`RequestContext::locals_mut`](crate::RequestContext::locals_mut), or
/// providers registered with
/// [`Application::use_view_locals`](crate::Application::use_view_locals).
///
/// When a template is rendered, its variables come from, highest priority first:
/// the handler's context, then the request's locals, then the app-wide
/// globals set with [`Application::set_local`](crate::Application::set_local).
///
/// ```
/// use nestling::view::Locals;
///
/// let mut locals = Locals::new();
/// locals.insert("user", &"ada").unwrap();
/// assert!(locals.contains_key("user"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Locals(pub(crate) tera::Context);

impl Locals {
    /// No variables (allocates nothing).
    ///
    /// ```
    /// assert!(nestling::view::Locals::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Locals(tera::Context::new())
    }

    /// Sets `key` to `value`, replacing an earlier value. Fails only when
    /// `value`'s `Serialize` implementation fails (or yields map keys that
    /// are not strings or numbers).
    ///
    /// ```
    /// # let mut locals = nestling::view::Locals::new();
    /// locals.insert("flash", &vec!["Saved."]).unwrap();
    /// ```
    pub fn insert<T: Serialize + ?Sized>(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: &T,
    ) -> Result<(), ViewError> {
        let value = tera::Value::try_from_serializable(value).map_err(ViewError::serialize)?;
        self.0.insert_value(key, value);
        Ok(())
    }

    /// Sets `key` to a value already converted to Tera's [`Value`](tera::Value).
    ///
    /// ```
    /// # let mut locals = nestling::view::Locals::new();
    /// locals.insert_value("csrf_token", nestling::view::tera::Value::from("abc"));
    /// ```
    pub fn insert_value(&mut self, key: impl Into<Cow<'static, str>>, value: tera::Value) {
        self.0.insert_value(key, value);
    }

    /// The value of `key`, if set.
    ///
    /// ```
    /// # let mut locals = nestling::view::Locals::new();
    /// locals.insert("n", &3).unwrap();
    /// assert_eq!(locals.get("n").and_then(|v| v.as_i64()), Some(3));
    /// ```
    pub fn get(&self, key: &str) -> Option<&tera::Value> {
        self.0.get(key)
    }

    /// Whether `key` is set.
    ///
    /// ```
    /// assert!(!nestling::view::Locals::new().contains_key("user"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Removes `key`, returning its value.
    ///
    /// ```
    /// # let mut locals = nestling::view::Locals::new();
    /// locals.insert("n", &3).unwrap();
    /// assert!(locals.remove("n").is_some());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<tera::Value> {
        self.0.remove(key)
    }

    /// Whether no variable is set.
    ///
    /// ```
    /// assert!(nestling::view::Locals::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        // `Context` has no `is_empty`; an empty one equals the default.
        self.0 == tera::Context::new()
    }
}
