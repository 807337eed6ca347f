//! `GET /json` -> 200 `application/json`, `{"message":"Hello, World!"}`,
//! serialized on every request (as every peer does).

use nestling::prelude::*;
use serde::Serialize;

use crate::HELLO;

/// The body of `/json`.
#[derive(Debug, Serialize)]
pub struct Message {
    pub message: &'static str,
}

/// Serves `/json`.
#[injectable]
pub struct JsonController;

#[controller]
impl JsonController {
    #[get("json")]
    async fn json(&self) -> Json<Message> {
        Json(Message { message: HELLO })
    }
}
