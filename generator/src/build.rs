//! The build-script API: generate the Rust code of a schema into `OUT_DIR`.
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     schemac::Builder::new().schema_dir("schema").generate().unwrap();
//! }
//! // src/lib.rs
//! mod db {
//!     include!(concat!(env!("OUT_DIR"), "/schema.rs"));
//! }
//! ```
//!
//! It pulls in no async runtime and no database driver (depend on `schemac`
//! with `default-features = false`), prints `cargo:rerun-if-changed` for the
//! schema directory and every file in it, and on a schema error fails the
//! build with the same diagnostics `schemac generate` prints.

use std::fmt;
use std::path::{Path, PathBuf};

use schemac_schema::{Diagnostics, SourceMap, compile_project, compile_sources, schema_files};

use crate::output::write_if_changed;
use crate::rust;

/// Where the schema comes from.
#[derive(Clone, Debug)]
enum Input {
    /// A directory of YAML files: one database, `main`.
    SchemaDir(PathBuf),
    /// A project directory with `schemac.toml` (several databases possible).
    Project(PathBuf),
}

/// Configures and runs code generation from a build script.
#[derive(Clone, Debug)]
pub struct Builder {
    input: Input,
    out_dir: Option<PathBuf>,
    file_name: String,
    emit_rerun: bool,
    deserialize: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// Why generation failed. `Debug` prints the same readable text as
/// `Display`, so `generate().unwrap()` in a build script shows the
/// diagnostics as they are, not escaped.
pub enum BuildError {
    /// The schema has errors (all of them; shown like rustc's).
    Schema(schemac_schema::diagnostic::SchemaReport),
    /// A path or the environment is not what the build expects.
    Setup(String),
    /// The generated Rust did not parse (a schemac bug, with the file).
    Codegen(rust::CodegenError),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Schema(report) => write!(f, "the schema has errors:\n{report}"),
            BuildError::Setup(message) => f.write_str(message),
            BuildError::Codegen(e) => write!(f, "{e}"),
            BuildError::Io { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// Reads `schema/` (relative to the crate being built) by default.
    pub fn new() -> Self {
        Builder {
            input: Input::SchemaDir(PathBuf::from("schema")),
            out_dir: None,
            file_name: "schema.rs".to_owned(),
            emit_rerun: true,
            deserialize: false,
        }
    }

    /// A directory of schema YAML files, for a single database.
    pub fn schema_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.input = Input::SchemaDir(dir.into());
        self
    }

    /// A project directory with `schemac.toml`; each database becomes a module.
    pub fn project(mut self, root: impl Into<PathBuf>) -> Self {
        self.input = Input::Project(root.into());
        self
    }

    /// Where to write (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The file's name in the output directory (default `schema.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: yes).
    pub fn emit_rerun_if_changed(mut self, emit: bool) -> Self {
        self.emit_rerun = emit;
        self
    }

    /// Whether rows also derive serde's `Deserialize` (default: no, unless
    /// the project's `[codegen] deserialize` says so). It is the largest
    /// part of the generated code's build time.
    pub fn deserialize(mut self, on: bool) -> Self {
        self.deserialize = on;
        self
    }

    /// What cargo is told to watch: the schema directories, every schema
    /// file in them, and `schemac.toml` for a project.
    pub fn watched_paths(&self) -> Result<Vec<PathBuf>, BuildError> {
        Ok(self.compile()?.1)
    }

