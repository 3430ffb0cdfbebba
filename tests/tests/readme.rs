//! Every Rust snippet of the README is code that compiles, or the very text
//! the project writes and builds: the runtime's are compiled here (trybuild,
//! inside an async function with the imports they assume), the generated
//! signature is found in the checked-in code, and the build script is the
//! multitenant app's own, which the workspace builds.

use schemac_tests::repo_root;

/// The README's ```rust blocks, in order.
fn rust_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
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

/// What a runtime snippet assumes: the crate's items in scope, an
/// application module (`app`), and an environment name.
const PRELUDE: &str = "use std::time::*;
use schemac_runtime::migrate::*;
use schemac_runtime::seed::*;
use schemac_runtime::*;

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

#[test]
fn every_rust_snippet_of_the_readme_compiles_or_is_what_schemac_writes() {
    let blocks = rust_blocks();
    assert_eq!(blocks.len(), 4, "a new snippet needs its check here");
    let squeezed = |t: &str| t.split_whitespace().collect::<String>();

    // The generated function of the saas example's named query.
    let generated = std::fs::read_to_string(repo_root().join("generated/saas/rust/queries.rs"))
        .expect("queries.rs");
    assert!(
        generated.contains(blocks[1].trim_end()),
        "the README's signature is not what schemac writes:\n{}",
        blocks[1]
    );

    // The build script and the module that includes its output.
    let (build, include) = blocks[2]
        .split_once("// src/main.rs or lib.rs\n")
        .expect("two files");
    let app = repo_root().join("examples/multitenant-app");
    let build_rs = std::fs::read_to_string(app.join("build.rs")).expect("build.rs");
    let main_rs = std::fs::read_to_string(app.join("src/main.rs")).expect("main.rs");
    let build = build
        .lines()
        .filter(|l| !l.starts_with("// build.rs"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        squeezed(&build_rs).contains(&squeezed(&build)),
        "the README's build.rs is not the multitenant app's:\n{build}"
    );
    assert!(
        squeezed(&main_rs).contains(&squeezed(include)),
        "the README's include is not the multitenant app's:\n{include}"
    );

    // The runtime's: compiled, in the function they assume.
    let dir = repo_root().join("target/readme-snippets");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cases = trybuild::TestCases::new();
    for (i, block) in [(0, &blocks[0]), (3, &blocks[3])] {
        // `use` lines go to the top; the rest into the function.
        let (uses, body): (Vec<&str>, Vec<&str>) =
            block.lines().partition(|l| l.starts_with("use "));
        let file = dir.join(format!("block{i}.rs"));
        std::fs::write(
            &file,
            format!(
                "#![allow(unused)]\n{}\n{PRELUDE}{}\n    Ok(())\n}}\n\nfn main() {{}}\n",
                uses.join("\n"),
                body.join("\n")
            ),
        )
        .expect("write");
        cases.pass(&file);
    }
}
