//! `schemac lint` and `schemac check`: the hazards and problems the library
//! finds, printed as text or JSON, and the exit code they give.

use std::path::Path;
use std::process::ExitCode;

use schemac::Error;

use super::args::LintFormat;
use super::{EXIT_FAILURE, indent};

pub fn run_lint(
    root: &Path,
    db: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    format: LintFormat,
    deny: Option<&str>,
) -> Result<ExitCode, Error> {
    let denied = deny.map(schemac::commands::lint::parse_rules).transpose()?;
    let findings = schemac::commands::lint::lint(root, db, from, to)?;
    match format {
        LintFormat::Json => match serde_json::to_string_pretty(&findings) {
            Ok(json) => outln!("{json}"),
            Err(e) => {
                eprintln!("error: cannot write the findings as JSON: {e}");
                return Ok(ExitCode::from(EXIT_FAILURE));
            }
        },
        LintFormat::Github => out!(
            "{}",
            schemac::commands::lint::render_github(&findings, root)
        ),
        LintFormat::Text if findings.is_empty() => outln!("no hazards"),
        LintFormat::Text => out!("{}", schemac::commands::lint::render_text(&findings)),
    }
    let denied_found: Vec<&schemac::migration::hazards::Finding> = findings
        .iter()
        .filter(|f| {
            denied
                .as_ref()
                .is_some_and(|d| d.iter().any(|r| r.id() == f.rule))
        })
        .collect();
    if denied_found.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: {} hazard(s) of denied rules", denied_found.len());
        Ok(ExitCode::from(EXIT_FAILURE))
    }
}

pub fn run_check(root: &Path, db: Option<&str>) -> Result<ExitCode, Error> {
    let (problems, hazards) = schemac::commands::check::check_with_hazards(root, db)?;
    if !hazards.is_empty() {
        eprint!(
            "hazards of the newest migrations (not failures; `schemac lint --deny RULE` makes them one):\n{}",
            indent(&schemac::commands::lint::render_text(&hazards))
        );
    }
    if problems.is_empty() {
        outln!(
            "ok: the migrations cover the schema, the chain is whole and no migration was edited"
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    Ok(ExitCode::from(EXIT_FAILURE))
}
