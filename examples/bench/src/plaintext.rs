//! `GET /plaintext` -> 200 `text/plain`, `Hello, World!`.

use nestling::prelude::*;

use crate::HELLO;

/// Serves `/plaintext`.
#[injectable]
pub struct PlaintextController;

#[controller]
impl PlaintextController {
    #[get("plaintext")]
    async fn plaintext(&self) -> Text<&'static str> {
        Text(HELLO)
    }
}
