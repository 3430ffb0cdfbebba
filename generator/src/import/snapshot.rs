//! What a drizzle-kit snapshot says a database holds, by name: tables and
//! their columns (with NOT NULL), indexes and foreign keys, enums and
//! their values. Read from every snapshot version found in the wild (5
//! and 6: tables keyed by name, enum values as an object; 7: keyed by
//! `schema.name`; 8: a flat `ddl` list of entities), and compared with
//! what the SQL files made, which wins.

use std::collections::{BTreeMap, BTreeSet};

use schemac_schema::model::Schema;
use serde_json::Value;

/// A snapshot's objects, by qualified name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotSummary {
    /// `schema.table` -> column -> NOT NULL.
    pub columns: BTreeMap<String, BTreeMap<String, bool>>,
    /// `schema.table` -> index and foreign key names.
    pub constraints: BTreeMap<String, BTreeSet<String>>,
    /// `schema.enum` -> values, in order where the snapshot keeps it.
    pub enums: BTreeMap<String, BTreeSet<String>>,
}

/// PostgreSQL's name for a longer one: cut at 63 bytes.
fn pg_name(name: &str) -> String {
    let mut end = name.len().min(63);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

fn schema_of(v: &Value) -> String {
    match v["schema"].as_str() {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "public".to_string(),
    }
}

impl SnapshotSummary {
    /// Reads a snapshot; None when its shape is none of the known ones.
    pub fn read(snapshot: &Value) -> Option<SnapshotSummary> {
        let mut out = SnapshotSummary::default();
        if let Some(ddl) = snapshot["ddl"].as_array() {
            for e in ddl {
                let table = format!(
                    "{}.{}",
                    schema_of(e),
                    e["table"].as_str().unwrap_or_default()
                );
                let name = e["name"].as_str().unwrap_or_default();
                match e["entityType"].as_str().unwrap_or_default() {
                    "tables" => {
                        out.columns
                            .entry(format!("{}.{name}", schema_of(e)))
                            .or_default();
                    }
                    "columns" => {
                        out.columns
                            .entry(table)
                            .or_default()
                            .insert(name.to_string(), e["notNull"].as_bool().unwrap_or(false));
                    }
                    "indexes" | "fks" => {
                        out.constraints
                            .entry(table)
                            .or_default()
                            .insert(pg_name(name));
                    }
                    "enums" => {
                        let values = e["values"]
                            .as_array()
                            .map(|vs| {
                                vs.iter()
                                    .filter_map(|v| v.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        out.enums.insert(format!("{}.{name}", schema_of(e)), values);
                    }
                    _ => {}
                }
            }
            return Some(out);
        }
        let tables = snapshot["tables"].as_object()?;
        for t in tables.values() {
            let key = format!("{}.{}", schema_of(t), t["name"].as_str()?);
            // A key's columns are NOT NULL in PostgreSQL whatever the
            // snapshot says of them (drizzle-kit leaves a composite key's
            // columns `notNull: false`).
            let mut keyed: BTreeSet<String> = BTreeSet::new();
            for pk in t["compositePrimaryKeys"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
            {
                match pk {
                    Value::Object(_) => keyed.extend(
                        pk["columns"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|c| c.as_str().map(str::to_string)),
                    ),
                    // Version 5: `"a,b;name"`.
                    Value::String(text) => keyed.extend(
                        text.split(';')
                            .next()
                            .unwrap_or_default()
                            .split(',')
                            .map(|c| c.trim().to_string()),
                    ),
                    _ => {}
                }
            }
            let columns = out.columns.entry(key.clone()).or_default();
            for c in t["columns"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
            {
                let name = c["name"].as_str().unwrap_or_default().to_string();
                let not_null = c["notNull"].as_bool().unwrap_or(false)
                    || c["primaryKey"].as_bool().unwrap_or(false)
                    || keyed.contains(&name);
                columns.insert(name, not_null);
            }
            let names = out.constraints.entry(key).or_default();
            for section in ["indexes", "foreignKeys"] {
                for (name, v) in t[section].as_object().into_iter().flatten() {
                    // Version 5 keeps a foreign key as a `;`-joined string.
                    let name = v["name"].as_str().unwrap_or(name);
                    names.insert(pg_name(name));
                }
            }
        }
        for (key, e) in snapshot["enums"].as_object().into_iter().flatten() {
            let name = e["name"].as_str().unwrap_or(key);
            let values: BTreeSet<String> = match &e["values"] {
                Value::Array(vs) => vs
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                Value::Object(m) => m.keys().cloned().collect(),
                _ => BTreeSet::new(),
            };
            out.enums.insert(format!("{}.{name}", schema_of(e)), values);
        }
        Some(out)
    }

    /// The same summary of what the SQL made.
    pub fn of(schema: &Schema) -> SnapshotSummary {
        let mut out = SnapshotSummary::default();
        for t in &schema.tables {
            let key = format!("{}.{}", t.pg_schema, t.name);
            out.columns.insert(
                key.clone(),
                t.columns
                    .iter()
                    .map(|c| (c.name.clone(), !c.nullable))
                    .collect(),
            );
            let names = out.constraints.entry(key).or_default();
            names.extend(t.indexes.iter().map(|i| i.name.clone()));
            names.extend(t.foreign_keys.iter().map(|f| f.name.clone()));
        }
        for e in &schema.enums {
            out.enums.insert(
                format!("{}.{}", e.pg_schema, e.sql_name),
                e.values.iter().cloned().collect(),
            );
        }
        out
    }

    /// Where the snapshot (`self`) and what the SQL made disagree, one
    /// sentence each.
    pub fn differences(&self, made: &SnapshotSummary) -> Vec<String> {
        let mut out = Vec::new();
        for (table, columns) in &self.columns {
            let Some(theirs) = made.columns.get(table) else {
                out.push(format!(
                    "table {table}: in the snapshot, not made by the SQL"
                ));
                continue;
            };
            for (column, not_null) in columns {
                match theirs.get(column) {
                    None => out.push(format!(
                        "column {table}.{column}: in the snapshot, not made by the SQL"
                    )),
                    Some(n) if n != not_null => out.push(format!(
                        "column {table}.{column}: the snapshot says {}, the SQL makes it {}",
                        if *not_null { "NOT NULL" } else { "nullable" },
                        if *n { "NOT NULL" } else { "nullable" }
                    )),
                    _ => {}
                }
            }
            for column in theirs.keys().filter(|c| !columns.contains_key(*c)) {
                out.push(format!(
                    "column {table}.{column}: made by the SQL, not in the snapshot"
                ));
            }
        }
        for table in made
            .columns
            .keys()
            .filter(|t| !self.columns.contains_key(*t))
        {
            out.push(format!(
                "table {table}: made by the SQL, not in the snapshot"
            ));
        }
        for (table, names) in &self.constraints {
            let empty = BTreeSet::new();
            let theirs = made.constraints.get(table).unwrap_or(&empty);
            for n in names.difference(theirs) {
                if made.columns.contains_key(table) {
                    out.push(format!(
                        "index or foreign key {n} on {table}: in the snapshot, not made by the SQL"
                    ));
                }
            }
            for n in theirs.difference(names) {
                out.push(format!(
                    "index or foreign key {n} on {table}: made by the SQL, not in the snapshot"
                ));
            }
        }
        for (e, values) in &self.enums {
            match made.enums.get(e) {
                None => out.push(format!("enum {e}: in the snapshot, not made by the SQL")),
                Some(v) if v != values => out.push(format!(
                    "enum {e}: the snapshot's values are {values:?}, the SQL's {v:?}"
                )),
                _ => {}
            }
        }
        for e in made.enums.keys().filter(|e| !self.enums.contains_key(*e)) {
            out.push(format!("enum {e}: made by the SQL, not in the snapshot"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composite_keys_columns_are_not_null_whatever_the_snapshot_says() {
        let snapshot: Value = serde_json::from_str(
            r#"{"version":"7","tables":{"public.r":{"name":"r","schema":"","columns":{
                "a":{"name":"a","type":"integer","primaryKey":false,"notNull":false},
                "b":{"name":"b","type":"integer","primaryKey":false,"notNull":false},
                "c":{"name":"c","type":"text","primaryKey":false,"notNull":false}},
                "indexes":{},"foreignKeys":{},
                "compositePrimaryKeys":{"r_a_b_pk":{"name":"r_a_b_pk","columns":["a","b"]}}}},
                "enums":{}}"#,
        )
        .expect("json");
        let summary = SnapshotSummary::read(&snapshot).expect("a snapshot");
        let columns = &summary.columns["public.r"];
        assert_eq!(
            (columns["a"], columns["b"], columns["c"]),
            (true, true, false)
        );
    }
}
