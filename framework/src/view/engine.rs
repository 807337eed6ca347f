//! The view engine: every file of the views folder parsed by Tera at
//! start-up, and, unless the view cache is on, parsed again when a file
//! changes (checked on each render; a debug-build convenience).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use http::HeaderValue;

use super::settings::{Configure, LocalsProvider, ViewSettings};
use crate::routing::Endpoint;

/// The extension a template name without one is given (`"index"` renders
/// `index.html`), as Express appends its view engine's.
pub(crate) const DEFAULT_EXTENSION: &str = "html";

/// Folders deeper than this are not searched for templates (a guard against
/// symbolic-link loops).
const MAX_DEPTH: usize = 16;

/// The views of a running app.
pub(crate) struct ViewEngine {
    source: Source,
    mode: Mode,
    /// Run before each render to add per-request locals.
    pub(crate) providers: Vec<LocalsProvider>,
    /// Load the session before rendering (`use_flash`, `use_csrf`).
    pub(crate) load_session: bool,
}

/// Everything needed to (re)build the templates.
struct Source {
    /// The folder as configured (relative to the working directory or not).
    dir: PathBuf,
    globals: tera::Context,
    configure: Vec<Configure>,
}

enum Mode {
    /// Loaded once at start-up (the view cache is on).
    Cached(Box<Templates>),
    /// Checked for changes before each render.
    Watched(RwLock<Arc<Snapshot>>),
}

/// One load of the folder: what was seen on disk, and what came of it.
struct Snapshot {
    stamps: Vec<Stamp>,
    loaded: Result<Arc<Templates>, Arc<str>>,
}

/// A file or folder as seen when it was loaded: a change to either time or
/// size means "reload". Folders are included so that added and removed
/// files are noticed.
struct Stamp {
    path: PathBuf,
    seen: Option<(SystemTime, u64)>,
}

impl Stamp {
    fn of(path: PathBuf) -> Stamp {
        let seen = stamp_of(&path);
        Stamp { path, seen }
    }

    fn changed(&self) -> bool {
        stamp_of(&self.path) != self.seen
    }
}

fn stamp_of(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Parsed templates, and how names users write map to them.
pub(crate) struct Templates {
    pub(crate) tera: tera::Tera,
    /// One per template file.
    entries: Vec<Entry>,
    /// `"index"` and `"index.html"` -> the entry of `index.html`.
    names: HashMap<String, usize, BuildHasherDefault<NameHasher>>,
}

pub(crate) struct Entry {
    /// The template's name in Tera (its path under the views folder).
    pub(crate) name: String,
    pub(crate) content_type: HeaderValue,
    /// The length of the last render: the next one's buffer is allocated
    /// once at that size (a page usually renders to about the same length).
    last_len: AtomicUsize,
}

impl Entry {
    /// The capacity to render into.
    pub(crate) fn capacity(&self) -> usize {
        self.last_len.load(Ordering::Relaxed)
    }

    pub(crate) fn rendered(&self, len: usize) {
        self.last_len.store(len, Ordering::Relaxed);
    }
}

impl Templates {
    /// The template a name refers to: the name plus `.html` when that
    /// exists (Express appends the engine's extension), or else the name.
    pub(crate) fn entry(&self, name: &str) -> Option<&Entry> {
        self.names.get(name).map(|&index| &self.entries[index])
    }

    /// Every template, sorted (for messages).
    fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.entries.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        names
    }
}

/// FNV-1a: template names are short, trusted (they come from the app's own
/// code and files), and looked up on every render, where SipHash would be
/// most of the lookup's cost.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The templates to render with: borrowed when cached, shared when watched.
pub(crate) enum Current<'a> {
    Cached(&'a Templates),
    Watched(Arc<Templates>),
}

impl std::ops::Deref for Current<'_> {
    type Target = Templates;
    fn deref(&self) -> &Templates {
        match self {
            Current::Cached(t) => t,
            Current::Watched(t) => t,
        }
    }
}

