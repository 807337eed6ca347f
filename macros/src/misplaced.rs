//! A route attribute outside a `#[controller]` impl: `#[controller]` consumes
//! these attributes itself, so reaching this expansion means it is missing.

use proc_macro2::{Span, TokenStream};
use quote::quote;

pub fn expand(name: &str, _args: TokenStream, input: TokenStream) -> TokenStream {
    let message = format!(
        "`#[{name}]` only works on a method inside a `#[controller]` impl block; add `#[controller]` (or `#[controller(\"prefix\")]`) above the `impl`"
    );
    let error = syn::Error::new(Span::call_site(), message).to_compile_error();
    quote! { #error #input }
}
