// The guide shows this file (docs/generated-api.md): a test checks that it
// still says the same.
fn main() {
    schemac::Builder::new()
        .project("../multitenant") // or .schema_dir("schema"), without named queries
        .generate()
        .unwrap(); // OUT_DIR/schema.rs
}
