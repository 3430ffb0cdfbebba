//! Misuse that must not compile, with the messages users see pinned in
//! `ui/*.stderr`: writes through read-only executors, and each derive
//! macro's invalid inputs. `TRYBUILD=overwrite` re-records the messages.

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
