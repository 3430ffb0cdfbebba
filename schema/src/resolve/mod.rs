//! Parsed files -> the resolved model, one [`Schema`] per database.
//!
//! Three passes, so that every table can see every other:
//! 1. `collect`: index the definitions of each database, check duplicates,
//!    build enums and IDs, expand mixins, read column types;
//! 2. `infer_reference_types`: give columns that only say `references:` the
//!    referenced column's type (across databases too), to a fixed point;
//! 3. `finish`: defaults, keys, checks, foreign keys, indexes, names, and the
//!    namespace check.

mod finish;
pub mod literal;

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

fn collect<'a>(source: &'a DatabaseSource, diags: &mut Diagnostics) -> Db<'a> {
    let mut db = Db {
        name: &source.name,
        ids: Vec::new(),
        enums: Vec::new(),
        enum_spans: HashMap::new(),
        extensions: Vec::new(),
        tables: Vec::new(),
        table_positions: HashMap::new(),
    };

    // Names defined twice, within or across files, are errors naming both places.
    let mut id_spans: HashMap<&str, Span> = HashMap::new();
    // A prefix says which type an external ID is: two types cannot share one.
    let mut prefixes: HashMap<&str, (&str, Span)> = HashMap::new();
    let mut mixins: HashMap<&str, &MixinDef> = HashMap::new();
    let mut table_spans: HashMap<(String, &str), Span> = HashMap::new();
    let mut table_files: Vec<(&TableDef, String)> = Vec::new();
    let mut enum_defs: Vec<(&EnumDef, String)> = Vec::new();

    for file in &source.files {
        if file.file.is_none() {
            continue;
        }
        let pg_schema = file
            .pg_schema
            .as_ref()
            .map_or_else(|| "public".to_string(), |s| s.value.clone());
        if let Some(s) = &file.pg_schema {
            check_identifier(&s.value, s.span, "pg_schema name", diags);
        }
        for ext in &file.extensions {
            // Extension names are letters, digits, `_` and `-` (uuid-ossp);
            // anything else cannot name one PostgreSQL has.
            let plain = !ext.value.is_empty()
                && ext
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !plain {
                diags.push(
                    Diagnostic::error(format!("`{}` is not an extension's name", ext.value))
                        .at(ext.span, "not an extension")
                        .help("extensions are named with letters, digits, `_` and `-`, as in `uuid-ossp` or `pg_trgm`"),
                );
                continue;
            }
            if !db.extensions.iter().any(|(e, _)| e == &ext.value) {
                db.extensions.push((ext.value.clone(), ext.span));
            }
        }
        for id in &file.ids {
            if let Some(first) = id_spans.insert(&id.name.value, id.name.span) {
                diags.push(duplicate("ID type", &id.name.value, id.name.span, first));
                continue;
            }
            if let Some((other, first)) = prefixes.get(id.prefix.value.as_str()) {
                diags.push(
                    Diagnostic::error(format!(
                        "ID types `{other}` and `{}` share the prefix `{}`",
                        id.name.value, id.prefix.value
                    ))
                    .at(id.prefix.span, "the same prefix again")
                    .also(*first, format!("`{other}`'s prefix"))
                    .help(
                        "give each ID type a prefix of its own: the prefix is how an external ID \
                         says its type, and with a shared one either type would parse the other's IDs",
                    ),
                );
            } else {
                prefixes.insert(&id.prefix.value, (&id.name.value, id.prefix.span));
            }
            db.ids.push(build_id(id, diags));
        }
        for e in &file.enums {
            if let Some(first) = db.enum_spans.get(&e.name.value) {
                diags.push(duplicate("enum", &e.name.value, e.name.span, *first));
                continue;
            }
            db.enum_spans.insert(e.name.value.clone(), e.name.span);
            enum_defs.push((e, pg_schema.clone()));
        }
        for m in &file.mixins {
            if let Some(first) = mixins.get(m.name.value.as_str()) {
                diags.push(duplicate(
                    "mixin",
                    &m.name.value,
                    m.name.span,
                    first.name.span,
                ));
                continue;
            }
            mixins.insert(&m.name.value, m);
        }
        for t in &file.tables {
            let key = (pg_schema.clone(), t.name.value.as_str());
            if let Some(first) = table_spans.get(&key) {
                diags.push(duplicate("table", &t.name.value, t.name.span, *first));
                continue;
            }
            table_spans.insert(key, t.name.span);
            table_files.push((t, pg_schema.clone()));
        }
    }

    for (e, pg_schema) in enum_defs {
        if let Some(built) = build_enum(e, pg_schema, diags) {
            db.enums.push(built);
        }
    }

    let mut expander = MixinExpander {
        mixins: &mixins,
        done: HashMap::new(),
    };
    for (def, pg_schema) in table_files {
        let table = collect_table(def, pg_schema, &db, &mut expander, diags);
        db.table_positions
            .entry(table.def.name.value.clone())
            .or_default()
            .push(db.tables.len());
        db.tables.push(table);
    }
    // Mixins no table uses still get their cycles and references checked.
    let mut names: Vec<&&str> = mixins.keys().collect();
    names.sort();
    for name in names {
        let m = mixins[*name];
        expander.expand(m, &mut Vec::new(), diags);
    }
    db
}

