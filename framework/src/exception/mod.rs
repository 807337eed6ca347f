//! Nest's `HttpException` family, with Nest's exact JSON bodies.
//!
//! | constructed with | body on the wire |
//! |---|---|
//! | `NotFoundException::empty()` | `{"message":"Not Found","statusCode":404}` |
//! | `NotFoundException::new("Cat 3 not found")` | `{"message":"Cat 3 not found","error":"Not Found","statusCode":404}` |
//! | `NotFoundException::new(vec!["a", "b"])` | `{"message":["a","b"],"error":"Not Found","statusCode":404}` |
//! | `HttpException::new("Forbidden", StatusCode::FORBIDDEN)` | `{"statusCode":403,"message":"Forbidden"}` |
//! | `HttpException::from_json(json!({..}), status)` | the object, unchanged |

mod family;
mod http_exception;

pub use family::*;
pub use http_exception::{HttpException, Message};
