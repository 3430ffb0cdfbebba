//! The seed runner: data a database starts with, per environment.
//!
//! - Seeds are the `.sql` files of `seeds/<environment>/`, run in name
//!   order, each once, each in a transaction of its own with its record in
//!   `schemac_seeds` (database, environment, name, SHA-256, ran_at,
//!   duration), so a failing seed leaves no trace.
//! - A seed whose file changed after it ran is refused by name, before
//!   anything runs: what it wrote is already there, and running the new
//!   version would not undo the old.
//! - In the `production` environment every seed's name starts with `PROD`:
//!   a file without it refuses the whole run before the database is touched,
//!   so a development fixture cannot reach production by a misplaced file.
//! - Seeds run only on a database whose migrations are all applied, under
//!   the migration runner's lock: concurrent runners (and a migration run)
//!   wait for each other, and each seed runs once.
//! - An application can add seeds written in Rust ([`SeedSet::function`]),
//!   run in the same transaction as their record, to call its own services.
//!   Declared by name in `schemac.toml` (`rust_seeds`), they keep their
//!   place in the one order and status whoever runs the seeds: a runner
//!   without the function (`schemac seed`) refuses to run a later seed
//!   before the application has run it ([`SeedSet::declare_rust`]).

mod runner;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemac_schema::migration_dir::sha256_hex;

use crate::transaction::{BoxFuture, Transaction};
use crate::{Error, ReadWrite};

pub use runner::{SeedState, SeedStatus, Seeder};

/// The environment whose seeds must carry [`PROD_PREFIX`].
pub const PRODUCTION: &str = "production";
/// What the name of every production seed starts with.
pub const PROD_PREFIX: &str = "PROD";

/// A seed written in Rust: it gets the transaction its record is written
/// in, and what it does commits or rolls back with it.
pub type SeedFn =
    dyn for<'t> Fn(&'t Transaction<ReadWrite>) -> BoxFuture<'t, Result<(), Error>> + Send + Sync;

/// One seed: a file, or a function.
#[derive(Clone)]
pub struct Seed {
    /// The file name without `.sql`, or the function's name.
    pub name: String,
    /// Of the file's text (line endings normalised), or of the function's
    /// name and version.
    pub sha256: String,
    pub(crate) body: Body,
}

impl Seed {
    /// The SQL of a file seed; none for a function.
    pub fn sql(&self) -> Option<&str> {
        match &self.body {
            Body::Sql { sql, .. } => Some(sql),
            Body::Rust(_) | Body::Elsewhere => None,
        }
    }

    /// A seed written in Rust that this set only knows by name: the
    /// application that has the function runs it.
    pub fn runs_elsewhere(&self) -> bool {
        matches!(self.body, Body::Elsewhere)
    }
}

#[derive(Clone)]
pub(crate) enum Body {
    Sql {
        path: PathBuf,
        sql: String,
    },
    Rust(Arc<SeedFn>),
    /// Declared, with its function in the application.
    Elsewhere,
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.body {
            Body::Sql { path, .. } => path.display().to_string(),
            Body::Rust(_) => "a Rust function".to_string(),
            Body::Elsewhere => "a Rust function of the application".to_string(),
        };
        f.debug_struct("Seed")
            .field("name", &self.name)
            .field("sha256", &self.sha256)
            .field("from", &kind)
            .finish()
    }
}

/// The seeds of one environment, in the order they run.
#[derive(Clone, Debug)]
pub struct SeedSet {
    /// `seeds/<environment>`.
    pub dir: PathBuf,
    /// The environment (`development`, `production`, ...).
    pub environment: String,
    /// Its seeds, in the order they run (by name).
    pub seeds: Vec<Seed>,
}

