//! Parsing of `#[controller(...)]` and of the route attributes on its methods.
//! Nothing here generates code; `mod.rs` does.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, ImplItemFn, LitInt, LitStr, Token};

use crate::pattern;

/// `#[controller]`, `#[controller("cats")]`, `#[controller(path = "cats", host = ":account.example.com")]`.
pub struct ControllerArgs {
    pub path: Option<LitStr>,
    pub host: Option<LitStr>,
}

impl Parse for ControllerArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = ControllerArgs {
            path: None,
            host: None,
        };
        if input.is_empty() {
            return Ok(args);
        }
        if input.peek(LitStr) {
            args.path = Some(input.parse()?);
            if input.is_empty() {
                return Ok(args);
            }
            input.parse::<Token![,]>()?;
        }
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            match key.to_string().as_str() {
                "path" if args.path.is_none() => args.path = Some(value),
                "host" if args.host.is_none() => args.host = Some(value),
                "path" | "host" => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("`{key}` is given twice"),
                    ));
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown controller option `{key}`; expected `path` or `host`"),
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

/// The HTTP methods a route attribute can name, as the runtime spells them.
pub const ROUTE_ATTRIBUTES: &[(&str, &str)] = &[
    ("get", "Get"),
    ("post", "Post"),
    ("put", "Put"),
    ("patch", "Patch"),
    ("delete", "Delete"),
    ("options", "Options"),
    ("head", "Head"),
    ("all", "All"),
];

/// Everything the attributes of one handler method say.
pub struct RouteAttrs {
    /// `Get`, `Post`, ... (a variant of `nestling::__private::RouteMethod`).
    pub method: &'static str,
    pub method_span: Span,
    /// The method's own path literal, if any.
    pub path: Option<LitStr>,
    pub http_code: Option<LitInt>,
    pub headers: Vec<(LitStr, LitStr)>,
    pub redirect: Option<(LitStr, Option<LitInt>)>,
    /// `#[render("index")]`: the template the handler's value is rendered with.
    pub render: Option<LitStr>,
    /// `#[skip_csrf]`: the route is left out of `use_csrf`'s check.
    pub skip_csrf: bool,
}

fn attr_name(attr: &Attribute) -> Option<String> {
    attr.path().segments.last().map(|s| s.ident.to_string())
}

pub fn is_modifier(name: &str) -> bool {
    matches!(
        name,
        "http_code" | "header" | "redirect" | "render" | "skip_csrf"
    )
}

/// Removes nestling's attributes from `method` and returns what they said,
/// or `None` when the method has no route attribute (a plain helper method).
pub fn take_route_attrs(method: &mut ImplItemFn) -> syn::Result<Option<RouteAttrs>> {
    let mut route: Option<RouteAttrs> = None;
    let mut modifiers: Vec<Attribute> = Vec::new();
    let mut kept = Vec::with_capacity(method.attrs.len());
    for attr in std::mem::take(&mut method.attrs) {
        let name = attr_name(&attr).unwrap_or_default();
        if let Some(&(_, variant)) = ROUTE_ATTRIBUTES.iter().find(|(n, _)| *n == name) {
            if route.is_some() {
                return Err(syn::Error::new_spanned(
                    &attr,
                    "a handler can have only one route attribute; write a second method for the second route",
                ));
            }
            let path = match &attr.meta {
                syn::Meta::Path(_) => None,
                syn::Meta::List(list) => Some(list.parse_args::<LitStr>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("expected a path string, e.g. `#[{name}(\":id\")]`"),
                    )
                })?),
                syn::Meta::NameValue(nv) => {
                    return Err(syn::Error::new(
                        nv.span(),
                        format!("write `#[{name}(\"path\")]`, not `#[{name} = ...]`"),
                    ));
                }
            };
            route = Some(RouteAttrs {
                method: variant,
                method_span: attr.span(),
                path,
                http_code: None,
                headers: Vec::new(),
                redirect: None,
                render: None,
                skip_csrf: false,
            });
        } else if is_modifier(&name) {
            modifiers.push(attr);
        } else {
            kept.push(attr);
        }
    }
    method.attrs = kept;
    let Some(mut route) = route else {
        if let Some(attr) = modifiers.first() {
            let name = attr_name(attr).unwrap_or_default();
            return Err(syn::Error::new_spanned(
                attr,
                format!(
                    "`#[{name}]` needs a route attribute on the same method (`#[get]`, `#[post]`, ...)"
                ),
            ));
        }
        return Ok(None);
    };
    for attr in modifiers {
        match attr_name(&attr).as_deref() {
            Some("http_code") => {
                let code: LitInt = attr.parse_args()?;
                check_status(&code, 100..=599)?;
                route.http_code = Some(code);
            }
            Some("header") => {
                let HeaderArgs(name, value) = attr.parse_args()?;
                check_header(&name, &value)?;
                route.headers.push((name, value));
            }
            Some("redirect") => {
                let RedirectArgs(url, code) = attr.parse_args()?;
                if let Some(code) = &code {
                    check_status(code, 300..=399)?;
                }
                route.redirect = Some((url, code));
            }
            Some("render") => {
                let template: LitStr = attr.parse_args().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "expected a template name, e.g. `#[render(\"index\")]`",
                    )
                })?;
                if template.value().trim().is_empty() {
                    return Err(syn::Error::new(
                        template.span(),
                        "the template name is empty; name a file of the views folder, e.g. `#[render(\"index\")]`",
                    ));
                }
                route.render = Some(template);
            }
            Some("skip_csrf") => {
                if !matches!(attr.meta, syn::Meta::Path(_)) {
                    return Err(syn::Error::new_spanned(
                        &attr,
                        "`#[skip_csrf]` takes no arguments",
                    ));
                }
                route.skip_csrf = true;
            }
            _ => unreachable!("only modifiers are collected"),
        }
    }
    Ok(Some(route))
}

