//! `schemac import drizzle <dir>`: a drizzle-kit project's migrations
//! replayed into a scratch database, read back as schema YAML and a
//! baseline, with what drizzle recorded kept so that `schemac migrate`
//! can tell a database drizzle-kit migrated is at that state.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use schemac::import::SnapshotSummary;
use schemac::import::drizzle::{DrizzleDir, Layout, read_dir, side_effects};
use schemac::introspect::Pulled;
use schemac::pull::{Layout as FileLayout, files};
use schemac_runtime::{Pool, PoolConfig, ReadWrite};
use serde::{Deserialize, Serialize};

use super::migrate::{databases, load_config, runtime};
use super::scratch::with_scratch;
use super::{indent, pull};

/// `migrations/meta/drizzle.json`: what drizzle-kit's migrator recorded
/// for each file the baseline stands for, to recognise a database it
/// migrated (`__drizzle_migrations` holds the SHA-256 of each file).
pub const RECORD: &str = "meta/drizzle.json";

#[derive(Serialize, Deserialize)]
pub struct ImportRecord {
    /// `journal` (drizzle-kit 0.x) or `folders` (1.x).
    pub layout: String,
    pub migrations: Vec<RecordedMigration>,
}

#[derive(Serialize, Deserialize)]
pub struct RecordedMigration {
    pub tag: String,
    pub sha256: String,
    pub when: i64,
}

pub fn run_import_drizzle(
    root: &Path,
    dir: &Path,
    db: Option<&str>,
    split: bool,
) -> Result<ExitCode> {
    let config = load_config(root)?;
    let dbs = databases(&config, db)?;
    let [db] = dbs.as_slice() else {
        bail!(
            "the project has {} databases: name the one to import into with --db",
            dbs.len()
        );
    };
    pull::refuse_existing(&root.join(&db.schema), Some(&root.join(&db.migrations)))?;
    let drizzle = read_dir(dir)?;
    let name = &db.name;
    for quirk in &drizzle.quirks {
        eprintln!("{name}: note: {quirk}");
    }
    let server = super::scratch::server_for(db, "replaying the SQL files").map_err(|why| {
        anyhow!(
            "{name}: the SQL files are replayed into a scratch database: set ${} or \
             SCHEMAC_SCRATCH_URL to a server where one may be made; without one schemac \
             starts a throwaway server, and {why}",
            db.url_env
        )
    })?;
    let mut pulled = runtime()?.block_on(replayed(&server, name, &drizzle))?;
    pull::leave_out_tracking(&mut pulled);
    // The newest snapshot is not trusted alone: a custom migration never
    // updates it. Where it and the SQL disagree, the SQL wins.
    if let Some((path, snapshot)) = &drizzle.latest_snapshot {
        match SnapshotSummary::read(snapshot) {
            Some(summary) => {
                let differences = summary.differences(&SnapshotSummary::of(&pulled.schema));
                if !differences.is_empty() {
                    eprintln!(
                        "{name}: the newest snapshot ({}) is not what the SQL files make (a custom migration, or a snapshot behind the SQL); the SQL wins:",
                        path.display()
                    );
                    for d in differences {
                        eprintln!("  {d}");
                    }
                }
            }
            None => eprintln!(
                "{name}: note: {} has a shape schemac does not read; what the SQL makes is taken as it is",
                path.display()
            ),
        }
    }
    let mut left_out: Vec<(String, String)> = pulled
        .unsupported
        .iter()
        .map(|u| (u.object.clone(), u.reason.clone()))
        .collect();
    let not_carried: Vec<String> = drizzle.migrations.iter().flat_map(side_effects).collect();
    let written = files(
        &pulled.schema,
        FileLayout {
            split,
            mixins: false,
        },
        &mut left_out,
    );
    if !left_out.is_empty() || !not_carried.is_empty() {
        eprintln!("{name}: not carried into the schema:");
        for (object, reason) in &left_out {
            eprintln!("  {object}: {reason}");
        }
        for line in &not_carried {
            eprintln!("  {line}");
        }
    }
    pull::compiles(name, &written)?;
    pull::write_files(&root.join(&db.schema), &written)?;
    outln!(
        "{name}: replayed {} drizzle-kit migration{} from {} and wrote the schema they make to {}",
        drizzle.migrations.len(),
        if drizzle.migrations.len() == 1 {
            ""
        } else {
            "s"
        },
        dir.display(),
        db.schema.display()
    );
    for (path, _) in &written {
        out!("{}", indent(&db.schema.join(path).display().to_string()));
    }
    super::baseline::write(root, db)?;
    let record = ImportRecord {
        layout: match drizzle.layout {
            Layout::Journal => "journal".into(),
            Layout::Folders => "folders".into(),
        },
        migrations: drizzle
            .migrations
            .iter()
            .map(|m| RecordedMigration {
                tag: m.tag.clone(),
                sha256: m.sha256.clone(),
                when: m.when,
            })
            .collect(),
    };
    let path = root.join(&db.migrations).join(RECORD);
    std::fs::write(&path, serde_json::to_string_pretty(&record)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))?;
    outln!(
        "{name}: kept drizzle's record of those migrations in {}: `schemac migrate` on a database drizzle-kit migrated checks it applied exactly them",
        db.migrations.join(RECORD).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Each migration's statements run in a scratch database, a transaction
/// per file as drizzle-kit runs them, and the result read back.
async fn replayed(server: &str, database: &str, drizzle: &DrizzleDir) -> Result<Pulled> {
    with_scratch(server, "replay the drizzle-kit migrations", |url| async move {
        let pool: Pool<ReadWrite> =
            Pool::read_write(PoolConfig::new(&url).application_name("schemac_import"))?;
        let conn = pool.get().await?;
        let client = conn.client();
        for m in &drizzle.migrations {
            client.batch_execute("BEGIN").await?;
            for (i, statement) in m.statements().into_iter().enumerate() {
                if let Err(e) = client.batch_execute(statement).await {
                    let _ = client.batch_execute("ROLLBACK").await;
                    let message = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_owned());
                    bail!(
                        "{}: statement {} fails on a database the migrations before it built: {message}\n{}\
                         The SQL files do not build what this statement expects: a change made with \
                         `drizzle-kit push` or by hand, in no file? Add it as a custom migration \
                         (`drizzle-kit generate --custom`) where it was made, and import again",
                        m.path.display(),
                        i + 1,
                        indent(statement)
                    );
                }
            }
            client.batch_execute("COMMIT").await?;
        }
        drop(conn);
        pool.close();
        super::drift::pulled(&url, database).await
    })
    .await
}

