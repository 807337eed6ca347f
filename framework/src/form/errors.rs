//! `FormErrors`: what was wrong with a form, field by field.

use std::collections::BTreeMap;

use serde::Serialize;
use validator::{ValidationErrors, ValidationErrorsKind};

use super::messages;
use crate::exception::{BadRequestException, HttpException};
use crate::response::{IntoResponse, Response};

/// The messages of a form that did not validate, by field: what a template
/// shows beside each input, and what JSON clients receive as Nest's
/// `ValidationPipe` body.
///
/// In a template it is a map from field name to its list of messages:
/// `{% if errors.email %}<p class="error">{{ errors.email[0] }}</p>{% endif %}`.
/// Nested fields are named with dots (`address.city`, `tags.0`). Fields
/// are listed in alphabetical order (`validator` reports them unordered).
///
/// As a response it is Nest's 400:
/// `{"statusCode":400,"message":["email must be an email"],"error":"Bad Request"}`.
///
/// ```
/// use nestling::form::FormErrors;
///
/// let mut errors = FormErrors::new();
/// errors.add("email", "email is already taken");
/// assert_eq!(errors.get("email"), ["email is already taken"]);
/// assert_eq!(errors.messages(), ["email is already taken"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FormErrors {
    fields: BTreeMap<String, Vec<String>>,
}

impl FormErrors {
    /// No errors.
    ///
    /// ```
    /// assert!(nestling::form::FormErrors::new().is_empty());
    /// ```
    pub fn new() -> Self {
        FormErrors::default()
    }

    /// Adds `message` to `field`, for checks only the handler can make
    /// ("that email is already taken").
    ///
    /// ```
    /// # let mut errors = nestling::form::FormErrors::new();
    /// errors.add("name", "name is reserved");
    /// assert!(!errors.is_empty());
    /// ```
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) -> &mut Self {
        self.fields
            .entry(field.into())
            .or_default()
            .push(message.into());
        self
    }

    /// The messages of `field` (empty when it is valid).
    ///
    /// ```
    /// assert!(nestling::form::FormErrors::new().get("email").is_empty());
    /// ```
    pub fn get(&self, field: &str) -> &[String] {
        self.fields.get(field).map_or(&[], Vec::as_slice)
    }

    /// Every message, field by field: the `message` list of Nest's body.
    ///
    /// ```
    /// # let mut errors = nestling::form::FormErrors::new();
    /// errors.add("b", "b is wrong").add("a", "a is wrong");
    /// assert_eq!(errors.messages(), ["a is wrong", "b is wrong"]);
    /// ```
    pub fn messages(&self) -> Vec<String> {
        self.fields.values().flatten().cloned().collect()
    }

    /// Whether there is no message at all.
    ///
    /// ```
    /// assert!(nestling::form::FormErrors::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Nest's 400 for these errors, as `ValidationPipe` answers:
    /// `{"statusCode":400,"message":[...],"error":"Bad Request"}`.
    ///
    /// ```
    /// # let mut errors = nestling::form::FormErrors::new();
    /// errors.add("age", "age must not be less than 0");
    /// assert_eq!(errors.to_exception().status().as_u16(), 400);
    /// ```
    pub fn to_exception(&self) -> HttpException {
        BadRequestException::new(self.messages())
    }
}

impl From<&ValidationErrors> for FormErrors {
    fn from(errors: &ValidationErrors) -> Self {
        let mut form = FormErrors::new();
        collect(errors, "", &mut form);
        form
    }
}

impl From<ValidationErrors> for FormErrors {
    fn from(errors: ValidationErrors) -> Self {
        FormErrors::from(&errors)
    }
}

fn collect(errors: &ValidationErrors, prefix: &str, form: &mut FormErrors) {
    for (field, kind) in errors.errors() {
        let path = format!("{prefix}{field}");
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    form.add(path.clone(), messages::message(&path, error));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &format!("{path}."), form),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}.{index}."), form);
                }
            }
        }
    }
}

impl IntoResponse for FormErrors {
    fn into_response(self) -> Response {
        self.to_exception().into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::ValidationError;

    #[test]
    fn nested_and_listed_fields_are_named_with_dots() {
        let mut inner = ValidationErrors::new();
        inner.add("city", ValidationError::new("required"));
        let mut outer = ValidationErrors::new();
        outer.errors_mut().insert(
            "address".into(),
            ValidationErrorsKind::Struct(Box::new(inner.clone())),
        );
        outer.errors_mut().insert(
            "stops".into(),
            ValidationErrorsKind::List([(2, Box::new(inner))].into_iter().collect()),
        );
        let form = FormErrors::from(&outer);
        assert_eq!(
            form.get("address.city"),
            ["address.city should not be empty"]
        );
        assert_eq!(
            form.get("stops.2.city"),
            ["stops.2.city should not be empty"]
        );
    }

    #[test]
    fn the_body_is_nests_validation_pipe_body() {
        let mut form = FormErrors::new();
        form.add("email", "email must be an email");
        let body: serde_json::Value = serde_json::from_slice(&form.to_exception().body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"statusCode": 400, "message": ["email must be an email"], "error": "Bad Request"})
        );
    }
}
