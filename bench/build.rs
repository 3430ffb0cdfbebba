fn main() {
    // The benchmark's tables, generated the way an application's build.rs does.
    schemac::Builder::new()
        .schema_dir("schema")
        .generate()
        .expect("the benchmark's schema compiles");
}