/// Why seeds were refused, or which one failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A seed file or the directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Production seeds whose names lack the prefix: nothing ran.
    #[error(
        "production seeds must have names starting with `{PROD_PREFIX}`, so nothing was run: {}; \
         rename them (`{PROD_PREFIX}_{}`) if they are meant for production",
        names.join(", "),
        names.first().map(String::as_str).unwrap_or_default()
    )]
    NotProd {
        /// The seeds without it.
        names: Vec<String>,
    },
    /// Files in the seed directory that are not seeds: nothing ran.
    #[error(
        "{} holds {} that {} not seed{}: {}; a seed is a `.sql` file (lower case), so nothing was run: \
         rename {}, or keep {} elsewhere",
        dir.display(),
        if names.len() == 1 { "a file" } else { "files" },
        if names.len() == 1 { "is" } else { "are" },
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
        if names.len() == 1 { "it" } else { "them" },
        if names.len() == 1 { "it" } else { "them" }
    )]
    NotSeeds {
        /// The directory.
        dir: PathBuf,
        /// The files.
        names: Vec<String>,
    },
    /// Two seeds of one name (a file and a function).
    #[error("two seeds are named `{0}`")]
    Duplicate(String),
    /// An environment name that could reach outside `seeds/`.
    #[error("`{0}` is not an environment name: use letters, digits, `_` and `-`")]
    Environment(String),
    /// Seeds that changed after they ran: nothing ran.
    #[error(
        "seed{} {} changed after {} ran, so nothing was run: a seed runs once, \
         so restore the file and put the change in a new seed",
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
        if names.len() == 1 { "it" } else { "they" }
    )]
    Changed {
        /// The seeds.
        names: Vec<String>,
    },
    /// The database's migrations are not all applied.
    #[error(
        "seeds run only on a database whose migrations are all applied; run `schemac migrate` first ({})",
        pending.join(", ")
    )]
    MigrationsNotApplied {
        /// The migrations not applied.
        pending: Vec<String>,
    },
    /// A seed file failed; it rolled back and is not recorded.
    #[error("seed {name} failed at line {line} of {}: {message}; it was rolled back and is not recorded", path.display())]
    Failed {
        /// The seed.
        name: String,
        /// Its file.
        path: PathBuf,
        /// The line PostgreSQL's error points at.
        line: usize,
        /// PostgreSQL's message.
        message: String,
    },
    /// A seed function failed; it rolled back and is not recorded.
    #[error("seed {name} failed: {message}; it was rolled back and is not recorded")]
    FunctionFailed {
        /// The seed.
        name: String,
        /// Its error.
        message: String,
    },
    /// A seed of the application's has not run, and later ones cannot run
    /// before it: nothing ran.
    #[error(
        "seed {name} is written in Rust and runs from the application, and it has not run yet, \
         so the seed{} after it ({}) cannot run before it; nothing was run: run the application's \
         seeding (`Seeder::run` with its `SeedSet::function`), which runs them all in order",
        if later.len() == 1 { "" } else { "s" },
        later.join(", ")
    )]
    WaitsForApplication {
        /// The application's seed.
        name: String,
        /// The seeds after it that would have run.
        later: Vec<String>,
    },
}

