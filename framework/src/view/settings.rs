//! What the `Application` collects about views before start-up: the folder,
//! the app-wide globals, the engine's configuration and the locals providers.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::Locals;
use crate::request::RequestContext;

/// A hook that adjusts the Tera instance before the templates are parsed.
pub(crate) type Configure = Arc<dyn Fn(&mut tera::Tera) + Send + Sync>;

/// A hook that adds per-request locals just before a template is rendered.
pub(crate) type LocalsProvider = Box<dyn Fn(&mut RequestContext, &mut Locals) + Send + Sync>;

/// The view settings of an app, until start-up turns them into a
/// [`ViewEngine`](super::ViewEngine).
#[derive(Default)]
pub(crate) struct ViewSettings {
    pub(crate) dir: Option<PathBuf>,
    /// `app.set_local`, in call order (a later value for a key wins).
    pub(crate) globals: Locals,
    pub(crate) configure: Vec<Configure>,
    pub(crate) providers: Vec<LocalsProvider>,
    /// Whether a render first loads the request's session (flash messages
    /// and CSRF tokens read it from their locals providers, which are sync).
    pub(crate) load_session: bool,
    /// Express's `view cache`; `None` means "not in debug builds".
    pub(crate) cache: Option<bool>,
    /// Problems found while configuring, reported at start-up with the rest.
    pub(crate) problems: Vec<String>,
}

impl ViewSettings {
    pub(crate) fn set_local<T: Serialize + ?Sized>(&mut self, key: String, value: &T) {
        if let Err(error) = self.globals.insert(key.clone(), value) {
            self.problems
                .push(format!("app.set_local(\"{key}\", ..): {error}"));
        }
    }

    /// Whether templates are loaded once (release builds) or reloaded when
    /// their files change (debug builds).
    pub(crate) fn cached(&self) -> bool {
        self.cache.unwrap_or(!cfg!(debug_assertions))
    }
}

impl std::fmt::Debug for ViewSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewSettings")
            .field("dir", &self.dir)
            .field("cache", &self.cached())
            .finish()
    }
}
