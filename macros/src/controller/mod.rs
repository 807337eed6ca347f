//! `#[controller]`: reads the route attributes of an `impl` block and emits one
//! static `ControllerDef` (with a `RouteDef` per handler) registered through
//! `inventory`. The generated handler glue only calls injectors in order, calls
//! the method and converts its result; the rest is `nestling::__private` code.

mod parse;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ItemImpl, LitStr, ReturnType, Type};

use parse::{ControllerArgs, RouteAttrs};

pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    match try_expand(args, input.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            // Keep the impl so that one mistake does not cascade into
            // "method not found" errors everywhere else.
            let stripped = strip_route_attrs(input);
            quote! { #error #stripped }
        }
    }
}

fn strip_route_attrs(input: TokenStream) -> TokenStream {
    let Ok(mut item) = syn::parse2::<ItemImpl>(input.clone()) else {
        return input;
    };
    for impl_item in &mut item.items {
        if let ImplItem::Fn(method) = impl_item {
            method.attrs.retain(|a| {
                let name = a
                    .path()
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                !parse::ROUTE_ATTRIBUTES.iter().any(|(n, _)| *n == name)
                    && !parse::is_modifier(&name)
            });
        }
    }
    quote! { #item }
}

fn try_expand(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let args: ControllerArgs = syn::parse2(args)?;
    let mut item: ItemImpl = syn::parse2(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "`#[controller]` goes on an `impl` block: `#[controller(\"cats\")] impl CatsController { ... }`",
        )
    })?;
    if let Some((_, path, _)) = &item.trait_ {
        return Err(syn::Error::new(
            path.span(),
            "`#[controller]` goes on an inherent `impl` block, not on a trait implementation",
        ));
    }
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(
            item.generics.span(),
            "a controller cannot be generic; route handlers need one concrete type",
        ));
    }
    if let Some(host) = &args.host {
        check_host(host)?;
    }
    let self_ty = item.self_ty.clone();
    let controller_name = match &*self_ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "`#[controller]` needs a named struct type",
            ));
        }
    };

    let mut routes = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let result = parse::take_route_attrs(method).and_then(|attrs| match attrs {
            Some(attrs) => route(args.path.as_ref(), &self_ty, method, attrs, routes.len())
                .map(|r| routes.push(r)),
            None => Ok(()),
        });
        if let Err(e) = result {
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }

    let host = match &args.host {
        Some(h) => quote!(::core::option::Option::Some(#h)),
        None => quote!(::core::option::Option::None),
    };
    let route_defs = routes.iter().map(|r| &r.def);
    let route_fns = routes.iter().map(|r| &r.glue);
    Ok(quote! {
        #item

        const _: () = {
            use ::nestling::__private as __n;
            #(#route_fns)*
            static __NESTLING_ROUTES: &[__n::RouteDef] = &[#(#route_defs),*];
            static __NESTLING_CONTROLLER: __n::ControllerDef = __n::ControllerDef {
                name: #controller_name,
                type_id: __n::type_id::<#self_ty>,
                host: #host,
                routes: __NESTLING_ROUTES,
                dependencies: <#self_ty as __n::Injectable>::dependencies,
                scope: __n::scope_of::<#self_ty>,
                construct: __n::construct_controller::<#self_ty>,
                hooks: <#self_ty as __n::Injectable>::hooks,
            };
            impl __n::Controller for #self_ty {
                fn definition() -> &'static __n::ControllerDef {
                    &__NESTLING_CONTROLLER
                }
            }
            __n::inventory::submit! {
                __n::ControllerRegistration(&__NESTLING_CONTROLLER)
            }
        };
    })
}

fn check_host(host: &LitStr) -> syn::Result<()> {
    let value = host.value();
    if value.is_empty() || value.contains('/') {
        return Err(syn::Error::new(
            host.span(),
            "a host pattern is a domain such as \":account.example.com\"",
        ));
    }
    for label in value.split('.') {
        if let Some(name) = label.strip_prefix(':') {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(syn::Error::new(
                    host.span(),
                    format!("invalid host parameter `{label}`: write `:name` for a whole label"),
                ));
            }
        } else if label.is_empty() || label.contains(':') {
            return Err(syn::Error::new(
                host.span(),
                format!("invalid host label `{label}`"),
            ));
        }
    }
    Ok(())
}

struct Route {
    def: TokenStream,
    glue: TokenStream,
}

