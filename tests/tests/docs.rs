//! Every Rust snippet of the README and of the guide (`docs/*.md`) is code
//! that compiles, or the very text the project writes and builds: the
//! runtime's are compiled into this test (build.rs writes each into an
//! async function with the imports they assume), a generated signature is found in the checked-in
//! code, the build script and the test attribute are the multitenant app's
//! own, which the workspace builds and tests. (The shell snippets are
//! checked against the command line in the generator's tests.)

use std::path::PathBuf;

use schemac_tests::repo_root;

/// What a runtime snippet assumes: the crate's items in scope, a table of
/// the generated code, and an application module (`app`).
#[allow(unused_imports)]
mod prelude {
    pub use schemac_generated::multitenant::tenants::{self, NewTenant};
    pub use schemac_runtime::migrate::*;
    pub use schemac_runtime::seed::*;
    pub use schemac_runtime::*;
    pub use std::time::*;

    /// The application's own code a seed calls.
    pub mod app {
        pub mod tenants {
            pub async fn create(
                _tx: &schemac_runtime::Transaction<schemac_runtime::ReadWrite>,
                _slug: &str,
                _name: &str,
            ) -> Result<(), schemac_runtime::Error> {
                Ok(())
            }
        }
    }
}

// The snippets that compile, one module each (see build.rs): this test
// does not build if one of them does not.
include!(concat!(env!("OUT_DIR"), "/doc_snippets.rs"));
const _: () = assert!(COMPILED >= 3, "the docs' compiling snippets were not found");

fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.extend(std::fs::read_to_string(&path).ok());
            }
        }
    }
    out
}

#[test]
fn every_rust_snippet_of_the_docs_compiles_or_is_what_schemac_writes() {
    let app = repo_root().join("examples/multitenant-app");
    let read = |path: PathBuf| std::fs::read_to_string(&path).expect("read");
    let build_rs = read(app.join("build.rs"));
    let lib_rs = read(app.join("src/lib.rs"));
    let app_tests = read(app.join("tests/helper.rs"));
    let generated = rust_files(&repo_root().join("generated"));
    for (place, block) in COMPARED {
        if let Some((build, include)) = block.split_once("// src/main.rs or lib.rs\n") {
            // The build script and the module that includes its output.
            let build: String = build
                .lines()
                .filter(|l| !l.starts_with("// build.rs"))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                squeezed(&build_rs).contains(&squeezed(&build)),
                "{place}: not the multitenant app's build.rs:\n{build}"
            );
            assert!(
                squeezed(&lib_rs).contains(&squeezed(include)),
                "{place}: not the multitenant app's include:\n{include}"
            );
        } else if block.contains("#[schemac_runtime::test") {
            assert!(
                squeezed(&app_tests).contains(&squeezed(block)),
                "{place}: not a test of the multitenant app:\n{block}"
            );
        } else {
            assert!(
                generated.iter().any(|g| g.contains(block.trim_end())),
                "{place}: not what schemac writes:\n{block}"
            );
        }
    }
    let checked = COMPILED + COMPARED.len();
    assert!(checked >= 6, "the docs' Rust snippets were not found");
}

/// The guide builds as an mdBook (`mdbook build docs`): its summary lists
/// every page, so that no page is left out of the book.
#[test]
fn the_books_summary_lists_every_page_of_the_guide() {
    let docs = repo_root().join("docs");
    let summary = std::fs::read_to_string(docs.join("SUMMARY.md")).expect("docs/SUMMARY.md");
    let mut pages: Vec<String> = std::fs::read_dir(&docs)
        .expect("docs/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "SUMMARY.md")
        .collect();
    pages.sort();
    assert!(pages.len() >= 12, "{pages:?}");
    for page in pages {
        assert!(
            summary.contains(&format!("]({page})")),
            "docs/SUMMARY.md does not list {page}"
        );
    }
}

/// Every YAML snippet of the guide and the README that is a whole schema
/// file (it opens with a top-level section) compiles without an error, with
/// PostgreSQL's parser checking the SQL it carries.
#[test]
fn every_whole_schema_snippet_of_the_docs_compiles() {
    const SECTIONS: &[&str] = &[
        "pg_schema:",
        "extensions:",
        "ids:",
        "enums:",
        "mixins:",
        "tables:",
        "views:",
        "functions:",
        "aggregates:",
        "sequences:",
        "domains:",
    ];
    let root = repo_root();
    let mut pages = vec![root.join("README.md")];
    pages.extend(
        std::fs::read_dir(root.join("docs"))
            .expect("docs/")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    pages.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).expect("a page");
        for (i, block) in text.split("```yaml\n").skip(1).enumerate() {
            let Some((yaml, _)) = block.split_once("```") else {
                continue;
            };
            let first = yaml
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with('#'));
            if !first.is_some_and(|l| SECTIONS.iter().any(|s| l.starts_with(s))) {
                continue;
            }
            checked += 1;
            let name = format!("{}#{}.yaml", page.display(), i + 1);
            let compiled = schemac_schema::compile_sources(
                vec![("main".into(), vec![(name.clone().into(), yaml.to_string())])],
                schemac_schema::SourceMap::new(),
                schemac_schema::Diagnostics::new(),
            );
            let mut errors = if compiled.has_errors() {
                compiled.render_diagnostics()
            } else {
                String::new()
            };
            let mut diagnostics = schemac_schema::Diagnostics::new();
            let mut sources = schemac_schema::SourceMap::new();
            let file = sources.add(name.clone(), yaml.to_string());
            let ast = schemac_schema::parse::parse_file(file, yaml, &mut diagnostics);
            if let Some(parser) = schemac::sql_parser() {
                schemac_schema::expressions::check_file(&ast, parser, &mut diagnostics);
            }
            if diagnostics.has_errors() {
                errors.push_str(&diagnostics.render(&sources));
            }
            if !errors.is_empty() {
                failures.push(format!("{name}:\n{errors}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 3, "the docs' schema snippets were not found");
}
