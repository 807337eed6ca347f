//! `CurrentUser`: the logged-in user, or a redirect to the log-in page.

use nestling::prelude::*;
use nestling::{ArgInfo, RequestContext, Response};

/// The session key holding the logged-in user's id.
pub const USER_ID: &str = "user_id";
/// The session key holding the logged-in user's email, for the layout.
pub const EMAIL: &str = "email";

/// The logged-in user. Visitors who are not logged in are sent to
/// `/login` and the handler does not run. Every template of the request
/// sees `current_user`.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: u64,
    pub email: String,
}

impl Injector for CurrentUser {
    type Rejection = Response;

    async fn inject(ctx: &mut RequestContext, arg: &'static ArgInfo) -> Result<Self, Response> {
        let session = Session::inject(ctx, arg)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = session.get::<u64>(USER_ID).ok().flatten();
        let email = session.get::<String>(EMAIL).ok().flatten();
        let (Some(id), Some(email)) = (id, email) else {
            return Err(Redirect::see_other("/login").into_response());
        };
        ctx.locals_mut()
            .insert("current_user", &email)
            .map_err(|_| HttpException::internal_server_error().into_response())?;
        Ok(CurrentUser { id, email })
    }
}
