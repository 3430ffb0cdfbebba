//! The statements that need more than a line of template: insert_many's
//! and the many-to-many loaders'.

use schemac_schema::model::{Relation, Schema, Table};
use schemac_schema::sql::{ident, qualified};

use super::{NewField, NewFieldKind, RelationView};
use crate::rust::names::{snake_ident, struct_name};
use crate::rust::types::rust_type;

/// `insert_many`'s statement for rows that leave every defaulted column to
/// the database, as most do: the other columns as one array each, UNNESTed
/// straight into the table (no row numbers, no RETURNING). Empty when such
/// a column is an array (UNNEST would flatten it) or there is none.
pub(super) fn insert_plain_sql(table_sql: &str, fields: &[NewField]) -> String {
    let plain: Vec<&NewField> = fields.iter().filter(|f| !f.defaulted).collect();
    if plain.is_empty() || plain.iter().any(|f| f.array) {
        return String::new();
    }
    let columns: Vec<&str> = plain.iter().map(|f| f.sql.as_str()).collect();
    let arrays: Vec<String> = plain
        .iter()
        .enumerate()
        .map(|(i, f)| format!("${}::{}", i + 1, f.unnest_cast))
        .collect();
    format!(
        "INSERT INTO {table_sql} ({}) SELECT * FROM UNNEST({})",
        columns.join(", "),
        arrays.join(", ")
    )
}

/// `insert_many`'s one statement. Scalar values travel as one array per
/// column through UNNEST, with the row's number (and, for a nullable column
/// with a default, whether each row gave a value or left it to the default). UNNEST would flatten an
/// array column's values into one, so each array column travels as all its
/// elements in one array plus the row number of each element (and, when the
/// field is optional, whether each row gave a value); the rows' arrays are
/// put back together with array_agg, grouped by row number. One round trip
/// whatever the row count, in linear time.
/// Returns the statement and, for each field, the Rust locals it binds in
/// parameter order.
pub(super) fn insert_many_sql(
    table_sql: &str,
    select: &str,
    fields: &[NewField],
) -> (String, Vec<Vec<String>>) {
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut unnest_args = Vec::new();
    let mut unnest_names = Vec::new();
    let mut ctes = Vec::new();
    let mut joins = String::new();
    let mut selected = Vec::new();
    let mut bound: Vec<Vec<String>> = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        bound.push(Vec::new());
        let params = &mut bound[i];
        let local = &f.local;
        // A nullable column with a default has three cases per row: the
        // default (None), NULL (Some(None)) and a value; a flag says which
        // rows gave one.
        let three_way = f.kind == NewFieldKind::NullableDefault;
        if !f.array {
            unnest_args.push(format!("{}::{}", next(), f.unnest_cast));
            unnest_names.push(format!("c{i}"));
            params.push(format!("&{local}_values"));
            let col = format!("u.c{i}");
            if three_way {
                unnest_args.push(format!("{}::bool[]", next()));
                unnest_names.push(format!("g{i}"));
                params.push(format!("&{local}_given"));
                selected.push(format!(
                    "CASE WHEN u.g{i} THEN {col} ELSE {} END",
                    f.coalesce
                ));
            } else if f.coalesce.is_empty() {
                selected.push(col);
            } else {
                selected.push(format!("COALESCE({col}, {})", f.coalesce));
            }
            continue;
        }
        let elements = next();
        let owners = next();
        params.push(format!("&{local}_elements"));
        params.push(format!("&{local}_rows"));
        ctes.push(format!(
            "a{i} AS (SELECT f.r, array_agg(f.e ORDER BY f.o) AS v FROM UNNEST({elements}::{}, {owners}::int8[]) WITH ORDINALITY AS f(e, r, o) GROUP BY f.r)",
            f.unnest_cast
        ));
        joins.push_str(&format!(" LEFT JOIN a{i} ON a{i}.r = u.schemac_row"));
        let value = format!("COALESCE(a{i}.v, '{{}}')");
        if f.kind == NewFieldKind::Required {
            selected.push(value);
        } else {
            unnest_args.push(format!("{}::bool[]", next()));
            unnest_names.push(format!("g{i}"));
            params.push(format!("&{local}_given"));
            let otherwise = if f.coalesce.is_empty() {
                "NULL"
            } else {
                f.coalesce.as_str()
            };
            if three_way {
                unnest_args.push(format!("{}::bool[]", next()));
                unnest_names.push(format!("n{i}"));
                params.push(format!("&{local}_null"));
                selected.push(format!(
                    "CASE WHEN NOT u.g{i} THEN {otherwise} WHEN u.n{i} THEN NULL ELSE {value} END"
                ));
            } else {
                selected.push(format!(
                    "CASE WHEN u.g{i} THEN {value} ELSE {otherwise} END"
                ));
            }
        }
    }
    unnest_args.push(format!("{}::int8[]", next()));
    unnest_names.push("schemac_row".to_owned());
    let columns: Vec<&str> = fields.iter().map(|f| f.sql.as_str()).collect();
    ctes.insert(
        0,
        format!(
            "u AS (SELECT * FROM UNNEST({}) AS u({}))",
            unnest_args.join(", "),
            unnest_names.join(", ")
        ),
    );
    let sql = format!(
        "WITH {} INSERT INTO {table_sql} ({}) SELECT {} FROM u{joins} ORDER BY u.schemac_row RETURNING {select}",
        ctes.join(", "),
        columns.join(", "),
        selected.join(", ")
    );
    (sql, bound)
}

