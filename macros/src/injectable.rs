//! `#[injectable]` on a struct: implements `nestling::di::Injectable`, which
//! injects every field by its type (`Inject<T>`, `Option<Inject<T>>`,
//! `Lazy<T>`, `Req`), and registers the type with `inventory`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Fields, Ident, ItemStruct, LitStr, Token};

pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    match try_expand(args, input.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            match syn::parse2::<ItemStruct>(input.clone()) {
                Ok(mut item) => {
                    strip_inject_attrs(&mut item.fields);
                    quote! { #error #item }
                }
                Err(_) => quote! { #error },
            }
        }
    }
}

struct Args {
    scope: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args { scope: None };
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if key != "scope" || args.scope.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    "expected `scope = singleton`, `scope = request` or `scope = transient`",
                ));
            }
            input.parse::<Token![=]>()?;
            let value: Ident = if input.peek(LitStr) {
                let lit: LitStr = input.parse()?;
                Ident::new(&lit.value(), lit.span())
            } else {
                input.parse()?
            };
            let scope = match value.to_string().as_str() {
                "singleton" => "Singleton",
                "request" => "Request",
                "transient" => "Transient",
                other => {
                    return Err(syn::Error::new(
                        value.span(),
                        format!(
                            "unknown scope `{other}`; expected `singleton`, `request` or `transient`"
                        ),
                    ));
                }
            };
            args.scope = Some(Ident::new(scope, value.span()));
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// What `#[inject(...)]` on a field says.
enum FieldMode {
    Inject { name: Option<LitStr> },
    Default,
}

fn field_mode(attrs: &[syn::Attribute]) -> syn::Result<FieldMode> {
    let mut mode = FieldMode::Inject { name: None };
    for attr in attrs.iter().filter(|a| a.path().is_ident("inject")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                mode = FieldMode::Default;
                Ok(())
            } else if meta.path.is_ident("name") {
                let name: LitStr = meta.value()?.parse()?;
                mode = FieldMode::Inject { name: Some(name) };
                Ok(())
            } else {
                Err(meta.error("expected `#[inject(default)]` or `#[inject(name = \"...\")]`"))
            }
        })?;
    }
    Ok(mode)
}

fn strip_inject_attrs(fields: &mut Fields) {
    for field in fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("inject"));
    }
}

fn try_expand(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(args)?;
    let mut item: ItemStruct = syn::parse2(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "`#[injectable]` goes on a struct; for other values use `Provider::value(..)` or `Provider::factory(..)` in the module's providers",
        )
    })?;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(
            item.generics.span(),
            "an injectable struct cannot be generic; wrap a concrete type instead",
        ));
    }
    let ident = item.ident.clone();
    let mut dependencies = Vec::new();
    let mut values = Vec::new();
    let mut index = 0usize;
    for (position, field) in item.fields.iter().enumerate() {
        let ty = &field.ty;
        let label = match &field.ident {
            Some(name) => format!("field `{name}`"),
            None => format!("field #{position}"),
        };
        let value = match field_mode(&field.attrs)? {
            FieldMode::Default => quote_spanned! {ty.span()=>
                <#ty as ::core::default::Default>::default()
            },
            FieldMode::Inject { name } => {
                let named = name.map(|n| quote!(.named(#n)));
                dependencies.push(quote_spanned! {ty.span()=>
                    <#ty as __n::InjectField>::dependency(__n::Cow::Borrowed(#label)) #named
                });
                let value = quote_spanned! {ty.span()=>
                    <#ty as __n::InjectField>::resolve(resolver, &dependencies[#index])?
                };
                index += 1;
                value
            }
        };
        values.push(match &field.ident {
            Some(name) => quote!(#name: #value),
            None => value,
        });
    }
    strip_inject_attrs(&mut item.fields);
    let construct = match &item.fields {
        Fields::Named(_) => quote!(Self { #(#values),* }),
        Fields::Unnamed(_) => quote!(Self(#(#values),*)),
        Fields::Unit => quote!(Self),
    };
    let scope = args.scope.map(|s| {
        quote! { const SCOPE: __n::Scope = __n::Scope::#s; }
    });
    let uses_deps = if index > 0 {
        quote!(let dependencies = <Self as __n::Injectable>::dependencies();)
    } else {
        quote!(let _ = resolver;)
    };
    Ok(quote! {
        #item

        const _: () = {
            use ::nestling::__private as __n;
            impl __n::Injectable for #ident {
                #scope
                fn dependencies() -> ::std::vec::Vec<__n::Dependency> {
                    ::std::vec![#(#dependencies),*]
                }
                fn construct(resolver: &mut __n::Resolver<'_>) -> ::core::result::Result<Self, __n::DiError> {
                    #uses_deps
                    ::core::result::Result::Ok(#construct)
                }
                fn hooks() -> ::nestling::di::Hooks {
                    __n::hooks!(#ident)
                }
            }
            __n::inventory::submit! {
                __n::InjectableRegistration(__n::Token::of::<#ident>)
            }
        };
    })
}
