//! `pull`'s round trip: a database read into schema YAML, the YAML
//! generated into a first migration, that migration applied to a fresh
//! database, and the two catalogs compared line by line.

use std::path::Path;

use schemac::introspect::{Filter, Pulled, read};
use schemac::pull::{Layout, files};
use schemac::{GenerateOptions, Outcome};
use schemac_runtime::{Pool, PoolConfig, ReadWrite};

use crate::{TempDir, TestDb, catalog, diff, tokio_runtime};

/// The database at `url` as the model reads it.
pub fn introspect(url: &str) -> Pulled {
    tokio_runtime().block_on(async {
        let pool: Pool<ReadWrite> = Pool::read_write(PoolConfig::new(url)).expect("pool");
        let conn = pool.get().await.expect("connect");
        let pulled = read(conn.client(), "main", &Filter::default())
            .await
            .unwrap_or_else(|e| panic!("introspection fails: {e}"));
        drop(conn);
        pool.close();
        pulled
    })
}

/// What a round trip made: the project it wrote and the database built
/// from it.
pub struct RoundTrip {
    pub project: TempDir,
    pub pulled: Pulled,
    pub rebuilt: TestDb,
    /// The files pull wrote, by path.
    pub files: Vec<(std::path::PathBuf, String)>,
}

/// Pulls `source` into a new project, generates it, and builds a fresh
/// database from the migration; Err with the catalogs' difference when the
/// fresh database is not the same, or when a second generate writes again.
pub fn round_trip(label: &str, source: &mut TestDb, layout: Layout) -> Result<RoundTrip, String> {
    round_trip_of(label, source, layout, &|_| true)
}

/// [`round_trip`], comparing the catalog lines whose object `compared`
/// keeps (what the pull listed as left out is left out of the comparison).
pub fn round_trip_of(
    label: &str,
    source: &mut TestDb,
    layout: Layout,
    compared: &dyn Fn(&str) -> bool,
) -> Result<RoundTrip, String> {
    let pulled = introspect(&source.url);
    let project = TempDir::new(label);
    let mut left_out = pulled
        .unsupported
        .iter()
        .map(|u| (u.object.clone(), u.reason.clone()))
        .collect();
    let written = files(&pulled.schema, layout, &mut left_out);
    write_files(&project.path().join("schema"), &written);
    let yaml = || {
        written
            .iter()
            .map(|(p, t)| format!("--- {}\n{t}", p.display()))
            .collect::<String>()
    };
    let report = schemac::generate(project.path(), &GenerateOptions::default())
        .map_err(|e| format!("the pulled schema does not generate:\n{e}\n{}", yaml()))?;
    let tags = match &report.databases[0].1 {
        Outcome::Created { tags, .. } => tags.clone(),
        other => return Err(format!("generate wrote {other:?}")),
    };
    let mut rebuilt = TestDb::create(&format!("{label}_rebuilt"));
    for tag in tags {
        let up =
            std::fs::read_to_string(project.path().join("migrations").join(format!("{tag}.sql")))
                .map_err(|e| e.to_string())?;
        rebuilt.apply_migration(&up);
    }
    let kept = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .filter(|l| compared(l.split_once(": ").map_or(l.as_str(), |(k, _)| k)))
            .collect()
    };
    // Dropped columns leave gaps in the source's positions; the order is
    // what must be the same.
    let theirs = kept(catalog::with_column_ranks(catalog::read(
        &mut source.client,
    )));
    let ours = kept(catalog::with_column_ranks(catalog::read(
        &mut rebuilt.client,
    )));
    if theirs != ours && !reprinted_only(&theirs, &ours) {
        return Err(format!(
            "the database built from the pulled schema differs (- source, + rebuilt):\n{}\n{}",
            diff(&(theirs.join("\n") + "\n"), &(ours.join("\n") + "\n")),
            yaml()
        ));
    }
    let again = schemac::generate(project.path(), &GenerateOptions::default())
        .map_err(|e| format!("a second generate fails: {e}"))?;
    if !matches!(again.databases[0].1, Outcome::Unchanged { .. }) {
        return Err(format!(
            "a second generate writes again: {:?}",
            again.databases[0].1
        ));
    }
    Ok(RoundTrip {
        project,
        pulled,
        rebuilt,
        files: written,
    })
}

/// PostgreSQL does not always print an expression the way it prints what
/// it reads back from that print (`x IN ('a', 'b')` on a varchar comes
/// back as `ANY ((ARRAY['a'::character varying, …])::text[])`, and that
/// as `ANY (ARRAY[('a'::character varying)::text, …])`): the same checks
/// and indexes under the same names, differently printed, are the same.
/// The pulled text is what the source's catalog printed, so anything else
/// is a difference.
fn reprinted_only(theirs: &[String], ours: &[String]) -> bool {
    let key = |l: &String| l.split_once(": ").map(|(k, _)| k.to_string());
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|l| !b.contains(l)).cloned().collect()
    };
    let (gone, new) = (only(theirs, ours), only(ours, theirs));
    let keys = |ls: &[String]| -> Vec<Option<String>> { ls.iter().map(key).collect() };
    gone.len() == new.len()
        && keys(&gone) == keys(&new)
        && gone
            .iter()
            .all(|l| l.starts_with("constraint ") && l.contains(": CHECK ("))
}

fn write_files(dir: &Path, files: &[(std::path::PathBuf, String)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("schema dir");
        std::fs::write(&path, text).expect("write schema file");
    }
}
