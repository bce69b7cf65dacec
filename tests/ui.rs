//! trybuild: the generated client and argument types used as a library user would.
//! `pass/` cases compile and run; `compile_fail/` cases hold the guarantees the types
//! give (their `.stderr` is committed). Regenerate those with
//! `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn generated_code_compiles_and_guards_its_types() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/compile_fail/*.rs");
}
