//! `nestling new` and `nestling generate` as a user meets them: messages,
//! exit codes, refusals, dry runs, `--force`, and files that cannot be
//! edited. (The generated files themselves: `snapshots.rs`; building and
//! running them: `generated_app.rs`.)

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, files, nestling, nestling_ok, workspace};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh app `demo` in `scratch`.
fn app(scratch: &Scratch) -> PathBuf {
    let workspace = workspace();
    nestling_ok(
        scratch.path(),
        &[
            "new",
            "demo",
            "--skip-git",
            "--nestling-path",
            workspace.to_str().unwrap(),
        ],
    );
    scratch.path().join("demo")
}

#[test]
fn new_prints_cargo_style_status_lines_without_colour_off_a_terminal() {
    let scratch = Scratch::new("status");
    let output = nestling(scratch.path(), &["new", "demo", "--skip-git"]);
    assert!(output.status.success());
    let stderr = stderr(&output);
    assert!(
        stderr.contains("     Created demo/src/main.rs\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("     Created demo/.gitignore\n"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "colours off a terminal: {stderr:?}"
    );
    assert!(stderr.contains("cd demo && cargo run"), "{stderr}");
    let manifest = std::fs::read_to_string(scratch.path().join("demo/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("nestling = { version = \"0.1.0\" }"),
        "{manifest}"
    );
}

#[test]
fn new_refuses_bad_names_with_exit_status_1() {
    let scratch = Scratch::new("bad-names");
    for (name, says) in [
        ("1bad-name", "must start with a letter"),
        ("bad.name", "`.` is not allowed"),
        ("fn", "Rust keyword"),
        ("nestling", "clash with the crate"),
    ] {
        let output = nestling(scratch.path(), &["new", name, "--skip-git"]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = stderr(&output);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
    }
    assert!(files(scratch.path()).is_empty(), "nothing was written");
}

#[test]
fn new_takes_the_package_name_from_name() {
    let scratch = Scratch::new("named");
    nestling_ok(
        scratch.path(),
        &["new", "apps", "--name", "blog-app", "--skip-git"],
    );
    let main = std::fs::read_to_string(scratch.path().join("apps/src/main.rs")).unwrap();
    assert!(main.contains("blog_app::setup(&mut app)"), "{main}");
}

#[test]
fn new_sets_up_the_session_store_asked_for() {
    let scratch = Scratch::new("stores");
    for (store, feature, code) in [
        ("memory", None, ".use_session(session_options().await?)"),
        (
            "redis",
            Some("features = [\"redis\"]"),
            "RedisStore::new(&url).await?",
        ),
        (
            "postgres",
            Some("features = [\"postgres\"]"),
            "PostgresStore::new(&url)",
        ),
        ("cookie", None, ".use_secure_session(session_options())"),
    ] {
        nestling_ok(
            scratch.path(),
            &["new", store, "--skip-git", "--session", store],
        );
        let app = scratch.path().join(store);
        let manifest = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
        let nestling = manifest
            .lines()
            .find(|l| l.starts_with("nestling = "))
            .unwrap();
        assert_eq!(
            nestling.contains("features"),
            feature.is_some(),
            "{nestling}"
        );
        if let Some(feature) = feature {
            assert!(nestling.contains(feature), "{nestling}");
        }
        let lib = std::fs::read_to_string(app.join("src/lib.rs")).unwrap();
        assert!(lib.contains(code), "{store}: {lib}");
    }
    let output = nestling(scratch.path(), &["new", "other", "--session", "files"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("possible values: memory, redis, postgres, cookie"));
}

#[test]
fn new_does_not_write_into_an_existing_folder_without_force() {
    let scratch = Scratch::new("exists");
    let demo = app(&scratch);
    std::fs::write(demo.join("src/main.rs"), "// mine").unwrap();
    let output = nestling(scratch.path(), &["new", "demo", "--skip-git"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(demo.join("src/main.rs")).unwrap(),
        "// mine"
    );

    let stderr = nestling_ok(scratch.path(), &["new", "demo", "--skip-git", "--force"]);
    assert!(
        stderr.contains("Updated demo/src/main.rs (overwritten)"),
        "{stderr}"
    );
    assert_ne!(
        std::fs::read_to_string(demo.join("src/main.rs")).unwrap(),
        "// mine"
    );
}

#[test]
fn new_initialises_git_unless_told_not_to() {
    let scratch = Scratch::new("git");
    nestling_ok(scratch.path(), &["new", "with-git"]);
    assert!(scratch.path().join("with-git/.git").is_dir());
    nestling_ok(scratch.path(), &["new", "without", "--vcs", "none"]);
    assert!(!scratch.path().join("without/.git").exists());
}

#[test]
fn new_dry_run_writes_nothing() {
    let scratch = Scratch::new("new-dry");
    let stderr = nestling_ok(scratch.path(), &["new", "demo", "--dry-run"]);
    assert!(
        stderr.contains("Created demo/src/app_module.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note: dry run: nothing was written"),
        "{stderr}"
    );
    assert!(!scratch.path().join("demo").exists());
}

#[test]
fn new_refuses_a_nestling_path_that_is_not_nestling() {
    let scratch = Scratch::new("bad-path");
    let here = scratch.path().to_str().unwrap().to_owned();
    let output = nestling(scratch.path(), &["new", "demo", "--nestling-path", &here]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("neither the nestling crate"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn generate_refuses_paths_and_unknown_schematics() {
    let scratch = Scratch::new("gen-bad");
    let demo = app(&scratch);
    let before = files(&demo);
    let output = nestling(&demo, &["generate", "controller", "../x"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("must be a plain name, not a path"));
    let output = nestling(&demo, &["g", "widget", "x"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a command line clap cannot read"
    );
    assert!(stderr(&output).contains("possible values: module, controller, service, resource"));
    assert_eq!(files(&demo), before);
}

#[test]
fn generate_outside_an_app_says_where_to_run_it() {
    let scratch = Scratch::new("outside");
    let output = nestling(scratch.path(), &["g", "module", "x"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("no Cargo.toml here") || stderr.contains("has no src/lib.rs"),
        "{stderr}"
    );
}

#[test]
fn generate_works_from_a_subfolder_and_dry_runs() {
    let scratch = Scratch::new("gen-dry");
    let demo = app(&scratch);
    let before = files(&demo);
    let stderr = nestling_ok(&demo.join("src"), &["g", "res", "posts", "--dry-run"]);
    assert!(
        stderr.contains("     Created ../src/posts/controller.rs\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("     Updated ../src/app_module.rs (use crate::posts::PostsModule;, AppModule imports += PostsModule)"),
        "{stderr}"
    );
    assert!(stderr.contains("note: dry run: nothing was written"));
    assert_eq!(files(&demo), before);
}

#[test]
fn generate_twice_skips_and_force_overwrites() {
    let scratch = Scratch::new("gen-twice");
    let demo = app(&scratch);
    nestling_ok(&demo, &["g", "controller", "admin"]);
    std::fs::write(demo.join("src/admin/controller.rs"), "// edited by hand\n").unwrap();
    let after_first = files(&demo);

    let stderr = nestling_ok(&demo, &["g", "controller", "admin"]);
    assert!(
        stderr.contains("Skipped src/admin/controller.rs (already exists; --force overwrites it)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "Skipped src/app_module.rs (`use crate::admin::AdminController;` already there)"
        ),
        "{stderr}"
    );
    assert_eq!(files(&demo), after_first, "nothing changed");

    let stderr = nestling_ok(&demo, &["g", "controller", "admin", "--force"]);
    assert!(
        stderr.contains("Updated src/admin/controller.rs (overwritten)"),
        "{stderr}"
    );
    let controller = std::fs::read_to_string(demo.join("src/admin/controller.rs")).unwrap();
    assert!(controller.contains("pub struct AdminController;"));
    let module = std::fs::read_to_string(demo.join("src/app_module.rs")).unwrap();
    assert_eq!(module.matches("AdminController").count(), 2, "{module}");
}

#[test]
fn generate_into_a_module_lists_the_item_there() {
    let scratch = Scratch::new("gen-module");
    let demo = app(&scratch);
    nestling_ok(&demo, &["g", "mo", "billing"]);
    nestling_ok(&demo, &["g", "s", "billing"]);
    let module = std::fs::read_to_string(demo.join("src/billing/mod.rs")).unwrap();
    assert!(
        module.contains("#[module(providers = [BillingService])]"),
        "{module}"
    );
    let app_module = std::fs::read_to_string(demo.join("src/app_module.rs")).unwrap();
    assert!(
        app_module.contains("imports = [BillingModule],"),
        "{app_module}"
    );
    assert!(!app_module.contains("BillingService"), "{app_module}");
}

#[test]
fn a_resource_joins_a_module_made_before_and_the_nav() {
    let scratch = Scratch::new("gen-into");
    let demo = app(&scratch);
    nestling_ok(&demo, &["g", "module", "blog"]);
    let stderr = nestling_ok(&demo, &["g", "resource", "blog"]);
    assert!(
        stderr.contains("Updated src/blog/mod.rs (mod controller;, mod dto;"),
        "{stderr}"
    );
    let module = std::fs::read_to_string(demo.join("src/blog/mod.rs")).unwrap();
    for expected in [
        "mod controller;\nmod dto;\nmod service;\n",
        "pub use dto::{BlogItem, CreateBlogItemDto, UpdateBlogItemDto};",
        "#[module(controllers = [BlogController], providers = [BlogService])]",
    ] {
        assert!(module.contains(expected), "{expected} in {module}");
    }
    let layout = std::fs::read_to_string(demo.join("views/layout.html")).unwrap();
    assert!(
        layout.contains("    <a href=\"/blog\">Blog</a>\n  </nav>"),
        "{layout}"
    );
    // Once only.
    nestling_ok(&demo, &["g", "resource", "blog"]);
    let again = std::fs::read_to_string(demo.join("views/layout.html")).unwrap();
    assert_eq!(again, layout);
}

#[test]
fn generate_does_not_touch_an_app_whose_module_does_not_parse() {
    let scratch = Scratch::new("gen-broken");
    let demo = app(&scratch);
    let module = demo.join("src/app_module.rs");
    std::fs::write(&module, "#[module(imports = [)]\npub struct AppModule;\n").unwrap();
    let before = files(&demo);
    let output = nestling(&demo, &["g", "module", "posts"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("cannot edit `src/app_module.rs`: it is not valid Rust")
            && stderr.contains("line 1"),
        "{stderr}"
    );
    assert_eq!(
        files(&demo),
        before,
        "no file written, not even the new module"
    );
}

#[test]
fn help_has_examples() {
    let output = nestling(Path::new("."), &["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("Examples:") && help.contains("nestling g resource posts"),
        "{help}"
    );
    let output = nestling(Path::new("."), &["g", "--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("[aliases: mo]") || help.contains("module"),
        "{help}"
    );
    assert!(help.contains("nestling g resource posts"), "{help}");
    let output = nestling(Path::new("."), &["new", "--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("--session <SESSION>") && help.contains("--skip-git"),
        "{help}"
    );
}
