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

mod column;
mod indexes;
mod keys;
mod references;
mod routines;
mod sequences;
mod views;

use column::build_column;
use indexes::indexes;
use keys::{checks, exclusions, primary_key, same_set, unique_sets, uniques};
use references::foreign_keys;

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
                .help(
                    // Objects named by their key take no `name:`; an index's
                    // or a constraint's name may be given.
                    match (keyed(&what), keyed(first_what)) {
                        (true, true) => "rename one of them",
                        (false, _) | (_, false) => "give one of them an explicit `name:`",
                    },
                ),
            );
            return;
        }
        self.names.insert(key, (span, what));
    }
}

/// `name` or `pg_schema.name` among `items` (each with its pg_schema and
/// name): in `pg_schema` first, else the only one of that name.
fn find_named<'a, T>(
    items: &'a [T],
    names: impl Fn(&T) -> (&str, &str),
    pg_schema: &str,
    named: &str,
) -> Option<&'a T> {
    if let Some((s, n)) = named.split_once('.') {
        return items.iter().find(|i| names(i) == (s, n));
    }
    let all: Vec<&T> = items.iter().filter(|i| names(i).1 == named).collect();
    all.iter()
        .find(|i| names(i).0 == pg_schema)
        .or_else(|| all.first().filter(|_| all.len() == 1))
        .copied()
}

/// Whether an object is named by its key in the schema (and so takes no
/// `name:`).
fn keyed(what: &str) -> bool {
    ["table ", "view ", "sequence ", "domain ", "enum "]
        .iter()
        .any(|k| what.starts_with(k))
}

pub(super) fn finish(db: &Db<'_>, all: &[DbTypes], diags: &mut Diagnostics) -> Schema {
    let mut ns = Namespace::default();
    for e in &db.enums {
        // Each enum was collected with the span of its name.
        let span = *db
            .enum_spans
            .get(&e.name)
            .expect("a collected enum has its name's span");
        ns.claim(
            &e.pg_schema,
            &e.sql_name,
            span,
            format!("enum `{}`", e.name),
            diags,
        );
    }
    for d in &db.domains {
        // Each collected domain was recorded with the span of its name.
        let span = *db
            .domain_spans
            .get(&d.key())
            .expect("a collected domain has its name's span");
        ns.claim(
            &d.pg_schema,
            &d.name,
            span,
            format!("domain `{}`", d.name),
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
    let (functions, aggregates) = routines::routines(db, &mut tables, diags);
    let callables: Vec<(String, String)> = functions
        .iter()
        .map(|f| (f.pg_schema.clone(), f.name.clone()))
        .chain(
            aggregates
                .iter()
                .map(|a| (a.pg_schema.clone(), a.name.clone())),
        )
        .collect();
    let mut views = views::views(db, &tables, &callables, &mut ns, diags);
    routines::view_triggers(db, &mut views, &functions, diags);
    let sequences = sequences::sequences(db, &tables, &mut ns, diags);
    let mut pg_schemas = pg_schemas(&tables, &db.enums);
    let others = views
        .iter()
        .map(|v| &v.pg_schema)
        .chain(functions.iter().map(|f| &f.pg_schema))
        .chain(aggregates.iter().map(|a| &a.pg_schema))
        .chain(sequences.iter().map(|q| &q.pg_schema))
        .chain(db.domains.iter().map(|d| &d.pg_schema));
    for s in others {
        if s != "public" && !pg_schemas.contains(s) {
            pg_schemas.push(s.clone());
        }
    }
    pg_schemas.sort();
    Schema {
        database: db.name.to_string(),
        extensions,
        pg_schemas,
        ids: db.ids.clone(),
        enums: db.enums.clone(),
        tables,
        views,
        functions,
        aggregates,
        sequences,
        domains: db.domains.clone(),
        renamed: renamed(db),
    }
}

/// Every `renamed_from` on a view, function, trigger, sequence or domain.
fn renamed(db: &Db<'_>) -> Vec<ObjectRenamed> {
    let one =
        |kind, pg_schema: &str, table: Option<&str>, name: &str, from: &Option<Sp<String>>| {
            from.as_ref().map(|f| ObjectRenamed {
                kind,
                pg_schema: pg_schema.to_owned(),
                table: table.map(str::to_owned),
                name: name.to_owned(),
                from: f.value.clone(),
            })
        };
    let mut out: Vec<ObjectRenamed> = Vec::new();
    for (v, s) in &db.views {
        out.extend(one(
            ObjectKind::View,
            s,
            None,
            &v.name.value,
            &v.renamed_from,
        ));
    }
    for (r, s) in &db.routines {
        if let crate::resolve::Routine::Function(f) = r {
            out.extend(one(
                ObjectKind::Function,
                s,
                None,
                &f.name.value,
                &f.renamed_from,
            ));
        }
    }
    for t in &db.tables {
        for tr in &t.def.triggers {
            out.extend(one(
                ObjectKind::Trigger,
                &t.pg_schema,
                Some(&t.def.name.value),
                &tr.name.value,
                &tr.renamed_from,
            ));
        }
    }
    for (q, s) in &db.sequences {
        out.extend(one(
            ObjectKind::Sequence,
            s,
            None,
            &q.name.value,
            &q.renamed_from,
        ));
    }
    out.extend(db.domain_renames.iter().cloned());
    out
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
    let exclusions = exclusions(t, ns, diags);
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
        // Put on by `routines`, which needs every table's columns.
        triggers: Vec::new(),
        exclusions,
        hints: TableHints {
            renamed_from: t.def.renamed_from.as_ref().map(|r| r.value.clone()),
        },
    }
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
                Some((BaseType::Timestamp(_) | BaseType::Timestamptz(_), false))
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
