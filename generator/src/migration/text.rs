//! The text of migration files: statements with their `-- hazard`
//! comments, the list of what a down cannot restore, and safe mode's
//! lock timeouts and split into a transaction, concurrent index builds and
//! validations.

use schemac_schema::MigrationSettings;

use crate::ddl;
use crate::diff::{Diff, HazardPlace, LossPlace, Part};
use crate::migration::hazards;
use crate::migration::steps::Step;

pub use schemac_schema::migration_dir::NO_TRANSACTION_MARKER;

/// One file pair of a step.
pub struct StepFile {
    /// What the migration's name gets after the step's name (`_concurrently`).
    pub suffix: &'static str,
    /// The up file's text.
    pub up: String,
    /// The down file's text.
    pub down: String,
}

/// The files a step is written as: one, or in safe mode up to three (the
/// transaction, the concurrent index builds, the validations). The first
/// file's down reverts the whole step; the others' downs leave that to it.
pub fn step_files(
    step: &Step,
    settings: &MigrationSettings,
    unrestorable: &[String],
    locate: &dyn Fn(&HazardPlace) -> Option<String>,
) -> Vec<StepFile> {
    // The down is written on a thread of its own while the up's parts are
    // (a first migration's two texts are megabytes each at a thousand tables).
    let (full_down, ups) = crate::parallel::join(
        || {
            let down_statements = step.down.statements();
            format!(
                "{}{}",
                down_header(unrestorable),
                transactional(settings, down_statements)
            )
        },
        || up_texts(step, settings, locate),
    );
    if ups.is_empty() {
        return vec![StepFile {
            suffix: "",
            up: sql_text(&[]),
            down: full_down,
        }];
    }
    let mut files: Vec<StepFile> = Vec::new();
    for (suffix, up) in ups {
        let down = if files.is_empty() {
            full_down.clone()
        } else {
            "-- Nothing to undo here: the down of the migration this one completes reverts it too.\n"
                .to_string()
        };
        files.push(StepFile {
            suffix: if files.is_empty() { "" } else { suffix },
            up,
            down,
        });
    }
    files
}

/// The up text of each part of a step that has statements, with the
/// suffix its file's name gets.
fn up_texts(
    step: &Step,
    settings: &MigrationSettings,
    locate: &dyn Fn(&HazardPlace) -> Option<String>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for part in step.up.parts_used() {
        let statements = annotated(&step.up, part, locate);
        let (suffix, up) = match part {
            Part::Main => ("", transactional(settings, statements)),
            Part::Concurrent => {
                let mut all = vec![format!(
                    "SET lock_timeout = {}",
                    sql_literal(&settings.lock_timeout)
                )];
                all.extend(statements);
                all.push("RESET lock_timeout".into());
                (
                    "_concurrently",
                    format!("{NO_TRANSACTION_MARKER}\n{}", ddl::join_statements(&all)),
                )
            }
            Part::Finish => ("_validate", transactional(settings, statements)),
        };
        out.push((suffix, up));
    }
    out
}

/// The text of a transactional migration: in safe mode, its statements
/// under the lock timeout.
pub fn transactional(settings: &MigrationSettings, statements: Vec<String>) -> String {
    if settings.safe && !statements.is_empty() {
        ddl::join_statements(&with_timeouts(settings, statements))
    } else {
        sql_text(&statements)
    }
}

/// `SET LOCAL lock_timeout` (and `statement_timeout`) ahead of a
/// transactional migration's statements.
fn with_timeouts(settings: &MigrationSettings, statements: Vec<String>) -> Vec<String> {
    let mut all = vec![format!(
        "SET LOCAL lock_timeout = {}",
        sql_literal(&settings.lock_timeout)
    )];
    if let Some(t) = &settings.statement_timeout {
        all.push(format!("SET LOCAL statement_timeout = {}", sql_literal(t)));
    }
    all.extend(statements);
    all
}

fn sql_literal(s: &str) -> String {
    schemac_schema::sql::string_literal(s)
}

/// The statements of one part, each under the `-- hazard` comments of the
/// changes it carries.
fn annotated(
    diff: &Diff,
    part: Part,
    locate: &dyn Fn(&HazardPlace) -> Option<String>,
) -> Vec<String> {
    diff.annotated_part(part)
        .into_iter()
        .map(|(sql, hazards)| {
            if hazards.is_empty() {
                return sql;
            }
            let mut text = String::new();
            for h in hazards {
                let at = h.place.as_ref().and_then(locate);
                text.push_str(&hazards::comment(h, at.as_deref()));
                text.push('\n');
            }
            text.push_str(&sql);
            text
        })
        .collect()
}

/// The SQL text of a migration file; a change with nothing to run (only
/// generated-code settings) still gets a file, saying so.
pub fn sql_text(statements: &[String]) -> String {
    if statements.is_empty() {
        "-- No SQL: this change only touches settings of the generated code.\n".to_string()
    } else {
        ddl::join_statements(statements)
    }
}

/// What the down of `step` cannot restore: the rows of dropped tables, the
/// values of dropped columns (and what they come back holding), and values
/// the up changed for good.
pub fn unrestorable(step: &Step) -> Vec<String> {
    let mut lines = Vec::new();
    for l in &step.up.losses {
        match &l.place {
            LossPlace::DroppedTable { table, .. } => {
                lines.push(format!("the rows of table `{table}` (it comes back empty)"))
            }
            // The down's note says what the column comes back holding.
            LossPlace::DroppedColumn { .. } => {}
            LossPlace::Column { .. } | LossPlace::Enum { .. } => lines.push(l.what.clone()),
        }
    }
    lines.extend(step.down.notes.iter().cloned());
    lines
}

/// The comment at the top of a down file that lists what it cannot restore.
fn down_header(unrestorable: &[String]) -> String {
    if unrestorable.is_empty() {
        return String::new();
    }
    let mut out =
        String::from("-- This down migration cannot bring back what the up migration removed:\n");
    for line in unrestorable {
        out.push_str(&format!(
            "--   - {}\n",
            schemac_schema::sql::comment_safe(line)
        ));
    }
    out
}
