//! The `schemac` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use schemac::{GenerateError, GenerateOptions, Outcome};

#[derive(Parser)]
#[command(
    name = "schemac",
    version,
    about = "Schema compiler for PostgreSQL applications in Rust"
)]
struct Cli {
    /// The project root (where schemac.toml or schema/ lives).
    #[arg(short = 'C', long = "project", global = true, default_value = ".")]
    project: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile the schema and write the next migration of each database.
    Generate {
        /// Name of the new migration (`0000_<name>.sql`).
        #[arg(long)]
        name: Option<String>,
        /// Only this database (default: all of them).
        #[arg(long)]
        db: Option<String>,
    },
}

/// Exit codes: 0 success, 1 the schema or migrations are wrong, 2 usage error.
const EXIT_SCHEMA: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate { name, db } => {
            run_generate(&cli.project, GenerateOptions { name, database: db })
        }
    }
}

fn run_generate(root: &std::path::Path, options: GenerateOptions) -> ExitCode {
    match schemac::generate(root, &options) {
        Ok(report) => {
            eprint!("{}", report.warnings);
            for (db, outcome) in &report.databases {
                match outcome {
                    Outcome::Created { tag, files } => {
                        println!("{db}: wrote migration {tag}");
                        for f in files {
                            println!("  {}", f.display());
                        }
                    }
                    Outcome::Unchanged { last_tag } => {
                        println!("{db}: no schema changes since {last_tag}; nothing written");
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(GenerateError::Schema { rendered }) => {
            eprint!("{rendered}");
            ExitCode::from(EXIT_SCHEMA)
        }
        Err(GenerateError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(e) => {
            let e = anyhow::Error::from(e).context("schemac generate failed; nothing was written");
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_SCHEMA)
        }
    }
}