impl SeedSet {
    /// Reads `<seeds>/<environment>/*.sql`. A directory that does not exist
    /// holds no seeds. In production, every name must start with `PROD`.
    pub fn load(seeds: impl AsRef<Path>, environment: &str) -> Result<SeedSet, SeedError> {
        let valid = !environment.is_empty()
            && environment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(SeedError::Environment(environment.to_string()));
        }
        let dir = seeds.as_ref().join(environment);
        let mut files = Vec::new();
        let mut strangers = Vec::new();
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(|source| SeedError::Read {
                        path: dir.clone(),
                        source,
                    })?;
                    let path = entry.path();
                    let name = entry.file_name().to_string_lossy().into_owned();
                    // A file that is not a seed would be skipped without a
                    // word (`02_plans.SQL`, `03_users.json`); hidden files
                    // (`.gitkeep`) and directories are not the seeds' business.
                    if !path.is_file() || name.starts_with('.') {
                        continue;
                    }
                    match name.strip_suffix(".sql") {
                        Some(stem) => files.push((stem.to_string(), path)),
                        None => strangers.push(name),
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(SeedError::Read { path: dir, source }),
        }
        if !strangers.is_empty() {
            strangers.sort();
            return Err(SeedError::NotSeeds {
                dir,
                names: strangers,
            });
        }
        files.sort();
        let mut seeds = Vec::with_capacity(files.len());
        for (name, path) in files {
            let raw = std::fs::read_to_string(&path).map_err(|source| SeedError::Read {
                path: path.clone(),
                source,
            })?;
            let sql = raw.replace("\r\n", "\n");
            seeds.push(Seed {
                name,
                sha256: sha256_hex(&sql),
                body: Body::Sql { path, sql },
            });
        }
        let set = SeedSet {
            dir,
            environment: environment.to_string(),
            seeds,
        };
        set.check_names()?;
        Ok(set)
    }

    /// Adds a seed written in Rust, run in name order among the files.
    /// `version` stands for its content: the run records it, and a seed
    /// that ran with another version is refused as changed, as an edited
    /// file is. Give a new seed (a new name) for new data.
    pub fn function<F>(mut self, name: &str, version: u32, f: F) -> Result<SeedSet, SeedError>
    where
        F: for<'t> Fn(&'t Transaction<ReadWrite>) -> BoxFuture<'t, Result<(), Error>>
            + Send
            + Sync
            + 'static,
    {
        // The function of a seed declared by name takes its place.
        self.seeds
            .retain(|s| !(s.name == name && s.runs_elsewhere()));
        self.seeds.push(Seed {
            name: name.to_string(),
            sha256: sha256_hex(&format!("rust seed {name} version {version}")),
            body: Body::Rust(Arc::new(f)),
        });
        self.seeds.sort_by(|a, b| a.name.cmp(&b.name));
        self.check_names()?;
        Ok(self)
    }

    /// Adds the seeds written in Rust that the application runs (the
    /// names `schemac.toml` declares for this environment), in name order
    /// among the files: a runner without their functions keeps their place
    /// and refuses to run a seed after one that has not run.
    pub fn declare_rust(mut self, names: &[String]) -> Result<SeedSet, SeedError> {
        for name in names {
            if self
                .seeds
                .iter()
                .any(|s| &s.name == name && matches!(s.body, Body::Rust(_)))
            {
                continue;
            }
            self.seeds.push(Seed {
                name: name.clone(),
                sha256: String::new(),
                body: Body::Elsewhere,
            });
        }
        self.seeds.sort_by(|a, b| a.name.cmp(&b.name));
        self.check_names()?;
        Ok(self)
    }

    fn check_names(&self) -> Result<(), SeedError> {
        if let Some(pair) = self.seeds.windows(2).find(|w| w[0].name == w[1].name) {
            return Err(SeedError::Duplicate(pair[0].name.clone()));
        }
        if self.environment == PRODUCTION {
            let names: Vec<String> = self
                .seeds
                .iter()
                .filter(|s| !s.name.starts_with(PROD_PREFIX))
                .map(|s| s.name.clone())
                .collect();
            if !names.is_empty() {
                return Err(SeedError::NotProd { names });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(label: &str, files: &[(&str, &str)]) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("schemac-seeds-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        root
    }

    #[test]
    fn files_load_in_name_order_and_crlf_hashes_like_lf() {
        let root = dir(
            "order",
            &[
                ("development/02_b.sql", "SELECT 2;\r\n"),
                ("development/01_a.sql", "SELECT 1;\n"),
                ("development/.gitkeep", ""),
            ],
        );
        let set = SeedSet::load(&root, "development").unwrap();
        let names: Vec<&str> = set.seeds.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["01_a", "02_b"]);
        assert_eq!(set.seeds[1].sha256, sha256_hex("SELECT 2;\n"));
        assert!(SeedSet::load(&root, "staging").unwrap().seeds.is_empty());
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_file_that_is_not_a_seed_is_named_not_skipped() {
        let root = dir(
            "strangers",
            &[
                ("production/PROD_01_plans.sql", "SELECT 1;"),
                ("production/PROD_02_users.SQL", "SELECT 2;"),
                ("production/PROD_03_tenants.json", "{}"),
            ],
        );
        let e = SeedSet::load(&root, "production").unwrap_err();
        assert!(
            matches!(&e, SeedError::NotSeeds { names, .. }
                if names == &["PROD_02_users.SQL", "PROD_03_tenants.json"]),
            "{e}"
        );
        assert!(e.to_string().contains("nothing was run"), "{e}");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn production_names_carry_the_prefix() {
        let root = dir(
            "prod",
            &[
                ("production/PROD_01_plans.sql", "SELECT 1;"),
                ("production/02_fixtures.sql", "SELECT 2;"),
            ],
        );
        let e = SeedSet::load(&root, "production").unwrap_err();
        assert!(
            matches!(&e, SeedError::NotProd { names } if names == &["02_fixtures"]),
            "{e}"
        );
        assert!(e.to_string().contains("nothing was run"));
        assert!(matches!(
            SeedSet::load(&root, "../x"),
            Err(SeedError::Environment(_))
        ));
        let _ = std::fs::remove_dir_all(root);
    }
}
