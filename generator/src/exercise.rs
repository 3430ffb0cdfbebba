//! The whole compile path over one schema file's bytes, for the fuzz target
//! (`fuzz/`) and the test that replays its corpus: parse, resolve, report
//! the diagnostics, and for a schema without errors its snapshot, the SQL
//! that creates it, the migration from nothing and the Rust code. Nothing
//! here may panic, and nothing may take long or much memory, whatever the
//! bytes.

use std::path::PathBuf;

use schemac_schema::{Diagnostics, Schema, SourceMap, compile_sources, snapshot};

/// How much output the path made (so that nothing is optimised away).
pub fn whole_path(bytes: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 0;
    };
    let compiled = compile_sources(
        vec![(
            "main".to_owned(),
            vec![(PathBuf::from("schema/fuzz.yaml"), text.to_owned())],
        )],
        SourceMap::new(),
        Diagnostics::new(),
    );
    if compiled.has_errors() {
        return compiled.report().to_string().len();
    }
    let mut made = compiled.report().to_string().len();
    for schema in &compiled.schemas {
        made += snapshot::to_json(schema).len();
        made += crate::ddl::create_schema(schema).len();
        let empty = Schema::empty(&schema.database);
        let steps = crate::migration::steps::migration_steps(&empty, schema);
        made += steps.steps.len();
        let back = crate::migration::steps::migration_steps(schema, &empty);
        made += back.steps.len();
        // A template mistake is a CodegenError, not a panic; either is made.
        made += crate::rust::render(schema, "schema/").map_or(1, |files| files.len());
    }
    made
}