fn check_status(code: &LitInt, range: std::ops::RangeInclusive<u16>) -> syn::Result<()> {
    let value: u16 = code.base10_parse()?;
    if !range.contains(&value) {
        return Err(syn::Error::new(
            code.span(),
            format!(
                "status code must be between {} and {}",
                range.start(),
                range.end()
            ),
        ));
    }
    Ok(())
}

fn check_header(name: &LitStr, value: &LitStr) -> syn::Result<()> {
    let n = name.value();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if n.is_empty() || !n.chars().all(token) {
        return Err(syn::Error::new(
            name.span(),
            "invalid header name: use letters, digits and `-` (e.g. \"Cache-Control\")",
        ));
    }
    if !value
        .value()
        .chars()
        .all(|c| c == '\t' || (' '..='~').contains(&c))
    {
        return Err(syn::Error::new(
            value.span(),
            "invalid header value: only visible ASCII characters, spaces and tabs are allowed",
        ));
    }
    Ok(())
}

struct HeaderArgs(LitStr, LitStr);

impl Parse for HeaderArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = input.parse()?;
        input.parse::<Token![,]>()?;
        let value = input.parse()?;
        let _ = input.parse::<Option<Token![,]>>()?;
        Ok(HeaderArgs(name, value))
    }
}

struct RedirectArgs(LitStr, Option<LitInt>);

impl Parse for RedirectArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let url = input.parse()?;
        let mut code = None;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            code = Some(input.parse()?);
        }
        Ok(RedirectArgs(url, code))
    }
}

/// A path joined with its controller prefix and translated, or a compile
/// error on the literal that caused the problem.
pub fn translate(
    prefix: Option<&LitStr>,
    path: Option<&LitStr>,
    fallback: Span,
) -> syn::Result<pattern::ParsedPath> {
    let prefix_value = prefix.map(LitStr::value).unwrap_or_default();
    let path_value = path.map(LitStr::value).unwrap_or_default();
    let full = pattern::join(&prefix_value, &path_value);
    // Blame the literal that holds the offending byte.
    let blame = |offset: usize| -> Span {
        let prefix_len = pattern::join(&prefix_value, "").len();
        match (prefix, path) {
            (Some(p), _) if offset < prefix_len && !prefix_value.trim_matches('/').is_empty() => {
                p.span()
            }
            (_, Some(p)) => p.span(),
            (Some(p), None) => p.span(),
            (None, None) => fallback,
        }
    };
    let parsed = pattern::parse(&full).map_err(|e| {
        let at = full[e.offset..].chars().next().unwrap_or(' ');
        syn::Error::new(
            blame(e.offset),
            format!("invalid route path `{full}`: {} (at `{at}`)", e.message),
        )
    })?;
    let mut router = matchit::Router::new();
    if let Err(e) = router.insert(parsed.matchit.as_str(), ()) {
        return Err(syn::Error::new(
            blame(full.len().saturating_sub(1)),
            format!("invalid route path `{full}`: {e}"),
        ));
    }
    Ok(parsed)
}

/// The argument name a handler parameter is known by (`id` in `id: Param<u32>`
/// or in `Param(id): Param<u32>`): injectors such as `Param` use it as the key.
pub fn arg_name(pat: &syn::Pat) -> String {
    match pat {
        syn::Pat::Ident(p) => p.ident.to_string(),
        syn::Pat::TupleStruct(t) if t.elems.len() == 1 => arg_name(&t.elems[0]),
        syn::Pat::Reference(r) => arg_name(&r.pat),
        syn::Pat::Type(t) => arg_name(&t.pat),
        _ => String::new(),
    }
    .trim_start_matches("r#")
    .to_string()
}
