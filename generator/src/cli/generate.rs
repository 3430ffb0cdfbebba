//! `schemac init` and `schemac generate`: the library's commands, with what
//! they did said on the terminal.

use std::path::Path;
use std::process::ExitCode;

use schemac::{Error, GenerateOptions, Outcome};

use super::{EXIT_FAILURE, indent};

pub fn run_init(root: &Path) -> Result<ExitCode, Error> {
    let written = schemac::commands::init::init(root)?;
    outln!("wrote a starting project:");
    for f in &written {
        outln!("  {}", f.display());
    }
    outln!(
        "next: edit schema/example.yaml, run `schemac generate` to write the first migration, \
         and `schemac migrate` (with DATABASE_URL set) to apply it"
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_generate(root: &Path, options: GenerateOptions) -> Result<ExitCode, Error> {
    let custom = options.custom.is_some();
    if options.rehash && !super::team::rehash_is_safe(root, options.database.as_deref())? {
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    // The named queries are typed against the new migrations before
    // anything is written, so that a failure leaves the disk as it was.
    let (report, typed) = match super::queries::generate(root, &options, true) {
        Ok(done) => done,
        Err(super::queries::Failure::Generate(e)) => return Err(e),
        Err(super::queries::Failure::Typing(e)) => {
            eprintln!("error: {}", super::render(&e));
            eprintln!(
                "nothing was written: fix the query or the schema and run `schemac generate` again"
            );
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    };
    if let Some(schema) = &report.schema_warnings {
        eprintln!("{}", schema.to_string().trim_end());
    }
    for w in &report.warnings {
        eprintln!("warning: {}", w.trim_end());
    }
    if !report.rust_files.is_empty() {
        outln!("rust: wrote {} file(s)", report.rust_files.len());
        for f in &report.rust_files {
            outln!("  {}", f.display());
        }
    }
    if !report.hazards.is_empty() {
        eprint!(
            "hazards of the new migrations (`schemac lint` lists them again):\n{}",
            indent(&schemac::commands::lint::render_text(&report.hazards))
        );
    }
    for (db, tag) in &report.recorded {
        outln!("{db}: recorded the hand-written SQL of {tag} in the journal");
    }
    let recorded = |db: &str| report.recorded.iter().any(|(d, _)| d == db);
    for (db, outcome) in &report.databases {
        match outcome {
            Outcome::Created { tags, files } => {
                outln!(
                    "{db}: wrote migration{} {}",
                    if tags.len() == 1 { "" } else { "s" },
                    tags.join(", ")
                );
                for f in files {
                    outln!("  {}", f.display());
                }
                if custom {
                    outln!(
                        "{db}: write the SQL in the new files, then run `schemac generate` to record it in the journal"
                    );
                }
            }
            Outcome::Unchanged { last_tag } if recorded(db) => {
                outln!("{db}: no schema changes since {last_tag}");
            }
            Outcome::Unchanged { last_tag } => {
                outln!("{db}: no schema changes since {last_tag}; nothing written");
            }
            Outcome::Rehashed { entries } if entries.is_empty() => {
                outln!("{db}: every migration matches the journal; nothing to re-record");
            }
            Outcome::Rehashed { entries } => {
                for (tag, what) in entries {
                    outln!("{db}: re-recorded {tag}: {}", what.join(", "));
                }
            }
        }
    }
    for line in &typed {
        outln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