fn route(
    prefix: Option<&LitStr>,
    self_ty: &Type,
    method: &syn::ImplItemFn,
    attrs: RouteAttrs,
    index: usize,
) -> syn::Result<Route> {
    let sig = &method.sig;
    let name = &sig.ident;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span(),
            format!("route handler `{name}` must be an `async fn`"),
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "route handlers cannot be generic",
        ));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() => {}
        Some(FnArg::Receiver(r)) => {
            return Err(syn::Error::new_spanned(
                r,
                "route handlers take `&self`: the controller is shared by concurrent requests; use a `Mutex` or atomic inside it for state",
            ));
        }
        _ => {
            return Err(syn::Error::new(
                sig.ident.span(),
                format!("route handler `{name}` must take `&self` as its first parameter"),
            ));
        }
    }

    let parsed = parse::translate(prefix, attrs.path.as_ref(), attrs.method_span)?;
    let full_path = parse_full_path(prefix, attrs.path.as_ref());
    let matchit_path = &parsed.matchit;
    let empty_wildcard = match &parsed.empty_wildcard {
        Some(p) => quote!(::core::option::Option::Some(#p)),
        None => quote!(::core::option::Option::None),
    };
    let params = &parsed.params;
    let method_variant = format_ident!("{}", attrs.method);

    let args_static = format_ident!("__NESTLING_ARGS_{}", index);
    let bind_fn = format_ident!("__nestling_bind_{}", index);
    let self_ty_str = quote!(#self_ty).to_string().replace(' ', "");
    let handler_label = format!("{self_ty_str}::{name}");
    let mut arg_infos = Vec::new();
    let mut injections = Vec::new();
    let mut arg_idents = Vec::new();
    for (position, input) in inputs.enumerate() {
        let FnArg::Typed(pat_type) = input else {
            unreachable!("only the first parameter can be a receiver")
        };
        let ty = &pat_type.ty;
        let arg_name = parse::arg_name(&pat_type.pat);
        let type_name = quote!(#ty).to_string().replace(' ', "");
        arg_infos.push(quote! {
            __n::ArgInfo {
                name: #arg_name,
                position: #position,
                type_name: #type_name,
                handler: #handler_label,
                kind: <#ty as __n::Injector>::KIND,
            }
        });
        let ident = format_ident!("__a{}", position);
        injections.push(quote_spanned! {ty.span()=>
            // Called through the trait (not a helper with a bound) so that a
            // type that is not an injector is reported once, not twice.
            let #ident = match <#ty as __n::Injector>::inject(&mut ctx, &#args_static[#position]).await {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(rejection) => {
                    break 'handler __n::IntoResponse::into_response(rejection);
                }
            };
        });
        arg_idents.push(ident);
    }
    let arg_count = arg_infos.len();
    let output_span = match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let respond = match &attrs.render {
        None => quote_spanned! {output_span=>
            __n::into_response(this.#name(#(#arg_idents),*).await)
        },
        // `#[render]`: the value is the template's context; a `Result`'s
        // error answers as usual.
        Some(template) if returns_result(&sig.output) => quote_spanned! {output_span=>
            match this.#name(#(#arg_idents),*).await {
                ::core::result::Result::Ok(model) => __n::render_route(&mut ctx, #template, &model),
                ::core::result::Result::Err(error) => __n::into_response(error),
            }
        },
        Some(template) => quote_spanned! {output_span=>
            __n::render_route(&mut ctx, #template, &this.#name(#(#arg_idents),*).await)
        },
    };

    let glue = quote! {
        static #args_static: [__n::ArgInfo; #arg_count] = [#(#arg_infos),*];
        fn #bind_fn(instance: __n::Instance) -> ::core::option::Option<__n::BoundHandler> {
            let this: __n::Arc<#self_ty> = __n::downcast(instance)?;
            ::core::option::Option::Some(__n::bound(move |mut ctx: __n::RequestContext| {
                let this = ::core::clone::Clone::clone(&this);
                async move {
                    // A block, not a nested `async` block: its result is not
                    // moved out of an inner future. A rejection breaks out
                    // of it with its response.
                    #[allow(unused_labels)]
                    let response: __n::Response = 'handler: {
                        #(#injections)*
                        #respond
                    };
                    // Returned from here, a finished response is not kept
                    // in the future's state across the `await` below.
                    let pending = match __n::finish(&mut ctx, response) {
                        __n::Finished::Done(response) => return response,
                        __n::Finished::Pending(pending) => pending,
                    };
                    pending.await
                }
            }))
        }
    };

    let http_code = match &attrs.http_code {
        Some(code) => {
            let code = code.base10_parse::<u16>()?;
            quote!(::core::option::Option::Some(#code))
        }
        None => quote!(::core::option::Option::None),
    };
    let headers = attrs.headers.iter().map(|(n, v)| quote!((#n, #v)));
    let redirect = match &attrs.redirect {
        Some((url, code)) => {
            let code = match code {
                Some(c) => c.base10_parse::<u16>()?,
                None => 302,
            };
            quote!(::core::option::Option::Some((#url, #code)))
        }
        None => quote!(::core::option::Option::None),
    };
    let render = match &attrs.render {
        Some(template) => quote!(::core::option::Option::Some(#template)),
        None => quote!(::core::option::Option::None),
    };
    let skip_csrf = attrs.skip_csrf;
    let handler_name = name.to_string();
    let def = quote! {
        __n::RouteDef {
            method: __n::RouteMethod::#method_variant,
            path: #full_path,
            matchit_path: #matchit_path,
            empty_wildcard_path: #empty_wildcard,
            params: &[#(#params),*],
            handler: #handler_name,
            args: &#args_static,
            http_code: #http_code,
            headers: &[#(#headers),*],
            redirect: #redirect,
            render: #render,
            skip_csrf: #skip_csrf,
            bind: #bind_fn,
        }
    };
    Ok(Route { def, glue })
}

/// Whether a handler's declared return type is a `Result` (by its last path
/// segment, so `Result`, `std::result::Result` and aliases named `Result`).
fn returns_result(output: &ReturnType) -> bool {
    match output {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(path) => path
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "Result"),
            _ => false,
        },
        ReturnType::Default => false,
    }
}

fn parse_full_path(prefix: Option<&LitStr>, path: Option<&LitStr>) -> String {
    crate::pattern::join(
        &prefix.map(LitStr::value).unwrap_or_default(),
        &path.map(LitStr::value).unwrap_or_default(),
    )
}
