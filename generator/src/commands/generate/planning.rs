//! Planning one database's next migration: the diff from its last snapshot
//! to the schema, the data-loss guard, the migration files and the journal
//! entry they make, in memory; and writing a finished plan.

use super::*;

pub(super) fn plan(
    root: &Path,
    compiled: &Compiled,
    schemas: Vec<Schema>,
    options: &GenerateOptions,
    previous: &mut HashMap<PathBuf, (u32, Schema)>,
) -> Result<Vec<Plan>, Error> {
    let config = usable(compiled)?;
    for name in options.name.iter().chain(&options.custom) {
        validate_name(name)?;
    }
    let chosen = config.select(options.database.as_deref())?;
    let mut schemas: Vec<Option<Schema>> = schemas.into_iter().map(Some).collect();
    let mut plans = Vec::new();
    let mut losses = Vec::new();
    for (i, db) in chosen {
        // A schema and its origins for every database of the configuration.
        let (Some(schema), Some(origins)) = (
            schemas.get_mut(i).and_then(Option::take),
            compiled.origins.get(i),
        ) else {
            continue;
        };
        let mut dir = MigrationDir::open(&root.join(&db.migrations))?;
        let problems = dir.chain_problems()?;
        let mendable = options.rehash && by_hand::mends(&dir, &problems);
        if !problems.is_empty() && !mendable {
            return Err(Error::BrokenChain {
                database: db.name.clone(),
                problems,
            });
        }
        let filled = match options.rehash || options.custom.is_some() {
            true => Vec::new(),
            false => by_hand::record_filled_in(&mut dir)?,
        };
        let mut p = if options.rehash {
            by_hand::rehash(&dir, db)?
        } else if let Some(name) = &options.custom {
            by_hand::custom(&dir, db, name, None)?
        } else {
            let locate = |place: &HazardPlace| -> Option<String> {
                let span = match place {
                    HazardPlace::Table { schema, table } => origins.table(schema, table),
                    HazardPlace::Column {
                        schema,
                        table,
                        column,
                    } => origins
                        .column(schema, table, column)
                        // A dropped column is no longer in the schema: its table is.
                        .or_else(|| origins.table(schema, table)),
                    HazardPlace::Enum { name } => origins.enum_type(name),
                };
                span.map(|s| compiled.locate(s))
            };
            let read = previous.remove(&dir.dir);
            match plan_database(&dir, read, db, schema, options, &config.migrations, &locate)? {
                Planned::Ready(p) => p,
                Planned::Lossy(l) => {
                    losses.extend(describe_losses(compiled, &dir, db, origins, &l));
                    continue;
                }
            }
        };
        if !filled.is_empty() {
            // A migration written now carries the journal with their hashes;
            // otherwise the journal is written for them alone.
            if matches!(p.outcome, Outcome::Unchanged { .. }) {
                p.files.add(dir.journal_path(), dir.journal.to_json());
            }
            p.recorded = filled;
        }
        plans.push(p);
    }
    if !losses.is_empty() {
        return Err(DataLossReport { losses }.into());
    }
    Ok(plans)
}

enum Planned {
    Ready(Plan),
    Lossy(Vec<Loss>),
}

/// One migration about to be written.
pub(super) struct NewMigration {
    pub(super) name: String,
    pub(super) up: Hashed,
    pub(super) down: Hashed,
    pub(super) snapshot: Hashed,
    pub(super) custom: bool,
    pub(super) hints: Option<RecordedHints>,
    /// The schema's hints this migration consumes (see `ConsumedHints`).
    pub(super) consumed_hints: Vec<HintKey>,
}

/// A file's text with its SHA-256 as the journal records it, hashed on the
/// thread that wrote the text (a large schema's snapshot is megabytes).
#[derive(Clone)]
pub(super) struct Hashed {
    text: String,
    sha256: String,
}

impl Hashed {
    pub(super) fn new(text: String) -> Hashed {
        let sha256 = sha256_hex(&text);
        Hashed { text, sha256 }
    }

    fn snapshot(schema: &Schema) -> Hashed {
        Hashed::new(snapshot::to_json(schema))
    }
}

