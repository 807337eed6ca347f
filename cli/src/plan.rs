//! What a command will do, worked out in full before anything is written:
//! files to create and edits to make. A problem found half-way (a file that
//! does not parse) therefore leaves the app untouched. `--dry-run` prints
//! the plan; otherwise it is applied and printed as it goes.

use std::path::{Path, PathBuf};

use crate::error::CliError;
use crate::status::{self, Status};

/// One file's fate.
#[derive(Debug)]
enum Change {
    /// Written whole: a new file, or an existing one with `--force`.
    Write {
        path: String,
        content: String,
        exists: bool,
    },
    /// An existing file with text spliced in; `what` says what was added.
    Update {
        path: String,
        content: String,
        what: Vec<String>,
    },
    /// Left as it is, and why.
    Skip { path: String, why: String },
}

/// The changes to an app (or a new app's folder), relative to its root.
#[derive(Debug)]
pub struct Plan {
    root: PathBuf,
    force: bool,
    changes: Vec<Change>,
}

impl Plan {
    pub fn new(root: impl Into<PathBuf>, force: bool) -> Plan {
        Plan {
            root: root.into(),
            force,
            changes: Vec::new(),
        }
    }

    /// Writes `content` to `path`, unless a file is there and `--force`
    /// was not given.
    pub fn write(&mut self, path: &str, content: String) {
        let exists = self.root.join(path).exists();
        if exists && !self.force {
            self.changes.push(Change::Skip {
                path: path.to_owned(),
                why: "already exists; --force overwrites it".to_owned(),
            });
        } else {
            self.changes.retain(|c| c.path() != path);
            self.changes.push(Change::Write {
                path: path.to_owned(),
                content,
                exists,
            });
        }
    }

    /// Whether `path` exists, on disk or in the plan.
    pub fn exists(&self, path: &str) -> bool {
        self.changes
            .iter()
            .any(|c| c.path() == path && !matches!(c, Change::Skip { .. }))
            || self.root.join(path).exists()
    }

    /// The text of `path` as the plan leaves it so far.
    pub fn read(&self, path: &str) -> Result<String, CliError> {
        for change in self.changes.iter().rev() {
            match change {
                Change::Write {
                    path: p, content, ..
                }
                | Change::Update {
                    path: p, content, ..
                } if p == path => {
                    return Ok(content.clone());
                }
                _ => {}
            }
        }
        let full = self.root.join(path);
        std::fs::read_to_string(&full).map_err(|e| CliError::io("read", &full, e))
    }

    /// Applies `edit` to `path`'s text. The edit answers the new text and
    /// what it added, `Ok(None)` when there is nothing to do (why), or an
    /// error about the file.
    pub fn edit(
        &mut self,
        path: &str,
        edit: impl FnOnce(&str) -> Result<Edited, String>,
    ) -> Result<(), CliError> {
        let source = self.read(path)?;
        let edited = edit(&source).map_err(|problem| {
            CliError::new(format!(
                "cannot edit `{path}`: {problem}; add the item by hand, or fix the file and run the command again"
            ))
        })?;
        let (content, what) = match edited {
            Edited::Changed { content, what } => (content, what),
            Edited::Unchanged { why } => {
                if !self.changes.iter().any(|c| c.path() == path) {
                    self.changes.push(Change::Skip {
                        path: path.to_owned(),
                        why,
                    });
                }
                return Ok(());
            }
        };
        match self.changes.iter_mut().find(|c| c.path() == path) {
            Some(Change::Write { content: c, .. }) => *c = content,
            Some(Change::Update {
                content: c,
                what: w,
                ..
            }) => {
                *c = content;
                w.push(what);
            }
            Some(skip @ Change::Skip { .. }) => {
                *skip = Change::Update {
                    path: path.to_owned(),
                    content,
                    what: vec![what],
                }
            }
            None => self.changes.push(Change::Update {
                path: path.to_owned(),
                content,
                what: vec![what],
            }),
        }
        Ok(())
    }

    /// Writes everything (or, on a dry run, only says what it would write).
    pub fn apply(self, dry_run: bool) -> Result<(), CliError> {
        for change in &self.changes {
            let (status, path, detail) = match change {
                Change::Write { path, exists, .. } => (
                    if *exists {
                        Status::Updated
                    } else {
                        Status::Created
                    },
                    path,
                    if *exists {
                        " (overwritten)".to_owned()
                    } else {
                        String::new()
                    },
                ),
                Change::Update { path, what, .. } => {
                    (Status::Updated, path, format!(" ({})", what.join(", ")))
                }
                Change::Skip { path, why } => (Status::Skipped, path, format!(" ({why})")),
            };
            if !dry_run
                && let Change::Write { path, content, .. } | Change::Update { path, content, .. } =
                    change
            {
                write_file(&self.root.join(path), content)?;
            }
            status::print(status, &format!("{}{detail}", self.display(path)));
        }
        if dry_run {
            status::note("dry run: nothing was written");
        }
        Ok(())
    }

    fn display(&self, path: &str) -> String {
        if self.root.as_os_str().is_empty() || self.root == Path::new(".") {
            path.to_owned()
        } else {
            self.root.join(path).display().to_string()
        }
    }
}

/// What an edit made of a file.
#[derive(Debug)]
pub enum Edited {
    Changed { content: String, what: String },
    Unchanged { why: String },
}

impl Change {
    fn path(&self) -> &str {
        match self {
            Change::Write { path, .. }
            | Change::Update { path, .. }
            | Change::Skip { path, .. } => path,
        }
    }
}

fn write_file(path: &Path, content: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError::io("create the folder", parent, e))?;
    }
    std::fs::write(path, content).map_err(|e| CliError::io("write", path, e))
}
