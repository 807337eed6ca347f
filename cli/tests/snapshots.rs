//! The generated files, compared with the expected ones under
//! `tests/snapshots/`. After a deliberate change to `templates/`, run
//! `UPDATE_SNAPSHOTS=1 cargo test -p nestling-cli --test snapshots` and
//! review the diff. A hand-written comparison rather than `insta`: whole
//! files in a folder read best as what a user gets, and no new crate is
//! needed for it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{Scratch, files, nestling_ok, workspace};

/// Where the generated Cargo.toml names the local nestling.
const PLACEHOLDER: &str = "{NESTLING_PATH}";

#[test]
fn a_new_app() {
    let scratch = Scratch::new("snap-new");
    let app = scaffold(&scratch, "demo", &[]);
    check("new", &files(&app));
}

#[test]
fn new_app_with_other_sessions() {
    for store in ["redis", "postgres", "cookie"] {
        let scratch = Scratch::new("snap-store");
        let app = scaffold(&scratch, "demo", &["--session", store]);
        let all = files(&app);
        let differing: BTreeMap<_, _> = all
            .into_iter()
            .filter(|(path, _)| {
                [
                    ".cargo/config.toml",
                    "Cargo.toml",
                    "README.md",
                    "src/lib.rs",
                    "tests/app.rs",
                ]
                .contains(&path.as_str())
            })
            .collect();
        check(&format!("new-{store}"), &differing);
    }
}

#[test]
fn generated_items() {
    let scratch = Scratch::new("snap-generate");
    let app = scaffold(&scratch, "demo", &[]);
    for args in [
        &["generate", "resource", "posts"][..],
        &["g", "module", "billing"],
        &["g", "controller", "billing"],
        &["g", "service", "billing"],
        &["g", "co", "admin"],
        &["g", "s", "admin"],
    ] {
        nestling_ok(&app, args);
    }
    check("generate", &files(&app));
}

fn scaffold(scratch: &Scratch, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let workspace = workspace();
    let mut args = vec!["new", name, "--skip-git", "--nestling-path"];
    let workspace_arg = workspace.to_str().expect("a UTF-8 workspace path");
    args.push(workspace_arg);
    args.extend_from_slice(extra);
    nestling_ok(scratch.path(), &args);
    let app = scratch.path().join(name);
    rustfmt_check(&app);
    app
}

/// The generated Rust is as rustfmt writes it.
fn rustfmt_check(app: &Path) {
    let sources: Vec<_> = files(app)
        .into_keys()
        .filter(|path| path.ends_with(".rs"))
        .collect();
    let status = Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(&sources)
        .current_dir(app)
        .status()
        .expect("rustfmt runs (rustup component add rustfmt)");
    assert!(status.success(), "generated code is not rustfmt-clean");
}

/// Compares `actual` with `tests/snapshots/<name>/`, or writes it there
/// when `UPDATE_SNAPSHOTS` is set.
fn check(name: &str, actual: &BTreeMap<String, String>) {
    let framework = workspace().join("framework");
    let framework = framework.canonicalize().unwrap_or(framework);
    let actual: BTreeMap<_, _> = actual
        .iter()
        .map(|(path, text)| {
            let text = text.replace(framework.to_str().unwrap_or_default(), PLACEHOLDER);
            (path.clone(), text)
        })
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in &actual {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().expect("a parent"))
                .expect("snapshots are writable");
            std::fs::write(file, text).expect("snapshots are writable");
        }
        return;
    }
    let expected = files(&dir);
    let listed = |map: &BTreeMap<String, String>| map.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        listed(&actual),
        listed(&expected),
        "the files of `{name}` changed (UPDATE_SNAPSHOTS=1 rewrites tests/snapshots/{name})"
    );
    for (path, text) in &actual {
        assert_eq!(
            text, &expected[path],
            "`{path}` differs from tests/snapshots/{name}/{path} (UPDATE_SNAPSHOTS=1 rewrites it)"
        );
    }
}