fn plan_database(
    dir: &MigrationDir,
    read: Option<(u32, Schema)>,
    db: &DatabaseConfig,
    schema: Schema,
    options: &GenerateOptions,
    settings: &MigrationSettings,
    locate: &dyn Fn(&HazardPlace) -> Option<String>,
) -> Result<Planned, Error> {
    // The first migration is the diff from an empty database, like every
    // other; the schema's hints have nothing to do there, and are recorded
    // as done so they stay quiet.
    let last = dir.last();
    let previous = match (last, read) {
        (None, _) => Schema::empty(&db.name),
        (Some(last), Some((idx, previous))) if idx == last.idx => previous,
        (Some(last), _) => dir.snapshot(last.idx)?,
    };
    // Hints read and the schema put in the snapshot's order once, for the
    // comparison and the diffs alike.
    let HintsRead {
        renames,
        mut data,
        stale: hint_warnings,
        seen,
    } = read_hints(&previous, &schema, &ConsumedHints::of(&dir.journal));
    let (renames, hint_warnings) = match last {
        Some(_) => (renames, hint_warnings),
        None => {
            data = DataHints::default();
            (Renames::default(), Vec::new())
        }
    };
    data.safe = settings.safe;
    let current = schema.into_hintless();
    let current = Arc::new(crate::migration::order::in_order_of(
        &previous, current, &renames,
    ));
    if let Some(last) = last.filter(|_| previous == *current) {
        let warnings = hint_warnings;
        return Ok(Planned::Ready(Plan {
            database: db.name.clone(),
            outcome: Outcome::Unchanged {
                last_tag: last.tag.clone(),
            },
            files: FileSet::new(),
            warnings,
            recorded: Vec::new(),
        }));
    }
    // The snapshot after the last step is the schema itself: its JSON is
    // written while the diffs run.
    let (last_snapshot, steps) = crate::parallel::join(
        || Hashed::snapshot(&current),
        || {
            steps_between(
                &previous,
                Arc::clone(&current),
                renames,
                data,
                hint_warnings,
            )
        },
    );
    let mut warnings = steps.warnings;
    let mut last_snapshot = Some(last_snapshot);
    let losses: Vec<Loss> = steps
        .steps
        .iter()
        .flat_map(|s| s.up.losses.clone())
        .collect();
    if !losses.is_empty() && !options.allow_data_loss {
        return Ok(Planned::Lossy(losses));
    }
    let count = steps.steps.len();
    let mut migrations = Vec::new();
    for (i, step) in steps.steps.into_iter().enumerate() {
        let name = match (&options.name, i + 1 == count) {
            (Some(n), true) => n.clone(),
            _ if last.is_none() => "init".to_owned(),
            _ => migration_name(&step.up),
        };
        let unrestorable = text::unrestorable(&step);
        let tag = format!(
            "{}_{name}",
            idx_text((dir.journal.entries.len() + migrations.len()) as u32)
        );
        for line in &unrestorable {
            warnings.push(format!(
                "{tag}.down.sql cannot bring back what the up removed: {line}"
            ));
        }
        let snapshot = match last_snapshot.take_if(|_| Arc::ptr_eq(&step.to, &current)) {
            Some(written) => written,
            None => Hashed::snapshot(&step.to),
        };
        let files = text::step_files(&step, settings, &unrestorable, locate);
        let mut hints = RecordedHints::of(&step.renames, &step.data);
        // A snapshot is megabytes: copied only for a safe-mode migration's companions.
        let snapshots = std::iter::repeat_n(snapshot, files.len());
        for (file, snapshot) in files.into_iter().zip(snapshots) {
            migrations.push(NewMigration {
                name: format!("{name}{}", file.suffix),
                up: Hashed::new(file.up),
                down: Hashed::new(file.down),
                snapshot,
                custom: false,
                // The companions of a safe-mode migration share its snapshot: no change of their own.
                hints: hints.take(),
                consumed_hints: Vec::new(),
            });
        }
    }
    // The last migration written consumes the hints.
    if let Some(last) = migrations.last_mut() {
        last.consumed_hints = seen;
    }
    crate::parallel::drop_later((previous, current));
    Ok(Planned::Ready(write_plan(dir, db, migrations, warnings)))
}

pub(super) fn write_plan(
    dir: &MigrationDir,
    db: &DatabaseConfig,
    migrations: Vec<NewMigration>,
    warnings: Vec<String>,
) -> Plan {
    let mut journal = dir.journal.clone();
    let mut files = FileSet::new();
    let mut tags = Vec::new();
    for m in migrations {
        let idx = journal.entries.len() as u32;
        let tag = format!("{}_{}", idx_text(idx), m.name);
        let prev = journal.entries.last().map(|e| e.snapshot_sha256.clone());
        journal.entries.push(JournalEntry {
            idx,
            tag: tag.clone(),
            sql_sha256: m.up.sha256,
            down_sha256: m.down.sha256,
            snapshot_sha256: m.snapshot.sha256,
            prev_snapshot_sha256: prev,
            custom: m.custom,
            edited: false,
            baseline: false,
            hints: m.hints,
            consumed_hints: m
                .consumed_hints
                .into_iter()
                .map(RecordedHint::Key)
                .collect(),
        });
        files.add(dir.sql_path(&tag), m.up.text);
        files.add(dir.down_path(&tag), m.down.text);
        files.add(dir.snapshot_path(idx), m.snapshot.text);
        tags.push(tag);
    }
    files.add(dir.journal_path(), journal.to_json());
    Plan {
        database: db.name.clone(),
        outcome: Outcome::Created {
            tags,
            files: Vec::new(),
        },
        files,
        warnings,
        recorded: Vec::new(),
    }
}

/// The guard's report for one database: each lossy change and where it comes from.
fn describe_losses(
    compiled: &Compiled,
    dir: &MigrationDir,
    db: &DatabaseConfig,
    origins: &Origins,
    losses: &[Loss],
) -> Vec<LossFound> {
    losses
        .iter()
        .map(|l| {
            let place = match &l.place {
                LossPlace::Column {
                    schema,
                    table,
                    column,
                } => origins
                    .column(schema, table, column)
                    .map(|s| compiled.locate(s)),
                LossPlace::Enum { name } => origins.enum_type(name).map(|s| compiled.locate(s)),
                LossPlace::DroppedTable { schema, table } => dir
                    .created_by(schema, table, None)
                    .map(|tag| format!("created by migration {tag}")),
                LossPlace::DroppedColumn {
                    schema,
                    table,
                    column,
                } => dir
                    .created_by(schema, table, Some(column))
                    .map(|tag| format!("created by migration {tag}")),
            };
            LossFound {
                database: db.name.clone(),
                what: l.what.clone(),
                place,
                hint: l.hint.clone(),
            }
        })
        .collect()
}