fn duplicate(what: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(format!("{what} `{name}` is defined twice"))
        .at(span, "defined again here")
        .also(first, "first defined here")
        .help(format!(
            "rename or remove one of them; each {what} name must be unique in its database"
        ))
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

fn build_id(def: &IdDef, diags: &mut Diagnostics) -> IdType {
    // The prefix is the external form's first word, in URLs and logs.
    let plain_prefix = !def.prefix.value.is_empty()
        && def
            .prefix
            .value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain_prefix {
        diags.push(
            Diagnostic::error(format!(
                "the prefix of ID type `{}` must be letters, digits and `_`",
                def.name.value
            ))
            .at(def.prefix.span, "not a plain word")
            .help("an external ID reads `prefix_01H…`: use a prefix like `user` or `org_mem`"),
        );
    }
    let separator = def
        .separator
        .as_ref()
        .map_or_else(|| "_".to_string(), |s| s.value.clone());
    if separator.is_empty() {
        if let Some(s) = &def.separator {
            diags.push(
                Diagnostic::error(format!(
                    "the separator of ID type `{}` is empty",
                    def.name.value
                ))
                .at(s.span, "empty separator")
                .help("use `_` (the default) or `-`"),
            );
        }
    } else if !separator.chars().all(|c| c.is_ascii_punctuation()) {
        if let Some(s) = &def.separator {
            diags.push(
                Diagnostic::error(format!(
                    "the separator of ID type `{}` must be punctuation",
                    def.name.value
                ))
                .at(s.span, "not a separator")
                .help("use `_` (the default) or `-`"),
            );
        }
    }
    if !def
        .name
        .value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        || !def.name.value.chars().all(|c| c.is_ascii_alphanumeric())
    {
        diags.push(
            Diagnostic::error(format!(
                "ID type name `{}` is not an UpperCamelCase Rust type name",
                def.name.value
            ))
            .at(def.name.span, "becomes a Rust type")
            .help("name ID types like Rust types, e.g. `TenantId`"),
        );
    }
    IdType {
        name: def.name.value.clone(),
        prefix: def.prefix.value.clone(),
        separator,
        storage: def.storage,
        body: def.body,
    }
}

fn build_enum(def: &EnumDef, pg_schema: String, diags: &mut Diagnostics) -> Option<Enum> {
    let sql_name = def
        .sql_name
        .as_ref()
        .map_or_else(|| def.name.value.clone(), |s| s.value.clone());
    let name_span = def.sql_name.as_ref().map_or(def.name.span, |s| s.span);
    check_identifier(&sql_name, name_span, "enum type name", diags);
    if def.values.is_empty() {
        diags.push(
            Diagnostic::error(format!("enum `{}` has no values", def.name.value))
                .at(def.values_span, "empty")
                .help("list at least one value; Postgres enums cannot be empty"),
        );
        return None;
    }
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut values = Vec::new();
    let mut value_renames = Vec::new();
    for v in &def.values {
        if let Some(first) = seen.insert(&v.name.value, v.name.span) {
            diags.push(
                Diagnostic::error(format!(
                    "enum `{}` lists value `{}` twice",
                    def.name.value, v.name.value
                ))
                .at(v.name.span, "repeated here")
                .also(first, "first listed here"),
            );
            continue;
        }
        if v.name.value.is_empty() {
            diags.push(
                Diagnostic::error(format!("enum `{}` has an empty value", def.name.value))
                    .at(v.name.span, "empty label")
                    .help("Postgres enum labels must not be empty"),
            );
        }
        check_identifier(&v.name.value, v.name.span, "enum label", diags);
        if let Some(old) = &v.renamed_from {
            value_renames.push((v.name.value.clone(), old.value.clone()));
        }
        values.push(v.name.value.clone());
    }
    let mut remap = Vec::new();
    for (from, to) in &def.remap {
        if values.contains(&from.value) {
            diags.push(
                Diagnostic::error(format!(
                    "`remap` moves rows off `{}`, which is still a value of `{}`",
                    from.value, def.name.value
                ))
                .at(from.span, "still listed in `values`")
                .help("remap only values you removed"),
            );
        }
        if !values.contains(&to.value) {
            let vs: Vec<&str> = values.iter().map(String::as_str).collect();
            diags.push(
                Diagnostic::error(format!(
                    "`remap` target `{}` is not a value of `{}`",
                    to.value, def.name.value
                ))
                .at(to.span, "unknown value")
                .maybe_help(suggest::did_you_mean(&to.value, &vs, "values")),
            );
        }
        remap.push((from.value.clone(), to.value.clone()));
    }
    Some(Enum {
        name: def.name.value.clone(),
        pg_schema,
        sql_name,
        values,
        comment: def.comment.as_ref().map(|c| c.value.clone()),
        hints: EnumHints {
            renamed_from: def.renamed_from.as_ref().map(|r| r.value.clone()),
            value_renames,
            remap,
        },
    })
}

/// Expands mixins (nested, in order, each once) and finds cycles.
struct MixinExpander<'a, 'm> {
    mixins: &'m HashMap<&'a str, &'a MixinDef>,
    /// mixin -> its expansion: itself, then what it uses, depth first.
    done: HashMap<&'a str, Vec<&'a MixinDef>>,
}

impl<'a> MixinExpander<'a, '_> {
    fn expand(
        &mut self,
        m: &'a MixinDef,
        stack: &mut Vec<&'a str>,
        diags: &mut Diagnostics,
    ) -> Vec<&'a MixinDef> {
        if let Some(d) = self.done.get(m.name.value.as_str()) {
            return d.clone();
        }
        stack.push(&m.name.value);
        let mut out = vec![m];
        for used in &m.mixins {
            let Some(u) = self.lookup(used, diags) else {
                continue;
            };
            if stack.contains(&u.name.value.as_str()) {
                let mut cycle: Vec<&str> = stack
                    .iter()
                    .skip_while(|s| **s != u.name.value)
                    .copied()
                    .collect();
                cycle.push(&u.name.value);
                diags.push(
                    Diagnostic::error(format!("mixins form a cycle: {}", cycle.join(" -> ")))
                        .at(used.span, "uses a mixin that leads back here")
                        .help("remove one of the uses to break the cycle"),
                );
                continue;
            }
            for x in self.expand(u, stack, diags) {
                if !out.iter().any(|o| std::ptr::eq(*o, x)) {
                    out.push(x);
                }
            }
        }
        stack.pop();
        self.done.insert(&m.name.value, out.clone());
        out
    }

    fn lookup(
        &self,
        name: &crate::source::Spanned<String>,
        diags: &mut Diagnostics,
    ) -> Option<&'a MixinDef> {
        match self.mixins.get(name.value.as_str()) {
            Some(m) => Some(m),
            None => {
                let mut known: Vec<&str> = self.mixins.keys().copied().collect();
                known.sort();
                diags.push(
                    Diagnostic::error(format!("unknown mixin `{}`", name.value))
                        .at(name.span, "no mixin with this name")
                        .maybe_help(suggest::did_you_mean(&name.value, &known, "mixins")),
                );
                None
            }
        }
    }
}

