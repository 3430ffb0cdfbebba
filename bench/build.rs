fn main() {
    // The benchmark's tables, generated the way an application's build.rs does.
    // The project (schemac.toml): its named queries come typed from their lock.
    schemac::Builder::new()
        .project(".")
        .generate()
        .expect("the benchmark's schema compiles");
}
