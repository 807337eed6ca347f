//! Helpers of the CLI's tests: run the built `nestling`, make scratch
//! folders, read a folder's files.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace's root (the checkout `--nestling-path` points at).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is in the workspace")
        .to_path_buf()
}

/// Runs `nestling args..` in `dir`.
pub fn nestling(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nestling"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("nestling runs")
}

/// `nestling args..` in `dir`, which must succeed; its stderr.
pub fn nestling_ok(dir: &Path, args: &[&str]) -> String {
    let output = nestling(dir, args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "nestling {args:?} failed:\n{stderr}"
    );
    stderr
}

/// A new empty folder in the system's temporary folder (outside the
/// workspace, so cargo does not take a generated app for a member of it),
/// removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "nestling-cli-{label}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `root` (not `.git` or `target`), by path relative to it.
pub fn files(root: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    collect(root, root, &mut found);
    found
}

fn collect(root: &Path, dir: &Path, found: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a readable folder").path();
        let name = path.file_name().unwrap_or_default();
        if name == ".git" || name == "target" {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, found);
        } else {
            let relative = path.strip_prefix(root).expect("under root");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            found.insert(relative.to_string_lossy().replace('\\', "/"), text);
        }
    }
}
