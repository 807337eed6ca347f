//! The sign-up and log-in forms and their rules.

use serde::{Deserialize, Serialize};
use validator::Validate;

/// `POST /signup`.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
#[serde(default)]
pub struct SignUp {
    #[validate(email)]
    pub email: String,
    #[validate(length(min = 8, max = 128))]
    pub password: String,
}

/// `POST /login`: no rules beyond "filled in"; a wrong password is the
/// handler's business.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
#[serde(default)]
pub struct LogIn {
    #[validate(length(min = 1))]
    pub email: String,
    #[validate(length(min = 1))]
    pub password: String,
}
