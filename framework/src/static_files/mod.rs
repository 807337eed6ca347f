//! Static assets (Nest's `app.useStaticAssets(dir, options)`, which is
//! Express's serve-static).
//!
//! * `options.rs`: [`StaticOptions`], serve-static's options and defaults.
//! * `path.rs`: the URL path made safe (decoded once; `..`, backslashes and
//!   NUL refused); `serve.rs` then refuses files that resolve outside the
//!   folder through symbolic links.
//! * `serve.rs`: one folder answering one request (index files, extensions,
//!   redirects, validators, ranges); `body.rs`: large files streamed.
//! * `conditional.rs`: ETag / Last-Modified and 304 / 412; `range.rs`:
//!   `Range`; `mime.rs`: content types.
//!
//! **Order.** As in a Nest app on Express, where `useStaticAssets` registers
//! middleware ahead of the router, the folders are tried before the routes,
//! in the order they were added: a file shadows a route with the same URL.
//! A request that no folder serves (not found, or a method other than GET
//! and HEAD) goes on to the routes, unless the folder was configured with
//! `fallthrough(false)`. Only requests under a folder's prefix touch the
//! file system, so mounting at a prefix (`/static`) keeps routes free of it.
//!
//! ```no_run
//! use std::time::Duration;
//! use nestling::prelude::*;
//! use nestling::static_files::StaticOptions;
//!
//! # #[module] struct AppModule;
//! # async fn run() -> nestling::Result<()> {
//! let mut app = nestling::create::<AppModule>().await?;
//! app.use_static_assets(
//!     "public",
//!     StaticOptions::default().prefix("/static").max_age(Duration::from_secs(3600)),
//! );
//! app.listen(("127.0.0.1", 3000)).await
//! # }
//! ```

mod body;
mod conditional;
mod mime;
mod options;
mod path;
mod range;
mod serve;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use http::header::{ALLOW, CONTENT_LENGTH, HeaderValue};
use http::{Method, Request, StatusCode};

pub use mime::content_type_of;
pub use options::{Dotfiles, Index, SetHeaders, StaticOptions};
use serve::{Served, StaticMount};

use crate::request::RequestBody;
use crate::response::{Response, ResponseBody};

/// The future of a static lookup: the response, or the request back for the
/// routes.
pub(crate) type StaticFuture =
    Pin<Box<dyn Future<Output = Result<Response, Request<RequestBody>>> + Send>>;

/// What the static folders make of a request, decided without I/O.
pub(crate) enum Check {
    /// Under a folder's prefix: look on disk.
    Serve(StaticFuture),
    /// Answered at once (405 from a folder that does not fall through).
    Answer(Response),
    /// For the routes.
    Route(Request<RequestBody>),
}

/// The folders of an app, in the order they were added.
#[derive(Default)]
pub(crate) struct StaticFiles {
    mounts: Arc<[StaticMount]>,
}

impl StaticFiles {
    /// Opens every folder, reporting each one that does not exist.
    pub(crate) fn new(folders: Vec<(PathBuf, StaticOptions)>) -> Result<StaticFiles, Vec<String>> {
        let mut mounts = Vec::with_capacity(folders.len());
        let mut problems = Vec::new();
        for (dir, options) in folders {
            match StaticMount::new(dir, options) {
                Ok(mount) => mounts.push(mount),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(StaticFiles {
                mounts: mounts.into(),
            })
        } else {
            Err(problems)
        }
    }

    /// Whether there is no folder (the request path skips this step).
    pub(crate) fn is_empty(&self) -> bool {
        self.mounts.is_empty()
    }

    /// Routes `request` to the folders whose prefix it is under, or back.
    pub(crate) fn check(&self, request: Request<RequestBody>) -> Check {
        let path = request.uri().path();
        let mut under = self.mounts.iter().filter(|m| m.rest(path).is_some());
        let Some(first) = under.next() else {
            return Check::Route(request);
        };
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            // serve-static answers other methods itself only when it does
            // not fall through.
            let strict = std::iter::once(first)
                .chain(under)
                .any(|m| !m.options.fallthrough);
            return if strict {
                Check::Answer(method_not_allowed())
            } else {
                Check::Route(request)
            };
        }
        let mounts = Arc::clone(&self.mounts);
        // The body is not `Sync`, so only the head is lent to the folders.
        let (parts, body) = request.into_parts();
        Check::Serve(Box::pin(async move {
            for mount in mounts.iter() {
                let Some(rest) = mount.rest(parts.uri.path()) else {
                    continue;
                };
                if let Served::Response(response) = mount.serve(&parts, rest).await {
                    return Ok(response);
                }
            }
            Err(Request::from_parts(parts, body))
        }))
    }
}

fn method_not_allowed() -> Response {
    let mut response = Response::new(ResponseBody::empty());
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    let headers = response.headers_mut();
    headers.insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    response
}

impl std::fmt::Debug for StaticFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.mounts.iter().map(|m| &m.options.prefix))
            .finish()
    }
}