fn collect_table<'a>(
    def: &'a TableDef,
    pg_schema: String,
    db: &Db<'_>,
    expander: &mut MixinExpander<'a, '_>,
    diags: &mut Diagnostics,
) -> WorkTable<'a> {
    check_identifier(&def.name.value, def.name.span, "table name", diags);
    let mut table = WorkTable {
        def,
        pg_schema,
        columns: Vec::new(),
        indexes: def.indexes.iter().collect(),
        checks: def.checks.iter().collect(),
        soft_delete: def.soft_delete.iter().collect(),
        pk_columns: Vec::new(),
    };
    let mut used: Vec<&'a MixinDef> = Vec::new();
    for name in &def.mixins {
        let Some(m) = expander.lookup(name, diags) else {
            continue;
        };
        for x in expander.expand(m, &mut Vec::new(), diags) {
            if !used.iter().any(|u| std::ptr::eq(*u, x)) {
                used.push(x);
            }
        }
    }
    let mut seen: HashMap<&str, (Span, Option<&str>)> = HashMap::new();
    let all = def.columns.iter().map(|c| (c, None)).chain(
        used.iter()
            .flat_map(|m| m.columns.iter().map(|c| (c, Some(m.name.value.as_str())))),
    );
    for (c, mixin) in all {
        if let Some((first, first_mixin)) = seen.get(c.name.value.as_str()) {
            let msg = match (mixin, first_mixin) {
                (Some(m), None) => format!(
                    "column `{}` of table `{}` clashes with the same column from mixin `{m}`",
                    c.name.value, def.name.value
                ),
                (Some(m), Some(fm)) => format!(
                    "mixins `{fm}` and `{m}` both add column `{}` to table `{}`",
                    c.name.value, def.name.value
                ),
                _ => format!(
                    "column `{}` is defined twice in table `{}`",
                    c.name.value, def.name.value
                ),
            };
            // Point at the table's own column when one is involved: that is the line to change.
            let (here, there) = match (mixin, first_mixin) {
                (Some(_), None) => (*first, c.name.span),
                _ => (c.name.span, *first),
            };
            diags.push(
                Diagnostic::error(msg)
                    .at(here, "defined here")
                    .also(there, "and here")
                    .help("a table column never overrides a mixin column: rename one, or drop the mixin"),
            );
            continue;
        }
        seen.insert(&c.name.value, (c.name.span, mixin));
        check_identifier(&c.name.value, c.name.span, "column name", diags);
        let (ty, nullable) = column_type(c, db, diags);
        table.columns.push(WorkColumn {
            def: c,
            ty,
            nullable,
        });
    }
    for m in &used {
        table.indexes.extend(m.indexes.iter());
        table.checks.extend(m.checks.iter());
        table.soft_delete.extend(m.soft_delete.iter());
    }
    table.pk_columns = match &def.primary_key {
        Some(pk) => pk.value.iter().map(|c| c.value.clone()).collect(),
        None => table
            .columns
            .iter()
            .filter(|c| c.def.primary_key.as_ref().is_some_and(|p| p.value))
            .map(|c| c.def.name.value.clone())
            .collect(),
    };
    table
}

