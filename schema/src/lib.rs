//! schemac-schema: the schema language of schemac.
//!
//! The pipeline, one module per stage:
//! files ([`source`]) -> YAML with spans ([`yaml`]) -> AST ([`parse`], [`ast`])
//! -> resolved model ([`resolve`], [`model`]) -> snapshot JSON ([`snapshot`]).
//! Every stage reports problems as [`diagnostic::Diagnostic`]s and carries on,
//! so one run shows every error in the schema.

#![warn(missing_docs)]

pub mod ast;
pub mod config;
pub mod diagnostic;
pub mod expressions;
pub mod migration_dir;
pub mod model;
pub mod naming;
pub mod parse;
pub mod queries;
pub mod resolve;
pub mod snapshot;
pub mod source;
pub mod sql;
pub mod suggest;
pub mod types;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

pub use config::{Config, DatabaseConfig, MigrationSettings};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use model::Schema;
use source::FileId;
pub use source::SourceMap;

/// The outcome of reading a project: the schemas are usable only when
/// `diagnostics` holds no error.
#[derive(Debug)]
pub struct Compiled {
    /// The files read, for rendering diagnostics.
    pub sources: SourceMap,
    /// Every error and warning found.
    pub diagnostics: Diagnostics,
    /// `schemac.toml`, when it could be read.
    pub config: Option<Config>,
    /// One per database, in the order of `config.databases`.
    pub schemas: Vec<Schema>,
    /// Where each database's objects are defined, parallel to `schemas`.
    pub origins: Vec<resolve::Origins>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }

    /// `path:line` of a span, for messages outside the diagnostic renderer.
    pub fn locate(&self, span: source::Span) -> String {
        format!(
            "{}:{}",
            self.sources.path(span.file).display(),
            span.start.line
        )
    }

    /// The diagnostics (errors and warnings) with the files they point into.
    pub fn report(&self) -> diagnostic::SchemaReport {
        diagnostic::SchemaReport {
            diagnostics: self.diagnostics.clone(),
            sources: self.sources.clone(),
        }
    }

    /// The rendered diagnostics (errors and warnings), rustc style.
    pub fn render_diagnostics(&self) -> String {
        self.diagnostics.render(&self.sources)
    }
}

/// Reads `schemac.toml` (if any) and every database's schema files under `root`.
pub fn compile_project(root: &Path) -> Compiled {
    compile_project_alongside(root, None, |_| ()).0
}

/// [`compile_project`], running `alongside` meanwhile on a core the
/// compilation does not need: on the first thread that runs out of files to
/// parse. Work that does not depend on the schema (the generator reads the
/// last snapshot) then overlaps the end of the parse and the resolution,
/// instead of competing with the parse for every core.
///
/// `alongside` is given the configuration the compilation loaded, so that
/// nothing loads it twice; it does not run (`None`) when there is none.
///
/// With `parser`, the SQL the schema carries is checked with it too (see
/// [`expressions`]).
pub fn compile_project_alongside<T: Send>(
    root: &Path,
    parser: Option<expressions::SqlParser>,
    alongside: impl FnOnce(&Config) -> T + Send,
) -> (Compiled, Option<T>) {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let Some(config) = Config::load(root, &mut sources, &mut diagnostics) else {
        let compiled = Compiled {
            sources,
            diagnostics,
            config: None,
            schemas: Vec::new(),
            origins: Vec::new(),
        };
        return (compiled, None);
    };
    let mut inputs = Vec::new();
    for db in &config.databases {
        let dir = root.join(&db.schema);
        let mut files = Vec::new();
        match schema_files(&dir) {
            Ok(paths) if paths.is_empty() => diagnostics.push(
                Diagnostic::error(format!(
                    "database `{}` has no schema files in `{}`",
                    db.name,
                    db.schema.display()
                ))
                .help("add `*.yaml` files there, or point `schema` in schemac.toml at the right directory"),
            ),
            Ok(paths) => {
                for path in paths {
                    match std::fs::read_to_string(&path) {
                        Ok(text) => files.push((config::display_path(root, &path), text)),
                        Err(e) => diagnostics
                            .push(Diagnostic::error(format!("cannot read {}: {e}", path.display()))),
                    }
                }
            }
            Err(e) => diagnostics.push(
                Diagnostic::error(format!(
                    "cannot read the schema directory `{}` of database `{}`: {e}",
                    dir.display(),
                    db.name
                ))
                .help("run schemac in the project root, or create the directory"),
            ),
        }
        inputs.push((db.name.clone(), files));
    }
    let loaded = &config;
    let (mut compiled, extra) =
        compile_sources_alongside(inputs, sources, diagnostics, parser, move || {
            alongside(loaded)
        });
    compiled.config = Some(config);
    (compiled, Some(extra))
}

