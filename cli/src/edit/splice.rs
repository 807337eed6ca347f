use std::ops::Range;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

/// The byte range of `span` in the file it was parsed from.
pub(super) fn range(span: Span) -> Range<usize> {
    span.byte_range()
}

/// `source` with `text` inserted at byte `at`.
pub(super) fn insert(source: &str, at: usize, text: &str) -> String {
    let mut out = String::with_capacity(source.len() + text.len());
    out.push_str(&source[..at]);
    out.push_str(text);
    out.push_str(&source[at..]);
    out
}

/// A comma-separated sequence in the source (`[..]`, or an attribute's
/// `(..)`): where its opening delimiter ends, and the byte ranges of its
/// elements and commas, in order.
pub(super) struct Seq {
    pub open_end: usize,
    pub elems: Vec<Range<usize>>,
    pub commas: Vec<Range<usize>>,
}

impl Seq {
    /// The sequence `list` after the delimiter `open`; `span` gives an
    /// element's span.
    pub fn of<T, P: Spanned>(
        open: Span,
        list: &Punctuated<T, P>,
        span: impl Fn(&T) -> Span,
    ) -> Seq {
        Seq {
            open_end: range(open).end,
            elems: list.iter().map(|e| range(span(e))).collect(),
            commas: list
                .pairs()
                .filter_map(|p| p.punct().map(|c| range(c.span())))
                .collect(),
        }
    }

    /// Adds `text` as the last element. It is laid out as the last one is:
    /// on the same line after a space, or on a new line with the same
    /// indentation; a trailing comma is kept if there was one.
    pub fn push(&self, source: &str, text: &str) -> String {
        let Some(last) = self.elems.last() else {
            return insert(source, self.open_end, text);
        };
        // The whitespace before the last element starts after the comma
        // before it, or after the opening delimiter.
        let before_last = match self.elems.len() {
            1 => self.open_end,
            n => self.commas[n - 2].end,
        };
        let gap = layout(&source[before_last..last.start]);
        if self.commas.len() == self.elems.len() {
            let comma = &self.commas[self.commas.len() - 1];
            insert(source, comma.end, &format!("{gap}{text},"))
        } else {
            insert(source, last.end, &format!(",{gap}{text}"))
        }
    }
}
/// The whitespace to put before a new element, copied from what is before
/// the last one: a newline and its indentation, or a space. Comments in
/// there are left behind.
fn layout(between: &str) -> String {
    match between.rfind('\n') {
        Some(newline) => {
            let indent: String = between[newline + 1..]
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            format!("\n{indent}")
        }
        None => " ".to_owned(),
    }
}