/// Before a baseline that came from drizzle-kit is recorded on a database
/// drizzle-kit migrated: its `__drizzle_migrations` must hold exactly the
/// files imported, matched by their SHA-256 (not by date, which drizzle's
/// 0.x migrator goes by and gets wrong after merges).
pub async fn check_drizzle_record(
    client: &schemac_runtime::tokio_postgres::Client,
    dir: &Path,
    database: &str,
) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(dir.join(RECORD)) else {
        return Ok(());
    };
    let record: ImportRecord = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not schemac's record of a drizzle-kit import",
            dir.join(RECORD).display()
        )
    })?;
    let table: Option<String> = client
        .query_one(
            "SELECT to_regclass('drizzle.__drizzle_migrations')::text",
            &[],
        )
        .await?
        .get(0);
    let Some(table) = table else {
        return Ok(());
    };
    let rows = client
        .query(
            &format!("SELECT hash, created_at::text FROM {table} ORDER BY id"),
            &[],
        )
        .await?;
    let applied: Vec<(String, Option<String>)> =
        rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let missing: Vec<&str> = record
        .migrations
        .iter()
        .filter(|m| !applied.iter().any(|(h, _)| h == &m.sha256))
        .map(|m| m.tag.as_str())
        .collect();
    let unknown: Vec<String> = applied
        .iter()
        .filter(|(h, _)| !record.migrations.iter().any(|m| &m.sha256 == h))
        .map(|(h, at)| {
            format!(
                "{} (created_at {})",
                &h[..h.len().min(12)],
                at.as_deref().unwrap_or("?")
            )
        })
        .collect();
    if !missing.is_empty() {
        bail!(
            "{database}: drizzle-kit has not applied every migration the baseline stands for: its \
             __drizzle_migrations lacks {} (matched by the SHA-256 of each file). Run drizzle-kit's \
             migrate to the same point first, or import again from the directory this database was \
             migrated with",
            missing.join(", ")
        );
    }
    if !unknown.is_empty() {
        bail!(
            "{database}: the database applied drizzle-kit migrations the baseline does not stand for \
             ({}): import again from the directory this database was migrated with",
            unknown.join(", ")
        );
    }
    Ok(())
}
