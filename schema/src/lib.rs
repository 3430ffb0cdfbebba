//! schemac-schema: the schema language of schemac.
//!
//! The pipeline, one module per stage:
//! files ([`source`]) -> YAML with spans ([`yaml`]) -> AST ([`parse`], [`ast`])
//! -> resolved model ([`resolve`], [`model`]) -> snapshot JSON ([`snapshot`]).
//! Every stage reports problems as [`diagnostic::Diagnostic`]s and carries on,
//! so one run shows every error in the schema.

pub mod ast;
pub mod config;
pub mod diagnostic;
pub mod model;
pub mod naming;
pub mod parse;
pub mod resolve;
pub mod snapshot;
pub mod source;
pub mod sql;
pub mod suggest;
pub mod types;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use config::{Config, DatabaseConfig, MigrationSettings};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use model::Schema;
use source::FileId;
pub use source::SourceMap;

/// The outcome of reading a project: the schemas are usable only when
/// `diagnostics` holds no error.
#[derive(Debug)]
pub struct Compiled {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
    pub config: Option<Config>,
    /// One per database, in the order of `config.databases`.
    pub schemas: Vec<Schema>,
    /// Where each database's objects are defined, parallel to `schemas`.
    pub origins: Vec<resolve::Origins>,
}

impl Compiled {
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

    /// The rendered diagnostics (errors and warnings), rustc style.
    pub fn render_diagnostics(&self) -> String {
        self.diagnostics.render(&self.sources)
    }
}

/// Reads `schemac.toml` (if any) and every database's schema files under `root`.
pub fn compile_project(root: &Path) -> Compiled {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let Some(config) = Config::load(root, &mut sources, &mut diagnostics) else {
        return Compiled {
            sources,
            diagnostics,
            config: None,
            schemas: Vec::new(),
            origins: Vec::new(),
        };
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
    let mut compiled = compile_sources(inputs, sources, diagnostics);
    compiled.config = Some(config);
    compiled
}

/// Compiles in-memory schema files: `(database name, [(path, text)])`.
pub fn compile_sources(
    databases: Vec<(String, Vec<(PathBuf, String)>)>,
    mut sources: SourceMap,
    mut diagnostics: Diagnostics,
) -> Compiled {
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
    // Files parse independently: spread them over the machine's cores, and
    // put the results (diagnostics included) back in file order.
    let all: Vec<_> = ids.iter().flatten().copied().collect();
    let mut parsed = parse_all(&all, &sources);
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
    let (schemas, origins) = resolve::resolve_project(&dbs, &mut diagnostics)
        .into_iter()
        .unzip();
    Compiled {
        sources,
        diagnostics,
        config: None,
        schemas,
        origins,
    }
}

/// Each file parsed, with its diagnostics, in the order given; on as many
/// threads as the machine has cores (one file per thread at a time).
fn parse_all(ids: &[FileId], sources: &SourceMap) -> Vec<(ast::FileAst, Diagnostics)> {
    let parse_one = |id: FileId| {
        let mut diags = Diagnostics::new();
        let ast = parse::parse_file(id, &sources.get(id).text, &mut diags);
        (ast, diags)
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(ids.len());
    if threads <= 1 {
        return ids.iter().map(|&id| parse_one(id)).collect();
    }
    let chunk = ids.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|&id| parse_one(id)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
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
