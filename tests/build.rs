//! The Rust snippets of the README and the guide (`docs/*.md`) that are
//! meant to compile, written into one file the docs test includes: they
//! compile with the test itself, so a snippet that drifts from the API
//! fails the build of the tests. (The snippets that are the text of the
//! generated code, a build script or a test of the example app are
//! compared with those files by the test instead.)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository")
        .to_path_buf();
    let mut documents = vec![root.join("README.md")];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    documents.extend(pages);
    println!("cargo::rerun-if-changed={}", root.join("docs").display());
    let mut out = String::new();
    let mut compared = String::new();
    let mut n = 0;
    for document in &documents {
        println!("cargo::rerun-if-changed={}", document.display());
        let text = std::fs::read_to_string(document).expect("read");
        let shown = document
            .strip_prefix(&root)
            .unwrap_or(document)
            .display()
            .to_string();
        for (i, block) in rust_blocks(&text).iter().enumerate() {
            let is_compared = block.contains("// src/main.rs or lib.rs")
                || block.contains("#[schemac_runtime::test")
                || block.trim_start().starts_with("pub async fn");
            if is_compared {
                let _ = writeln!(
                    compared,
                    "    ({:?}, r####\"{block}\"####),",
                    format!("{shown}, Rust block {}", i + 1)
                );
                continue;
            }
            n += 1;
            // `use` lines go to the module's top; the rest into the function.
            let (uses, body): (Vec<&str>, Vec<&str>) =
                block.lines().partition(|l| l.starts_with("use "));
            let _ = write!(
                out,
                "/// {shown}, Rust block {}\n#[allow(unused, clippy::all)]\nmod snippet_{n} {{\n    use super::prelude::*;\n{}\n    pub async fn snippet(environment: String) -> Result<(), Box<dyn std::error::Error>> {{\n{}\n        Ok(())\n    }}\n}}\n\n",
                i + 1,
                uses.join("\n"),
                body.join("\n")
            );
        }
    }
    let _ = writeln!(
        out,
        "/// How many snippets were compiled.\npub const COMPILED: usize = {n};"
    );
    let _ = writeln!(
        out,
        "/// The snippets compared with files instead: (place, text).\npub const COMPARED: &[(&str, &str)] = &[\n{compared}];"
    );
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("doc_snippets.rs");
    std::fs::write(dest, out).expect("write");
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
