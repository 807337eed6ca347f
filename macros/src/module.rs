//! `#[module(imports = [..], controllers = [..])]` on a unit struct: emits a
//! static `ModuleDef` registered through `inventory`. The module graph is
//! walked and checked at start-up by `nestling::app::create`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, ItemStruct, Token, Type};

pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    match try_expand(args, input.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            quote! { #error #input }
        }
    }
}

struct ModuleArgs {
    imports: Vec<Type>,
    controllers: Vec<Type>,
    global: bool,
}

impl Parse for ModuleArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = ModuleArgs {
            imports: Vec::new(),
            controllers: Vec::new(),
            global: false,
        };
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
                "imports" | "controllers" => {
                    input.parse::<Token![=]>()?;
                    let content;
                    syn::bracketed!(content in input);
                    let list: Punctuated<Type, Token![,]> =
                        content.parse_terminated(Type::parse, Token![,])?;
                    let list = list.into_iter().collect();
                    if name == "imports" {
                        args.imports = list;
                    } else {
                        args.controllers = list;
                    }
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown module option `{name}`; expected `imports = [..]`, `controllers = [..]` or `global`"
                        ),
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
    let imports = args.imports.iter().map(|ty| {
        quote::quote_spanned! {ty.span()=>
            <#ty as __n::Module>::definition as fn() -> &'static __n::ModuleDef
        }
    });
    let controllers = args.controllers.iter().map(|ty| {
        quote::quote_spanned! {ty.span()=>
            <#ty as __n::Controller>::definition as fn() -> &'static __n::ControllerDef
        }
    });
    Ok(quote! {
        #item

        const _: () = {
            use ::nestling::__private as __n;
            static __NESTLING_MODULE: __n::ModuleDef = __n::ModuleDef {
                name: #name,
                type_id: __n::type_id::<#ident>,
                imports: &[#(#imports),*],
                controllers: &[#(#controllers),*],
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
