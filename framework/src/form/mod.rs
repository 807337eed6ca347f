//! Forms: request bodies validated before the handler sees them (Nest's
//! `ValidationPipe` with class-validator, on the `validator` crate).
//!
//! * `valid.rs`: the [`Valid<T>`] injector (a 400 with Nest's body when the
//!   input is invalid), and `Result<Valid<T>, Invalid<T>>` for handlers that
//!   re-render their form with the messages instead.
//! * `errors.rs`: [`FormErrors`], the messages by field, as templates and
//!   JSON clients see them.
//! * `messages.rs`: class-validator's wording for `validator`'s rules.
//!
//! ```
//! use nestling::prelude::*;
//! use serde::Deserialize;
//! use validator::Validate;
//!
//! #[derive(Deserialize, Validate)]
//! struct CreateCat {
//!     #[validate(length(min = 1, max = 40))]
//!     name: String,
//!     #[validate(range(min = 0, max = 30))]
//!     age: u8,
//! }
//!
//! #[injectable]
//! struct CatsController;
//!
//! #[controller("cats")]
//! impl CatsController {
//!     // An invalid body answers 400:
//!     // {"statusCode":400,"message":["name must be longer than or equal to 1 characters"],"error":"Bad Request"}
//!     #[post]
//!     async fn create(&self, cat: Valid<CreateCat>) -> String {
//!         format!("{} ({})", cat.name, cat.age)
//!     }
//! }
//! ```

mod errors;
mod messages;
mod valid;

pub use errors::FormErrors;
pub use valid::{Invalid, Valid};

/// The validation crate `Valid<T>` runs, re-exported so an app's
/// `#[derive(Validate)]` matches nestling's version. The derive macro names
/// `::validator`, so apps also list `validator = { version = "0.20",
/// features = ["derive"] }` among their dependencies.
pub use validator;
