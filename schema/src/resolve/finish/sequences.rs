//! Standalone sequences: their names claimed beside the tables', the
//! column each one belongs to.

use super::*;

pub(super) fn sequences(
    db: &Db<'_>,
    tables: &[Table],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Vec<Sequence> {
    let mut out = Vec::new();
    for (def, pg_schema) in &db.sequences {
        let name = &def.name.value;
        ns.claim(
            pg_schema,
            name,
            def.name.span,
            format!("sequence `{name}`"),
            diags,
        );
        let owned_by = match &def.owned_by {
            None => None,
            Some(o) => match owner(db, tables, pg_schema, &o.value) {
                Ok(owned) => Some(owned),
                Err(why) => {
                    diags.push(
                        Diagnostic::error(format!(
                            "sequence `{name}` is owned by `{}`: {why}",
                            o.value
                        ))
                        .at(o.span, "not a column of this database")
                        .help("write `owned_by: table.column` (or `pg_schema.table.column`)"),
                    );
                    continue;
                }
            },
        };
        out.push(Sequence {
            pg_schema: pg_schema.clone(),
            name: name.clone(),
            data_type: def.data_type.as_ref().map(|t| t.value.clone()),
            start: def.start,
            increment: def.increment.as_ref().map(|i| i.value),
            min_value: def.min_value,
            max_value: def.max_value,
            cache: def.cache.as_ref().map(|c| c.value),
            cycle: def.cycle,
            owned_by,
            comment: def.comment.as_ref().map(|c| c.value.clone()),
        });
    }
    out
}

/// `table.column` or `pg_schema.table.column`, found among the tables.
fn owner(db: &Db<'_>, tables: &[Table], pg_schema: &str, named: &str) -> Result<OwnedBy, String> {
    let parts: Vec<&str> = named.split('.').collect();
    let (schema, table, column) = match parts.as_slice() {
        [t, c] => (None, *t, *c),
        [s, t, c] => (Some(*s), *t, *c),
        _ => return Err("it names no column".into()),
    };
    let ti = db
        .find_table(schema, table, pg_schema)
        .ok_or_else(|| format!("there is no table `{table}`"))?;
    let t = &tables[ti];
    if t.pg_schema != pg_schema {
        return Err(format!(
            "table `{table}` is in pg_schema `{}`, and PostgreSQL keeps a sequence in its owner's",
            t.pg_schema
        ));
    }
    let Some(c) = t.column(column) else {
        return Err(format!("table `{table}` has no column `{column}`"));
    };
    if c.identity.is_some() || c.ty.base.is_serial() {
        return Err(format!(
            "column `{table}.{column}` has a sequence of its own (it is an identity or a serial)"
        ));
    }
    Ok(OwnedBy {
        pg_schema: t.pg_schema.clone(),
        table: t.name.clone(),
        column: column.to_string(),
    })
}
