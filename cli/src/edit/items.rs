use syn::spanned::Spanned;
use syn::{Item, UseTree};

use super::splice;
use crate::plan::Edited;

/// Adds `pub mod <name>;` (or `mod <name>;` when not `public`) among the
/// file's `mod` declarations, unless a module `name` is declared.
pub fn add_mod(source: &str, name: &str, public: bool) -> Result<Edited, String> {
    let file = super::parse(source)?;
    let declared = file
        .items
        .iter()
        .any(|item| matches!(item, Item::Mod(m) if m.ident == name));
    if declared {
        return Ok(Edited::Unchanged {
            why: format!("module `{name}` already declared"),
        });
    }
    let text = format!("{}mod {name};", if public { "pub " } else { "" });
    let key = |item: &Item| match item {
        Item::Mod(m) if m.content.is_none() => Some(vec![m.ident.to_string()]),
        _ => None,
    };
    Ok(Edited::Changed {
        content: add_sorted(source, &file, &text, &[name.to_owned()], key),
        what: text,
    })
}

/// Adds the `use` item `text` (`use crate::posts::PostsModule;`) among the
/// file's `use` items, unless the same one is there.
pub fn add_use(source: &str, text: &str) -> Result<Edited, String> {
    let file = super::parse(source)?;
    let new: Item = syn::parse_str(text).map_err(|e| format!("`{text}` is not an item: {e}"))?;
    let Item::Use(new_use) = &new else {
        return Err(format!("`{text}` is not a `use` item"));
    };
    let tokens = |item: &Item| quote::ToTokens::to_token_stream(item).to_string();
    if file.items.iter().any(|item| tokens(item) == tokens(&new)) {
        return Ok(Edited::Unchanged {
            why: format!("`{text}` already there"),
        });
    }
    let key = |item: &Item| match item {
        Item::Use(u) => Some(use_path(&u.tree)),
        _ => None,
    };
    Ok(Edited::Changed {
        content: add_sorted(source, &file, text, &use_path(&new_use.tree), key),
        what: text.to_owned(),
    })
}

/// The path of a `use` tree as segments (`crate::posts::{A, B}` gives
/// `["crate", "posts", "{A, B}"]`), to sort by.
fn use_path(tree: &UseTree) -> Vec<String> {
    let mut path = Vec::new();
    let mut tree = tree;
    loop {
        match tree {
            UseTree::Path(p) => {
                path.push(p.ident.to_string());
                tree = &p.tree;
            }
            other => {
                path.push(quote::ToTokens::to_token_stream(other).to_string());
                return path;
            }
        }
    }
}

/// Inserts the item `text`, whose sort key is `new_key`, among the items of
/// its kind (those `key` gives a key for), where rustfmt would keep it: in
/// the group (items not parted by a blank line) whose first path segment
/// it shares, or the last group, at its place in order. A file with none of
/// its kind gets it before the first item (after the inner doc comment), or
/// at the end.
fn add_sorted(
    source: &str,
    file: &syn::File,
    text: &str,
    new_key: &[String],
    key: impl Fn(&Item) -> Option<Vec<String>>,
) -> String {
    // Groups of consecutive items of the kind, not parted by a blank line.
    let mut groups: Vec<Vec<(Vec<String>, std::ops::Range<usize>)>> = Vec::new();
    let mut previous_end: Option<usize> = None;
    for item in &file.items {
        let range = splice::range(item.span());
        let Some(item_key) = key(item) else {
            previous_end = None;
            continue;
        };
        let joined =
            previous_end.is_some_and(|end| source[end..range.start].matches('\n').count() < 2);
        if !joined {
            groups.push(Vec::new());
        }
        previous_end = Some(range.end);
        groups
            .last_mut()
            .expect("a group was pushed")
            .push((item_key, range));
    }
    let group = groups
        .iter()
        .rfind(|group| group.iter().any(|(k, _)| k.first() == new_key.first()))
        .or(groups.last());
    if let Some(group) = group {
        return match group.iter().find(|(k, _)| k.as_slice() > new_key) {
            Some((_, next)) => splice::insert(source, next.start, &format!("{text}\n")),
            None => {
                let last = &group[group.len() - 1].1;
                splice::insert(source, last.end, &format!("\n{text}"))
            }
        };
    }
    match file.items.first() {
        Some(first) => {
            let start = splice::range(first.span()).start;
            splice::insert(source, start, &format!("{text}\n\n"))
        }
        None => {
            let mut out = source.trim_end().to_owned();
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(text);
            out.push('\n');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(edited: Result<Edited, String>) -> String {
        match edited.unwrap() {
            Edited::Changed { content, .. } => content,
            Edited::Unchanged { why } => panic!("unchanged: {why}"),
        }
    }

    #[test]
    fn adds_a_mod_in_order() {
        let source =
            "//! Docs.\n\npub mod app_module;\npub mod zoo;\n\npub use app_module::AppModule;\n";
        assert_eq!(
            changed(add_mod(source, "posts", true)),
            "//! Docs.\n\npub mod app_module;\npub mod posts;\npub mod zoo;\n\npub use app_module::AppModule;\n"
        );
        assert!(matches!(
            add_mod(source, "zoo", true).unwrap(),
            Edited::Unchanged { .. }
        ));
    }

    #[test]
    fn adds_a_use_to_the_group_of_its_crate() {
        let source = "use nestling::prelude::*;\n\nuse crate::app_controller::AppController;\n\n#[module]\nstruct AppModule;\n";
        assert_eq!(
            changed(add_use(source, "use crate::admin::AdminController;")),
            "use nestling::prelude::*;\n\nuse crate::admin::AdminController;\nuse crate::app_controller::AppController;\n\n#[module]\nstruct AppModule;\n"
        );
        assert_eq!(
            changed(add_use(source, "use crate::posts::PostsModule;")),
            "use nestling::prelude::*;\n\nuse crate::app_controller::AppController;\nuse crate::posts::PostsModule;\n\n#[module]\nstruct AppModule;\n"
        );
        assert!(matches!(
            add_use(source, "use crate::app_controller :: AppController;").unwrap(),
            Edited::Unchanged { .. }
        ));
    }

    #[test]
    fn starts_a_file_without_items_of_the_kind() {
        assert_eq!(
            changed(add_mod("//! The posts feature.\n", "controller", false)),
            "//! The posts feature.\n\nmod controller;\n"
        );
        assert_eq!(
            changed(add_mod(
                "/// Docs.\n#[module]\npub struct PostsModule;\n",
                "controller",
                false
            )),
            "mod controller;\n\n/// Docs.\n#[module]\npub struct PostsModule;\n"
        );
        assert_eq!(changed(add_mod("", "posts", true)), "pub mod posts;\n");
    }

    #[test]
    fn refuses_a_file_that_does_not_parse() {
        let error = add_mod("pub mod a;\nfn broken( {}\n", "posts", true).unwrap_err();
        assert!(
            error.contains("not valid Rust") && error.contains("line 2"),
            "{error}"
        );
    }
}
