use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, Item, ItemStruct, Meta, Token};

use super::splice;
use crate::plan::Edited;

/// Adds `item` to the list `key` (`imports`, `controllers`, `providers`,
/// `exports`) of the `#[module]` on the struct `module` in `source`.
/// `#[module]` without arguments and a missing list are both handled; an
/// item already listed is left alone.
pub fn add_to_module(source: &str, module: &str, key: &str, item: &str) -> Result<Edited, String> {
    let file = super::parse(source)?;
    let (_, attr) = find(&file.items, module)?;
    let what = format!("{module} {key} += {item}");
    let content = match &attr.meta {
        Meta::Path(path) => {
            let end = splice::range(path.span()).end;
            splice::insert(source, end, &format!("({key} = [{item}])"))
        }
        Meta::List(list) => {
            let args = list
                .parse_args_with(Punctuated::<Arg, Token![,]>::parse_terminated)
                .map_err(|e| {
                    format!("the arguments of `#[module(..)]` on `{module}` are not `key = value, ..` ({e})")
                })?;
            match args.iter().find(|arg| arg.key == key) {
                Some(arg) => {
                    let Expr::Array(array) = &arg.value else {
                        return Err(format!(
                            "`{key}` in `#[module(..)]` on `{module}` is not a list `[..]`"
                        ));
                    };
                    if array.elems.iter().any(|e| same(e, item)) {
                        return Ok(Edited::Unchanged {
                            why: format!("{module} already lists {item} in {key}"),
                        });
                    }
                    splice::Seq::of(array.bracket_token.span.open(), &array.elems, Spanned::span)
                        .push(source, item)
                }
                None => splice::Seq::of(list.delimiter.span().open(), &args, Arg::span)
                    .push(source, &format!("{key} = [{item}]")),
            }
        }
        Meta::NameValue(_) => {
            return Err(format!(
                "`#[module = ..]` on `{module}` is not a module attribute"
            ));
        }
    };
    Ok(Edited::Changed { content, what })
}

/// Whether `source` defines the `#[module]` struct `module` (false when it
/// does not parse).
pub fn has_module(source: &str, module: &str) -> bool {
    super::parse(source)
        .map(|file| {
            let mut found = Vec::new();
            collect(&file.items, &mut found);
            found.iter().any(|(s, _)| s.ident == module)
        })
        .unwrap_or(false)
}

/// The struct `module` and its `#[module]` attribute; if no struct has that
/// name and the file has exactly one module, that one.
fn find<'f>(items: &'f [Item], module: &str) -> Result<(&'f ItemStruct, &'f Attribute), String> {
    let mut found = Vec::new();
    collect(items, &mut found);
    if let Some(hit) = found.iter().find(|(s, _)| s.ident == module) {
        return Ok(*hit);
    }
    match found.as_slice() {
        [only] => Ok(*only),
        [] => Err(format!(
            "it has no `#[module]` struct (looked for `{module}`)"
        )),
        _ => Err(format!(
            "it has {} `#[module]` structs and none is named `{module}`",
            found.len()
        )),
    }
}

/// Every struct with a `#[module]` (or `#[nestling::module]`) attribute,
/// including those in inline `mod { .. }` blocks.
fn collect<'f>(items: &'f [Item], found: &mut Vec<(&'f ItemStruct, &'f Attribute)>) {
    for item in items {
        match item {
            Item::Struct(s) => {
                if let Some(attr) = s.attrs.iter().find(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|seg| seg.ident == "module")
                }) {
                    found.push((s, attr));
                }
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, found);
                }
            }
            _ => {}
        }
    }
}

/// Whether the listed `expr` is `item` (compared token by token, so
/// spacing does not matter).
fn same(expr: &Expr, item: &str) -> bool {
    let Ok(item) = syn::parse_str::<Expr>(item) else {
        return false;
    };
    quote::ToTokens::to_token_stream(expr).to_string()
        == quote::ToTokens::to_token_stream(&item).to_string()
}

/// One `key = value` of `#[module(..)]`.
struct Arg {
    key: Ident,
    value: Expr,
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input.parse()?;
        input.parse::<Token![=]>()?;
        Ok(Arg {
            key,
            value: input.parse()?,
        })
    }
}