/// The loaders of a many-to-many relation, when its junction has a
/// single-column foreign key to each side and this table a one-column key.
pub(super) fn relation(
    schema: &Schema,
    t: &Table,
    r: &Relation,
    modules: &[String],
) -> Option<RelationView> {
    let pk = t.primary_key.as_ref().filter(|p| p.columns.len() == 1)?;
    let (target_at, target) = schema
        .tables
        .iter()
        .enumerate()
        .find(|(_, o)| o.name == r.many_to_many)?;
    let junction = schema.tables.iter().find(|o| o.name == r.through)?;
    let to_self = junction.foreign_keys.iter().find(|fk| {
        fk.ref_table == t.name && fk.columns.len() == 1 && fk.ref_columns == pk.columns
    })?;
    let to_target = junction.foreign_keys.iter().find(|fk| {
        fk.ref_table == target.name && fk.columns.len() == 1 && !std::ptr::eq(*fk, to_self)
    })?;
    let key_column = t.column(&pk.columns[0])?;
    let rt = rust_type(key_column, schema);
    let select = target
        .columns
        .iter()
        .map(|c| format!("t.{}", ident(&c.name)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut live = Vec::new();
    for (alias, table) in [("t", target), ("j", junction)] {
        if let Some(soft) = &table.soft_delete {
            live.push(format!("{alias}.{} IS NULL", ident(&soft.at)));
        }
    }
    let live: String = live.iter().map(|l| format!(" AND {l}")).collect();
    let order = target
        .primary_key
        .as_ref()
        .map(|p| {
            let cols: Vec<String> = p
                .columns
                .iter()
                .map(|c| format!("t.{}", ident(c)))
                .collect();
            format!(" ORDER BY {}", cols.join(", "))
        })
        .unwrap_or_default();
    let from = format!(
        "FROM {} t JOIN {} j ON j.{} = t.{} WHERE j.{}",
        qualified(&target.pg_schema, &target.name),
        qualified(&junction.pg_schema, &junction.name),
        ident(&to_target.columns[0]),
        ident(&to_target.ref_columns[0]),
        ident(&to_self.columns[0]),
    );
    Some(RelationView {
        name: snake_ident(&r.name),
        target: target.name.clone(),
        junction: junction.name.clone(),
        target_struct: format!(
            "super::{}::{}",
            modules[target_at],
            struct_name(&target.name, target.rust_name.as_deref())
        ),
        key_ty: rt.value.clone(),
        key_param: rt.param.clone(),
        key_copy: rt.copy,
        sql_many: format!(
            "SELECT j.{} AS \"schemac_parent\", {select} {from} = ANY($1){live}{order}",
            ident(&to_self.columns[0])
        ),
        sql_one: format!("SELECT {select} {from} = $1{live}{order}"),
    })
}