impl ViewEngine {
    /// Loads the views folder, or reports why it cannot: the folder is
    /// missing, a file is not UTF-8, or a template does not parse (with its
    /// file, line, column and Tera's message). `Ok(None)` when no folder is set.
    pub(crate) fn load(settings: ViewSettings) -> Result<Option<ViewEngine>, Vec<String>> {
        let cached = settings.cached();
        let ViewSettings {
            dir,
            globals,
            configure,
            providers,
            load_session,
            problems,
            cache: _,
        } = settings;
        if !problems.is_empty() {
            return Err(problems);
        }
        let Some(dir) = dir else {
            return Ok(None);
        };
        if !dir.is_dir() {
            return Err(vec![format!(
                "the views folder `{}` does not exist or is not a folder{}; \
                 app.set_base_views_dir takes a path relative to the working directory \
                 (or an absolute one, e.g. built from env!(\"CARGO_MANIFEST_DIR\"))",
                dir.display(),
                working_dir_note()
            )]);
        }
        let source = Source {
            dir,
            globals: globals.0,
            configure,
        };
        let (stamps, loaded) = source.load();
        let templates = loaded.map_err(|report| vec![report])?;
        let mode = if cached {
            Mode::Cached(Box::new(templates))
        } else {
            Mode::Watched(RwLock::new(Arc::new(Snapshot {
                stamps,
                loaded: Ok(Arc::new(templates)),
            })))
        };
        tracing::debug!(
            dir = %source.dir.display(),
            templates = templates_count(&mode),
            cached = matches!(mode, Mode::Cached(_)),
            "views loaded"
        );
        Ok(Some(ViewEngine {
            source,
            mode,
            providers,
            load_session,
        }))
    }

    /// The templates to render with; when watched, reloaded first if a file
    /// changed. `Err` is the report of a template that no longer parses.
    pub(crate) fn current(&self) -> Result<Current<'_>, Arc<str>> {
        let lock = match &self.mode {
            Mode::Cached(templates) => return Ok(Current::Cached(templates)),
            Mode::Watched(lock) => lock,
        };
        let mut snapshot = Arc::clone(&lock.read().unwrap_or_else(|p| p.into_inner()));
        if snapshot.stamps.iter().any(Stamp::changed) {
            let fresh = Arc::new(self.source.snapshot());
            match &fresh.loaded {
                Ok(templates) => tracing::info!(
                    dir = %self.source.dir.display(),
                    templates = templates.tera.get_template_names().count(),
                    "views changed on disk; reloaded"
                ),
                Err(report) => tracing::error!(
                    dir = %self.source.dir.display(),
                    "views changed on disk but do not load:\n{report}"
                ),
            }
            *lock.write().unwrap_or_else(|p| p.into_inner()) = Arc::clone(&fresh);
            snapshot = fresh;
        }
        match &snapshot.loaded {
            Ok(templates) => Ok(Current::Watched(Arc::clone(templates))),
            Err(report) => Err(Arc::clone(report)),
        }
    }

    /// Start-up check of `#[render]` templates: every route's must exist.
    pub(crate) fn check_routes<'a>(
        &self,
        endpoints: impl Iterator<Item = &'a Endpoint>,
    ) -> Vec<String> {
        let Ok(templates) = self.current() else {
            return Vec::new();
        };
        endpoints
            .filter_map(|endpoint| {
                let name = endpoint.def.render?;
                templates.entry(name).is_none().then(|| {
                    format!(
                        "{} renders the template \"{name}\" (#[render]), but the views folder `{}` has no {}; it has: {}",
                        endpoint.label(),
                        self.source.dir.display(),
                        candidates(name),
                        list(&templates.names()),
                    )
                })
            })
            .collect()
    }

    /// Why `name` cannot be rendered, for a run-time error.
    pub(crate) fn not_found(&self, templates: &Templates, name: &str) -> String {
        format!(
            "the views folder `{}` has no {}; it has: {}",
            self.source.dir.display(),
            candidates(name),
            list(&templates.names())
        )
    }
}

/// Routes using `#[render]` when no views folder is set.
pub(crate) fn routes_without_views<'a>(
    endpoints: impl Iterator<Item = &'a Endpoint>,
) -> Vec<String> {
    endpoints
        .filter_map(|endpoint| {
            let name = endpoint.def.render?;
            Some(format!(
                "{} renders the template \"{name}\" (#[render]), but no views folder is set: \
                 call app.set_base_views_dir(\"views\") before listening",
                endpoint.label()
            ))
        })
        .collect()
}

fn templates_count(mode: &Mode) -> usize {
    match mode {
        Mode::Cached(t) => t.tera.get_template_names().count(),
        Mode::Watched(lock) => match &lock.read().unwrap_or_else(|p| p.into_inner()).loaded {
            Ok(t) => t.tera.get_template_names().count(),
            Err(_) => 0,
        },
    }
}

fn candidates(name: &str) -> String {
    if has_extension(name) {
        format!("`{name}`")
    } else {
        format!("`{name}.{DEFAULT_EXTENSION}` (nor `{name}`)")
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "no templates at all".to_string()
    } else {
        names.join(", ")
    }
}

