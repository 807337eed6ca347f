//! class-validator's wording for the rules of the `validator` crate, so a
//! JSON client reads the messages Nest's `ValidationPipe` would send. A rule
//! with its own `message = ".."` keeps it, as class-validator does.

use serde_json::Value;
use validator::ValidationError;

/// The message for one failed rule on `field`.
pub(super) fn message(field: &str, error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let param = |name: &str| error.params.get(name).map(show);
    match &*error.code {
        "email" => format!("{field} must be an email"),
        "url" => format!("{field} must be a URL address"),
        "required" => format!("{field} should not be empty"),
        "length" => length(field, error, param("min"), param("max"), param("equal")),
        "range" => range(field, error, param("min"), param("max")),
        "must_match" => match param("other") {
            Some(other) => format!("{field} must match {other}"),
            None => format!("{field} must match"),
        },
        "contains" => match param("needle") {
            Some(needle) => format!("{field} must contain a {needle} string"),
            None => format!("{field} is invalid"),
        },
        "does_not_contain" => match param("needle") {
            Some(needle) => format!("{field} should not contain a {needle} string"),
            None => format!("{field} is invalid"),
        },
        "regex" => format!("{field} must match the expected format"),
        "credit_card" => format!("{field} must be a credit card"),
        "ip" | "ipv4" | "ipv6" => format!("{field} must be an ip address"),
        "non_control_character" => format!("{field} must not contain control characters"),
        code => format!("{field} is invalid ({code})"),
    }
}

/// `length`: which bound failed, from the value's length.
fn length(
    field: &str,
    error: &ValidationError,
    min: Option<String>,
    max: Option<String>,
    equal: Option<String>,
) -> String {
    if let Some(equal) = equal {
        return format!("{field} must be exactly {equal} characters long");
    }
    let len = error.params.get("value").and_then(|value| match value {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(items) => Some(items.len()),
        _ => None,
    });
    let too_short = |min: &str| {
        len.zip(min.parse::<usize>().ok())
            .is_some_and(|(l, m)| l < m)
    };
    match (min, max) {
        (Some(min), _) if too_short(&min) => {
            format!("{field} must be longer than or equal to {min} characters")
        }
        (_, Some(max)) => format!("{field} must be shorter than or equal to {max} characters"),
        (Some(min), None) => format!("{field} must be longer than or equal to {min} characters"),
        (None, None) => format!("{field} has the wrong length"),
    }
}

/// `range`: which bound failed, from the value.
fn range(field: &str, error: &ValidationError, min: Option<String>, max: Option<String>) -> String {
    let value = error.params.get("value").and_then(Value::as_f64);
    let below = |min: &str| {
        value
            .zip(min.parse::<f64>().ok())
            .is_some_and(|(v, m)| v < m)
    };
    match (min, max) {
        (Some(min), _) if below(&min) => format!("{field} must not be less than {min}"),
        (_, Some(max)) => format!("{field} must not be greater than {max}"),
        (Some(min), None) => format!("{field} must not be less than {min}"),
        (None, None) => format!("{field} is out of range"),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn error(code: &'static str, params: &[(&'static str, Value)]) -> ValidationError {
        let mut error = ValidationError::new(code);
        for (name, value) in params {
            error.add_param(Cow::Borrowed(name), value);
        }
        error
    }

    #[test]
    fn length_names_the_bound_that_failed() {
        let short = error(
            "length",
            &[
                ("min", 8.into()),
                ("max", 64.into()),
                ("value", "abc".into()),
            ],
        );
        assert_eq!(
            message("password", &short),
            "password must be longer than or equal to 8 characters"
        );
        let long = error(
            "length",
            &[
                ("min", 1.into()),
                ("max", 3.into()),
                ("value", "abcd".into()),
            ],
        );
        assert_eq!(
            message("name", &long),
            "name must be shorter than or equal to 3 characters"
        );
    }

    #[test]
    fn range_names_the_bound_that_failed() {
        let low = error(
            "range",
            &[
                ("min", 0.into()),
                ("max", 30.into()),
                ("value", (-1).into()),
            ],
        );
        assert_eq!(message("age", &low), "age must not be less than 0");
        let high = error(
            "range",
            &[("min", 0.into()), ("max", 30.into()), ("value", 31.into())],
        );
        assert_eq!(message("age", &high), "age must not be greater than 30");
    }

    #[test]
    fn a_custom_message_is_kept() {
        let custom = ValidationError::new("email").with_message("Give us your email".into());
        assert_eq!(message("email", &custom), "Give us your email");
        assert_eq!(
            message("x", &ValidationError::new("odd")),
            "x is invalid (odd)"
        );
    }
}
