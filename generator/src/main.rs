//! The `schemac` command line.

#[macro_use]
mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::args::{Cli, Command, DiffFormat, LintFormat};
use cli::generate::{run_generate, run_init};
use cli::lint::{run_check, run_lint};
use cli::{EXIT_FAILURE, EXIT_USAGE};
use schemac::commands::diff::{Color, Format};
use schemac::{Error, GenerateOptions};
use schemac_schema::config::UnknownDatabase;

/// Many small strings from several threads: mimalloc, built without
/// transparent huge pages (docs/performance.md, "generate at scale").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.project.as_path();
    let result = match cli.command {
        Command::Init => run_init(root),
        Command::Generate {
            name,
            db,
            allow_data_loss,
            custom,
            rehash,
        } => run_generate(
            root,
            GenerateOptions {
                name,
                database: db,
                allow_data_loss,
                custom,
                rehash,
            },
        ),
        Command::Check { db } => run_check(root, db.as_deref()),
        Command::Erd {
            db,
            pg_schema,
            tables,
            format,
        } => Ok(report_run(cli::erd::run_erd(
            root,
            db.as_deref(),
            schemac::commands::erd::ErdOptions { pg_schema, tables },
            format,
        ))),
        Command::Lint {
            db,
            format,
            check_data: true,
            timeout,
            ..
        } => Ok(report_run(cli::check_data::check_data(
            root,
            db.as_deref(),
            matches!(format, LintFormat::Json),
            &timeout,
        ))),
        Command::Lint {
            from,
            to,
            db,
            format,
            deny,
            ..
        } => run_lint(
            root,
            db.as_deref(),
            from.as_deref(),
            to.as_deref(),
            format,
            deny.as_deref(),
        ),
        Command::Migrate { db, dry_run, down } => {
            let action = match (dry_run, down) {
                (true, _) => cli::migrate::Action::DryRun,
                (false, Some(n)) => cli::migrate::Action::Down(n),
                (false, None) => cli::migrate::Action::Apply,
            };
            Ok(report_run(cli::migrate::migrate(
                root,
                db.as_deref(),
                action,
            )))
        }
        Command::Seed {
            db,
            env,
            status,
            dry_run,
        } => {
            let action = match (status, dry_run) {
                (true, _) => cli::seed::Action::Status,
                (false, true) => cli::seed::Action::DryRun,
                (false, false) => cli::seed::Action::Run,
            };
            let env = env.unwrap_or_else(cli::seed::default_environment);
            Ok(report_run(cli::seed::seed(
                root,
                db.as_deref(),
                &env,
                action,
            )))
        }
        Command::Discard { db } => cli::team::discard(root, db.as_deref()),
        Command::Rebase {
            onto,
            db,
            allow_data_loss,
        } => cli::team::rebase(root, onto.as_deref(), db.as_deref(), allow_data_loss),
        Command::Import {
            from: cli::args::ImportFrom::Drizzle { dir, db, split },
        } => Ok(report_run(cli::import::run_import_drizzle(
            root,
            &dir,
            db.as_deref(),
            split,
        ))),
        Command::Pull {
            db,
            url,
            pg_schema,
            split,
            mixins,
            strict,
            baseline,
        } => Ok(report_run(cli::pull::run_pull(
            root,
            cli::pull::PullOptions {
                db,
                url,
                pg_schemas: pg_schema,
                split,
                mixins,
                strict,
                baseline,
            },
        ))),
        Command::Status {
            db,
            drift: true,
            format,
        } => Ok(report_run(cli::drift::status_drift(
            root,
            db.as_deref(),
            match format {
                cli::args::StatusFormat::Text => cli::drift::DriftFormat::Text,
                cli::args::StatusFormat::Json => cli::drift::DriftFormat::Json,
            },
        ))),
        Command::Status { db, .. } => Ok(report_run(cli::migrate::status(root, db.as_deref()))),
        Command::Diff {
            from,
            to,
            db,
            verbose,
            format,
            check_data,
        } => {
            if check_data && matches!(format, DiffFormat::Text) {
                eprintln!("error: --check-data goes with --format markdown");
                return ExitCode::from(EXIT_USAGE);
            }
            let checker = check_data.then(|| cli::check_data::Checker::new(root));
            let verdict = |database: &str, query: &str| {
                checker
                    .as_ref()
                    .map(|c| c.verdict(database, query))
                    .unwrap_or_default()
            };
            let check = checker
                .as_ref()
                .map(|_| &verdict as &dyn Fn(&str, &str) -> String);
            schemac::commands::diff::show_checked(
                root,
                db.as_deref(),
                from.as_deref(),
                to.as_deref(),
                verbose,
                match format {
                    DiffFormat::Text => Format::Text(Color::detect()),
                    DiffFormat::Markdown => Format::Markdown,
                },
                check,
            )
            .map(|text| {
                out!("{text}");
                ExitCode::SUCCESS
            })
        }
    };
    result.unwrap_or_else(report_error)
}

fn report_run(result: anyhow::Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {}", cli::render(&e));
        // A mistyped `--db` is a usage error in every command.
        if e.downcast_ref::<UnknownDatabase>().is_some() {
            ExitCode::from(EXIT_USAGE)
        } else {
            ExitCode::from(EXIT_FAILURE)
        }
    })
}

fn report_error(e: Error) -> ExitCode {
    match e {
        Error::Schema(report) => {
            eprint!("{report}");
            ExitCode::from(EXIT_FAILURE)
        }
        Error::DataLoss(report) => {
            eprint!("{report}");
            ExitCode::from(EXIT_FAILURE)
        }
        Error::Usage(usage) => {
            eprintln!("error: {usage}");
            ExitCode::from(EXIT_USAGE)
        }
        e @ (Error::BrokenChain { .. }
        | Error::Discard(_)
        | Error::Rebase(_)
        | Error::Init(_)
        | Error::Queries(_)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
        Error::UnknownDatabase(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
        e => {
            let e = anyhow::Error::from(e).context("schemac failed; nothing was written");
            eprintln!("error: {}", cli::render(&e));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
