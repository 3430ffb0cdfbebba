//! Parsed files -> the resolved model, one [`Schema`] per database.
//!
//! Three passes, so that every table can see every other:
//! 1. `collect`: index the definitions of each database, check duplicates,
//!    build enums and IDs, expand mixins, read column types;
//! 2. `infer_reference_types`: give columns that only say `references:` the
//!    referenced column's type (across databases too), to a fixed point;
//! 3. `finish`: defaults, keys, checks, foreign keys, indexes, names, and the
//!    namespace check.

mod collect;
mod column_types;
mod defined_types;
mod finish;
pub mod literal;

use collect::collect;
use column_types::{column_type, infer_reference_types};
use defined_types::{build_domain, build_enum, build_id};

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt};

use crate::ast::*;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::naming::MAX_IDENTIFIER_BYTES;
use crate::source::Span;
use crate::suggest;
use crate::types::{self, TypeError};

/// The parsed files of one database.
pub struct DatabaseSource {
    /// Its name.
    pub name: String,
    /// Its files, parsed.
    pub files: Vec<FileAst>,
}

/// Resolves every database of a project. The schemas are complete only when
/// `diags` holds no error afterwards.
pub fn resolve_project(
    sources: &[DatabaseSource],
    diags: &mut Diagnostics,
) -> Vec<(Schema, Origins)> {
    let mut dbs: Vec<Db<'_>> = sources.iter().map(|s| collect(s, diags)).collect();
    infer_reference_types(&mut dbs);
    let types: Vec<DbTypes> = dbs.iter().map(DbTypes::of).collect();
    dbs.iter()
        .map(|db| (finish::finish(db, &types, diags), Origins::of(db)))
        .collect()
}

/// Where each table, column and enum of a database is defined, so later
/// stages (the data-loss guard) can name the schema file and line.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    /// (pg_schema, table) -> where the table and each of its columns are named
    tables: HashMap<(String, String), TableOrigin>,
    /// enum key -> span of its name
    enums: HashMap<String, Span>,
}

#[derive(Debug, Clone)]
struct TableOrigin {
    span: Span,
    /// (column, span of its name); a table has tens of columns at most, and
    /// a place is looked up only to report something.
    columns: Vec<(String, Span)>,
}

impl Origins {
    fn of(db: &Db<'_>) -> Origins {
        let mut tables = HashMap::with_capacity(db.tables.len());
        for t in &db.tables {
            let columns = t
                .columns
                .iter()
                .map(|c| (c.def.name.value.clone(), c.def.name.span))
                .collect();
            let origin = TableOrigin {
                span: t.def.name.span,
                columns,
            };
            tables.insert((t.pg_schema.clone(), t.def.name.value.clone()), origin);
        }
        Origins {
            tables,
            enums: db.enum_spans.clone(),
        }
    }

    fn table_origin(&self, pg_schema: &str, table: &str) -> Option<&TableOrigin> {
        self.tables.get(&(pg_schema.to_string(), table.to_string()))
    }

    /// Where a table is named.
    pub fn table(&self, pg_schema: &str, table: &str) -> Option<Span> {
        self.table_origin(pg_schema, table).map(|t| t.span)
    }

    /// Where a column is named.
    pub fn column(&self, pg_schema: &str, table: &str, column: &str) -> Option<Span> {
        let t = self.table_origin(pg_schema, table)?;
        t.columns
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, span)| *span)
    }

    /// Where an enum is named.
    pub fn enum_type(&self, key: &str) -> Option<Span> {
        self.enums.get(key).copied()
    }
}

/// A table on its way to the model.
pub(crate) struct WorkTable<'a> {
    pub def: &'a TableDef,
    pub pg_schema: String,
    pub columns: Vec<WorkColumn<'a>>,
    /// Indexes and checks of the table, then of its mixins, in mixin order.
    pub indexes: Vec<&'a IndexDef>,
    pub checks: Vec<&'a CheckDef>,
    pub soft_delete: Vec<&'a SoftDeleteDef>,
    /// Primary key columns as the definitions say (for references that name only a table).
    pub pk_columns: Vec<String>,
}

pub(crate) struct WorkColumn<'a> {
    pub def: &'a ColumnDef,
    pub ty: Option<ColumnType>,
    pub nullable: bool,
}

