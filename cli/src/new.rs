//! `nestling new <path>`: a new app from `templates/new`.

use std::path::{Path, PathBuf};
use std::process::Command;

use tera::Context;

use crate::args::{NewArgs, SessionKind, Vcs};
use crate::error::CliError;
use crate::names::Name;
use crate::plan::Plan;
use crate::status;
use crate::templates::Templates;

pub fn run(args: NewArgs) -> Result<(), CliError> {
    let folder_name = args
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            CliError::new(format!(
                "`{}` does not end in a folder name",
                args.path.display()
            ))
        })?;
    let name = Name::app(args.name.as_deref().unwrap_or(folder_name))?;
    if !args.force && is_non_empty(&args.path) {
        return Err(CliError::new(format!(
            "destination `{}` already exists and is not empty; pick another folder, or pass --force to write into it",
            args.path.display()
        )));
    }
    let dependency = nestling_dependency(args.nestling_path.as_deref(), args.session)?;

    let mut context = Context::new();
    context.insert("name", &name.given);
    context.insert("crate_name", &name.given.replace('-', "_"));
    context.insert("title", &name.title());
    context.insert("dev_secret", &format!("{}: development secret", name.given));
    context.insert("nestling_dependency", &dependency);
    context.insert("session", &session_word(args.session));
    context.insert("session_store", session_store(args.session));
    context.insert(
        "session_cookie",
        if args.session == SessionKind::Cookie {
            "session"
        } else {
            "connect.sid"
        },
    );
    // base64 of "nestling development key: local!" (32 bytes).
    context.insert("dev_key", "bmVzdGxpbmcgZGV2ZWxvcG1lbnQga2V5OiBsb2NhbCE=");

    let mut plan = Plan::new(&args.path, args.force);
    for (path, content) in Templates::load().render_folder("new", &context)? {
        let path = match path.as_str() {
            // Stored as `_gitignore`, so that it does not apply to templates/.
            "_gitignore" => ".gitignore".to_owned(),
            // The build flag that suits encrypted cookie sessions (stored
            // as `_cargo/`, so that it does not apply to the workspace).
            "_cargo/config.toml" if args.session == SessionKind::Cookie => {
                ".cargo/config.toml".to_owned()
            }
            "_cargo/config.toml" => continue,
            _ => path,
        };
        plan.write(&path, content);
    }
    plan.apply(args.dry_run)?;

    let vcs = if args.skip_git { Vcs::None } else { args.vcs };
    if vcs == Vcs::Git && !args.dry_run {
        git_init(&args.path);
    }
    if !args.dry_run {
        status::note(&format!(
            "next: `cd {} && cargo run`, then open http://127.0.0.1:3000",
            args.path.display()
        ));
    }
    Ok(())
}

fn is_non_empty(path: &Path) -> bool {
    match std::fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => path.exists(),
    }
}

/// The `nestling = ..` value of the app's Cargo.toml: the published
/// version, or a path for `--nestling-path` (the crate's folder, or a
/// checkout of the workspace, whose `framework/` it then uses).
fn nestling_dependency(path: Option<&Path>, session: SessionKind) -> Result<String, CliError> {
    let features = match session {
        SessionKind::Redis => ", features = [\"redis\"]",
        SessionKind::Postgres => ", features = [\"postgres\"]",
        SessionKind::Memory | SessionKind::Cookie => "",
    };
    let Some(path) = path else {
        return Ok(format!(
            "{{ version = \"{}\"{features} }}",
            env!("CARGO_PKG_VERSION")
        ));
    };
    let path = path
        .canonicalize()
        .map_err(|e| CliError::io("find --nestling-path", path, e))?;
    let crate_dir: PathBuf = [path.join("framework"), path.clone()]
        .into_iter()
        .find(|dir| is_nestling_crate(dir))
        .ok_or_else(|| {
            CliError::new(format!(
                "--nestling-path `{}` is neither the nestling crate nor a checkout of its repository (no Cargo.toml naming `nestling` there or in framework/)",
                path.display()
            ))
        })?;
    let text = crate_dir
        .to_str()
        .ok_or_else(|| CliError::new("--nestling-path must be valid UTF-8"))?;
    Ok(format!("{{ path = \"{}\"{features} }}", toml_escape(text)))
}

fn is_nestling_crate(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| {
        manifest
            .lines()
            .any(|line| line.trim() == "name = \"nestling\"")
    })
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn session_word(session: SessionKind) -> &'static str {
    match session {
        SessionKind::Memory => "memory",
        SessionKind::Redis => "redis",
        SessionKind::Postgres => "postgres",
        SessionKind::Cookie => "cookie",
    }
}

fn session_store(session: SessionKind) -> &'static str {
    match session {
        SessionKind::Memory => "memory store (`MemoryStore`)",
        SessionKind::Redis => "Redis store (`RedisStore`, at `REDIS_URL`)",
        SessionKind::Postgres => "PostgreSQL store (`PostgresStore`, at `DATABASE_URL`)",
        SessionKind::Cookie => "encrypted cookie (`SecureSessionOptions`)",
    }
}

/// `git init`, as `cargo new` does: not inside an existing work tree, and
/// only a warning when git is missing or fails.
fn git_init(path: &Path) {
    let inside = Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(path)
        .output();
    match inside {
        Ok(output) if output.status.success() => {
            status::note("inside a git work tree already: no repository created");
        }
        Ok(_) => match Command::new("git")
            .args(["init", "--quiet"])
            .current_dir(path)
            .status()
        {
            Ok(s) if s.success() => status::print(status::Status::Created, "git repository"),
            _ => status::warning("`git init` failed; the app is there without a repository"),
        },
        Err(_) => status::warning("git is not installed; the app is there without a repository"),
    }
}
