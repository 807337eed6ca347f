//! `nestling generate <schematic> <name>` (`nestling g`): new files under
//! `src/<name>/` from `templates/generate`, and the edits that wire them in:
//! `pub mod <name>;` in `src/lib.rs`, the item in its module's
//! `#[module(..)]` lists, and a new module in `AppModule`'s imports.

use std::path::{Path, PathBuf};

use tera::Context;

use crate::args::{GenerateArgs, Schematic};
use crate::edit;
use crate::error::CliError;
use crate::names::Name;
use crate::plan::{Edited, Plan};
use crate::templates::Templates;

const LIB: &str = "src/lib.rs";
const APP_MODULE: &str = "src/app_module.rs";
const LAYOUT: &str = "views/layout.html";

pub fn run(args: GenerateArgs) -> Result<(), CliError> {
    let cwd = std::env::current_dir().map_err(|e| CliError::io("read", Path::new("."), e))?;
    let root = app_root(&cwd)?;
    let name = Name::item(&args.name)?;
    let crate_name = package_name(&root)?.replace('-', "_");
    let context = context(&name, &crate_name);
    let templates = Templates::load();
    let mut plan = Plan::new(relative_to(&root, &cwd), args.force);
    let folder = format!("src/{}", name.snake);

    match args.schematic {
        Schematic::Module => {
            plan.write(
                &format!("{folder}/mod.rs"),
                templates.render("generate/module.rs.tera", &context)?,
            );
            import_module(&mut plan, &name)?;
        }
        Schematic::Controller => {
            let controller = format!("{}Controller", name.pascal);
            let file = templates.render("generate/controller.rs.tera", &context)?;
            add_to_folder(
                &mut plan,
                &templates,
                &context,
                &name,
                "controller",
                file,
                &controller,
            )?;
            list_in_module(&mut plan, &name, "controllers", &controller)?;
        }
        Schematic::Service => {
            let service = format!("{}Service", name.pascal);
            let file = templates.render("generate/service.rs.tera", &context)?;
            add_to_folder(
                &mut plan, &templates, &context, &name, "service", file, &service,
            )?;
            list_in_module(&mut plan, &name, "providers", &service)?;
        }
        Schematic::Resource => {
            // A folder made before (`g module posts`) keeps its mod.rs,
            // which is then taught about the new files instead.
            let mod_rs = format!("{folder}/mod.rs");
            let into_existing = plan.exists(&mod_rs) && !args.force;
            for (path, content) in templates.render_folder("generate/resource", &context)? {
                if path == "mod.rs" && into_existing {
                    continue;
                }
                let path = match path.as_str() {
                    "test.rs" => format!("tests/{}.rs", name.snake),
                    views if views.starts_with("views/") => {
                        format!("views/{}/{}", name.snake, &views["views/".len()..])
                    }
                    source => format!("{folder}/{source}"),
                };
                plan.write(&path, content);
            }
            if into_existing {
                wire_resource(&mut plan, &name, &context)?;
            } else {
                import_module(&mut plan, &name)?;
            }
            add_nav_link(&mut plan, &name);
        }
    }
    plan.apply(args.dry_run)
}

/// The nearest folder at or above `cwd` with a Cargo.toml, which must hold
/// an app made by `nestling new`.
fn app_root(cwd: &Path) -> Result<PathBuf, CliError> {
    let root = cwd
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())
        .ok_or_else(|| {
            CliError::new("no Cargo.toml here or in any parent folder: run `nestling generate` inside an app (`nestling new <name>` makes one)")
        })?;
    for needed in [LIB, APP_MODULE] {
        if !root.join(needed).is_file() {
            return Err(CliError::new(format!(
                "`{}` has no {needed}: `nestling generate` works in apps laid out as `nestling new` makes them",
                root.display()
            )));
        }
    }
    Ok(root.to_path_buf())
}

/// `[package] name` from the app's Cargo.toml.
fn package_name(root: &Path) -> Result<String, CliError> {
    let path = root.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path).map_err(|e| CliError::io("read", &path, e))?;
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some(value) = line.strip_prefix("name").map(str::trim_start)
            && let Some(value) = value.strip_prefix('=')
        {
            return Ok(value.trim().trim_matches('"').to_owned());
        }
    }
    Err(CliError::new(format!(
        "`{}` has no [package] name",
        path.display()
    )))
}

/// The app's root as the status lines show it: relative to where the
/// command runs.
fn relative_to(root: &Path, cwd: &Path) -> PathBuf {
    match cwd.strip_prefix(root) {
        Ok(below) => below.components().map(|_| "..").collect(),
        Err(_) => root.to_path_buf(),
    }
}

fn context(name: &Name, crate_name: &str) -> Context {
    let singular = name.singular();
    let mut context = Context::new();
    context.insert("crate_name", crate_name);
    context.insert("name", &name.snake);
    context.insert("type_name", &name.pascal);
    context.insert("path", &name.kebab);
    context.insert("words", &name.words);
    context.insert("title", &name.title());
    // The variable for one item; `item` when the name has no plural
    // ending, so that a loop does not reuse the list's name.
    let one = if singular.snake == name.snake {
        "item"
    } else {
        singular.snake.as_str()
    };
    context.insert("singular", one);
    context.insert("singular_words", &singular.words);
    context.insert("singular_title", &singular.title());
    // The item type of a resource: `Post` for `posts`; a name with no
    // plural ending gets `..Item`, so it does not clash with the module.
    let entity = if singular.pascal == name.pascal {
        format!("{}Item", name.pascal)
    } else {
        singular.pascal.clone()
    };
    // Sorted as rustfmt sorts them.
    let mut dto = vec![
        entity.clone(),
        format!("Create{entity}Dto"),
        format!("Update{entity}Dto"),
    ];
    dto.sort();
    context.insert("dto_imports", &dto.join(", "));
    dto.push(format!("{}Service", name.pascal));
    dto.sort();
    context.insert("controller_imports", &dto.join(", "));
    context.insert("entity", &entity);
    context
}

