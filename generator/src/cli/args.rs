//! The command line's arguments, as clap reads them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "schemac",
    version,
    about = "Schema compiler for PostgreSQL applications in Rust"
)]
pub struct Cli {
    /// The project root (where schemac.toml or schema/ lives).
    #[arg(short = 'C', long = "project", global = true, default_value = ".")]
    pub project: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start a project: schemac.toml, schema/ with a commented example, and .gitattributes marking the generated snapshot and journal files.
    Init,
    /// Compile the schema and write the next migration of each database.
    Generate {
        /// Name of the new migration (`0003_<name>.sql`); derived from the change by default.
        #[arg(long)]
        name: Option<String>,
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// Write changes that can lose data (dropped tables or columns, narrowed types, removed enum values).
        #[arg(long)]
        allow_data_loss: bool,
        /// Write an empty migration with this name, for hand-written SQL.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["name", "rehash"])]
        custom: Option<String>,
        /// Re-record the hashes of migrations edited on purpose, and show which.
        #[arg(long, conflicts_with = "name")]
        rehash: bool,
    },
    /// For CI: fail when the schema has uncovered changes, the migration chain is broken, or a migration was edited.
    Check {
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
    },
    /// Show a change and the SQL it needs: the pending one, or between two migrations.
    Diff {
        /// The starting migration (tag or number); default: the last one.
        from: Option<String>,
        /// The ending migration (tag or number); default: the schema files.
        to: Option<String>,
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// Also show the snapshot, line by line.
        #[arg(short, long)]
        verbose: bool,
        /// `text`, or `markdown`: a summary for a pull request (changes, hazards, what the downs cannot bring back, the SQL folded away).
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// With --format markdown: count, in the database at the URL variable, the rows each data-dependent statement would fail on.
        #[arg(long)]
        check_data: bool,
    },
    /// The hazards of migrations (rewrites, scans and validations under lock, index builds that block writes, data loss, irreversible downs): the newest migration of each database, or a range.
    Lint {
        /// The migration before the range (tag or number); default: the newest migration alone.
        from: Option<String>,
        /// The last migration of the range (tag or number); default: the newest.
        to: Option<String>,
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// `text` (one line per hazard), `json` (an array of objects) or `github` (GitHub Actions annotations on the migrations' lines).
        #[arg(long, value_enum, default_value_t = LintFormat::Text)]
        format: LintFormat,
        /// Exit 1 when a hazard of one of these rules is found (comma-separated rule ids).
        #[arg(long, value_name = "RULE,...")]
        deny: Option<String>,
        /// Count, in the database at each URL variable, the rows each data-dependent statement of the migrations it has not applied would fail on (read-only); exit 1 when any would.
        #[arg(long, conflicts_with_all = ["from", "to", "deny"])]
        check_data: bool,
        /// The statement timeout of each --check-data query.
        #[arg(long, default_value = "30s", requires = "check_data")]
        timeout: String,
    },
    /// Apply pending migrations to the database at each database's URL variable (DATABASE_URL by default).
    Migrate {
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// Print the migrations that would be applied, and their SQL, without applying them.
        #[arg(long, conflicts_with = "down")]
        dry_run: bool,
        /// Revert the last N applied migrations with their .down.sql files.
        #[arg(long, value_name = "N")]
        down: Option<usize>,
    },
    /// Take back the newest migration of a database, if no database has applied it (checked at its URL variable when set), so fixing the schema and generating again replaces it.
    Discard {
        /// The database (needed when the project has several).
        #[arg(long)]
        db: Option<String>,
    },
    /// After a merge: keep the other branch's migrations and generate this branch's again on top of them (renumbered), if no database has applied this branch's.
    Rebase {
        /// The branch or commit whose migrations to keep; default: the branch being merged (MERGE_HEAD).
        #[arg(long, value_name = "REF")]
        onto: Option<String>,
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// Write changes that can lose data (as for `generate`).
        #[arg(long)]
        allow_data_loss: bool,
    },
    /// Run the seeds of an environment (`seeds/<env>/*.sql`, each once, in name order) on databases whose migrations are all applied.
    Seed {
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// The environment: its seeds are in `seeds/<env>/` (default: $SCHEMAC_ENV, else `development`).
        #[arg(long)]
        env: Option<String>,
        /// List the seeds that ran, are pending, changed since they ran, or are missing; exits 1 when one changed.
        #[arg(long, conflicts_with = "dry_run")]
        status: bool,
        /// List the seeds that would run, after the same checks, without running them.
        #[arg(long)]
        dry_run: bool,
    },
    /// The schema as an entity-relationship diagram: Mermaid's erDiagram (GitHub renders it in Markdown), Graphviz's DOT, or SVG drawn by Graphviz's `dot`.
    Erd {
        /// The database (needed when the project has several).
        #[arg(long)]
        db: Option<String>,
        /// Only the tables of this pg_schema.
        #[arg(long, value_name = "SCHEMA")]
        pg_schema: Option<String>,
        /// Only these tables (comma-separated), and the relations between them.
        #[arg(long, value_name = "TABLE,...", value_delimiter = ',')]
        tables: Vec<String>,
        /// `mermaid`, `dot`, or `svg` (runs Graphviz's `dot`).
        #[arg(long, value_enum, default_value_t = ErdFormat::Mermaid)]
        format: ErdFormat,
    },
    /// Start from another tool's migrations: schema YAML and a baseline.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Read a live database's catalog into schema YAML (and, with --baseline, its first migration).
    Pull {
        /// The database of the project to pull into (default: the only one).
        #[arg(long)]
        db: Option<String>,
        /// The database's URL (default: the variable `url_env` names, DATABASE_URL).
        #[arg(long)]
        url: Option<String>,
        /// Only this pg_schema (repeatable; default: every one of the user's).
        #[arg(long = "pg-schema", value_name = "NAME")]
        pg_schema: Vec<String>,
        /// One file per table, beside one per pg_schema for the rest.
        #[arg(long)]
        split: bool,
        /// Propose mixins for the column groups several tables end with alike.
        #[arg(long)]
        mixins: bool,
        /// Write nothing and exit 1 when the database holds something schemac cannot express.
        #[arg(long)]
        strict: bool,
        /// Also write migration 0000 from the pulled schema, which `schemac migrate` records as applied on this database without running it.
        #[arg(long)]
        baseline: bool,
    },
    /// List applied, pending and edited migrations; exits 1 when one was edited or is missing.
    Status {
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
        /// Compare the live database, object by object, with what its applied migrations make; exits 1 on drift.
        #[arg(long)]
        drift: bool,
        /// With --drift: `text`, or `json` for CI.
        #[arg(long, value_enum, default_value_t = StatusFormat::Text, requires = "drift")]
        format: StatusFormat,
    },
}

#[derive(Subcommand)]
pub enum ImportFrom {
    /// A drizzle-kit migrations directory (0.x with meta/_journal.json, or 1.x's folder per migration): its SQL replayed into a scratch database and read back.
    Drizzle {
        /// The directory drizzle-kit writes migrations to (`out` in drizzle.config.ts).
        dir: PathBuf,
        /// The database of the project to import into (default: the only one).
        #[arg(long)]
        db: Option<String>,
        /// One file per table, beside one per pg_schema for the rest.
        #[arg(long)]
        split: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ErdFormat {
    Mermaid,
    Dot,
    Svg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Github,
}