/// Reads a column's type text: `T`, `T?`, `T[]`, `T[]?`, where T is built-in, an enum or an ID.
fn column_type(c: &ColumnDef, db: &Db<'_>, diags: &mut Diagnostics) -> (Option<ColumnType>, bool) {
    let explicit_nullable = c.nullable.as_ref().is_some_and(|n| n.value);
    let Some(ty) = &c.ty else {
        if c.references.is_none() {
            diags.push(
                Diagnostic::error(format!("column `{}` has no type", c.name.value))
                    .at(c.name.span, "no `type`")
                    .help("add `type: ...`, or `references: table` to take the referenced column's type"),
            );
        }
        return (None, explicit_nullable);
    };
    let text = ty.value.trim();
    let (text, optional) = match text.strip_suffix('?') {
        Some(t) => (t.trim_end(), true),
        None => (text, false),
    };
    let (text, array) = match text.strip_suffix("[]") {
        Some(t) => (t.trim_end(), true),
        None => (text, false),
    };
    if text.ends_with('?') || text.ends_with("[]") {
        diags.push(
            Diagnostic::error(format!("`{}` is not a valid column type", ty.value))
                .at(ty.span, "unsupported form")
                .help("write `T`, `T?`, `T[]` or `T[]?`: arrays have one dimension and their elements are never NULL"),
        );
        return (None, optional || explicit_nullable);
    }
    let base = match types::parse_builtin(text) {
        Ok(b) => Some(b),
        Err(TypeError::BadParams(msg)) => {
            diags.push(
                Diagnostic::error(format!("invalid type `{}`", ty.value))
                    .at(ty.span, "bad parameters")
                    .help(msg),
            );
            None
        }
        Err(TypeError::Unknown) => {
            if db.enum_spans.contains_key(text) {
                Some(BaseType::Enum(text.to_string()))
            } else if db.ids.iter().any(|i| i.name == text) {
                Some(BaseType::Id(text.to_string()))
            } else {
                let mut candidates: Vec<&str> = types::BUILTIN_TYPES.to_vec();
                candidates.extend(db.enums.iter().map(|e| e.name.as_str()));
                candidates.extend(db.ids.iter().map(|i| i.name.as_str()));
                let help = match types::alias_hint(text) {
                    Some(canon) => Some(format!("did you mean `{canon}`?")),
                    None => suggest::closest(text, candidates.iter().copied())
                        .map(|c| format!("did you mean `{c}`?"))
                        .or_else(|| {
                            Some(format!(
                                "a type is a built-in type ({}), an enum or an ID type of this database",
                                types::BUILTIN_TYPES.join(", ")
                            ))
                        }),
                };
                let what = if text.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    "unknown type (not a built-in type, enum or ID type)"
                } else {
                    "unknown type"
                };
                diags.push(
                    Diagnostic::error(format!(
                        "unknown column type `{text}` for column `{}`",
                        c.name.value
                    ))
                    .at(ty.span, what)
                    .maybe_help(help),
                );
                None
            }
        }
    };
    if let Some(b) = &base {
        if array && b.is_serial() {
            diags.push(
                Diagnostic::error(format!("`{}` is not a valid column type", ty.value))
                    .at(ty.span, "serial arrays do not exist")
                    .help("use `integer[]` or `bigint[]`"),
            );
            return (None, optional || explicit_nullable);
        }
    }
    if optional && c.nullable.as_ref().is_some_and(|n| !n.value) {
        let n = c.nullable.as_ref().map_or(ty.span, |n| n.span);
        diags.push(
            Diagnostic::error(format!(
                "column `{}` is both nullable (`?`) and `nullable: false`",
                c.name.value
            ))
            .at(n, "contradicts the `?` on the type")
            .also(ty.span, "nullable here")
            .help("remove one of them"),
        );
    }
    (
        base.map(|base| ColumnType { base, array }),
        optional || explicit_nullable,
    )
}