/// Declares a resource's files in the existing `src/<name>/mod.rs`,
/// re-exports their items, and lists the controller and service in the
/// folder's module (or AppModule, as for `generate controller`).
fn wire_resource(plan: &mut Plan, name: &Name, context: &Context) -> Result<(), CliError> {
    let mod_rs = format!("src/{}/mod.rs", name.snake);
    let controller = format!("{}Controller", name.pascal);
    let service = format!("{}Service", name.pascal);
    let dto = context
        .get("dto_imports")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    for file in ["controller", "dto", "service"] {
        plan.edit(&mod_rs, |source| edit::add_mod(source, file, false))?;
    }
    for item in [
        format!("pub use controller::{controller};"),
        format!("pub use dto::{{{dto}}};"),
        format!("pub use service::{service};"),
    ] {
        plan.edit(&mod_rs, |source| edit::add_use(source, &item))?;
    }
    plan.edit(LIB, |source| edit::add_mod(source, &name.snake, true))?;
    list_in_module(plan, name, "controllers", &controller)?;
    list_in_module(plan, name, "providers", &service)?;
    let module = format!("{}Module", name.pascal);
    if edit::has_module(&plan.read(&mod_rs)?, &module) {
        import_module(plan, name)?;
    }
    Ok(())
}

/// A link to the resource's list in the layout's `<nav>`, before `</nav>`
/// and indented as the line before it. A layout without `</nav>`, or with
/// the link already, is left alone (the plan says so).
fn add_nav_link(plan: &mut Plan, name: &Name) {
    let link = format!("<a href=\"/{}\">{}</a>", name.kebab, name.title());
    let _ = plan.edit(LAYOUT, |source| {
        if source.contains(&link) {
            return Ok(Edited::Unchanged {
                why: format!("the nav already links to /{}", name.kebab),
            });
        }
        let Some(end) = source.find("</nav>") else {
            return Ok(Edited::Unchanged {
                why: "no `</nav>` to add a link to".to_owned(),
            });
        };
        let line_start = source[..end].rfind('\n').map_or(0, |i| i + 1);
        let mut content = source.to_owned();
        if !source[line_start..end].trim().is_empty() {
            // `</nav>` ends a line with content: the link goes just before it.
            content.insert_str(end, &link);
            return Ok(Edited::Changed {
                content,
                what: format!("nav links to /{}", name.kebab),
            });
        }
        let previous = source[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let indent: String = source[previous..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        content.insert_str(line_start, &format!("{indent}{link}\n"));
        Ok(Edited::Changed {
            content,
            what: format!("nav links to /{}", name.kebab),
        })
    });
}

/// `pub mod <name>;` in lib.rs, then `<Name>Module` imported by AppModule.
fn import_module(plan: &mut Plan, name: &Name) -> Result<(), CliError> {
    let module = format!("{}Module", name.pascal);
    plan.edit(LIB, |source| edit::add_mod(source, &name.snake, true))?;
    plan.edit(APP_MODULE, |source| {
        edit::add_use(source, &format!("use crate::{}::{module};", name.snake))
    })?;
    plan.edit(APP_MODULE, |source| {
        edit::add_to_module(source, "AppModule", "imports", &module)
    })
}

/// Writes `src/<name>/<file>.rs`, declares it in `src/<name>/mod.rs`
/// (created if needed) and re-exports `item` from there.
fn add_to_folder(
    plan: &mut Plan,
    templates: &Templates,
    context: &Context,
    name: &Name,
    file: &str,
    content: String,
    item: &str,
) -> Result<(), CliError> {
    let folder = format!("src/{}", name.snake);
    plan.write(&format!("{folder}/{file}.rs"), content);
    let mod_rs = format!("{folder}/mod.rs");
    if !plan.exists(&mod_rs) {
        plan.write(
            &mod_rs,
            templates.render("generate/folder.rs.tera", context)?,
        );
    }
    plan.edit(&mod_rs, |source| edit::add_mod(source, file, false))?;
    plan.edit(&mod_rs, |source| {
        edit::add_use(source, &format!("pub use {file}::{item};"))
    })?;
    plan.edit(LIB, |source| edit::add_mod(source, &name.snake, true))
}

/// Lists `item` under `key` in `<Name>Module` if `src/<name>/mod.rs`
/// defines it, otherwise in AppModule (Nest adds to the nearest module).
fn list_in_module(plan: &mut Plan, name: &Name, key: &str, item: &str) -> Result<(), CliError> {
    let mod_rs = format!("src/{}/mod.rs", name.snake);
    let module = format!("{}Module", name.pascal);
    if edit::has_module(&plan.read(&mod_rs)?, &module) {
        return plan.edit(&mod_rs, |source| {
            edit::add_to_module(source, &module, key, item)
        });
    }
    plan.edit(APP_MODULE, |source| {
        edit::add_use(source, &format!("use crate::{}::{item};", name.snake))
    })?;
    plan.edit(APP_MODULE, |source| {
        edit::add_to_module(source, "AppModule", key, item)
    })
}
