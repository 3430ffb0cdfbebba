fn main() {
    // The multitenant example (its schema and its named queries, typed in
    // the checked-in lock), generated into OUT_DIR/schema.rs.
    schemac::Builder::new()
        .project("../multitenant")
        .generate()
        .unwrap();
}