impl Arg {
    /// From the key to the end of the value.
    fn span(&self) -> proc_macro2::Span {
        self.key
            .span()
            .join(self.value.span())
            .unwrap_or_else(|| self.key.span())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(source: &str, key: &str, item: &str) -> String {
        match add_to_module(source, "AppModule", key, item).unwrap() {
            Edited::Changed { content, .. } => content,
            Edited::Unchanged { why } => panic!("unchanged: {why}"),
        }
    }

    #[test]
    fn appends_to_a_list_on_one_line() {
        let source = "#[module(controllers = [A, B], providers = [S])]\npub struct AppModule;\n";
        assert_eq!(
            add(source, "controllers", "C"),
            "#[module(controllers = [A, B, C], providers = [S])]\npub struct AppModule;\n"
        );
    }

    #[test]
    fn keeps_a_trailing_comma_and_one_item_per_line() {
        let source = "\
#[module(
    imports = [
        CatsModule,
        // the dogs
        DogsModule,
    ],
    controllers = [AppController],
)]
pub struct AppModule;
";
        assert_eq!(
            add(source, "imports", "PostsModule"),
            "\
#[module(
    imports = [
        CatsModule,
        // the dogs
        DogsModule,
        PostsModule,
    ],
    controllers = [AppController],
)]
pub struct AppModule;
"
        );
    }

    #[test]
    fn fills_an_empty_list() {
        let source = "#[module(imports = [], controllers = [A])]\nstruct AppModule;";
        assert_eq!(
            add(source, "imports", "M"),
            "#[module(imports = [M], controllers = [A])]\nstruct AppModule;"
        );
    }

    #[test]
    fn adds_a_missing_list_in_the_style_of_the_others() {
        let one_line = "#[module(controllers = [A])]\nstruct AppModule;";
        assert_eq!(
            add(one_line, "providers", "S"),
            "#[module(controllers = [A], providers = [S])]\nstruct AppModule;"
        );
        let multi_line = "#[module(\n    controllers = [A],\n)]\nstruct AppModule;";
        assert_eq!(
            add(multi_line, "providers", "S"),
            "#[module(\n    controllers = [A],\n    providers = [S],\n)]\nstruct AppModule;"
        );
    }

    #[test]
    fn gives_a_bare_module_its_first_list() {
        assert_eq!(
            add("#[module]\npub struct AppModule;", "imports", "M"),
            "#[module(imports = [M])]\npub struct AppModule;"
        );
        assert_eq!(
            add("#[nestling::module]\npub struct AppModule;", "imports", "M"),
            "#[nestling::module(imports = [M])]\npub struct AppModule;"
        );
        assert_eq!(
            add("#[module()]\npub struct AppModule;", "imports", "M"),
            "#[module(imports = [M])]\npub struct AppModule;"
        );
    }

    #[test]
    fn leaves_the_rest_of_the_file_as_it_was() {
        let source = "\
// A comment   with odd    spacing.
use   nestling::prelude::*;

/// Docs.
#[derive(Debug)]
#[module(imports = [ConfigModule::for_root(Options { greeting: \"hi\" })], global = true)]
pub struct AppModule ;

fn   untouched( ) {}
";
        let edited = add(source, "imports", "PostsModule");
        assert_eq!(
            edited,
            source.replace("\"hi\" })]", "\"hi\" }), PostsModule]")
        );
    }

    #[test]
    fn picks_the_named_module_among_several_and_in_inline_modules() {
        let source = "#[module]\nstruct OtherModule;\nmod inner {\n    #[module(providers = [])]\n    pub struct AppModule;\n}\n";
        assert_eq!(
            add(source, "providers", "S"),
            source.replace("providers = []", "providers = [S]")
        );
        let ambiguous = "#[module]\nstruct AModule;\n#[module]\nstruct BModule;\n";
        let error = add_to_module(ambiguous, "AppModule", "imports", "M").unwrap_err();
        assert!(error.contains("2 `#[module]` structs"), "{error}");
    }

    #[test]
    fn an_item_already_listed_is_left_alone() {
        let source = "#[module(imports = [ PostsModule ])]\nstruct AppModule;";
        assert!(matches!(
            add_to_module(source, "AppModule", "imports", "PostsModule").unwrap(),
            Edited::Unchanged { .. }
        ));
    }

    #[test]
    fn explains_what_it_cannot_edit() {
        let broken = add_to_module(
            "#[module(imports = [A)]\nstruct AppModule;",
            "AppModule",
            "imports",
            "M",
        )
        .unwrap_err();
        assert!(
            broken.contains("not valid Rust") && broken.contains("line 1"),
            "{broken}"
        );
        let no_module =
            add_to_module("struct AppModule;", "AppModule", "imports", "M").unwrap_err();
        assert!(no_module.contains("no `#[module]` struct"), "{no_module}");
        let not_a_list = add_to_module(
            "#[module(imports = A)]\nstruct AppModule;",
            "AppModule",
            "imports",
            "M",
        )
        .unwrap_err();
        assert!(not_a_list.contains("not a list"), "{not_a_list}");
        let odd = add_to_module(
            "#[module(imports)]\nstruct AppModule;",
            "AppModule",
            "imports",
            "M",
        )
        .unwrap_err();
        assert!(odd.contains("key = value"), "{odd}");
    }

    #[test]
    fn finds_modules_by_name() {
        assert!(has_module(
            "#[module]\npub struct PostsModule;",
            "PostsModule"
        ));
        assert!(!has_module("pub struct PostsModule;", "PostsModule"));
        assert!(!has_module("not rust at all {", "PostsModule"));
    }
}
