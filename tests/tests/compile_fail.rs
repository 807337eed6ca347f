//! Macro misuse is a compile error that points at the mistake and says, in
//! one sentence, what to write instead. Each case in `ui/` is a small program
//! that must not compile; its `.stderr` file is the exact message expected.
//!
//! After changing a message on purpose, regenerate the snapshots with
//! `TRYBUILD=overwrite cargo test -p nestling-tests --test compile_fail`
//! and read the diff.

#[test]
fn macro_misuse_is_reported_at_the_mistake() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
