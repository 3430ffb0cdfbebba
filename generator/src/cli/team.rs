//! The team paths that must ask a database first: taking back the newest
//! migration, a rebase after a merge, re-recording an edited migration.

use std::path::Path;
use std::process::ExitCode;

use schemac::Error;
use schemac::commands::check::EditedSql;
use schemac::commands::discard::Newest;

use super::EXIT_FAILURE;
use super::migrate::Applied;

pub fn discard(root: &Path, db: Option<&str>) -> Result<ExitCode, Error> {
    let newest = schemac::commands::discard::newest(root, db)?;
    let Newest {
        database,
        url_env,
        tag,
    } = &newest;
    match super::migrate::applied(root, database, url_env) {
        Ok(Applied::Tags(tags)) if tags.contains(tag) => {
            eprintln!(
                "error: {database}: {tag} is applied to the database at ${url_env}, so it stays. \
                 Revert it there first (`schemac migrate --down 1 --db {database}`), \
                 or write a new migration that undoes it"
            );
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
        Ok(Applied::Tags(_)) => {}
        Ok(Applied::Unknown) => eprintln!(
            "warning: {database}: ${url_env} is not set, so no database was asked whether {tag} was applied; \
             a database that applied it is now ahead of the files"
        ),
        Err(e) => {
            eprintln!("error: {database}: {tag} stays: {}", super::render(&e));
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    let files = schemac::commands::discard::discard(root, &newest)?;
    outln!(
        "{database}: took back {tag}; fix the schema and run `schemac generate` to write it again"
    );
    for f in files {
        outln!("  {}", f.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `--rehash` makes `check` accept an edited migration; a database that has
/// applied it still refuses the file. So an edit of an applied migration is
/// refused, and one that no database could be asked about is warned of.
pub fn rehash_is_safe(root: &Path, db: Option<&str>) -> Result<bool, Error> {
    let mut safe = true;
    for edit in schemac::commands::check::edited_sql(root, db)? {
        let EditedSql {
            database,
            url_env,
            tag,
            migrations,
        } = &edit;
        match super::migrate::applied(root, database, url_env) {
            Ok(Applied::Tags(tags)) if tags.contains(tag) => {
                safe = false;
                eprintln!(
                    "error: {database}: {tag} was applied to the database at ${url_env} before its file was edited: \
                     re-recording its hash would make `check` pass while `migrate` refuses the file. \
                     Restore the file and write the change as a new migration (`schemac generate --custom NAME`)"
                );
            }
            Ok(Applied::Tags(_)) => {}
            // No database to ask (CI): git says whether the migration was
            // already on the trunk when this branch left it, where it may
            // have been deployed; such an edit is refused.
            Ok(Applied::Unknown) => match trunk_has(root, migrations, tag)? {
                Some(trunk) => {
                    safe = false;
                    eprintln!(
                        "error: {database}: {tag} was on {trunk} before this branch left it, so a deployed database \
                         may have applied it, and ${url_env} is not set to ask: re-recording its hash would make \
                         `check` pass while `migrate` refuses the file there. Restore the file and write the change \
                         as a new migration (`schemac generate --custom NAME`), or set ${url_env} to a database to ask"
                    );
                }
                None => eprintln!(
                    "warning: {database}: ${url_env} is not set, so no database was asked whether {tag} was applied; \
                     it is this branch's own (not on the trunk when the branch left it). Where it was applied, \
                     `schemac migrate` will refuse the edited file"
                ),
            },
            Err(e) => {
                safe = false;
                eprintln!(
                    "error: {database}: cannot re-record {tag}: {}",
                    super::render(&e)
                );
            }
        }
    }
    if !safe {
        eprintln!("nothing was re-recorded");
    }
    Ok(safe)
}

/// The trunk's name when `tag` was in its journal at this branch's branch
/// point; none when it was not, or when git cannot tell.
fn trunk_has(root: &Path, migrations: &Path, tag: &str) -> Result<Option<String>, Error> {
    let Some((trunk, base)) = schemac::commands::rebase::branch_point(root)? else {
        return Ok(None);
    };
    let listed = schemac::commands::rebase::journal_lists(root, &base, migrations, tag)?;
    Ok(listed.then_some(trunk))
}

pub fn rebase(
    root: &Path,
    onto: Option<&str>,
    db: Option<&str>,
    allow_data_loss: bool,
) -> Result<ExitCode, Error> {
    let onto = schemac::commands::rebase::onto(root, onto)?;
    let plans = schemac::commands::rebase::plan(root, &onto, db)?;
    // Nothing is touched while one of this branch's migrations is applied somewhere.
    let mut refused = false;
    for p in plans.iter().filter(|p| !p.ours.is_empty()) {
        let url_env = &p.url_env;
        match super::migrate::applied(root, &p.database, url_env) {
            Ok(Applied::Tags(tags)) => {
                let applied: Vec<&String> = p.ours.iter().filter(|t| tags.contains(t)).collect();
                for tag in &applied {
                    refused = true;
                    eprintln!(
                        "error: {}: {tag} is applied to the database at ${url_env}, so it cannot be renumbered",
                        p.database
                    );
                }
                if !applied.is_empty() {
                    eprintln!(
                        "  revert {} there first with `schemac migrate --down {} --db {}` (during the merge \
                         it runs this branch's downs), then run `schemac rebase` again",
                        if applied.len() == 1 { "it" } else { "them" },
                        applied.len(),
                        p.database
                    );
                }
            }
            Ok(Applied::Unknown) => eprintln!(
                "warning: {}: ${url_env} is not set, so no database was asked whether {} was applied",
                p.database,
                p.ours.join(", ")
            ),
            Err(e) => {
                refused = true;
                eprintln!("error: {}: {}", p.database, super::render(&e));
            }
        }
    }
    if refused {
        eprintln!("nothing was changed");
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    for p in &plans {
        if p.ours.is_empty() {
            outln!(
                "{}: this branch added no migrations; nothing to rebase",
                p.database
            );
            continue;
        }
        let done = schemac::commands::rebase::apply(root, p, allow_data_loss)?;
        if !done.kept.is_empty() {
            outln!(
                "{}: kept {} from {onto}",
                done.database,
                done.kept.join(", ")
            );
        }
        outln!(
            "{}: took back {}; wrote {}",
            done.database,
            done.removed.join(", "),
            if done.written.is_empty() {
                "nothing (the other branch's migrations already cover the schema)".to_string()
            } else {
                done.written.join(", ")
            }
        );
    }
    // The queries are typed again against the merged schema, so that a
    // lock both branches wrote needs nothing more than this command; the
    // Rust code follows its new lock.
    let options = schemac::GenerateOptions {
        database: db.map(str::to_owned),
        ..schemac::GenerateOptions::default()
    };
    match super::queries::generate(root, &options, false) {
        Ok((_, lines)) => {
            for line in &lines {
                outln!("{line}");
            }
        }
        Err(super::queries::Failure::Generate(e)) => return Err(e),
        Err(super::queries::Failure::Typing(e)) => {
            eprintln!(
                "error: the migrations are rebased, but the named queries were not typed again: {}",
                super::render(&e)
            );
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    outln!(
        "review the new migrations, then `git add` the migration directories (and queries.lock.json) and commit"
    );
    Ok(ExitCode::SUCCESS)
}
