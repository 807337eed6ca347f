//! One folder answering one request, as serve-static (on `send`) does: find
//! the file (index files for folders, the `extensions` fallback, the
//! trailing-slash redirect), refuse anything that resolves outside the
//! folder, then answer with validators, 304/412, a range, or the file.

use std::fs::{File, Metadata};
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HeaderValue,
    LAST_MODIFIED, LOCATION, RANGE,
};
use http::request::Parts;
use http::{HeaderMap, Method, StatusCode};

use super::body::{FileBody, read_full};
use super::conditional::{Condition, Validators, evaluate, range_applies};
use super::path::{Refusal, SafePath};
use super::range::{self, Ranged};
use super::{StaticOptions, content_type_of};
use crate::exception::{HttpException, NotFoundException};
use crate::response::{IntoResponse, Response, ResponseBody};

/// Files up to this size are read when they are opened, in the same trip to
/// the blocking pool; larger ones are streamed.
const SMALL_FILE: u64 = 64 * 1024;

/// A folder mounted at a URL prefix.
pub(crate) struct StaticMount {
    /// The folder, canonical (symbolic links resolved), to check files against.
    root: PathBuf,
    /// The folder as configured, for messages.
    shown: PathBuf,
    pub(crate) options: StaticOptions,
}

/// What a mount does with a request.
pub(crate) enum Served {
    Response(Response),
    /// Not for this folder: the next folder, or the routes, get it.
    Next,
}

/// What the file system said, from the blocking pool.
enum Lookup {
    File(Box<Found>),
    /// A folder's URL without its trailing slash.
    Redirect,
    NotFound,
    /// Resolves outside the folder (a symbolic link).
    Outside(PathBuf),
    Failed(std::io::Error),
}

struct Found {
    path: PathBuf,
    file: File,
    meta: Metadata,
    /// The whole file, when it is small and a body is wanted.
    contents: Option<Bytes>,
}

impl StaticMount {
    /// Checks the folder exists and remembers its canonical path.
    pub(crate) fn new(dir: PathBuf, options: StaticOptions) -> Result<StaticMount, String> {
        match std::fs::canonicalize(&dir) {
            Ok(root) if root.is_dir() => Ok(StaticMount {
                root,
                shown: dir,
                options,
            }),
            Ok(_) => Err(format!(
                "app.use_static_assets(\"{}\"): this is a file, not a folder",
                dir.display()
            )),
            Err(error) => Err(format!(
                "app.use_static_assets(\"{}\"): the folder cannot be opened ({error}); \
                 a relative path is resolved against the working directory{}",
                dir.display(),
                std::env::current_dir()
                    .map(|cwd| format!(" `{}`", cwd.display()))
                    .unwrap_or_default()
            )),
        }
    }

