//! `schemac.toml`: the databases of a project and where their files live.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Pos, SourceMap, Span};

/// The configuration file's name.
pub const CONFIG_FILE: &str = "schemac.toml";

#[derive(Debug, Clone, PartialEq)]
/// One database of a project (`[database.NAME]`).
pub struct DatabaseConfig {
    /// Its name.
    pub name: String,
    /// Directory of schema files, relative to the project root.
    pub schema: PathBuf,
    /// Directory of its migrations, relative to the project root.
    pub migrations: PathBuf,
    /// Seed files, a directory per environment: `seeds/` for a project of
    /// one database, `seeds/<name>/` for each of several.
    pub seeds: PathBuf,
    /// Named SQL queries (`*.sql`) and their checked-in types
    /// (`queries.lock.json`): `queries/`, or `queries/<name>/` for each of
    /// several databases.
    pub queries: PathBuf,
    /// The environment variable of its URL (`DATABASE_URL` by default).
    pub url_env: String,
    /// The schema of the migration and seed tracking tables (created with
    /// them); `public` when not given.
    pub tracking_schema: Option<String>,
    /// The seeds written in Rust (`SeedSet::function`) that the application
    /// runs, by environment: `schemac seed` keeps them in the one order and
    /// status of the environment's seeds without being able to run them.
    pub rust_seeds: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
/// A project's `schemac.toml`, defaults filled in.
pub struct Config {
    /// The project's directory.
    pub root: PathBuf,
    /// Sorted by name.
    pub databases: Vec<DatabaseConfig>,
    /// `[codegen] out`: where `generate` writes the Rust code.
    pub codegen_out: Option<PathBuf>,
    /// A `[codegen]` section: the project has Rust code (written by
    /// `generate`, or by a build.rs), so `generate` types its views' rows.
    pub codegen: bool,
    /// `[codegen] deserialize`: rows also derive serde's `Deserialize` (off
    /// by default: it is the largest part of the generated code's build).
    pub codegen_deserialize: bool,
    /// `[migrations]`.
    pub migrations: MigrationSettings,
}

/// `[migrations]`: how migrations treat tables that already hold rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSettings {
    /// Write the online forms of changes to existing tables (CONCURRENTLY,
    /// NOT VALID then VALIDATE, SET NOT NULL through a validated check).
    pub safe: bool,
    /// `SET lock_timeout` of every transactional migration in safe mode.
    pub lock_timeout: String,
    /// `SET statement_timeout` too, when given.
    pub statement_timeout: Option<String>,
}

impl Default for MigrationSettings {
    fn default() -> Self {
        MigrationSettings {
            safe: false,
            lock_timeout: "5s".into(),
            statement_timeout: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    database: std::collections::BTreeMap<String, RawDatabase>,
    codegen: Option<RawCodegen>,
    migrations: Option<RawMigrations>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMigrations {
    #[serde(default)]
    safe: bool,
    lock_timeout: Option<toml::Spanned<String>>,
    statement_timeout: Option<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    schema: Option<PathBuf>,
    migrations: Option<PathBuf>,
    seeds: Option<PathBuf>,
    queries: Option<PathBuf>,
    url_env: Option<String>,
    tracking_schema: Option<String>,
    #[serde(default)]
    rust_seeds: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodegen {
    out: Option<PathBuf>,
    #[serde(default)]
    deserialize: bool,
}

/// `--db` named a database the project does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown database `{name}`; this project has {}", known.join(", "))]
pub struct UnknownDatabase {
    /// Its name.
    pub name: String,
    /// The databases the project has.
    pub known: Vec<String>,
}

impl Config {
    /// The databases a command works on, each with its position in
    /// [`Config::databases`] (and so in a compilation's schemas): all of
    /// them, or the one `only` names. Every command selects through this, so
    /// a mistyped `--db` is the same error everywhere.
    pub fn select(
        &self,
        only: Option<&str>,
    ) -> Result<Vec<(usize, &DatabaseConfig)>, UnknownDatabase> {
        let selected: Vec<(usize, &DatabaseConfig)> = self
            .databases
            .iter()
            .enumerate()
            .filter(|(_, d)| only.is_none_or(|name| name == d.name))
            .collect();
        match only {
            Some(name) if selected.is_empty() => Err(UnknownDatabase {
                name: name.to_string(),
                known: self.databases.iter().map(|d| d.name.clone()).collect(),
            }),
            _ => Ok(selected),
        }
    }

    /// The configuration without a `schemac.toml`: one database `main`.
    pub fn default_for(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            databases: vec![DatabaseConfig {
                name: "main".into(),
                schema: "schema".into(),
                migrations: "migrations".into(),
                seeds: "seeds".into(),
                queries: "queries".into(),
                url_env: "DATABASE_URL".into(),
                tracking_schema: None,
                rust_seeds: Default::default(),
            }],
            codegen_out: None,
            codegen: false,
            codegen_deserialize: false,
            migrations: MigrationSettings::default(),
        }
    }

    /// The configuration alone, for commands that need no schema (the
    /// runners, taking back a migration), or the report of its mistakes.
    pub fn load_alone(root: &Path) -> Result<Config, crate::diagnostic::SchemaReport> {
        let mut sources = SourceMap::default();
        let mut diagnostics = Diagnostics::new();
        match Config::load(root, &mut sources, &mut diagnostics) {
            Some(config) if !diagnostics.has_errors() => Ok(config),
            _ => Err(crate::diagnostic::SchemaReport {
                diagnostics,
                sources,
            }),
        }
    }

    /// Reads `<root>/schemac.toml` if there is one. Errors point into the file.
    pub fn load(root: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Option<Config> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Some(Config::default_for(root));
            }
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
                return None;
            }
        };
        let file = sources.add(display_path(root, &path), text.clone());
        Config::parse(root, file, &text, diags)
    }

