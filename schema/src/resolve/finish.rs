//! Pass 3: a collected database becomes a [`Schema`].

use foldhash::HashMap;

use super::literal::{self, LiteralCtx};
use super::{Db, DbTypes, WorkColumn, WorkTable, check_identifier, pg_schemas};
use crate::ast::{ColumnDef, ForeignKeyDef, IndexDef, ReferenceDef, Sp};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::naming::{IndexKeyLabel, NameKind, derive_name, index_key_names};
use crate::source::Span;
use crate::sql;
use crate::suggest;

/// Names of tables, types, sequences, indexes and constraints per pg_schema.
/// Postgres keeps relations (tables, indexes, sequences) and types in one
/// namespace per schema; schemac puts constraint names there too, so a name
/// always points at exactly one object.
#[derive(Default)]
struct Namespace {
    names: HashMap<(String, String), (Span, String)>,
}

impl Namespace {
    fn claim(
        &mut self,
        pg_schema: &str,
        name: &str,
        span: Span,
        what: String,
        diags: &mut Diagnostics,
    ) {
        let key = (pg_schema.to_string(), name.to_string());
        if let Some((first_span, first_what)) = self.names.get(&key) {
            diags.push(
                Diagnostic::error(format!(
                    "{what} and {first_what} would both be named `{name}` in schema `{pg_schema}`"
                ))
                .at(span, format!("{what} gets this name"))
                .also(*first_span, format!("{first_what} gets it first"))
                .help("give one of them an explicit `name:`"),
            );
            return;
        }
        self.names.insert(key, (span, what));
    }
}

pub(super) fn finish(db: &Db<'_>, all: &[DbTypes], diags: &mut Diagnostics) -> Schema {
    let mut ns = Namespace::default();
    for e in &db.enums {
        let span = db
            .enum_spans
            .get(&e.name)
            .copied()
            .unwrap_or_else(|| Span::file_start(crate::source::FileId(0)));
        ns.claim(
            &e.pg_schema,
            &e.sql_name,
            span,
            format!("enum `{}`", e.name),
            diags,
        );
    }
    let mut tables: Vec<Table> = db
        .tables
        .iter()
        .map(|t| finish_table(db, t, all, &mut ns, diags))
        .collect();
    check_relations(db, &mut tables, diags);
    let mut extensions: Vec<String> = db.extensions.iter().map(|(e, _)| e.clone()).collect();
    extensions.sort();
    check_extension_use(db, diags);
    check_renamed_labels(db, diags);
    Schema {
        database: db.name.to_string(),
        extensions,
        pg_schemas: pg_schemas(&tables, &db.enums),
        ids: db.ids.clone(),
        enums: db.enums.clone(),
        tables,
    }
}

fn check_extension_use(db: &Db<'_>, diags: &mut Diagnostics) {
    if db.extensions.iter().any(|(e, _)| e == "citext") {
        return;
    }
    for t in &db.tables {
        for c in &t.columns {
            if matches!(c.ty.as_ref().map(|t| &t.base), Some(BaseType::Citext)) {
                let span = c.def.ty.as_ref().map_or(c.def.name.span, |t| t.span);
                diags.push(
                    Diagnostic::error(format!(
                        "column `{}` uses citext, which needs the citext extension",
                        c.def.name.value
                    ))
                    .at(span, "citext")
                    .help("add `extensions: [citext]` to a schema file of this database"),
                );
            }
        }
    }
}

/// After `renamed_from` on an enum value, the old label no longer exists:
/// an expression still naming it would fail when the migration runs.
fn check_renamed_labels(db: &Db<'_>, diags: &mut Diagnostics) {
    let renames: Vec<(&str, &str, &str)> = db
        .enums
        .iter()
        .flat_map(|e| {
            e.hints
                .value_renames
                .iter()
                .map(move |(new, old)| (e.name.as_str(), new.as_str(), old.as_str()))
        })
        .collect();
    if renames.is_empty() {
        return;
    }
    for t in &db.tables {
        let mut exprs: Vec<&Sp<String>> = Vec::new();
        for c in &t.columns {
            exprs.extend(
                c.def
                    .default_sql
                    .iter()
                    .chain(&c.def.generated)
                    .chain(&c.def.check)
                    .map(|b| &**b),
            );
        }
        exprs.extend(t.checks.iter().map(|c| &c.expr));
        for i in &t.indexes {
            exprs.extend(i.predicate.iter().chain(&i.expression));
        }
        for e in exprs {
            for (enum_name, new, old) in &renames {
                if e.value.contains(&sql::string_literal(old)) {
                    diags.push(
                        Diagnostic::error(format!(
                            "this expression names `{old}`, which enum `{enum_name}` renamed to `{new}`"
                        ))
                        .at(e.span, "uses the old label")
                        .help(format!("write {} instead", sql::string_literal(new))),
                    );
                }
            }
        }
    }
}