    /// The part of `path` (raw) under this mount's prefix, if it is under it.
    pub(crate) fn rest<'a>(&self, path: &'a str) -> Option<&'a str> {
        let prefix = &self.options.prefix;
        let rest = path.strip_prefix(prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }

    /// Answers a GET or HEAD for `rest`, the path under the prefix.
    pub(crate) async fn serve(&self, request: &Parts, rest: &str) -> Served {
        let safe = match SafePath::parse(rest, self.options.dotfiles) {
            Ok(safe) => safe,
            Err(refusal) => return self.refuse(refusal, request),
        };
        let wants_body = request.method != Method::HEAD;
        let root = self.root.clone();
        let options = self.options.clone();
        let lookup =
            tokio::task::spawn_blocking(move || lookup(&root, &safe, &options, wants_body))
                .await
                .unwrap_or_else(|join| Lookup::Failed(std::io::Error::other(join)));
        match lookup {
            Lookup::File(found) => Served::Response(self.respond(*found, request)),
            Lookup::Redirect => Served::Response(redirect(request)),
            Lookup::NotFound => self.refuse(Refusal::NotFound, request),
            Lookup::Outside(path) => {
                tracing::warn!(
                    folder = %self.shown.display(),
                    url = %request.uri.path(),
                    target = %path.display(),
                    "refused a static file that resolves outside its folder (a symbolic link)"
                );
                self.refuse(Refusal::Forbidden, request)
            }
            Lookup::Failed(error) => {
                tracing::error!(
                    folder = %self.shown.display(),
                    url = %request.uri.path(),
                    %error,
                    "a static file could not be read; answered 500"
                );
                Served::Response(HttpException::internal_server_error().into_response())
            }
        }
    }

    /// A request this folder will not serve: on to the routes when
    /// `fallthrough`, else answered here.
    fn refuse(&self, refusal: Refusal, request: &Parts) -> Served {
        if self.options.fallthrough {
            return Served::Next;
        }
        Served::Response(match refusal {
            Refusal::BadRequest => HttpException::empty(StatusCode::BAD_REQUEST).into_response(),
            Refusal::Forbidden => HttpException::empty(StatusCode::FORBIDDEN).into_response(),
            Refusal::NotFound => {
                let url = request.uri.path_and_query().map_or("/", |p| p.as_str());
                NotFoundException::new(format!("Cannot {} {url}", request.method)).into_response()
            }
        })
    }

    fn respond(&self, found: Found, request: &Parts) -> Response {
        let options = &self.options;
        let Found {
            path,
            mut file,
            meta,
            contents,
        } = found;
        let validators = Validators::of(&meta);
        let mut headers = HeaderMap::new();
        if let Some(set_headers) = &options.set_headers {
            set_headers(&mut headers, &path, &meta);
        }
        if options.accept_ranges && !headers.contains_key(ACCEPT_RANGES) {
            headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        }
        if options.cache_control && !headers.contains_key(CACHE_CONTROL) {
            let mut value = format!("public, max-age={}", options.max_age.as_secs());
            if options.immutable {
                value.push_str(", immutable");
            }
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(CACHE_CONTROL, value);
            }
        }
        if options.last_modified
            && !headers.contains_key(LAST_MODIFIED)
            && let Some(value) = validators.last_modified()
            && let Ok(value) = HeaderValue::from_str(&value)
        {
            headers.insert(LAST_MODIFIED, value);
        }
        if options.etag
            && !headers.contains_key(ETAG)
            && let Ok(value) = HeaderValue::from_str(&validators.etag)
        {
            headers.insert(ETAG, value);
        }

        match evaluate(
            &request.headers,
            &validators,
            options.etag,
            options.last_modified,
        ) {
            Condition::Proceed => {}
            Condition::NotModified => return with_headers(StatusCode::NOT_MODIFIED, headers),
            Condition::PreconditionFailed => {
                return with_headers(StatusCode::PRECONDITION_FAILED, HeaderMap::new());
            }
        }

        if !headers.contains_key(CONTENT_TYPE) {
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            headers.insert(
                CONTENT_TYPE,
                content_type_of(extension)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
        }

        // A small file read whole is sent as read, even if it changed size
        // since its metadata was taken.
        let len = contents.as_ref().map_or(meta.len(), |c| c.len() as u64);
        let mut status = StatusCode::OK;
        let (mut start, mut end) = (0, len.saturating_sub(1));
        if options.accept_ranges
            && let Some(range) = request.headers.get(RANGE).and_then(|v| v.to_str().ok())
            && range_applies(&request.headers, &validators)
        {
            match range::parse(range, len) {
                Ranged::Full => {}
                Ranged::Partial { start: s, end: e } => {
                    status = StatusCode::PARTIAL_CONTENT;
                    (start, end) = (s, e);
                    if let Ok(value) = HeaderValue::from_str(&format!("bytes {s}-{e}/{len}")) {
                        headers.insert(CONTENT_RANGE, value);
                    }
                }
                Ranged::Unsatisfiable => {
                    let mut headers = HeaderMap::new();
                    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{len}")) {
                        headers.insert(CONTENT_RANGE, value);
                    }
                    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
                    return with_headers(StatusCode::RANGE_NOT_SATISFIABLE, headers);
                }
            }
        }
        let count = if len == 0 { 0 } else { end - start + 1 };
        headers.insert(CONTENT_LENGTH, HeaderValue::from(count));

        let body = if request.method == Method::HEAD || count == 0 {
            ResponseBody::empty()
        } else if let Some(contents) = contents {
            // Bounds come from the file's length, which `contents` has.
            let from = usize::try_from(start)
                .unwrap_or(usize::MAX)
                .min(contents.len());
            let to = usize::try_from(end + 1)
                .unwrap_or(usize::MAX)
                .min(contents.len());
            contents.slice(from..to).into()
        } else {
            if start > 0
                && let Err(error) = file.seek(SeekFrom::Start(start))
            {
                tracing::error!(file = %path.display(), %error, "cannot seek in a static file; answered 500");
                return HttpException::internal_server_error().into_response();
            }
            ResponseBody::new(FileBody::new(file, count))
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

fn with_headers(status: StatusCode, mut headers: HeaderMap) -> Response {
    // A 304 describes the cached copy: no content headers (as `send` strips).
    if status == StatusCode::NOT_MODIFIED {
        headers.remove(CONTENT_TYPE);
        headers.remove(CONTENT_LENGTH);
    }
    let mut response = Response::new(ResponseBody::empty());
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// 301 to the folder's URL with its trailing slash (query kept), as
/// serve-static's `redirect`. Leading slashes are collapsed so that `//host`
/// can never become a redirect to another site.
fn redirect(request: &Parts) -> Response {
    let path = request.uri.path();
    let mut location = format!("/{}/", path.trim_start_matches('/'));
    if let Some(query) = request.uri.query() {
        location.push('?');
        location.push_str(query);
    }
    let Ok(value) = HeaderValue::from_str(&location) else {
        return HttpException::empty(StatusCode::BAD_REQUEST).into_response();
    };
    let mut escaped = Vec::with_capacity(location.len());
    let _ = tera::escape_html(&location, &mut escaped);
    let mut body = b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting</title>\n</head>\n<body>\n<pre>Redirecting to ".to_vec();
    body.extend_from_slice(&escaped);
    body.extend_from_slice(b"</pre>\n</body>\n</html>\n");
    let mut response = Response::new(body.into());
    *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
    let headers = response.headers_mut();
    headers.insert(LOCATION, value);
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Finds and opens the file for `safe` under `root` (on the blocking pool).
fn lookup(root: &Path, safe: &SafePath, options: &StaticOptions, wants_body: bool) -> Lookup {
    let path = safe.under(root);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => {
            if !safe.trailing_slash {
                return if options.redirect {
                    Lookup::Redirect
                } else {
                    Lookup::NotFound
                };
            }
            for index in options.index.files() {
                let candidate = path.join(index);
                if std::fs::metadata(&candidate).is_ok_and(|m| m.is_file()) {
                    return open(root, &candidate, wants_body);
                }
            }
            Lookup::NotFound
        }
        Ok(meta) if meta.is_file() && !safe.trailing_slash => open(root, &path, wants_body),
        Ok(_) => Lookup::NotFound,
        Err(error) if is_missing(&error) => {
            if !safe.trailing_slash && !safe.is_root() && !safe.has_extension() {
                for extension in &options.extensions {
                    let mut candidate = path.clone().into_os_string();
                    candidate.push(".");
                    candidate.push(extension);
                    let candidate = PathBuf::from(candidate);
                    if std::fs::metadata(&candidate).is_ok_and(|m| m.is_file()) {
                        return open(root, &candidate, wants_body);
                    }
                }
            }
            Lookup::NotFound
        }
        Err(error) => Lookup::Failed(error),
    }
}

fn is_missing(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{InvalidFilename, NotADirectory, NotFound};
    matches!(error.kind(), NotFound | NotADirectory | InvalidFilename)
}

/// Opens `path` if it resolves inside `root`, reading it whole when small.
fn open(root: &Path, path: &Path, wants_body: bool) -> Lookup {
    let canonical = match std::fs::canonicalize(path) {
        Ok(canonical) => canonical,
        Err(error) if is_missing(&error) => return Lookup::NotFound,
        Err(error) => return Lookup::Failed(error),
    };
    if !canonical.starts_with(root) {
        return Lookup::Outside(canonical);
    }
    let result = (|| {
        let mut file = File::open(&canonical)?;
        let meta = file.metadata()?;
        let contents = if wants_body && meta.len() <= SMALL_FILE {
            let mut buffer = vec![0; usize::try_from(meta.len()).unwrap_or(0)];
            let n = read_full(&mut file, &mut buffer)?;
            buffer.truncate(n);
            Some(Bytes::from(buffer))
        } else {
            None
        };
        Ok::<_, std::io::Error>((file, meta, contents))
    })();
    match result {
        Ok((_, meta, _)) if !meta.is_file() => Lookup::NotFound,
        Ok((file, meta, contents)) => Lookup::File(Box::new(Found {
            path: canonical,
            file,
            meta,
            contents,
        })),
        Err(error) if is_missing(&error) => Lookup::NotFound,
        Err(error) => Lookup::Failed(error),
    }
}
