use nestling::prelude::*;
use serde::Serialize;

use crate::app_service::AppService;

/// What `views/index.html` shows.
#[derive(Serialize)]
pub struct Index {
    message: String,
    visits: u32,
}

/// The home page.
#[injectable]
pub struct AppController {
    app_service: Inject<AppService>,
}

#[controller]
impl AppController {
    /// `GET /`: the greeting, and how many times this browser came, counted
    /// in its session.
    #[get]
    #[render("index")]
    async fn index(&self, mut session: Session) -> Result<Index, HttpException> {
        let visits = session.get::<u32>("visits")?.unwrap_or(0) + 1;
        session.insert("visits", visits)?;
        Ok(Index {
            message: self.app_service.get_hello(),
            visits,
        })
    }
}