fn finish_table(
    db: &Db<'_>,
    t: &WorkTable<'_>,
    all: &[DbTypes],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Table {
    let name = &t.def.name.value;
    let schema = t.pg_schema.as_str();
    ns.claim(
        schema,
        name,
        t.def.name.span,
        format!("table `{name}`"),
        diags,
    );

    if t.columns.is_empty() {
        diags.push(
            Diagnostic::error(format!("table `{name}` has no columns"))
                .at(t.def.name.span, "no columns")
                .help("add `columns:`, or `mixins:` that bring columns"),
        );
    }

    let ctx_enums = &db.enums;
    let mut columns = Vec::new();
    for wc in &t.columns {
        if let Some(c) = build_column(db, t, wc, ctx_enums, ns, diags) {
            columns.push(c);
        }
    }

    let primary_key = primary_key(t, &mut columns, ns, diags);
    let uniques = uniques(t, ns, diags);
    let checks = checks(t, ns, diags);
    let foreign_keys = foreign_keys(db, t, all, &mut columns, ns, diags);
    let indexes = indexes(t, ns, diags);
    let soft_delete = soft_delete(t, diags);

    Table {
        pg_schema: t.pg_schema.clone(),
        name: name.clone(),
        rust_name: t.def.rust_name.as_ref().map(|r| r.value.clone()),
        comment: t.def.comment.as_ref().map(|c| c.value.clone()),
        columns,
        primary_key,
        uniques,
        checks,
        foreign_keys,
        indexes,
        soft_delete,
        relations: t
            .def
            .relations
            .iter()
            .map(|r| Relation {
                name: r.name.value.clone(),
                many_to_many: r.many_to_many.value.clone(),
                through: r.through.value.clone(),
            })
            .collect(),
        hints: TableHints {
            renamed_from: t.def.renamed_from.as_ref().map(|r| r.value.clone()),
        },
    }
}

fn build_column(
    db: &Db<'_>,
    t: &WorkTable<'_>,
    wc: &WorkColumn<'_>,
    enums: &[Enum],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Option<Column> {
    let c: &ColumnDef = wc.def;
    let ty = wc.ty.clone()?;
    let col = &c.name.value;
    let table = &t.def.name.value;
    let mut ok = true;
    let mut err = |d: Diagnostic| {
        diags.push(d);
        ok = false;
    };

    if let (Some(d), Some(s)) = (&c.default, &c.default_sql) {
        err(Diagnostic::error(format!(
            "column `{col}` has both `default` and `default_sql`"
        ))
        .at(s.span, "second default")
        .also(d.span, "first default")
        .help("keep one: `default` for a literal value, `default_sql` for an SQL expression"));
    }
    let has_default = c.default.is_some() || c.default_sql.is_some();
    if ty.base.is_serial() {
        if wc.nullable {
            err(Diagnostic::error(format!("serial column `{col}` cannot be nullable"))
                .at(c.ty.as_ref().map_or(c.name.span, |t| t.span), "serial")
                .help("a serial column always gets a value; use `integer?` for an optional number"));
        }
        if has_default || c.identity.is_some() {
            err(Diagnostic::error(format!("serial column `{col}` cannot have a default or identity"))
                .at(c.name.span, "serial")
                .help("a serial column's default is its sequence; use `integer` with `identity:` or a default instead"));
        }
    }
    if let Some(id) = &c.identity {
        if !ty.base.is_integer() || ty.array {
            err(Diagnostic::error(format!(
                "identity column `{col}` must be smallint, integer or bigint"
            ))
            .at(id.span, format!("identity on {ty}"))
            .help("identity columns take numbers from a sequence"));
        }
        if wc.nullable {
            err(
                Diagnostic::error(format!("identity column `{col}` cannot be nullable"))
                    .at(id.span, "identity")
                    .help("remove `?` or `nullable: true`"),
            );
        }
        if has_default {
            err(Diagnostic::error(format!(
                "identity column `{col}` cannot also have a default"
            ))
            .at(id.span, "identity")
            .help("the identity's sequence is the default; remove `default`"));
        }
    }
    if let Some(g) = &c.generated {
        if has_default || c.identity.is_some() || ty.base.is_serial() {
            err(Diagnostic::error(format!(
                "generated column `{col}` cannot have a default, identity or serial type"
            ))
            .at(g.span, "generated")
            .help("a generated column's value is its expression"));
        }
    }
    if let Some(span) = c.on_update_now {
        if !matches!(ty.base, BaseType::Timestamp | BaseType::Timestamptz) || ty.array {
            err(Diagnostic::error(format!(
                "`on_update: now` needs a timestamp column, but `{col}` is {ty}"
            ))
            .at(span, "on_update")
            .help("use it on a `timestamptz` or `timestamp` column"));
        }
    }
    if let Some(rt) = &c.rust_type {
        if !ty.base.is_json() {
            err(Diagnostic::error(format!(
                "`rust_type` applies to json and jsonb columns, but `{col}` is {ty}"
            ))
            .at(rt.span, "rust_type")
            .help("remove it, or make the column json/jsonb"));
        }
    }
    if c.on_delete.is_some() && c.references.is_none() {
        let span = c.on_delete.as_ref().map_or(c.name.span, |o| o.span);
        err(Diagnostic::error(format!(
            "`on_delete` on column `{col}`, which references nothing"
        ))
        .at(span, "on_delete")
        .help("add `references:` or remove `on_delete`"));
    }
    if let Some(r) = &c.rust_name {
        if !is_rust_ident(&r.value) {
            err(Diagnostic::error(format!(
                "`rust_name` `{}` is not a Rust identifier",
                r.value
            ))
            .at(r.span, "rust_name")
            .help("use snake_case letters, digits and underscores"));
        }
    }

    let ids = &db.ids;
    let lit = |node: &crate::yaml::Node, what: &str| {
        literal::render(
            node,
            &ty,
            &LiteralCtx {
                enums,
                ids,
                what,
                column: col,
            },
        )
    };
    let default = match (&c.default, &c.default_sql) {
        (Some(node), _) => match lit(node, "default") {
            Ok(s) => Some(ColumnDefault::Literal(s)),
            Err(d) => {
                err(*d);
                None
            }
        },
        (None, Some(s)) => Some(ColumnDefault::Sql(s.value.trim().to_string())),
        (None, None) => None,
    };
    let backfill = match (&c.backfill, &c.backfill_sql) {
        (Some(b), Some(s)) => {
            err(Diagnostic::error(format!(
                "column `{col}` has both `backfill` and `backfill_sql`"
            ))
            .at(s.span, "second backfill")
            .also(b.span, "first backfill")
            .help("keep one"));
            None
        }
        (Some(node), None) => match lit(node, "backfill") {
            Ok(s) => Some(s),
            Err(d) => {
                err(*d);
                None
            }
        },
        (None, Some(s)) => Some(s.value.trim().to_string()),
        (None, None) => None,
    };

    if ty.base.is_serial() || c.identity.is_some() {
        let seq = crate::naming::sequence_name(table, col);
        ns.claim(
            &t.pg_schema,
            &seq,
            c.name.span,
            format!("the sequence of `{table}.{col}`"),
            diags,
        );
    }
    if !ok {
        return None;
    }
    Some(Column {
        name: col.clone(),
        ty,
        nullable: wc.nullable,
        default,
        identity: c.identity.as_ref().map(|i| i.value),
        generated: c.generated.as_ref().map(|g| g.value.trim().to_string()),
        on_update_now: c.on_update_now.is_some(),
        rust_name: c.rust_name.as_ref().map(|r| r.value.clone()),
        rust_type: c.rust_type.as_ref().map(|r| r.value.clone()),
        sensitive: c.sensitive,
        comment: c.comment.as_ref().map(|c| c.value.clone()),
        external_ref: None,
        hints: Some(ColumnHints {
            renamed_from: c.renamed_from.as_ref().map(|r| r.value.clone()),
            using: c.using.as_ref().map(|u| u.value.trim().to_string()),
            using_down: c.using_down.as_ref().map(|u| u.value.trim().to_string()),
            backfill,
        })
        .filter(|h| *h != ColumnHints::default())
        .map(Box::new),
    })
}

fn is_rust_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reports a column name that is not in the table, with a suggestion.
fn missing_column(t: &WorkTable<'_>, col: &Sp<String>, what: &str, diags: &mut Diagnostics) {
    let names: Vec<&str> = t
        .columns
        .iter()
        .map(|c| c.def.name.value.as_str())
        .collect();
    diags.push(
        Diagnostic::error(format!(
            "{what} `{}` is not a column of table `{}`",
            col.value, t.def.name.value
        ))
        .at(col.span, "no such column")
        .maybe_help(suggest::did_you_mean(&col.value, &names, "columns")),
    );
}

fn has_column(t: &WorkTable<'_>, name: &str) -> bool {
    t.columns.iter().any(|c| c.def.name.value == name)
}

/// An explicit constraint or index name: checked for length.
fn explicit_name(n: &Sp<String>, diags: &mut Diagnostics) -> String {
    check_identifier(&n.value, n.span, "name", diags);
    n.value.clone()
}

fn primary_key(
    t: &WorkTable<'_>,
    columns: &mut [Column],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Option<PrimaryKey> {
    let table = &t.def.name.value;
    let flagged: Vec<&WorkColumn<'_>> = t
        .columns
        .iter()
        .filter(|c| c.def.primary_key.as_ref().is_some_and(|p| p.value))
        .collect();
    let (cols, span): (Vec<String>, Span) = match (&t.def.primary_key, flagged.as_slice()) {
        (Some(pk), [first, ..]) => {
            diags.push(
                Diagnostic::error(format!("table `{table}` has two primary keys"))
                    .at(pk.span, "table-level primary key")
                    .also(first.def.name.span, "column marked `primary_key: true`")
                    .help("keep one: `primary_key: [a, b]` on the table, or `primary_key: true` on one column"),
            );
            return None;
        }
        (None, [a, b, ..]) => {
            diags.push(
                Diagnostic::error(format!("table `{table}` has two primary keys"))
                    .at(b.def.name.span, "second `primary_key: true`")
                    .also(a.def.name.span, "first `primary_key: true`")
                    .help(format!(
                        "for a composite key write `primary_key: [{}, {}]` on the table",
                        a.def.name.value, b.def.name.value
                    )),
            );
            return None;
        }
        (None, [one]) => (vec![one.def.name.value.clone()], one.def.name.span),
        (None, []) => return None,
        (Some(pk), []) => {
            if pk.value.is_empty() {
                diags.push(
                    Diagnostic::error(format!("the primary key of `{table}` lists no columns"))
                        .at(pk.span, "empty"),
                );
                return None;
            }
            let mut ok = true;
            for c in &pk.value {
                if !has_column(t, &c.value) {
                    missing_column(t, c, "primary key column", diags);
                    ok = false;
                }
            }
            if !ok {
                return None;
            }
            (pk.value.iter().map(|c| c.value.clone()).collect(), pk.span)
        }
    };
    for name in &cols {
        if let Some(wc) = t.columns.iter().find(|c| &c.def.name.value == name) {
            if wc.nullable {
                let span = wc.def.ty.as_ref().map_or(wc.def.name.span, |t| t.span);
                diags.push(
                    Diagnostic::error(format!(
                        "primary key column `{name}` of `{table}` cannot be nullable"
                    ))
                    .at(span, "nullable")
                    .help(
                        "remove `?` or `nullable: true`; primary key columns are always NOT NULL",
                    ),
                );
            }
        }
        if let Some(c) = columns.iter_mut().find(|c| &c.name == name) {
            c.nullable = false;
        }
    }
    let pk_name = derive_name(table, &[], NameKind::PrimaryKey);
    ns.claim(
        &t.pg_schema,
        &pk_name,
        span,
        format!("the primary key of `{table}`"),
        diags,
    );
    Some(PrimaryKey {
        name: pk_name,
        columns: cols,
    })
}

fn uniques(t: &WorkTable<'_>, ns: &mut Namespace, diags: &mut Diagnostics) -> Vec<Unique> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for c in &t.columns {
        if c.def.unique.as_ref().is_some_and(|u| u.value) {
            let name = derive_name(table, &[&c.def.name.value], NameKind::Unique);
            ns.claim(
                &t.pg_schema,
                &name,
                c.def.name.span,
                format!("the unique constraint on `{table}.{}`", c.def.name.value),
                diags,
            );
            out.push(Unique {
                name,
                columns: vec![c.def.name.value.clone()],
            });
        }
    }
    for u in &t.def.unique {
        if u.columns.is_empty() {
            diags.push(
                Diagnostic::error(format!("a unique set of `{table}` lists no columns"))
                    .at(u.span, "empty"),
            );
            continue;
        }
        let mut ok = true;
        for c in &u.columns {
            if !has_column(t, &c.value) {
                missing_column(t, c, "unique column", diags);
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        let cols: Vec<&str> = u.columns.iter().map(|c| c.value.as_str()).collect();
        let name = match &u.name {
            Some(n) => explicit_name(n, diags),
            None => derive_name(table, &cols, NameKind::Unique),
        };
        ns.claim(
            &t.pg_schema,
            &name,
            u.span,
            format!("the unique constraint on `{table}` ({})", cols.join(", ")),
            diags,
        );
        out.push(Unique {
            name,
            columns: cols.iter().map(|s| s.to_string()).collect(),
        });
    }
    out
}

fn checks(t: &WorkTable<'_>, ns: &mut Namespace, diags: &mut Diagnostics) -> Vec<Check> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for c in &t.columns {
        if let Some(expr) = &c.def.check {
            let name = derive_name(table, &[&c.def.name.value], NameKind::Check);
            ns.claim(
                &t.pg_schema,
                &name,
                expr.span,
                format!("the check on `{table}.{}`", c.def.name.value),
                diags,
            );
            out.push(Check {
                name,
                expr: expr.value.trim().to_string(),
            });
        }
    }
    for c in &t.checks {
        let name = derive_name(table, &[&c.key.value], NameKind::Check);
        ns.claim(
            &t.pg_schema,
            &name,
            c.key.span,
            format!("check `{}` of `{table}`", c.key.value),
            diags,
        );
        out.push(Check {
            name,
            expr: c.expr.value.trim().to_string(),
        });
    }
    out
}

/// The column sets of a table that a foreign key may reference: its primary
/// key, unique constraints and plain unique indexes.
fn unique_sets(t: &WorkTable<'_>) -> Vec<Vec<String>> {
    let mut sets = vec![t.pk_columns.clone()];
    for c in &t.columns {
        if c.def.unique.as_ref().is_some_and(|u| u.value) {
            sets.push(vec![c.def.name.value.clone()]);
        }
    }
    for u in &t.def.unique {
        sets.push(u.columns.iter().map(|c| c.value.clone()).collect());
    }
    for i in &t.indexes {
        if i.unique && i.predicate.is_none() && i.expression.is_none() {
            sets.push(
                i.columns
                    .iter()
                    .filter_map(|c| c.value.split_whitespace().next().map(str::to_string))
                    .collect(),
            );
        }
    }
    sets.retain(|s| !s.is_empty());
    sets
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// Whether two columns can be joined by a foreign key: the same Postgres type,
/// counting the string types as one family.
fn compatible(a: &ColumnType, b: &ColumnType, db: &Db<'_>) -> bool {
    let norm = |t: &ColumnType| {
        let t = ColumnType {
            base: t.base.referencing(),
            array: t.array,
        };
        if t.base.is_stringy() && !t.array {
            "text".to_string()
        } else {
            sql::column_type(&t, &db.enums, &db.ids)
        }
    };
    norm(a) == norm(b)
}

fn foreign_keys(
    db: &Db<'_>,
    t: &WorkTable<'_>,
    all: &[DbTypes],
    columns: &mut [Column],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Vec<ForeignKey> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for wc in &t.columns {
        let Some(r) = &wc.def.references else {
            continue;
        };
        if let Some(dbname) = &r.database {
            if let Some(ext) = external_reference(db, t, wc, r, dbname, all, diags) {
                if let Some(c) = columns.iter_mut().find(|c| c.name == wc.def.name.value) {
                    c.external_ref = Some(Box::new(ext));
                }
            }
            continue;
        }
        let on_delete = match (&wc.def.on_delete, &r.on_delete) {
            (Some(a), Some(b)) => {
                diags.push(
                    Diagnostic::error(format!(
                        "column `{}` gives `on_delete` twice",
                        wc.def.name.value
                    ))
                    .at(a.span, "here")
                    .also(b.span, "and inside `references`")
                    .help("keep one"),
                );
                None
            }
            (a, b) => a.as_ref().or(b.as_ref()).map(|a| a.value),
        };
        let col = Sp::new(wc.def.name.value.clone(), wc.def.name.span);
        let to: Vec<Sp<String>> = r.column.iter().cloned().collect();
        let spec = FkSpec {
            span: r.span,
            columns: std::slice::from_ref(&col),
            schema: r.schema.as_ref(),
            table: &r.table,
            to: &to,
            on_delete,
            on_update: r.on_update.as_ref().map(|a| a.value),
            deferrable: r.deferrable,
            name: None,
        };
        if let Some(fk) = build_fk(db, t, &spec, ns, diags) {
            out.push(fk);
        }
    }
    for f in &t.def.foreign_keys {
        let spec = FkSpec::from_def(f);
        let mut ok = true;
        for c in &f.columns {
            if !has_column(t, &c.value) {
                missing_column(t, c, "foreign key column", diags);
                ok = false;
            }
        }
        if ok {
            if let Some(fk) = build_fk(db, t, &spec, ns, diags) {
                out.push(fk);
            }
        }
    }
    let _ = table;
    out
}

struct FkSpec<'s> {
    span: Span,
    columns: &'s [Sp<String>],
    schema: Option<&'s Sp<String>>,
    table: &'s Sp<String>,
    to: &'s [Sp<String>],
    on_delete: Option<FkAction>,
    on_update: Option<FkAction>,
    deferrable: Option<Deferrable>,
    name: Option<&'s Sp<String>>,
}

impl<'s> FkSpec<'s> {
    fn from_def(f: &'s ForeignKeyDef) -> Self {
        FkSpec {
            span: f.span,
            columns: &f.columns,
            schema: f.schema.as_ref(),
            table: &f.references,
            to: &f.to,
            on_delete: f.on_delete.as_ref().map(|a| a.value),
            on_update: f.on_update.as_ref().map(|a| a.value),
            deferrable: f.deferrable,
            name: f.name.as_ref(),
        }
    }
}

/// Where following a typeless column's references ends.
enum Followed<'d> {
    /// At a column whose type failed for a reason reported where it is
    /// written (a type typo, an unknown table): nothing to add.
    Error,
    /// Round a circle of these columns (table position, column name).
    Circle(Vec<(usize, &'d str)>),
}

fn follow<'d>(db: &'d Db<'_>, table: usize, column: &'d WorkColumn<'_>) -> Followed<'d> {
    let (mut at, mut column) = (table, column);
    let mut visited: Vec<(usize, &str)> = Vec::new();
    loop {
        let table = &db.tables[at];
        let Some(r) = &column.def.references else {
            return Followed::Error;
        };
        if column.ty.is_some() || column.def.ty.is_some() || r.database.is_some() {
            return Followed::Error;
        }
        let key = (at, column.def.name.value.as_str());
        if let Some(start) = visited.iter().position(|v| *v == key) {
            return Followed::Circle(visited.split_off(start));
        }
        visited.push(key);
        let Some(ti) = db.find_table(
            r.schema.as_ref().map(|s| s.value.as_str()),
            &r.table.value,
            &table.pg_schema,
        ) else {
            return Followed::Error;
        };
        let target = &db.tables[ti];
        let name = match (&r.column, target.pk_columns.as_slice()) {
            (Some(c), _) => c.value.as_str(),
            (None, [one]) => one.as_str(),
            (None, _) => return Followed::Error,
        };
        let Some(next) = target.columns.iter().find(|c| c.def.name.value == name) else {
            return Followed::Error;
        };
        (at, column) = (ti, next);
    }
}

/// Whether the typeless column `column` of `table` (following its
/// references from `target`'s `rc`) is where its circle is reported: a
/// circle is one mistake, told once, at its first column by name; a column
/// whose chain ends in another error, or only leads into a circle, adds none.
fn reports_circle(
    db: &Db<'_>,
    table: &WorkTable<'_>,
    column: &str,
    target: usize,
    rc: &WorkColumn<'_>,
) -> bool {
    let Followed::Circle(members) = follow(db, target, rc) else {
        return false;
    };
    let name = |(at, c): &(usize, &str)| (db.tables[*at].def.name.value.clone(), c.to_string());
    let me = (table.def.name.value.clone(), column.to_string());
    let mut names: Vec<(String, String)> = members.iter().map(name).collect();
    names.sort();
    names.first() == Some(&me)
}

fn build_fk(
    db: &Db<'_>,
    t: &WorkTable<'_>,
    spec: &FkSpec<'_>,
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Option<ForeignKey> {
    let table = &t.def.name.value;
    let Some(ti) = db.find_table(
        spec.schema.map(|s| s.value.as_str()),
        &spec.table.value,
        &t.pg_schema,
    ) else {
        let names = db.table_names();
        diags.push(
            Diagnostic::error(format!(
                "`{table}` references table `{}`, which does not exist",
                spec.table.value
            ))
            .at(spec.table.span, "unknown table")
            .maybe_help(suggest::did_you_mean(&spec.table.value, &names, "tables")),
        );
        return None;
    };
    let target = &db.tables[ti];
    let target_name = &target.def.name.value;
    let to: Vec<Sp<String>> = if spec.to.is_empty() {
        if target.pk_columns.is_empty() {
            diags.push(
                Diagnostic::error(format!("`{target_name}` has no primary key to reference"))
                    .at(spec.table.span, "names only a table")
                    .help(format!("name the column: `{target_name}.column`")),
            );
            return None;
        }
        target
            .pk_columns
            .iter()
            .map(|c| Sp::new(c.clone(), spec.table.span))
            .collect()
    } else {
        spec.to.to_vec()
    };
    if to.len() != spec.columns.len() {
        diags.push(
            Diagnostic::error(format!(
                "foreign key of `{table}` has {} column{} but references {} column{} of `{target_name}`",
                spec.columns.len(),
                if spec.columns.len() == 1 { "" } else { "s" },
                to.len(),
                if to.len() == 1 { "" } else { "s" }
            ))
            .at(spec.span, "column counts differ")
            .help(format!(
                "list as many columns in `to:` as in `columns:` (`{target_name}`'s key is {})",
                target.pk_columns.join(", ")
            )),
        );
        return None;
    }
    let mut ok = true;
    for c in &to {
        if !has_column(target, &c.value) {
            missing_column(target, c, "referenced column", diags);
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let to_names: Vec<String> = to.iter().map(|c| c.value.clone()).collect();
    if !unique_sets(target).iter().any(|s| same_set(s, &to_names)) {
        diags.push(
            Diagnostic::error(format!(
                "`{target_name}` ({}) is neither a primary key nor unique, so a foreign key cannot reference it",
                to_names.join(", ")
            ))
            .at(spec.span, "referenced here")
            .help("reference the primary key, or add `unique: true` (or a unique set) to the referenced columns"),
        );
        return None;
    }
    for (c, r) in spec.columns.iter().zip(&to) {
        let Some(lc) = t.columns.iter().find(|x| x.def.name.value == c.value) else {
            continue;
        };
        let Some(rc) = target.columns.iter().find(|x| x.def.name.value == r.value) else {
            continue;
        };
        match (&lc.ty, &rc.ty) {
            (Some(a), Some(b)) if !compatible(a, b, db) => {
                diags.push(
                    Diagnostic::error(format!(
                        "`{table}.{}` is {a} but references `{target_name}.{}`, which is {b}",
                        c.value, r.value
                    ))
                    .at(c.span, "type differs")
                    .help(format!(
                        "remove the column's `type` to take `{target_name}.{}`'s type",
                        r.value
                    )),
                );
                return None;
            }
            // A chain of references that ends at a column whose own type is
            // wrong is reported there, once; only a true circle is reported here.
            (None, _) if lc.def.ty.is_none() && !reports_circle(db, t, &c.value, ti, rc) => {
                return None;
            }
            (None, _) if lc.def.ty.is_none() => {
                diags.push(
                    Diagnostic::error(format!(
                        "the type of `{table}.{}` cannot be inferred: its references lead in a circle",
                        c.value
                    ))
                    .at(c.span, "no type")
                    .help("give one column of the circle an explicit `type:`"),
                );
                return None;
            }
            _ => {}
        }
        if spec.on_delete == Some(FkAction::SetNull) && !lc.nullable {
            diags.push(
                Diagnostic::error(format!(
                    "`on_delete: set_null` on `{table}.{}`, which is NOT NULL",
                    c.value
                ))
                .at(c.span, "not nullable")
                .help("make the column nullable (`?`), or choose another action"),
            );
            return None;
        }
    }
    let cols: Vec<&str> = spec.columns.iter().map(|c| c.value.as_str()).collect();
    let name = match spec.name {
        Some(n) => explicit_name(n, diags),
        None => derive_name(table, &cols, NameKind::ForeignKey),
    };
    ns.claim(
        &t.pg_schema,
        &name,
        spec.span,
        format!("the foreign key `{table}` ({})", cols.join(", ")),
        diags,
    );
    Some(ForeignKey {
        name,
        columns: cols.iter().map(|s| s.to_string()).collect(),
        ref_schema: target.pg_schema.clone(),
        ref_table: target_name.clone(),
        ref_columns: to_names,
        on_delete: spec.on_delete.unwrap_or(FkAction::NoAction),
        on_update: spec.on_update.unwrap_or(FkAction::NoAction),
        deferrable: spec.deferrable.unwrap_or(Deferrable::No),
    })
}

fn external_reference(
    db: &Db<'_>,
    t: &WorkTable<'_>,
    wc: &WorkColumn<'_>,
    r: &ReferenceDef,
    dbname: &Sp<String>,
    all: &[DbTypes],
    diags: &mut Diagnostics,
) -> Option<ExternalRef> {
    let col = &wc.def.name.value;
    if dbname.value == db.name {
        diags.push(
            Diagnostic::error(format!(
                "column `{col}` names its own database `{}` in `references`",
                dbname.value
            ))
            .at(dbname.span, "same database")
            .help("remove `database:` for a reference inside this database"),
        );
        return None;
    }
    let Some(other) = all.iter().find(|d| d.name == dbname.value) else {
        let names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
        diags.push(
            Diagnostic::error(format!(
                "column `{col}` references database `{}`, which is not configured",
                dbname.value
            ))
            .at(dbname.span, "unknown database")
            .maybe_help(suggest::did_you_mean(
                &dbname.value,
                &names,
                "databases in schemac.toml",
            )),
        );
        return None;
    };
    let Some((pk, cols)) = other.tables.get(&r.table.value) else {
        let mut names: Vec<&str> = other.tables.keys().map(String::as_str).collect();
        names.sort();
        diags.push(
            Diagnostic::error(format!(
                "database `{}` has no table `{}`",
                other.name, r.table.value
            ))
            .at(r.table.span, "unknown table")
            .maybe_help(suggest::did_you_mean(&r.table.value, &names, "tables")),
        );
        return None;
    };
    let column = match (&r.column, pk.as_slice()) {
        (Some(c), _) => c.value.clone(),
        (None, [one]) => one.clone(),
        (None, _) => {
            diags.push(
                Diagnostic::error(format!(
                    "`{}.{}` has no single-column primary key",
                    other.name, r.table.value
                ))
                .at(r.table.span, "names only a table")
                .help("name the column: `column: ...`"),
            );
            return None;
        }
    };
    let Some(ty) = cols.get(&column) else {
        diags.push(
            Diagnostic::error(format!(
                "table `{}` of database `{}` has no column `{column}`",
                r.table.value, other.name
            ))
            .at(
                r.column.as_ref().map_or(r.table.span, |c| c.span),
                "unknown column",
            ),
        );
        return None;
    };
    let local_type_known = match &ty.base {
        BaseType::Enum(n) => db.enums.iter().any(|e| &e.name == n),
        BaseType::Id(n) => db.ids.iter().any(|i| &i.name == n),
        _ => true,
    };
    if wc.def.ty.is_none() && !local_type_known {
        diags.push(
            Diagnostic::error(format!(
                "column `{col}` of `{}` cannot take its type from database `{}`: it is {ty}, which this database does not define",
                t.def.name.value, other.name
            ))
            .at(r.span, "cross-database reference")
            .help("give the column an explicit `type:`"),
        );
        return None;
    }
    Some(ExternalRef {
        database: other.name.clone(),
        table: r.table.value.clone(),
        column,
    })
}

const INDEX_METHODS: &[&str] = &["btree", "hash", "gin", "gist", "brin", "spgist"];

/// Reads `NAME [OPCLASS] [ASC|DESC] [NULLS FIRST|LAST]`.
fn index_key(entry: &str) -> Result<IndexKey, String> {
    let mut words: Vec<&str> = entry.split_whitespace().collect();
    let mut key = IndexKey {
        column: None,
        expression: None,
        opclass: None,
        order: None,
        nulls: None,
    };
    let upper = |w: &str| w.to_ascii_uppercase();
    if words.len() >= 2 && upper(words[words.len() - 2]) == "NULLS" {
        key.nulls = match upper(words[words.len() - 1]).as_str() {
            "FIRST" => Some(NullsOrder::First),
            "LAST" => Some(NullsOrder::Last),
            other => {
                return Err(format!(
                    "`NULLS {other}` should be `NULLS FIRST` or `NULLS LAST`"
                ));
            }
        };
        words.truncate(words.len() - 2);
    }
    if let Some(last) = words.last() {
        match upper(last).as_str() {
            "ASC" => key.order = Some(SortOrder::Asc),
            "DESC" => key.order = Some(SortOrder::Desc),
            _ => {}
        }
        if key.order.is_some() {
            words.pop();
        }
    }
    match words.as_slice() {
        [col] => key.column = Some(col.trim_matches('"').to_string()),
        [col, opclass] => {
            key.column = Some(col.trim_matches('"').to_string());
            key.opclass = Some(opclass.to_string());
        }
        [] => return Err("the entry names no column".into()),
        _ => {
            return Err(
                "write `column [opclass] [ASC|DESC] [NULLS FIRST|LAST]`; for an expression use `expression:`".into(),
            );
        }
    }
    Ok(key)
}

fn indexes(t: &WorkTable<'_>, ns: &mut Namespace, diags: &mut Diagnostics) -> Vec<Index> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for def in &t.indexes {
        if let Some(i) = build_index(t, def, diags) {
            ns.claim(
                &t.pg_schema,
                &i.name,
                def.name.as_ref().map_or(def.span, |n| n.span),
                format!("index on `{table}`"),
                diags,
            );
            out.push(i);
        }
    }
    out
}

fn build_index(t: &WorkTable<'_>, def: &IndexDef, diags: &mut Diagnostics) -> Option<Index> {
    let table = &t.def.name.value;
    let mut ok = true;
    let mut keys = Vec::new();
    for entry in &def.columns {
        match index_key(&entry.value) {
            Ok(k) => {
                let col = k.column.clone().unwrap_or_default();
                if !has_column(t, &col) {
                    missing_column(t, &Sp::new(col, entry.span), "index column", diags);
                    ok = false;
                }
                keys.push(k);
            }
            Err(help) => {
                diags.push(
                    Diagnostic::error(format!("cannot read index entry `{}`", entry.value))
                        .at(entry.span, "index entry")
                        .help(help),
                );
                ok = false;
            }
        }
    }
    if let Some(e) = &def.expression {
        keys.push(IndexKey {
            column: None,
            expression: Some(e.value.trim().to_string()),
            opclass: None,
            order: None,
            nulls: None,
        });
    }
    if keys.is_empty() && ok {
        diags.push(
            Diagnostic::error(format!("an index of `{table}` lists no columns"))
                .at(def.span, "empty"),
        );
        return None;
    }
    for c in &def.include {
        if !has_column(t, &c.value) {
            missing_column(t, c, "included column", diags);
            ok = false;
        }
    }
    let method = match &def.using {
        Some(u) if !INDEX_METHODS.contains(&u.value.as_str()) => {
            diags.push(
                Diagnostic::error(format!("unknown index method `{}`", u.value))
                    .at(u.span, "not an index method")
                    .maybe_help(suggest::did_you_mean(&u.value, INDEX_METHODS, "methods")),
            );
            ok = false;
            String::new()
        }
        Some(u) => u.value.clone(),
        None => "btree".to_string(),
    };
    if def.paginate && (method != "btree" || def.expression.is_some()) {
        diags.push(
            Diagnostic::error("`paginate: true` needs a btree index on plain columns")
                .at(def.span, "paginated index")
                .help("keyset pagination orders by the indexed columns; remove `using`/`expression` or `paginate`"),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    let name = match &def.name {
        Some(n) => explicit_name(n, diags),
        None => {
            // Postgres names an index after its keys and its INCLUDE columns.
            let labels: Vec<IndexKeyLabel<'_>> = keys
                .iter()
                .map(|k| match (&k.column, &k.expression) {
                    (Some(c), _) => IndexKeyLabel::Column(c),
                    (None, Some(e)) => IndexKeyLabel::Expression(e),
                    (None, None) => IndexKeyLabel::Column(""),
                })
                .chain(def.include.iter().map(|c| IndexKeyLabel::Column(&c.value)))
                .collect();
            let names = index_key_names(&labels);
            let parts: Vec<&str> = names.iter().map(String::as_str).collect();
            derive_name(table, &parts, NameKind::Index)
        }
    };
    Some(Index {
        name,
        unique: def.unique,
        method,
        keys,
        include: def.include.iter().map(|c| c.value.clone()).collect(),
        predicate: def.predicate.as_ref().map(|p| p.value.trim().to_string()),
        paginate: def.paginate,
    })
}

fn soft_delete(t: &WorkTable<'_>, diags: &mut Diagnostics) -> Option<SoftDelete> {
    let table = &t.def.name.value;
    let def = match t.soft_delete.as_slice() {
        [] => return None,
        [one] => *one,
        [a, b, ..] => {
            diags.push(
                Diagnostic::error(format!("table `{table}` gets `soft_delete` twice"))
                    .at(b.span, "second")
                    .also(a.span, "first")
                    .help("a table has one soft-delete mark; keep it in one place"),
            );
            return None;
        }
    };
    let mut ok = true;
    match t.columns.iter().find(|c| c.def.name.value == def.at.value) {
        None => {
            missing_column(t, &def.at, "soft-delete column", diags);
            ok = false;
        }
        Some(c) => {
            let is_ts = matches!(
                c.ty.as_ref().map(|t| (&t.base, t.array)),
                Some((BaseType::Timestamp | BaseType::Timestamptz, false))
            );
            if !is_ts || !c.nullable {
                diags.push(
                    Diagnostic::error(format!(
                        "soft-delete column `{}` must be a nullable timestamp",
                        def.at.value
                    ))
                    .at(def.at.span, "soft_delete")
                    .also(c.def.name.span, "column defined here")
                    .help("declare it `timestamptz?`: NULL means not deleted"),
                );
                ok = false;
            }
        }
    }
    if let Some(flag) = &def.flag {
        match t.columns.iter().find(|c| c.def.name.value == flag.value) {
            None => {
                missing_column(t, flag, "soft-delete flag column", diags);
                ok = false;
            }
            Some(c)
                if !matches!(
                    c.ty.as_ref().map(|t| (&t.base, t.array)),
                    Some((BaseType::Boolean, false))
                ) =>
            {
                diags.push(
                    Diagnostic::error(format!(
                        "soft-delete flag `{}` must be a boolean column",
                        flag.value
                    ))
                    .at(flag.span, "flag")
                    .help("declare it `{ type: boolean, default: false }`"),
                );
                ok = false;
            }
            Some(_) => {}
        }
    }
    ok.then(|| SoftDelete {
        at: def.at.value.clone(),
        flag: def.flag.as_ref().map(|f| f.value.clone()),
    })
}

fn check_relations(db: &Db<'_>, tables: &mut [Table], diags: &mut Diagnostics) {
    let names = db.table_names();
    for (wt, table) in db.tables.iter().zip(tables.iter()) {
        for r in &wt.def.relations {
            let unknown = |name: &Sp<String>, what: &str| {
                Diagnostic::error(format!(
                    "relation `{}` of `{}` {what} table `{}`, which does not exist",
                    r.name.value, table.name, name.value
                ))
                .at(name.span, "unknown table")
                .maybe_help(suggest::did_you_mean(&name.value, &names, "tables"))
            };
            if !tables.iter().any(|t| t.name == r.many_to_many.value) {
                diags.push(unknown(&r.many_to_many, "names"));
                continue;
            }
            let Some(through) = tables.iter().find(|t| t.name == r.through.value) else {
                diags.push(unknown(&r.through, "goes through"));
                continue;
            };
            for end in [&table.name, &r.many_to_many.value] {
                if !through.foreign_keys.iter().any(|f| &f.ref_table == end) {
                    diags.push(
                        Diagnostic::error(format!(
                            "junction table `{}` has no foreign key to `{end}`",
                            through.name
                        ))
                        .at(r.through.span, "used as the junction here")
                        .help(format!(
                            "add a column to `{}` with `references: {end}`",
                            through.name
                        )),
                    );
                }
            }
        }
    }
}
