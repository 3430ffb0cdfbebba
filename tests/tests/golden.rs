//! generated/ holds what a fresh run writes for every example, byte for byte.

use std::path::Path;

use schemac::{GenerateOptions, Outcome};
use schemac_tests::{TempDir, copy_dir, diff, examples, read_tree, repo_root};

/// Generates `example` in a scratch copy laid out like the repository
/// (examples/<name> writing into generated/<name>) and returns the copy.
fn fresh_run(example: &str) -> TempDir {
    let tmp = TempDir::new(&format!("golden-{example}"));
    let project = tmp.path().join("examples").join(example);
    copy_dir(&repo_root().join("examples").join(example), &project);
    // A stale migrations directory in the copy would hide a difference.
    assert!(!tmp.path().join("generated").exists());
    let report =
        schemac::generate(&project, &GenerateOptions::default()).expect("example generates");
    assert!(
        report
            .databases
            .iter()
            .all(|(_, o)| matches!(o, Outcome::Created { .. })),
        "{example}: every database gets its first migration"
    );
    tmp
}

#[test]
fn generated_directory_matches_a_fresh_run() {
    let mut problems = Vec::new();
    for example in examples() {
        let tmp = fresh_run(&example);
        let fresh = read_tree(&tmp.path().join("generated").join(&example));
        let checked_in = read_tree(&repo_root().join("generated").join(&example));
        assert!(!fresh.is_empty());
        for (path, text) in &fresh {
            match checked_in.get(path) {
                None => problems.push(format!("{example}: generated/{example}/{path} is missing")),
                Some(old) if old != text => {
                    problems.push(format!("{example}: {path} differs:\n{}", diff(old, text)))
                }
                Some(_) => {}
            }
        }
        for path in checked_in.keys() {
            if !fresh.contains_key(path) {
                problems.push(format!(
                    "{example}: generated/{example}/{path} is not written by a fresh run"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "generated/ is out of date; regenerate it (see docs/repository.md, \"Golden files\"):\n{}",
        problems.join("\n")
    );
}

#[test]
fn generating_twice_writes_nothing_the_second_time() {
    let tmp = fresh_run("marketplace");
    let project = tmp.path().join("examples/marketplace");
    let out_dir = tmp.path().join("generated/marketplace");
    let before: Vec<_> = read_tree(&out_dir).into_iter().collect();
    let mtimes = |dir: &Path| -> Vec<std::time::SystemTime> {
        let mut v: Vec<_> = walk(dir)
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
            .collect();
        v.sort();
        v
    };
    let times = mtimes(&out_dir);
    let report = schemac::generate(&project, &GenerateOptions::default()).expect("second run");
    for (db, outcome) in &report.databases {
        assert_eq!(
            outcome,
            &Outcome::Unchanged {
                last_tag: "0000_init".into()
            },
            "database {db} must be unchanged"
        );
    }
    assert_eq!(before, read_tree(&out_dir).into_iter().collect::<Vec<_>>());
    assert_eq!(times, mtimes(&out_dir), "no file may be rewritten");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn snapshots_round_trip_into_the_same_model() {
    for example in examples() {
        let compiled =
            schemac_schema::compile_project(&repo_root().join("examples").join(&example));
        assert!(!compiled.has_errors(), "{}", compiled.render_diagnostics());
        for schema in &compiled.schemas {
            let json = schemac_schema::snapshot::to_json(schema);
            let back = schemac_schema::snapshot::from_json(&json).expect("snapshot reads back");
            assert_eq!(
                back,
                schema.without_hints(),
                "{example}/{}",
                schema.database
            );
            assert_eq!(
                schemac_schema::snapshot::to_json(&back),
                json,
                "same bytes again"
            );
        }
    }
}

#[test]
fn hints_stay_in_the_model_but_out_of_the_snapshot() {
    let compiled = schemac_schema::compile_project(&repo_root().join("examples/campus"));
    let schema = &compiled.schemas[0];
    let users = schema.table("public", "platform_users").unwrap();
    assert_eq!(
        users
            .column("username")
            .unwrap()
            .hints
            .as_ref()
            .and_then(|h| h.renamed_from.as_deref()),
        Some("handle")
    );
    let seats = schema
        .table("public", "college_branches")
        .unwrap()
        .column("seats")
        .unwrap();
    let using = seats.hints.as_ref().and_then(|h| h.using.as_deref());
    assert_eq!(using, Some("seats::smallint"));
    let edited = schema
        .table("public", "comments")
        .unwrap()
        .column("is_edited")
        .unwrap();
    let backfill = edited.hints.as_ref().and_then(|h| h.backfill.as_deref());
    assert_eq!(backfill, Some("false"));
    let kinds = schema.enum_type("notification_kind").unwrap();
    assert_eq!(
        kinds.hints.value_renames,
        vec![("vote".to_string(), "upvote".to_string())]
    );
    let json = schemac_schema::snapshot::to_json(schema);
    for hint in [
        "renamed_from",
        "\"handle\"",
        "seats::smallint",
        "backfill",
        "remap",
    ] {
        assert!(!json.contains(hint), "hint {hint} leaked into the snapshot");
    }
}

/// What a build script generates (`schemac::Builder`) is the checked-in code,
/// put into one file of inline modules.
#[test]
fn build_script_output_is_the_checked_in_code() {
    for example in examples() {
        let built = schemac::Builder::new()
            .project(repo_root().join("examples").join(&example))
            .emit_rerun_if_changed(false)
            .render()
            .unwrap_or_else(|e| panic!("{example}: {e}"));
        let rust_dir = repo_root().join("generated").join(&example).join("rust");
        let tree = read_tree(&rust_dir);
        let files_under = |prefix: &str| -> Vec<(String, String)> {
            tree.iter()
                .filter_map(|(path, text)| {
                    let rest = path.strip_prefix(prefix)?;
                    (!rest.contains('/')).then(|| (rest.to_owned(), text.clone()))
                })
                .collect()
        };
        let mut expected = String::from(
            "// Generated by schemac from the schema in a build script. Do not edit.\n",
        );
        let databases: Vec<String> = tree
            .keys()
            .filter_map(|p| p.split_once('/').map(|(db, _)| db.to_owned()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if databases.is_empty() {
            expected.push_str(&schemac::rust::single_file(&files_under("")));
        } else {
            // In the order schemac.toml lists them, as the root mod.rs does.
            let root = &tree["mod.rs"];
            for db in root
                .lines()
                .filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';'))
            {
                let code = schemac::rust::single_file(&files_under(&format!("{db}/")));
                expected.push_str(&format!("pub mod {db} {{\n{code}}}\n"));
            }
        }
        assert!(
            built == expected,
            "{example}: the build script's code differs from generated/{example}/rust:\n{}",
            diff(&expected, &built)
        );
    }
}
