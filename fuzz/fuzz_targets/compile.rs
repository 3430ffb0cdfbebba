//! The whole compile path (YAML bytes → diagnostics, or snapshot, SQL,
//! migrations and Rust code) over arbitrary input. Run with
//! `cargo fuzz run compile -- -max_total_time=1800 -rss_limit_mb=512 -timeout=5`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(schemac::exercise::whole_path(data));
});
