//! The sign-up, log-in and log-out pages.

use nestling::http::StatusCode;
use nestling::prelude::*;
use serde_json::json;

use super::{LogIn, SignUp, User, UsersService};
use crate::current_user::{EMAIL, USER_ID};

#[injectable]
pub struct AuthController {
    users: Inject<UsersService>,
}

/// A form shown again: 422, what was typed (never the password), the messages.
fn again(template: &'static str, email: &str, errors: &FormErrors) -> (StatusCode, View) {
    let view = render(
        template,
        &json!({ "form": { "email": email }, "errors": errors }),
    );
    (StatusCode::UNPROCESSABLE_ENTITY, view)
}

/// Logs `user` in: a new session (against session fixation), then the id.
async fn log_in(session: &mut Session, user: &User) -> Result<(), HttpException> {
    session.regenerate().await?;
    session.insert(USER_ID, user.id)?;
    session.insert(EMAIL, &user.email)?;
    Ok(())
}

#[controller]
impl AuthController {
    #[get]
    async fn home(&self, session: Session) -> Redirect {
        if session.contains_key(USER_ID) {
            Redirect::see_other("/notes")
        } else {
            Redirect::see_other("/login")
        }
    }

    #[get("signup")]
    #[render("auth/signup")]
    async fn sign_up_page(&self) -> serde_json::Value {
        json!({ "form": { "email": "" }, "errors": {} })
    }

    #[post("signup")]
    async fn sign_up(
        &self,
        form: Result<Valid<SignUp>, Invalid<SignUp>>,
        mut session: Session,
        mut flash: Flash,
    ) -> Result<Redirect, (StatusCode, View)> {
        let form = match form {
            Ok(Valid(form)) => form,
            Err(Invalid { value, errors }) => {
                return Err(again("auth/signup", &value.email, &errors));
            }
        };
        let Some(user) = self.users.sign_up(&form.email, &form.password) else {
            let mut errors = FormErrors::new();
            errors.add("email", "email is already taken");
            return Err(again("auth/signup", &form.email, &errors));
        };
        let welcome = async {
            log_in(&mut session, &user).await?;
            flash.add("success", format!("Welcome, {}!", user.email))?;
            Ok::<_, HttpException>(())
        };
        match welcome.await {
            Ok(()) => Ok(Redirect::see_other("/notes")),
            Err(_) => Err(again("auth/signup", &form.email, &FormErrors::new())),
        }
    }

    #[get("login")]
    #[render("auth/login")]
    async fn log_in_page(&self) -> serde_json::Value {
        json!({ "form": { "email": "" }, "errors": {} })
    }

    #[post("login")]
    async fn log_in(
        &self,
        form: Result<Valid<LogIn>, Invalid<LogIn>>,
        mut session: Session,
    ) -> Result<Redirect, (StatusCode, View)> {
        let form = match form {
            Ok(Valid(form)) => form,
            Err(Invalid { value, errors }) => {
                return Err(again("auth/login", &value.email, &errors));
            }
        };
        let Some(user) = self.users.log_in(&form.email, &form.password) else {
            let mut errors = FormErrors::new();
            errors.add("password", "wrong email or password");
            return Err(again("auth/login", &form.email, &errors));
        };
        let logged_in = async {
            log_in(&mut session, &user).await?;
            // The new session's first flash message.
            Flash::new(session.clone()).add("success", "You are logged in.")?;
            Ok::<_, HttpException>(())
        };
        match logged_in.await {
            Ok(()) => Ok(Redirect::see_other("/notes")),
            Err(_) => Err(again("auth/login", &form.email, &FormErrors::new())),
        }
    }

    #[post("logout")]
    async fn log_out(&self, mut session: Session) -> Result<Redirect, HttpException> {
        session.destroy().await?;
        Ok(Redirect::see_other("/login"))
    }
}