pub(crate) struct Db<'a> {
    pub name: &'a str,
    pub ids: Vec<IdType>,
    pub enums: Vec<Enum>,
    pub enum_spans: HashMap<String, Span>,
    pub extensions: Vec<(String, Span)>,
    pub tables: Vec<WorkTable<'a>>,
    /// Table name -> positions in `tables` (one per pg_schema holding it).
    pub table_positions: HashMap<String, Vec<usize>>,
    /// The views, each with its pg_schema, in declaration order.
    pub views: Vec<(&'a ViewDef, String)>,
    /// The functions and aggregates, each with its pg_schema, in
    /// declaration order.
    pub routines: Vec<(Routine<'a>, String)>,
    /// The standalone sequences, each with its pg_schema.
    pub sequences: Vec<(&'a SequenceDef, String)>,
    /// The domains, resolved before the columns that use them.
    pub domains: Vec<Domain>,
    /// Where each domain is named, by key.
    pub domain_spans: HashMap<String, Span>,
    /// The domains' `renamed_from`.
    pub domain_renames: Vec<crate::model::ObjectRenamed>,
}

/// A function or an aggregate: PostgreSQL keeps both in one namespace.
#[derive(Clone, Copy)]
pub(crate) enum Routine<'a> {
    Function(&'a FunctionDef),
    Aggregate(&'a AggregateDef),
}

impl Routine<'_> {
    pub fn name(&self) -> &Sp<String> {
        match self {
            Routine::Function(f) => &f.name,
            Routine::Aggregate(a) => &a.name,
        }
    }
}

impl Db<'_> {
    /// Finds a table: in `schema` if given, else in `from_schema`, else the
    /// only table of that name in any schema.
    pub fn find_table(&self, schema: Option<&str>, name: &str, from_schema: &str) -> Option<usize> {
        let named = self
            .table_positions
            .get(name)
            .map_or(&[][..], Vec::as_slice);
        let in_schema = |s: &str| {
            named
                .iter()
                .copied()
                .find(|&i| self.tables[i].pg_schema == s)
        };
        if let Some(s) = schema {
            return in_schema(s);
        }
        if let Some(i) = in_schema(from_schema) {
            return Some(i);
        }
        match named {
            [i] => Some(*i),
            _ => None,
        }
    }

    pub fn table_names(&self) -> Vec<&str> {
        self.tables
            .iter()
            .map(|t| t.def.name.value.as_str())
            .collect()
    }
}

/// Column types of one database, by table and column, for cross-database lookups.
pub(crate) struct DbTypes {
    pub name: String,
    /// table name -> (pk columns, column name -> type)
    pub tables: HashMap<String, (Vec<String>, HashMap<String, ColumnType>)>,
}

impl DbTypes {
    fn of(db: &Db<'_>) -> DbTypes {
        let mut tables = HashMap::new();
        for t in &db.tables {
            let cols = t
                .columns
                .iter()
                .filter_map(|c| Some((c.def.name.value.clone(), c.ty.clone()?)))
                .collect();
            tables.insert(t.def.name.value.clone(), (t.pk_columns.clone(), cols));
        }
        DbTypes {
            name: db.name.to_string(),
            tables,
        }
    }
}

/// Checks the byte length of a name Postgres will store.
pub(crate) fn check_identifier(name: &str, span: Span, what: &str, diags: &mut Diagnostics) {
    if name.is_empty() {
        diags.push(
            Diagnostic::error(format!("the {what} cannot be empty"))
                .at(span, "empty")
                .help("give it a name (Postgres has no empty names)"),
        );
        return;
    }
    if name.len() > MAX_IDENTIFIER_BYTES {
        diags.push(
            Diagnostic::error(format!(
                "{what} `{name}` is {} bytes long; Postgres allows at most {MAX_IDENTIFIER_BYTES}",
                name.len()
            ))
            .at(span, "too long")
            .help("choose a shorter name (Postgres would silently truncate it)"),
        );
    }
}

/// Sorted, deduplicated list of the non-public schemas used.
pub(crate) fn pg_schemas(tables: &[Table], enums: &[Enum]) -> Vec<String> {
    let set: BTreeSet<&str> = tables
        .iter()
        .map(|t| t.pg_schema.as_str())
        .chain(enums.iter().map(|e| e.pg_schema.as_str()))
        .filter(|s| *s != "public")
        .collect();
    set.into_iter().map(String::from).collect()
}
