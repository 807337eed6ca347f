//! nestling's end-to-end tests live in `tests/`, over real sockets. This
//! library holds the documentation that must not go stale: every chapter of
//! the book (and the README's tour) is included below as the docs of a module,
//! so `cargo test -p nestling-tests --doc` compiles every Rust code block in
//! them and runs those that are not marked `no_run`.
//!
//! A chapter added to `book/src/SUMMARY.md` gets a line here too.

#[doc = include_str!("../../README.md")]
pub mod readme {}

/// The book, chapter by chapter (`book/src/`).
pub mod book {
    #[doc = include_str!("../../book/src/introduction.md")]
    pub mod introduction {}

    #[doc = include_str!("../../book/src/quick-start.md")]
    pub mod quick_start {}

    #[doc = include_str!("../../book/src/first-steps.md")]
    pub mod first_steps {}

    #[doc = include_str!("../../book/src/controllers.md")]
    pub mod controllers {}

    #[doc = include_str!("../../book/src/providers.md")]
    pub mod providers {}

    #[doc = include_str!("../../book/src/modules.md")]
    pub mod modules {}

    #[doc = include_str!("../../book/src/startup-errors.md")]
    pub mod startup_errors {}

    #[doc = include_str!("../../book/src/testing.md")]
    pub mod testing {}

    #[doc = include_str!("../../book/src/mvc.md")]
    pub mod mvc {}

    #[doc = include_str!("../../book/src/sessions.md")]
    pub mod sessions {}

    #[doc = include_str!("../../book/src/deployment.md")]
    pub mod deployment {}
    #[doc = include_str!("../../book/src/security.md")]
    pub mod security {}
}

/// The chapters translated into Chinese (`book/src/zh/`), compiled as the
/// English ones are; `tests/book_translations.rs` checks they keep the
/// English chapters' code blocks and sections.
pub mod book_zh {
    #[doc = include_str!("../../book/src/zh/quick-start.md")]
    pub mod quick_start {}

    #[doc = include_str!("../../book/src/zh/sessions.md")]
    pub mod sessions {}
}
