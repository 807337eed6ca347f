//! Attribute macros for [nestling](https://docs.rs/nestling).
//!
//! Use them through `nestling` (`use nestling::prelude::*`), not directly.
//! Every macro here is thin: it checks what it can at compile time and emits
//! plain `&'static` data plus an `inventory::submit!`; everything that runs
//! lives in the `nestling` crate. Each entry point delegates to one module:
//!
//! * [`controller`](macro@controller) -> `controller/` (route attributes are read there)
//! * [`injectable`](macro@injectable) -> `injectable.rs`
//! * [`module`](macro@module) -> `module.rs`
//! * the route attributes used outside a controller -> `misplaced.rs`

use proc_macro::TokenStream;

mod controller;
mod injectable;
mod misplaced;
mod module;
// The route-path parser is shared with the runtime, byte for byte.
#[path = "../../framework/src/routing/pattern.rs"]
#[allow(dead_code)]
mod pattern;

/// Marks an `impl` block as a controller; see `nestling::controller`.
#[proc_macro_attribute]
pub fn controller(args: TokenStream, input: TokenStream) -> TokenStream {
    controller::expand(args.into(), input.into()).into()
}

/// Makes a struct a class provider; see `nestling::injectable`.
#[proc_macro_attribute]
pub fn injectable(args: TokenStream, input: TokenStream) -> TokenStream {
    injectable::expand(args.into(), input.into()).into()
}

/// Declares a module; see `nestling::module`.
#[proc_macro_attribute]
pub fn module(args: TokenStream, input: TokenStream) -> TokenStream {
    module::expand(args.into(), input.into()).into()
}

macro_rules! misplaced_attributes {
    ($($name:ident),* $(,)?) => {$(
        /// A route attribute; only valid on a method inside a `#[controller]` impl block.
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, input: TokenStream) -> TokenStream {
            misplaced::expand(stringify!($name), args.into(), input.into()).into()
        }
    )*};
}

misplaced_attributes!(
    get, post, put, patch, delete, options, head, all, http_code, header, redirect, render,
    skip_csrf
);
