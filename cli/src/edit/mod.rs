//! Edits of an app's Rust files for `nestling generate`. Each one parses the
//! file with syn, finds where the new text belongs from the byte ranges of
//! what it found (proc-macro2's `span-locations`), and splices the text into
//! the original source: comments, blank lines and formatting elsewhere are
//! left exactly as they were.
//!
//! * `module_list.rs`: add an item to a `#[module(..)]` list
//!   (`controllers = [..]`, `imports = [..]`, ...), creating the list if needed.
//! * `items.rs`: add a `mod` or `use` item next to the file's others.
//! * `splice.rs`: inserting into a comma-separated sequence in the style it
//!   is already written in (one line, or one element per line).

mod items;
mod module_list;
mod splice;

pub use items::{add_mod, add_use};
pub use module_list::{add_to_module, has_module};

/// Parses `source` as a Rust file, with a message that says where it fails.
fn parse(source: &str) -> Result<syn::File, String> {
    syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        format!(
            "it is not valid Rust ({e}, at line {}, column {})",
            at.line,
            at.column + 1
        )
    })
}
