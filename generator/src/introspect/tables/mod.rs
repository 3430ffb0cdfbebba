//! Relations: tables, views and materialized views with their columns,
//! constraints, indexes, triggers, and the sequences they own or use.

mod columns;
mod constraints;
mod defined;
mod triggers;

use foldhash::{HashMap, HashMapExt};
use schemac_runtime::tokio_postgres::Client;
use schemac_schema::model::*;

use super::types::Types;
use super::{IntrospectError, Pulled, Unsupported, queries, rows};

/// A relation read, by oid.
pub(super) struct Relation {
    pg_schema: String,
    name: String,
    /// Where it went in the model.
    slot: Slot,
    /// Its columns by attnum.
    columns: HashMap<i16, String>,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Slot {
    Table(usize),
    View(usize),
    /// Left out (listed in `unsupported`).
    Skipped,
}

pub struct Reader<'c> {
    client: &'c Client,
    oids: Vec<u32>,
    version: i32,
}

impl<'c> Reader<'c> {
    pub fn new(client: &'c Client, oids: &[u32], version: i32) -> Reader<'c> {
        Reader {
            client,
            oids: oids.to_vec(),
            version,
        }
    }

    fn nnd(&self, sql: &str, index: &str) -> String {
        let nnd = match self.version >= 150000 {
            true => format!(
                "coalesce((SELECT i.indnullsnotdistinct FROM pg_catalog.pg_index i WHERE i.indexrelid = {index}), false)"
            ),
            false => "false".to_string(),
        };
        let setcols = match self.version >= 150000 {
            true => "k.confdelsetcols IS NOT NULL",
            false => "false",
        };
        sql.replace("%NND%", &nnd).replace("%SETCOLS%", setcols)
    }

    /// Tables, views and what hangs on them.
    pub async fn tables(&mut self, types: &Types, out: &mut Pulled) -> Result<(), IntrospectError> {
        let oids = &self.oids;
        let mut rels: HashMap<u32, Relation> = HashMap::new();
        for r in rows(self.client, queries::RELATIONS, &[oids], "relations").await? {
            let (oid, pg_schema, name, kind): (u32, String, String, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            let qualified = format!("{pg_schema}.{name}");
            let (is_partition, persistence, rls, comment, inherits): (
                bool,
                String,
                bool,
                Option<String>,
                bool,
            ) = (r.get(4), r.get(5), r.get(6), r.get(7), r.get(8));
            let options: Vec<String> = r.get(9);
            let mut skip = |object: String, reason: &str| {
                out.unsupported.push(Unsupported {
                    object,
                    reason: reason.to_string(),
                });
                Slot::Skipped
            };
            let slot = match kind.as_str() {
                "p" => skip(
                    format!("partitioned table {qualified}"),
                    "partitioned tables are not expressed yet",
                ),
                "f" => skip(
                    format!("foreign table {qualified}"),
                    "foreign tables are not expressed",
                ),
                "r" if is_partition => skip(
                    format!("partition {qualified}"),
                    "belongs to a partitioned table, which is not expressed yet",
                ),
                "r" if inherits => skip(
                    format!("table {qualified}"),
                    "inherits from another table (INHERITS), which is not expressed",
                ),
                "r" => {
                    if persistence == "u" {
                        out.unsupported.push(Unsupported {
                            object: format!("table {qualified}"),
                            reason: "UNLOGGED is not expressed: it is pulled as a logged table"
                                .into(),
                        });
                    }
                    if !options.is_empty() {
                        out.unsupported.push(Unsupported {
                            object: format!("table {qualified}"),
                            reason: format!(
                                "storage parameters ({}) are not expressed: pulled without them",
                                options.join(", ")
                            ),
                        });
                    }
                    if rls {
                        out.unsupported.push(Unsupported {
                            object: format!("table {qualified}"),
                            reason: "row-level security is not expressed: it is pulled without it"
                                .into(),
                        });
                    }
                    out.schema.tables.push(Table {
                        pg_schema: pg_schema.clone(),
                        name: name.clone(),
                        rust_name: None,
                        comment,
                        columns: Vec::new(),
                        primary_key: None,
                        uniques: Vec::new(),
                        checks: Vec::new(),
                        foreign_keys: Vec::new(),
                        indexes: Vec::new(),
                        soft_delete: None,
                        relations: Vec::new(),
                        triggers: Vec::new(),
                        exclusions: Vec::new(),
                        hints: TableHints::default(),
                    });
                    Slot::Table(out.schema.tables.len() - 1)
                }
                _ => {
                    let materialized = kind == "m";
                    let def: String = r.get::<_, Option<String>>(10).unwrap_or_default();
                    let sql = def.trim().trim_end_matches(';').trim_end().to_string();
                    let option = |key: &str| {
                        options
                            .iter()
                            .find_map(|o| o.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                    };
                    let check_option = match option("check_option") {
                        Some("local") => Some(CheckOption::Local),
                        Some("cascaded") => Some(CheckOption::Cascaded),
                        _ => None,
                    };
                    out.schema.views.push(View {
                        pg_schema: pg_schema.clone(),
                        name: name.clone(),
                        sql,
                        materialized,
                        security_barrier: option("security_barrier") == Some("true"),
                        check_option,
                        comment,
                        depends_on: Vec::new(),
                        indexes: Vec::new(),
                        key: Vec::new(),
                        not_null: Vec::new(),
                        triggers: Vec::new(),
                    });
                    Slot::View(out.schema.views.len() - 1)
                }
            };
            rels.insert(
                oid,
                Relation {
                    pg_schema,
                    name,
                    slot,
                    columns: HashMap::new(),
                },
            );
        }
        let mut sequences = self.sequences(out).await?;
        self.columns(types, &mut rels, &mut sequences, out).await?;
        without_columns(&mut rels, out);
        self.views_over_skipped(&mut rels, out).await?;
        columns::standalone_sequences(sequences, &rels, out);
        self.constraints(&rels, out).await?;
        self.indexes(&rels, out).await?;
        self.triggers(&rels, out).await?;
        Ok(())
    }

    /// A view over a relation left out is left out too (it could not be
    /// created), and so on up: listed, never dropped silently.
    async fn views_over_skipped(
        &self,
        rels: &mut HashMap<u32, Relation>,
        out: &mut Pulled,
    ) -> Result<(), IntrospectError> {
        // (view, relation it reads, the column read or 0)
        let edges: Vec<(u32, u32, i16)> = rows(
            self.client,
            queries::VIEW_READS,
            &[&self.oids],
            "view dependencies",
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
        let mut dropped: Vec<usize> = Vec::new();
        loop {
            let mut changed = false;
            for (view, read, column) in &edges {
                // What it reads is left out: the relation, or one of its
                // columns (a table's columns are known once pulled).
                let missing = rels.get(read).and_then(|r| {
                    let qualified = format!("{}.{}", r.pg_schema, r.name);
                    match (r.slot, *column) {
                        (Slot::Skipped, _) => Some(qualified),
                        (Slot::Table(_), c) if c > 0 && !r.columns.contains_key(&c) => {
                            Some(format!("a column of {qualified}"))
                        }
                        _ => None,
                    }
                });
                let Some((missing, v)) = missing.zip(rels.get_mut(view)) else {
                    continue;
                };
                if let Slot::View(i) = v.slot {
                    v.slot = Slot::Skipped;
                    dropped.push(i);
                    changed = true;
                    out.unsupported.push(Unsupported {
                        object: format!("view {}.{}", v.pg_schema, v.name),
                        reason: format!("it reads {missing}, which is not pulled"),
                    });
                }
            }
            if !changed {
                break;
            }
        }
        // Remove from the back, and renumber the views that stay.
        dropped.sort_unstable();
        for &i in dropped.iter().rev() {
            out.schema.views.remove(i);
        }
        for rel in rels.values_mut() {
            if let Slot::View(i) = rel.slot {
                rel.slot = Slot::View(i - dropped.iter().filter(|&&d| d < i).count());
            }
        }
        Ok(())
    }
}

/// A table none of whose columns schemac expresses is left out, and said
/// so: schemac has no table without columns.
fn without_columns(rels: &mut HashMap<u32, Relation>, out: &mut Pulled) {
    let empty: Vec<usize> = (0..out.schema.tables.len())
        .filter(|&i| out.schema.tables[i].columns.is_empty())
        .collect();
    if empty.is_empty() {
        return;
    }
    for rel in rels.values_mut() {
        if let Slot::Table(i) = rel.slot {
            rel.slot = match empty.binary_search(&i) {
                Ok(_) => Slot::Skipped,
                Err(before) => Slot::Table(i - before),
            };
        }
    }
    for &i in empty.iter().rev() {
        let t = out.schema.tables.remove(i);
        out.unsupported.push(Unsupported {
            object: format!("table {}.{}", t.pg_schema, t.name),
            reason: "none of its columns is one schemac expresses".into(),
        });
    }
}

/// The columns of those attnums, or None when one is not read.
fn names(columns: &HashMap<i16, String>, attnums: &[i16]) -> Option<Vec<String>> {
    attnums.iter().map(|a| columns.get(a).cloned()).collect()
}