    /// Reads a configuration's text, reporting into `diags`.
    pub fn parse(root: &Path, file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Config> {
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let span = e
                    .span()
                    .map(|r| span_of(file, text, r))
                    .unwrap_or_else(|| Span::file_start(file));
                diags.push(
                    Diagnostic::error(format!("invalid {CONFIG_FILE}: {}", e.message()))
                        .at(span, "here")
                        .help("known keys: [database.NAME] schema, migrations, seeds, queries, url_env, tracking_schema, rust_seeds; [codegen] out, deserialize; [migrations] safe, lock_timeout, statement_timeout"),
                );
                return None;
            }
        };
        let several = raw.database.len() > 1;
        let mut databases: Vec<DatabaseConfig> = raw
            .database
            .into_iter()
            .map(|(name, d)| DatabaseConfig {
                schema: d.schema.unwrap_or_else(|| "schema".into()),
                migrations: d.migrations.unwrap_or_else(|| "migrations".into()),
                seeds: d.seeds.unwrap_or_else(|| match several {
                    true => PathBuf::from("seeds").join(&name),
                    false => "seeds".into(),
                }),
                queries: d.queries.unwrap_or_else(|| match several {
                    true => PathBuf::from("queries").join(&name),
                    false => "queries".into(),
                }),
                url_env: d.url_env.unwrap_or_else(|| "DATABASE_URL".into()),
                tracking_schema: d.tracking_schema,
                rust_seeds: d.rust_seeds,
                name,
            })
            .collect();
        if databases.is_empty() {
            databases = Config::default_for(root).databases;
        }
        for (i, a) in databases.iter().enumerate() {
            for b in &databases[i + 1..] {
                if a.migrations == b.migrations
                    || a.schema == b.schema
                    || a.seeds == b.seeds
                    || a.queries == b.queries
                {
                    diags.push(
                        Diagnostic::error(format!(
                            "databases `{}` and `{}` share a schema, migrations, seeds or queries directory",
                            a.name, b.name
                        ))
                        .at(Span::file_start(file), "in this file")
                        .help("give each database its own `schema`, `migrations`, `seeds` and `queries` directories"),
                    );
                    return None;
                }
            }
        }
        let mut migrations = MigrationSettings::default();
        if let Some(m) = raw.migrations {
            migrations.safe = m.safe;
            let mut timeout = |value: toml::Spanned<String>, key: &str| -> Option<String> {
                let given = value.get_ref().trim().to_string();
                if is_duration(&given) {
                    return Some(given);
                }
                diags.push(
                    Diagnostic::error(format!(
                        "`{key} = \"{given}\"` is not a duration Postgres takes"
                    ))
                    .at(span_of(file, text, value.span()), "here")
                    .help("write a number and a unit: \"5s\", \"500ms\", \"2min\""),
                );
                None
            };
            if let Some(v) = m.lock_timeout {
                migrations.lock_timeout = timeout(v, "lock_timeout")?;
            }
            if let Some(v) = m.statement_timeout {
                migrations.statement_timeout = Some(timeout(v, "statement_timeout")?);
            }
        }
        Some(Config {
            root: root.to_path_buf(),
            databases,
            codegen_deserialize: raw.codegen.as_ref().is_some_and(|c| c.deserialize),
            codegen: raw.codegen.is_some(),
            codegen_out: raw.codegen.and_then(|c| c.out),
            migrations,
        })
    }
}

/// `5s`, `500ms`, `2min`, `1h`: a number and one of Postgres' time units.
fn is_duration(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(&s[digits..], "ms" | "s" | "min" | "h" | "d")
}

/// A path as shown to users: relative to the project root when it is inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

fn span_of(file: FileId, text: &str, range: std::ops::Range<usize>) -> Span {
    let pos = |byte: usize| {
        let before = &text[..byte.min(text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        Pos {
            line,
            col,
            offset: before.chars().count() as u32,
        }
    };
    Span {
        file,
        start: pos(range.start),
        end: pos(range.end),
    }
}