/// Pass 2: columns that say only `references:` take the referenced column's
/// type; repeated until nothing changes, so chains of references resolve.
fn infer_reference_types(dbs: &mut [Db<'_>]) {
    loop {
        let mut updates: Vec<(usize, usize, usize, ColumnType)> = Vec::new();
        for (di, db) in dbs.iter().enumerate() {
            for (ti, t) in db.tables.iter().enumerate() {
                for (ci, c) in t.columns.iter().enumerate() {
                    if c.ty.is_some() {
                        continue;
                    }
                    let Some(r) = &c.def.references else { continue };
                    let target_db = match &r.database {
                        Some(name) => match dbs.iter().position(|d| d.name == name.value) {
                            Some(i) => i,
                            None => continue,
                        },
                        None => di,
                    };
                    let tdb = &dbs[target_db];
                    let Some(tt) = tdb.find_table(
                        r.schema.as_ref().map(|s| s.value.as_str()),
                        &r.table.value,
                        &t.pg_schema,
                    ) else {
                        continue;
                    };
                    let target = &tdb.tables[tt];
                    let col = match &r.column {
                        Some(c) => c.value.clone(),
                        None => match target.pk_columns.as_slice() {
                            [one] => one.clone(),
                            _ => continue,
                        },
                    };
                    let Some(tc) = target.columns.iter().find(|x| x.def.name.value == col) else {
                        continue;
                    };
                    if let Some(ty) = &tc.ty {
                        let ty = ColumnType {
                            base: ty.base.referencing(),
                            array: ty.array,
                        };
                        updates.push((di, ti, ci, ty));
                    }
                }
            }
        }
        if updates.is_empty() {
            return;
        }
        for (di, ti, ci, ty) in updates {
            dbs[di].tables[ti].columns[ci].ty = Some(ty);
        }
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
