fn main() {
    // The multitenant example's schema, generated into OUT_DIR/schema.rs.
    schemac::Builder::new()
        .schema_dir("../multitenant/schema")
        .generate()
        .unwrap();
}