/// Compiles in-memory schema files: `(database name, [(path, text)])`.
pub fn compile_sources(
    databases: Vec<(String, Vec<(PathBuf, String)>)>,
    sources: SourceMap,
    diagnostics: Diagnostics,
) -> Compiled {
    compile_sources_alongside(databases, sources, diagnostics, None, || ()).0
}

fn compile_sources_alongside<T: Send>(
    databases: Vec<(String, Vec<(PathBuf, String)>)>,
    mut sources: SourceMap,
    mut diagnostics: Diagnostics,
    parser: Option<expressions::SqlParser>,
    alongside: impl FnOnce() -> T + Send,
) -> (Compiled, T) {
    let mut names = Vec::new();
    let mut ids = Vec::new();
    for (name, files) in databases {
        names.push(name);
        ids.push(
            files
                .into_iter()
                .map(|(path, text)| sources.add(path, text))
                .collect::<Vec<_>>(),
        );
    }
    let all: Vec<_> = ids.iter().flatten().copied().collect();
    let resolve = |mut parsed: Vec<(ast::FileAst, Diagnostics)>| {
        let mut dbs = Vec::new();
        for (name, files) in names.into_iter().zip(&ids) {
            let asts = parsed
                .drain(..files.len())
                .map(|(ast, diags)| {
                    diagnostics.extend(diags);
                    ast
                })
                .collect();
            dbs.push(resolve::DatabaseSource { name, files: asts });
        }
        resolve::resolve_project(&dbs, &mut diagnostics)
            .into_iter()
            .unzip()
    };
    let ((schemas, origins), extra) = parse_all_then(&all, &sources, parser, alongside, resolve);
    let compiled = Compiled {
        sources,
        diagnostics,
        config: None,
        schemas,
        origins,
    };
    (compiled, extra)
}

