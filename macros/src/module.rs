//! `#[module(imports = [..], controllers = [..], providers = [..], exports = [..], global)]`
//! on a unit struct: emits a static `ModuleDef` registered through
//! `inventory`. The graph is walked and checked at start-up by
//! `nestling::create`.
//!
//! Entries that are plain type paths (`CatsService`, `DatabaseModule`) name a
//! type; any other expression (`ConfigModule::for_root(..)`,
//! `Provider::value(..)`) is evaluated once when the app is created.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, ItemStruct, Token, Type};

pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    match try_expand(args, input.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            quote! { #error #input }
        }
    }
}

#[derive(Default)]
struct ModuleArgs {
    imports: Vec<Expr>,
    controllers: Vec<Type>,
    providers: Vec<Expr>,
    exports: Vec<Expr>,
    global: bool,
}

const KEYS: &str =
    "`imports = [..]`, `controllers = [..]`, `providers = [..]`, `exports = [..]` or `global`";

impl Parse for ModuleArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = ModuleArgs::default();
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            let name = key.to_string();
            if seen.contains(&name) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{name}` is given twice"),
                ));
            }
            seen.push(name.clone());
            match name.as_str() {
                "global" => args.global = true,
                "controllers" => {
                    input.parse::<Token![=]>()?;
                    let content;
                    syn::bracketed!(content in input);
                    let list: Punctuated<Type, Token![,]> =
                        content.parse_terminated(Type::parse, Token![,])?;
                    args.controllers = list.into_iter().collect();
                }
                "imports" | "providers" | "exports" => {
                    input.parse::<Token![=]>()?;
                    let content;
                    syn::bracketed!(content in input);
                    let list: Punctuated<Expr, Token![,]> =
                        content.parse_terminated(Expr::parse, Token![,])?;
                    let list = list.into_iter().collect();
                    match name.as_str() {
                        "imports" => args.imports = list,
                        "providers" => args.providers = list,
                        _ => args.exports = list,
                    }
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown module option `{name}`; expected {KEYS}"),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// `Some(path)` when the entry is a plain type path.
fn as_type_path(expr: &Expr) -> Option<&syn::ExprPath> {
    match expr {
        Expr::Path(path) if path.qself.is_none() => Some(path),
        _ => None,
    }
}

fn try_expand(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let args: ModuleArgs = syn::parse2(args)?;
    let item: ItemStruct = syn::parse2(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "`#[module]` goes on a struct: `#[module(controllers = [CatsController])] pub struct CatsModule;`",
        )
    })?;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(
            item.generics.span(),
            "a module cannot be generic",
        ));
    }
    let ident = &item.ident;
    let name = ident.to_string();
    let global = args.global;
    let mut items = Vec::new();

    let imports: Vec<_> = args
        .imports
        .iter()
        .enumerate()
        .map(|(i, expr)| {
            let f = format_ident!("__nestling_import_{}", i);
            let body = match as_type_path(expr) {
                Some(path) => quote_spanned! {expr.span()=>
                    __n::Import::Static(<#path as __n::Module>::definition())
                },
                None => quote_spanned! {expr.span()=>
                    ::core::convert::Into::<__n::Import>::into(#expr)
                },
            };
            items.push(quote! { fn #f() -> __n::Import { #body } });
            f
        })
        .collect();
    let providers: Vec<_> = args
        .providers
        .iter()
        .enumerate()
        .map(|(i, expr)| {
            let f = format_ident!("__nestling_provider_{}", i);
            let body = match as_type_path(expr) {
                Some(path) => quote_spanned! {expr.span()=>
                    <#path as __n::Injectable>::provider()
                },
                None => quote_spanned! {expr.span()=>
                    { let provider: __n::Provider = #expr; provider }
                },
            };
            items.push(quote! { fn #f() -> __n::Provider { #body } });
            f
        })
        .collect();
    let exports: Vec<_> = args
        .exports
        .iter()
        .enumerate()
        .map(|(i, expr)| {
            let f = format_ident!("__nestling_export_{}", i);
            let body = match as_type_path(expr) {
                Some(path) => quote_spanned! {expr.span()=>
                    {
                        #[allow(unused_imports)]
                        use __n::{ExportModule as _, ExportToken as _};
                        (&&__n::ExportProbe::<#path>::new()).export()
                    }
                },
                None => quote_spanned! {expr.span()=>
                    __n::Export::Token(#expr)
                },
            };
            items.push(quote! { fn #f() -> __n::Export { #body } });
            f
        })
        .collect();
    let controllers = args.controllers.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            <#ty as __n::Controller>::definition as fn() -> &'static __n::ControllerDef
        }
    });
    Ok(quote! {
        #item

        const _: () = {
            use ::nestling::__private as __n;
            #(#items)*
            static __NESTLING_MODULE: __n::ModuleDef = __n::ModuleDef {
                name: #name,
                type_id: __n::type_id::<#ident>,
                imports: &[#(#imports as fn() -> __n::Import),*],
                controllers: &[#(#controllers),*],
                providers: &[#(#providers as fn() -> __n::Provider),*],
                exports: &[#(#exports as fn() -> __n::Export),*],
                global: #global,
            };
            impl __n::Module for #ident {
                fn definition() -> &'static __n::ModuleDef {
                    &__NESTLING_MODULE
                }
            }
            __n::inventory::submit! {
                __n::ModuleRegistration(&__NESTLING_MODULE)
            }
        };
    })
}