fn has_extension(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.contains('.')
}

fn working_dir_note() -> String {
    match std::env::current_dir() {
        Ok(cwd) => format!(" (the working directory is `{}`)", cwd.display()),
        Err(_) => String::new(),
    }
}

impl Source {
    /// Reads and parses the whole folder; also returns what was seen on
    /// disk, to notice changes.
    fn load(&self) -> (Vec<Stamp>, Result<Templates, String>) {
        let mut stamps = Vec::new();
        let mut files = Vec::new();
        let loaded =
            walk(&self.dir, "", 0, &mut files, &mut stamps).and_then(|()| self.build(files));
        (stamps, loaded)
    }

    /// [`load`](Self::load), shared with the renders in flight.
    fn snapshot(&self) -> Snapshot {
        let (stamps, loaded) = self.load();
        Snapshot {
            stamps,
            loaded: loaded.map(Arc::new).map_err(Arc::from),
        }
    }

    fn build(&self, files: Vec<(String, PathBuf)>) -> Result<Templates, String> {
        let mut sources = Vec::with_capacity(files.len());
        for (name, path) in files {
            match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => sources.push((name, text)),
                    Err(_) => {
                        return Err(format!(
                            "the template `{}` is not UTF-8 text; keep only templates in the views folder",
                            path.display()
                        ));
                    }
                },
                Err(error) => {
                    return Err(format!(
                        "cannot read the template `{}`: {error}",
                        path.display()
                    ));
                }
            }
        }
        let mut tera = tera::Tera::new();
        // Filters and functions must exist before templates that call them
        // are parsed (Tera checks every call at load time).
        for configure in &self.configure {
            configure(&mut tera);
        }
        tera.global_context().extend(self.globals.clone());
        if let Err(error) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n, t))) {
            return Err(format!(
                "the views in `{}` do not load:\n{}",
                self.dir.display(),
                super::rendering::report(&error)
            ));
        }
        let entries: Vec<Entry> = sources
            .iter()
            .map(|(name, text)| Entry {
                name: name.clone(),
                content_type: content_type(name),
                last_len: AtomicUsize::new(text.len()),
            })
            .collect();
        let mut names = HashMap::with_capacity_and_hasher(entries.len() * 2, Default::default());
        for (index, entry) in entries.iter().enumerate() {
            names.insert(entry.name.clone(), index);
        }
        // Then the names without extension: `x` means `x.html`, even when a
        // file named exactly `x` exists (as in Express).
        for (index, entry) in entries.iter().enumerate() {
            if let Some(stem) = entry.name.strip_suffix(&format!(".{DEFAULT_EXTENSION}")) {
                names.insert(stem.to_string(), index);
            }
        }
        Ok(Templates {
            tera,
            entries,
            names,
        })
    }
}

/// The content type a rendered template is sent with: the file's (by
/// extension), HTML when the extension is unknown, as Express's `res.render`.
fn content_type(name: &str) -> HeaderValue {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match crate::static_files::content_type_of(extension) {
        Some(value) => value,
        None => HeaderValue::from_static("text/html; charset=utf-8"),
    }
}

/// Collects the templates under `dir` (named by their path relative to the
/// views folder, with `/`), and a stamp of every file and folder seen.
/// Hidden files and folders (`.name`) and editor backups (`name~`) are skipped.
fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut Vec<(String, PathBuf)>,
    stamps: &mut Vec<Stamp>,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "the views folder is nested deeper than {MAX_DEPTH} levels at `{}` (a symbolic-link loop?)",
            dir.display()
        ));
    }
    stamps.push(Stamp::of(dir.to_path_buf()));
    let read = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the views folder `{}`: {e}", dir.display()))?;
    let mut entries: Vec<_> = read.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let Some(file_name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if file_name.starts_with('.') || file_name.ends_with('~') {
            continue;
        }
        let path = entry.path();
        let name = format!("{prefix}{file_name}");
        // `metadata` follows symbolic links, so linked templates load too.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                walk(&path, &format!("{name}/"), depth + 1, files, stamps)?
            }
            Ok(meta) if meta.is_file() => {
                stamps.push(Stamp::of(path.clone()));
                files.push((name, path));
            }
            _ => {}
        }
    }
    Ok(())
}

impl std::fmt::Debug for ViewEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewEngine")
            .field("dir", &self.source.dir)
            .field("cached", &matches!(self.mode, Mode::Cached(_)))
            .finish()
    }
}
