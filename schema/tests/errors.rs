//! Every kind of schema error, pinned.
//!
//! Each case under `tests/errors/` is a schema file (or a directory of them)
//! whose `# expect: LINE:COL message` comments say which errors it must
//! produce. The test checks that each is reported at that file, line and
//! column with the offending source line shown, that nothing else is an
//! error, and that the whole rendering matches the case's `.stderr` file
//! (`SCHEMAC_BLESS=1` rewrites those).

use std::path::{Path, PathBuf};

use schemac_schema::{Diagnostics, SourceMap, compile_sources};

struct Expect {
    file: String,
    line: u32,
    col: u32,
    message: String,
}

fn case_files(case: &Path) -> Vec<(PathBuf, String)> {
    let mut paths = if case.is_dir() {
        schemac_schema::schema_files(case).expect("case dir")
    } else {
        vec![case.to_path_buf()]
    };
    paths.sort();
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("case file");
            (
                p.strip_prefix(base).expect("inside crate").to_path_buf(),
                text,
            )
        })
        .collect()
}

fn expectations(files: &[(PathBuf, String)]) -> Vec<Expect> {
    let mut out = Vec::new();
    for (path, text) in files {
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("# expect: ") else {
                continue;
            };
            let (pos, message) = rest.split_once(' ').expect("`# expect: LINE:COL message`");
            let (l, c) = pos.split_once(':').expect("LINE:COL");
            out.push(Expect {
                file: path.display().to_string(),
                line: l.parse().expect("line"),
                col: c.parse().expect("col"),
                message: message.to_string(),
            });
        }
    }
    out
}

fn check_case(case: &Path) -> Result<(), String> {
    let files = case_files(case);
    let expects = expectations(&files);
    assert!(
        !expects.is_empty(),
        "{} has no `# expect:` lines",
        case.display()
    );
    let compiled = compile_sources(
        vec![("main".into(), files.clone())],
        SourceMap::new(),
        Diagnostics::new(),
    );
    let rendered = compiled.render_diagnostics();
    let mut problems = Vec::new();
    if compiled.diagnostics.error_count() != expects.len() {
        problems.push(format!(
            "expected {} errors, got {}",
            expects.len(),
            compiled.diagnostics.error_count()
        ));
    }
    for e in &expects {
        let found = compiled.diagnostics.iter().any(|d| {
            let Some(p) = &d.primary else { return false };
            d.message.contains(&e.message)
                && compiled.sources.path(p.span.file).display().to_string() == e.file
                && p.span.start.line == e.line
                && p.span.start.col == e.col
        });
        if !found {
            problems.push(format!(
                "no error `{}` at {}:{}:{}",
                e.message, e.file, e.line, e.col
            ));
        }
        // The rendering names the place and shows the offending line.
        let location = format!("--> {}:{}:{}", e.file, e.line, e.col);
        let (_, text) = files
            .iter()
            .find(|(p, _)| p.display().to_string() == e.file)
            .expect("file");
        let source_line = text
            .lines()
            .nth(e.line as usize - 1)
            .unwrap_or_default()
            .trim_end();
        if !rendered.contains(&location) || !rendered.contains(source_line) {
            problems.push(format!(
                "rendering lacks `{location}` or the line `{source_line}`"
            ));
        }
    }
    let golden = case.with_extension("stderr");
    if std::env::var_os("SCHEMAC_BLESS").is_some() {
        std::fs::write(&golden, &rendered).expect("write golden");
    } else {
        match std::fs::read_to_string(&golden) {
            Ok(g) if g == rendered => {}
            Ok(g) => problems.push(format!(
                "rendering differs from {}:\n--- golden\n{g}\n--- now\n{rendered}",
                golden.display()
            )),
            Err(_) => problems.push(format!(
                "missing {}; run with SCHEMAC_BLESS=1",
                golden.display()
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}:\n  {}\n{rendered}",
            case.display(),
            problems.join("\n  ")
        ))
    }
}

#[test]
fn every_error_case_reports_file_line_and_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/errors")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 18, "error cases went missing: {cases:?}");
    let failures: Vec<String> = cases.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
