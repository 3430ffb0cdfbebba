//! Pass 2: the type of each column, and the types of references inferred from what they point at.

use super::*;

/// Reads a column's type text: `T`, `T?`, `T[]`, `T[]?`, where T is built-in, an enum or an ID.
pub(super) fn column_type(
    c: &ColumnDef,
    db: &Db<'_>,
    diags: &mut Diagnostics,
) -> (Option<ColumnType>, bool) {
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
    let mut domain = None;
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
            if let Some(d) = db.domains.iter().find(|d| d.name == text) {
                if array {
                    diags.push(
                        Diagnostic::error(format!(
                            "column `{}` is an array of domain `{text}`, which schemac does not support yet",
                            c.name.value
                        ))
                        .at(ty.span, "an array of a domain")
                        .help(format!(
                            "use an array of its base type, `{}[]`, with a check on the column",
                            d.base
                        )),
                    );
                    return (None, optional || explicit_nullable);
                }
                domain = Some(d.key());
                Some(d.base.base.clone())
            } else if db.enum_spans.contains_key(text) {
                Some(BaseType::Enum(text.to_string()))
            } else if db.ids.iter().any(|i| i.name == text) {
                Some(BaseType::Id(text.to_string()))
            } else if let Some(holds) = types::unmapped_postgres_type(text) {
                diags.push(
                    Diagnostic::error(format!(
                        "column `{}` is of PostgreSQL's type `{text}` ({holds}), which schemac has no Rust type for yet",
                        c.name.value
                    ))
                    .at(ty.span, "not supported yet")
                    .help("keep the column out of the schema for now (a hand-written migration, `schemac generate --custom`, can add it), or store it as a supported type"),
                );
                None
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
        base.map(|base| ColumnType {
            base,
            array,
            domain,
        }),
        optional || explicit_nullable,
    )
}

/// Pass 2: columns that say only `references:` take the referenced column's
/// type; repeated until nothing changes, so chains of references resolve.
pub(super) fn infer_reference_types(dbs: &mut [Db<'_>]) {
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
                            domain: ty.domain.clone(),
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
