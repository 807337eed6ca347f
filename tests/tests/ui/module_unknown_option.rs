// Nest's middleware is configured differently; the option is unknown.
use nestling::prelude::*;

#[injectable]
struct CatsController;

struct LoggerMiddleware;

#[controller("cats")]
impl CatsController {
    #[get]
    async fn find_all(&self) -> &'static str {
        "all cats"
    }
}

#[module(controllers = [CatsController], middleware = [LoggerMiddleware])]
struct CatsModule;

fn main() {}
