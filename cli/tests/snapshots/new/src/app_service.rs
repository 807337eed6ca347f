use nestling::prelude::*;

/// The app's first provider, injected into `AppController`.
#[injectable]
pub struct AppService;

impl AppService {
    pub fn get_hello(&self) -> String {
        "Hello World!".to_owned()
    }
}