/// Parses every file (files parse independently: on as many threads as the
/// machine has cores, each taking the next file left), then calls `then`
/// with the results, diagnostics included, in the order given. `alongside`
/// starts on a thread of its own as soon as one parsing thread finds no
/// file left, so it overlaps the rest of the parse and `then`.
fn parse_all_then<R, T: Send>(
    ids: &[FileId],
    sources: &SourceMap,
    parser: Option<expressions::SqlParser>,
    alongside: impl FnOnce() -> T + Send,
    then: impl FnOnce(Vec<(ast::FileAst, Diagnostics)>) -> R,
) -> (R, T) {
    let check = |ast: &ast::FileAst, diags: &mut Diagnostics| {
        if let Some(parser) = parser {
            expressions::check_file(ast, parser, diags);
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parse_one = |id: FileId| {
        let mut diags = Diagnostics::new();
        let text = &sources.get(id).text;
        // A large file is read in pieces, one per core, and checked there.
        let ast = match parse::pieces::parse_in_pieces(id, text, cores, &check) {
            Some((ast, true)) => ast,
            Some((ast, false)) => {
                check(&ast, &mut diags);
                ast
            }
            None => {
                let ast = parse::parse_file(id, text, &mut diags);
                check(&ast, &mut diags);
                ast
            }
        };
        (ast, diags)
    };
    let threads = cores.min(ids.len());
    if threads <= 1 {
        let parsed = ids.iter().map(|&id| parse_one(id)).collect();
        let extra = alongside();
        return (then(parsed), extra);
    }
    enum Message<P> {
        Parsed(usize, P),
        NoFileLeft,
    }
    enum Alongside<F, H> {
        Waiting(F),
        Running(H),
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let sender = sender.clone();
                let (next, parse_one) = (&next, &parse_one);
                // The receiver outlives every worker: a send cannot fail.
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&id) = ids.get(i) else { break };
                        let _ = sender.send(Message::Parsed(i, parse_one(id)));
                    }
                    let _ = sender.send(Message::NoFileLeft);
                })
            })
            .collect();
        drop(sender);
        let mut state = Alongside::Waiting(alongside);
        let mut parsed: Vec<Option<(ast::FileAst, Diagnostics)>> =
            std::iter::repeat_with(|| None).take(ids.len()).collect();
        let mut left = ids.len();
        for message in receiver.iter() {
            match message {
                Message::Parsed(i, result) => {
                    parsed[i] = Some(result);
                    left -= 1;
                }
                Message::NoFileLeft => {
                    state = match state {
                        Alongside::Waiting(job) => Alongside::Running(scope.spawn(job)),
                        running => running,
                    };
                }
            }
            if left == 0 {
                break;
            }
        }
        let running = match state {
            Alongside::Waiting(job) => scope.spawn(job),
            Alongside::Running(handle) => handle,
        };
        // A worker that panicked goes on panicking here.
        for worker in workers {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        // So every file was parsed; the fallback only keeps this total.
        let parsed = parsed
            .into_iter()
            .zip(ids)
            .map(|(p, &id)| p.unwrap_or_else(|| parse_one(id)))
            .collect();
        let result = then(parsed);
        let extra = running
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (result, extra)
    })
}

/// Every `*.yaml` / `*.yml` file under `dir`, recursively, sorted by path.
pub fn schema_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files parse on several threads; what they say must come back in the
    /// order the files were given, whichever thread parsed which.
    #[test]
    fn files_parsed_in_parallel_report_in_file_order() {
        let files: Vec<(PathBuf, String)> = (0..12)
            .map(|i| {
                let path = PathBuf::from(format!("schema/t{i:02}.yaml"));
                let text = format!(
                    "tables:\n  t{i}:\n    columns:\n      id: bigint\n    unknown_{i}: 1\n"
                );
                (path, text)
            })
            .collect();
        let compiled = compile_sources(
            vec![("main".into(), files)],
            SourceMap::new(),
            Diagnostics::new(),
        );
        let keys: Vec<String> = compiled
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        let expected: Vec<String> = (0..12)
            .map(|i| format!("unknown key `unknown_{i}` in table `t{i}`"))
            .collect();
        assert_eq!(keys, expected);
    }

    /// `alongside` runs exactly once and its result comes back, for any
    /// number of files.
    #[test]
    fn work_alongside_runs_once_and_returns() {
        for n in [0, 1, 2, 7] {
            let mut sources = SourceMap::new();
            let ids: Vec<FileId> = (0..n)
                .map(|i| {
                    sources.add(
                        format!("f{i}.yaml"),
                        format!("tables:\n  t{i}:\n    columns:\n      id: bigint\n"),
                    )
                })
                .collect();
            let runs = AtomicUsize::new(0);
            let (tables, extra) = parse_all_then(
                &ids,
                &sources,
                None,
                || runs.fetch_add(1, Ordering::SeqCst) + 41,
                |parsed| {
                    parsed
                        .iter()
                        .map(|(ast, _)| ast.tables[0].name.value.clone())
                        .collect::<Vec<_>>()
                },
            );
            assert_eq!(extra, 41, "{n} files");
            assert_eq!(runs.load(Ordering::SeqCst), 1, "{n} files");
            let expected: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
            assert_eq!(tables, expected);
        }
    }
}
