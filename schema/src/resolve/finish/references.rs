//! Foreign keys: references followed to their target, checked for types and uniqueness, within a database and across them.

use super::*;

/// Whether two columns can be joined by a foreign key: the same Postgres type,
/// counting the string types as one family.
fn compatible(a: &ColumnType, b: &ColumnType, db: &Db<'_>) -> bool {
    let norm = |t: &ColumnType| {
        // A domain's values compare as its base type's.
        let t = ColumnType::plain(t.base.referencing(), t.array);
        if t.base.is_stringy() && !t.array {
            "text".to_string()
        } else {
            sql::column_type(&t, &db.enums, &db.ids)
        }
    };
    norm(a) == norm(b)
}

pub(super) fn foreign_keys(
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
