//! `Valid<T>`: a body deserialised like `Body<T>`, then validated.

use serde::de::DeserializeOwned;
use validator::Validate;

use super::FormErrors;
use crate::exception::HttpException;
use crate::injector::{Injector, parse_body};
use crate::request::RequestContext;
use crate::routing::{ArgInfo, ArgKind};

/// The request body, deserialised into `T` as [`Body<T>`](crate::Body) does
/// (JSON or a urlencoded form) and validated with `T`'s
/// [`Validate`](validator::Validate) rules: Nest's `@Body()` behind a
/// `ValidationPipe`.
///
/// Invalid input answers 400 with Nest's body,
/// `{"statusCode":400,"message":["email must be an email"],"error":"Bad Request"}`,
/// and the handler is not called. To re-render an HTML form with its
/// messages instead, take `Result<Valid<T>, Invalid<T>>` (see [`Invalid`]).
///
/// ```
/// use nestling::prelude::*;
/// use serde::Deserialize;
/// use validator::Validate;
///
/// #[derive(Deserialize, Validate)]
/// struct SignUp {
///     #[validate(email)]
///     email: String,
///     #[validate(length(min = 8))]
///     password: String,
/// }
///
/// #[injectable]
/// struct UsersController;
///
/// #[controller("users")]
/// impl UsersController {
///     #[post]
///     async fn create(&self, form: Valid<SignUp>) -> String {
///         format!("welcome, {}", form.email)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Valid<T>(pub T);

impl<T> std::ops::Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Valid<T> {
    /// The value.
    ///
    /// ```
    /// assert_eq!(nestling::form::Valid(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// A form that deserialised but broke its rules: what the user typed and
/// what is wrong with it, to render the form again.
///
/// Take `Result<Valid<T>, Invalid<T>>` to receive it. A body that cannot be
/// deserialised at all (a wrong content type, a number field holding
/// letters) still answers 400: give form structs `String` fields and
/// `#[serde(default)]`, so every submission reaches the rules.
///
/// ```
/// use nestling::prelude::*;
/// use serde::{Deserialize, Serialize};
/// use validator::Validate;
///
/// #[derive(Default, Deserialize, Serialize, Validate)]
/// #[serde(default)]
/// struct NoteForm {
///     #[validate(length(min = 1, max = 200))]
///     title: String,
/// }
///
/// #[injectable]
/// struct NotesController;
///
/// #[controller("notes")]
/// impl NotesController {
///     #[post]
///     async fn create(&self, form: Result<Valid<NoteForm>, Invalid<NoteForm>>) -> Result<Redirect, View> {
///         match form {
///             Ok(_note) => Ok(Redirect::to("/notes")),
///             // The form again, with what was typed and the messages.
///             Err(invalid) => Err(render("notes/new", &serde_json::json!({
///                 "form": invalid.value,
///                 "errors": invalid.errors,
///             }))),
///         }
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Invalid<T> {
    /// The submitted values.
    pub value: T,
    /// What is wrong with them, by field.
    pub errors: FormErrors,
}

impl<T: DeserializeOwned + Validate + Send + 'static> Injector for Valid<T> {
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::Body;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let value: T = parse_body(ctx).await?;
        match value.validate() {
            Ok(()) => Ok(Valid(value)),
            Err(errors) => Err(FormErrors::from(&errors).to_exception()),
        }
    }
}

impl<T: DeserializeOwned + Validate + Send + 'static> Injector for Result<Valid<T>, Invalid<T>> {
    type Rejection = HttpException;
    const KIND: ArgKind = ArgKind::Body;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let value: T = parse_body(ctx).await?;
        Ok(match value.validate() {
            Ok(()) => Ok(Valid(value)),
            Err(errors) => Err(Invalid {
                value,
                errors: FormErrors::from(&errors),
            }),
        })
    }
}
