//! Every Rust snippet of the README and of the guide (`docs/*.md`) is code
//! that compiles, or the very text the project writes and builds: the
//! runtime's are compiled here (trybuild, inside an async function with the
//! imports they assume), a generated signature is found in the checked-in
//! code, the build script and the test attribute are the multitenant app's
//! own, which the workspace builds and tests. (The shell snippets are
//! checked against the command line in the generator's tests.)

use std::path::PathBuf;

use schemac_tests::repo_root;

/// The README and the guide's pages.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![repo_root().join("README.md")];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repo_root().join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    files.extend(pages);
    files
}

/// The ```rust blocks of a Markdown text, in order.
fn rust_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```rust") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// What a runtime snippet assumes: the crate's items in scope, a table of
/// the generated code, an application module (`app`), and an environment
/// name.
const PRELUDE: &str = "use std::time::*;
use schemac_runtime::migrate::*;
use schemac_runtime::seed::*;
use schemac_runtime::*;
use schemac_generated::multitenant::tenants::{self, NewTenant};

/// The application's own code a seed calls.
mod app {
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

async fn snippet(environment: String) -> Result<(), Box<dyn std::error::Error>> {
";

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
    let dir = repo_root().join("target/doc-snippets");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cases = trybuild::TestCases::new();
    let mut compiled = 0;
    let mut checked = 0;
    for document in documents() {
        let shown = document
            .strip_prefix(repo_root())
            .unwrap_or(&document)
            .display()
            .to_string();
        for (i, block) in rust_blocks(&read(document.clone())).iter().enumerate() {
            checked += 1;
            let place = format!("{shown}, Rust block {}", i + 1);
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
            } else if block.trim_start().starts_with("pub async fn") {
                assert!(
                    generated.iter().any(|g| g.contains(block.trim_end())),
                    "{place}: not what schemac writes:\n{block}"
                );
            } else {
                // `use` lines go to the top; the rest into the function.
                let (uses, body): (Vec<&str>, Vec<&str>) =
                    block.lines().partition(|l| l.starts_with("use "));
                let stem: String = shown
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                let file = dir.join(format!("{stem}_{}.rs", i + 1));
                std::fs::write(
                    &file,
                    format!(
                        "#![allow(unused)]\n// {place}\n{}\n{PRELUDE}{}\n    Ok(())\n}}\n\nfn main() {{}}\n",
                        uses.join("\n"),
                        body.join("\n")
                    ),
                )
                .expect("write");
                cases.pass(&file);
                compiled += 1;
            }
        }
    }
    assert!(checked >= 6, "the docs' Rust snippets were not found");
    assert!(compiled >= 3, "{compiled} compiled");
}
