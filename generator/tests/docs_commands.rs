//! Every command the README and the guide show in a shell block, or in the
//! synopsis of the commands, is one the tools take: a `schemac` subcommand
//! and each of its flags are in its `--help`, a `cargo -p` names a package
//! of the workspace, a path a command names exists.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository")
        .to_path_buf()
}

/// The lines of every ```sh block, and of every unlabelled block that
/// shows `schemac` commands, with the file they are in.
fn command_lines() -> Vec<(String, String)> {
    let mut docs = vec![root().join("README.md")];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    docs.extend(pages);
    let mut out = Vec::new();
    for doc in docs {
        let text = std::fs::read_to_string(&doc).expect("read");
        let name = doc
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut block: Option<&str> = None;
        for line in text.lines() {
            match (block, line.trim_start()) {
                (None, l) if l.starts_with("```") => block = Some(l.trim_start_matches('`')),
                (Some(_), "```") => block = None,
                (Some(kind @ ("sh" | "")), l) => {
                    let l = l.split(" # ").next().unwrap_or(l).trim();
                    let shell = kind == "sh";
                    if shell || l.starts_with("schemac ") {
                        out.push((name.clone(), l.to_owned()));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The words of a command line, its environment assignments left out.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .map(str::to_owned)
        .collect()
}

fn help(subcommand: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_schemac"))
        .args(subcommand.split(' ').chain(["--help"]))
        .output()
        .expect("schemac --help");
    assert!(
        out.status.success(),
        "`schemac {subcommand}` is not a command: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A `schemac` command line (after `schemac`): its subcommand exists and
/// takes each flag shown.
fn check_schemac(place: &str, args: &[String]) {
    let mut rest = args
        .iter()
        .map(|a| a.trim_matches(|c| c == '[' || c == ']'));
    let mut subcommand = None;
    while let Some(word) = rest.next() {
        match word {
            "-C" => {
                rest.next();
            }
            w if w.starts_with('-') || w.is_empty() => {}
            w => {
                subcommand = Some(w.to_owned());
                break;
            }
        }
    }
    let Some(mut subcommand) = subcommand else {
        return;
    };
    let mut help = help(&subcommand);
    let mut rest: Vec<&str> = rest.collect();
    // A command of commands (`import drizzle`): the flags are the inner one's.
    if let Some(inner) = rest.first().filter(|w| {
        help.contains("Commands:")
            && help
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{w} ")))
    }) {
        subcommand = format!("{subcommand} {inner}");
        help = self::help(&subcommand);
        rest.remove(0);
    }
    for word in rest {
        for flag in word.split('|') {
            let flag = flag.trim_matches(|c| c == '[' || c == ']' || c == '(' || c == ')');
            let flag = flag.split('=').next().unwrap_or(flag);
            if flag.starts_with("--") && flag.len() > 2 {
                assert!(
                    help.contains(flag),
                    "{place}: `schemac {subcommand}` has no {flag}:\n{help}"
                );
            }
        }
    }
}

#[test]
fn every_command_the_docs_show_is_one_the_tools_take() {
    let metadata = Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(root())
        .output()
        .expect("cargo metadata");
    let metadata = String::from_utf8_lossy(&metadata.stdout).into_owned();
    let mut schemac_lines = 0;
    for (file, line) in command_lines() {
        let place = format!("{file}: `{line}`");
        let words = words(&line);
        let Some(first) = words.first() else { continue };
        match first.as_str() {
            "schemac" => {
                schemac_lines += 1;
                check_schemac(&place, &words[1..]);
            }
            "cargo" => {
                for pair in words.windows(2) {
                    match pair[0].as_str() {
                        "-p" => assert!(
                            metadata.contains(&format!("\"name\":\"{}\"", pair[1])),
                            "{place}: no package {} in the workspace",
                            pair[1]
                        ),
                        "--path" => assert!(
                            root().join(&pair[1]).is_dir(),
                            "{place}: no directory {}",
                            pair[1]
                        ),
                        _ => {}
                    }
                }
                if let Some(at) = words.iter().position(|w| w == "--") {
                    if words.iter().any(|w| w == "schemac") {
                        schemac_lines += 1;
                        check_schemac(&place, &words[at + 1..]);
                    }
                }
                if let Some(at) = words.iter().position(|w| w == "python3") {
                    let script = &words[at + 1];
                    assert!(root().join(script).is_file(), "{place}: no file {script}");
                }
            }
            "python3" => {
                let script = &words[1];
                assert!(root().join(script).is_file(), "{place}: no file {script}");
            }
            _ => {}
        }
    }
    assert!(
        schemac_lines >= 10,
        "{schemac_lines} schemac command lines found"
    );
}