    fn compile(&self) -> Result<(schemac_schema::Compiled, Vec<PathBuf>), BuildError> {
        Ok(match &self.input {
            Input::SchemaDir(dir) => {
                let dir = resolve(dir);
                let paths = schema_files(&dir).map_err(|e| {
                    BuildError::Setup(format!(
                        "cannot read the schema directory {}: {e}",
                        dir.display()
                    ))
                })?;
                if paths.is_empty() {
                    return Err(BuildError::Setup(format!(
                        "no schema files (*.yaml) in {}",
                        dir.display()
                    )));
                }
                let mut files = Vec::new();
                for path in &paths {
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        BuildError::Setup(format!("cannot read {}: {e}", path.display()))
                    })?;
                    files.push((path.clone(), text));
                }
                let mut watched = vec![dir.clone()];
                watched.extend(paths);
                let compiled = compile_sources(
                    vec![("main".to_owned(), files)],
                    SourceMap::new(),
                    Diagnostics::new(),
                );
                (compiled, watched)
            }
            Input::Project(root) => {
                let root = resolve(root);
                let compiled = compile_project(&root);
                let mut watched = vec![root.join("schemac.toml")];
                if let Some(config) = &compiled.config {
                    for db in &config.databases {
                        // A missing file would make cargo rerun the script every build.
                        let lock = root
                            .join(&db.queries)
                            .join(schemac_schema::queries::LOCK_FILE);
                        if lock.is_file() {
                            watched.push(lock);
                        }
                        let dir = root.join(&db.schema);
                        watched.extend(schema_files(&dir).unwrap_or_default());
                        watched.push(dir);
                    }
                }
                (compiled, watched)
            }
        })
    }

    /// The project root, for a project input (where its queries are).
    fn root(&self) -> Option<PathBuf> {
        match &self.input {
            Input::Project(root) => Some(resolve(root)),
            Input::SchemaDir(_) => None,
        }
    }

    /// The generated code as one file of inline modules, without writing it.
    pub fn render(&self) -> Result<String, BuildError> {
        let (compiled, watched) = self.compile()?;
        if self.emit_rerun {
            for path in &watched {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        if compiled.has_errors() {
            return Err(BuildError::Schema(compiled.report()));
        }
        // A schema directory alone is the one database `main` of a default project.
        let default;
        let databases = match &compiled.config {
            Some(config) => &config.databases,
            None => {
                default = schemac_schema::Config::default_for(Path::new("."));
                &default.databases
            }
        };
        // Named queries come typed from their lock file: no database here.
        let locks: Vec<Option<schemac_schema::queries::QueryLock>> = match &self.root() {
            Some(root) => {
                let locks = schemac_schema::queries::QueryLock::read_all(root, databases)
                    .map_err(|e| BuildError::Setup(e.to_string()))?;
                for (db, lock) in databases.iter().zip(&locks) {
                    let dir = root.join(&db.queries);
                    // Without its lock, the queries would be left out, and the
                    // application would find no `queries` module.
                    if lock.is_none() && has_queries(&dir)? {
                        return Err(BuildError::Setup(format!(
                            "{} holds named queries but no {}: run `schemac generate` with the database's URL variable set to type them, and commit the lock",
                            dir.display(),
                            schemac_schema::queries::LOCK_FILE
                        )));
                    }
                }
                locks
            }
            None => {
                // A schema directory alone has no queries; those beside it
                // would be left out without a word.
                if let Input::SchemaDir(dir) = &self.input {
                    let beside = resolve(dir).parent().map(|p| p.join("queries"));
                    if let Some(queries) = beside.filter(|q| has_queries(q).unwrap_or(false)) {
                        return Err(BuildError::Setup(format!(
                            "{} holds named queries, which `schema_dir` does not read: use `Builder::new().project(\"{}\")` (the directory of schemac.toml) to include them",
                            queries.display(),
                            queries.parent().unwrap_or(Path::new(".")).display()
                        )));
                    }
                }
                Vec::new()
            }
        };
        let options = rust::RustOptions {
            deserialize: self.deserialize
                || compiled
                    .config
                    .as_ref()
                    .is_some_and(|c| c.codegen_deserialize),
        };
        let rendered = rust::render_databases(databases, &compiled.schemas, &locks, options)
            .map_err(BuildError::Codegen)?;
        let several = rendered.len() > 1;
        let mut out = String::from(
            "// Generated by schemac from the schema in a build script. Do not edit.\n",
        );
        for (name, files) in &rendered {
            let code = rust::single_file(files);
            if several {
                out.push_str(&format!(
                    "pub mod {} {{\n{code}}}\n",
                    rust::module_ident(name)
                ));
            } else {
                out.push_str(&code);
            }
        }
        Ok(out)
    }

    /// Writes the code to `<out_dir>/<file_name>` (only if it changed).
    pub fn generate(self) -> Result<PathBuf, BuildError> {
        let code = self.render()?;
        let dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    BuildError::Setup(
                        "OUT_DIR is not set: call Builder::generate from a build script, \
                     or give Builder::out_dir"
                            .to_owned(),
                    )
                })?,
        };
        let path = dir.join(&self.file_name);
        write_if_changed(&path, code.as_bytes()).map_err(|source| BuildError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

/// Whether `dir` holds named queries (`*.sql`).
fn has_queries(dir: &Path) -> Result<bool, BuildError> {
    schemac_schema::queries::read_queries(dir, dir)
        .map(|q| !q.is_empty())
        .map_err(|e| BuildError::Setup(e.to_string()))
}

/// A relative path is relative to the crate being built (cargo runs build
/// scripts there, but say so explicitly).
fn resolve(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir).join(path),
        None => path.to_path_buf(),
    }
}
