//! Relations: tables, views and materialized views with their columns,
//! constraints, indexes, triggers, and the sequences they own or use.

use foldhash::{HashMap, HashMapExt};
use schemac_runtime::tokio_postgres::Client;
use schemac_schema::model::*;
use schemac_schema::naming::sequence_name;

use super::types::Types;
use super::{
    IntrospectError, Pulled, Unsupported, check_expression, queries, rows, split_top_level,
};

/// A relation read, by oid.
struct Relation {
    pg_schema: String,
    name: String,
    /// Where it went in the model.
    slot: Slot,
    /// Its columns by attnum.
    columns: HashMap<i16, String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Table(usize),
    View(usize),
    /// Left out (listed in `unsupported`).
    Skipped,
}

/// A sequence read, before it is known whether a column owns it.
struct SequenceRow {
    model: Sequence,
    type_name: String,
    /// `(table oid, attnum, 'a' | 'i')` of the column that owns it.
    owner: Option<(u32, i32, String)>,
    taken: bool,
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

    /// Enums and domains (which columns are of), and the types schemac
    /// has no word for.
    pub async fn types(&mut self, out: &mut Pulled) -> Result<Types, IntrospectError> {
        let mut types = Types::new();
        let enums = rows(self.client, queries::ENUMS, &[&self.oids], "enums").await?;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &enums {
            *seen.entry(r.get::<_, String>(2)).or_default() += 1;
        }
        for r in &enums {
            let (oid, pg_schema, name): (u32, String, String) = (r.get(0), r.get(1), r.get(2));
            // Keys are one namespace across pg_schemas: a name two of them
            // use is told apart by its schema.
            let key = match seen[&name] {
                1 => name.clone(),
                _ => format!("{pg_schema}_{name}"),
            };
            types.enums.insert(oid, key.clone());
            out.schema.enums.push(Enum {
                name: key,
                pg_schema,
                sql_name: name,
                values: r.get(3),
                comment: r.get(4),
                hints: EnumHints::default(),
            });
        }
        let domains = rows(self.client, queries::DOMAINS, &[&self.oids], "domains").await?;
        for r in &domains {
            let (oid, pg_schema, name): (u32, String, String) = (r.get(0), r.get(1), r.get(2));
            let base_oid: u32 = r.get(3);
            let printed: String = format_type(self.client, base_oid, r.get(4)).await?;
            let object = format!("domain {pg_schema}.{name}");
            let base = match types.column_type(base_oid, &printed, false) {
                Ok(t) if t.domain.is_some() => {
                    out.unsupported.push(Unsupported {
                        object,
                        reason: "a domain over a domain is not expressed yet".into(),
                    });
                    continue;
                }
                Ok(t) => t,
                Err(why) => {
                    out.unsupported.push(Unsupported {
                        object,
                        reason: why,
                    });
                    continue;
                }
            };
            if r.get::<_, bool>(10) {
                out.unsupported.push(Unsupported {
                    object: object.clone(),
                    reason: "its COLLATE is not expressed (domains take their base type's)".into(),
                });
            }
            let names: Vec<String> = r.get(7);
            let defs: Vec<String> = r.get(8);
            let checks = names
                .into_iter()
                .zip(defs)
                .map(|(name, def)| Check {
                    name,
                    expr: check_expression(&def).0,
                })
                .collect();
            let key = format!("{pg_schema}.{name}");
            types.domains.insert(oid, (key, base.clone()));
            out.schema.domains.push(Domain {
                pg_schema,
                name,
                base,
                not_null: r.get(5),
                default: r.get(6),
                checks,
                comment: r.get(9),
            });
        }
        for r in rows(self.client, queries::OTHER_TYPES, &[&self.oids], "types").await? {
            let (pg_schema, name, kind): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let what = match kind.as_str() {
                "c" => "composite type",
                "r" => "range type",
                _ => "base type",
            };
            out.unsupported.push(Unsupported {
                object: format!("{what} {pg_schema}.{name}"),
                reason: format!("{what}s of a schema's own are not expressed yet"),
            });
        }
        Ok(types)
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
        self.views_over_skipped(&mut rels, out).await?;
        let mut sequences = self.sequences(out).await?;
        self.columns(types, &mut rels, &mut sequences, out).await?;
        for s in sequences.into_iter().filter(|s| !s.taken) {
            let mut model = s.model;
            if let Some((table, attnum, kind)) = &s.owner {
                let Some(rel) = rels.get(table) else { continue };
                if kind == "i" {
                    continue;
                }
                let column = rel
                    .columns
                    .get(&(*attnum as i16))
                    .cloned()
                    .unwrap_or_default();
                if rel.pg_schema != model.pg_schema {
                    out.unsupported.push(Unsupported {
                        object: format!("sequence {}.{}", model.pg_schema, model.name),
                        reason: format!(
                            "owned by {}.{}.{column}, a table of another pg_schema: pulled without OWNED BY",
                            rel.pg_schema, rel.name
                        ),
                    });
                } else if rel.slot != Slot::Skipped {
                    model.owned_by = Some(OwnedBy {
                        pg_schema: rel.pg_schema.clone(),
                        table: rel.name.clone(),
                        column,
                    });
                }
            }
            let _ = s.type_name;
            out.schema.sequences.push(model);
        }
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
        let edges: Vec<(u32, u32)> = rows(
            self.client,
            queries::VIEW_READS,
            &[&self.oids],
            "view dependencies",
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
        let mut dropped: Vec<usize> = Vec::new();
        loop {
            let mut changed = false;
            for (view, read) in &edges {
                let reads_skipped = rels.get(read).is_some_and(|r| r.slot == Slot::Skipped);
                let Some((read_name, v)) = rels
                    .get(read)
                    .map(|r| format!("{}.{}", r.pg_schema, r.name))
                    .zip(rels.get_mut(view))
                else {
                    continue;
                };
                if let (true, Slot::View(i)) = (reads_skipped, v.slot) {
                    v.slot = Slot::Skipped;
                    dropped.push(i);
                    changed = true;
                    out.unsupported.push(Unsupported {
                        object: format!("view {}.{}", v.pg_schema, v.name),
                        reason: format!("it reads {read_name}, which is not pulled"),
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

    async fn sequences(&self, out: &mut Pulled) -> Result<Vec<SequenceRow>, IntrospectError> {
        let _ = out;
        let mut seqs = Vec::new();
        for r in rows(self.client, queries::SEQUENCES, &[&self.oids], "sequences").await? {
            let type_name: String = r.get(3);
            let (start, increment, min, max, cache, cycle): (i64, i64, i64, i64, i64, bool) =
                (r.get(4), r.get(5), r.get(6), r.get(7), r.get(8), r.get(9));
            let defaults = SequenceDefaults::of(&type_name, increment);
            let non_default = |v: i64, d: i64| (v != d).then_some(v);
            let owner = match (r.get::<_, Option<u32>>(10), r.get::<_, Option<i32>>(11)) {
                (Some(t), Some(a)) => Some((t, a, r.get::<_, String>(12))),
                _ => None,
            };
            seqs.push(SequenceRow {
                model: Sequence {
                    pg_schema: r.get(1),
                    name: r.get(2),
                    data_type: (type_name != "bigint").then(|| type_name.clone()),
                    start: non_default(start, defaults.start),
                    increment: non_default(increment, 1),
                    min_value: non_default(min, defaults.min),
                    max_value: non_default(max, defaults.max),
                    cache: non_default(cache, 1),
                    cycle,
                    owned_by: None,
                    comment: r.get(13),
                },
                type_name,
                owner,
                taken: false,
            });
        }
        Ok(seqs)
    }

    async fn columns(
        &self,
        types: &Types,
        rels: &mut HashMap<u32, Relation>,
        sequences: &mut [SequenceRow],
        out: &mut Pulled,
    ) -> Result<(), IntrospectError> {
        for r in rows(self.client, queries::COLUMNS, &[&self.oids], "columns").await? {
            let rel_oid: u32 = r.get(0);
            let Some(rel) = rels.get_mut(&rel_oid) else {
                continue;
            };
            let (attnum, name): (i16, String) = (r.get(1), r.get(2));
            rel.columns.insert(attnum, name.clone());
            let Slot::Table(t) = rel.slot else { continue };
            let qualified = format!("{}.{}.{name}", rel.pg_schema, rel.name);
            let (not_null, identity, generated, default): (bool, String, String, Option<String>) =
                (r.get(4), r.get(5), r.get(6), r.get(7));
            let (collation, comment): (Option<String>, Option<String>) = (r.get(8), r.get(9));
            let (array, elem, printed, dims): (bool, u32, String, i32) =
                (r.get(10), r.get(11), r.get(12), r.get(13));
            if dims > 1 {
                out.unsupported.push(Unsupported {
                    object: format!("column {qualified}"),
                    reason: "multi-dimensional arrays are not expressed".into(),
                });
                continue;
            }
            let mut ty = match types.column_type(elem, &printed, array) {
                Ok(ty) => ty,
                Err(why) => {
                    out.unsupported.push(Unsupported {
                        object: format!("column {qualified}"),
                        reason: why,
                    });
                    continue;
                }
            };
            let mut column = Column {
                name: name.clone(),
                ty: ty.clone(),
                nullable: !not_null,
                default: None,
                identity: None,
                identity_options: None,
                generated: None,
                on_update_now: false,
                collation,
                rust_name: None,
                rust_type: None,
                sensitive: false,
                comment,
                external_ref: None,
                hints: None,
            };
            let owned = |kind: &str, seqs: &[SequenceRow]| {
                seqs.iter().position(|s| {
                    s.owner
                        .as_ref()
                        .is_some_and(|(o, a, k)| *o == rel_oid && *a == attnum as i32 && k == kind)
                })
            };
            if !identity.is_empty() {
                column.identity = Some(match identity.as_str() {
                    "a" => Identity::Always,
                    _ => Identity::ByDefault,
                });
                if let Some(i) = owned("i", sequences) {
                    let s = &mut sequences[i];
                    s.taken = true;
                    let options = SequenceOptions {
                        start: s.model.start,
                        increment: s.model.increment,
                        min_value: s.model.min_value,
                        max_value: s.model.max_value,
                        cache: s.model.cache,
                        cycle: s.model.cycle,
                    };
                    if options != SequenceOptions::default() {
                        column.identity_options = Some(Box::new(options));
                    }
                    let derived = sequence_name(&rel.name, &name);
                    if s.model.name != derived {
                        out.unsupported.push(Unsupported {
                            object: format!("sequence {}.{}", s.model.pg_schema, s.model.name),
                            reason: format!(
                                "the identity sequence of {qualified}: schemac names it {derived}"
                            ),
                        });
                    }
                }
            } else if generated == "s" {
                column.generated = default;
            } else if let Some(default) = default {
                let serial = owned("a", sequences).filter(|&i| {
                    let s = &sequences[i];
                    let plain = s.model.start.is_none()
                        && s.model.increment.is_none()
                        && s.model.min_value.is_none()
                        && s.model.max_value.is_none()
                        && s.model.cache.is_none()
                        && !s.model.cycle
                        && s.model.comment.is_none();
                    plain
                        && s.model.pg_schema == rel.pg_schema
                        && s.model.name == sequence_name(&rel.name, &name)
                        && default == nextval(&s.model.pg_schema, &s.model.name)
                        && ty.domain.is_none()
                        && !ty.array
                        && matches!(
                            (&ty.base, s.type_name.as_str()),
                            (BaseType::Integer, "integer") | (BaseType::BigInt, "bigint")
                        )
                });
                match serial {
                    Some(i) => {
                        sequences[i].taken = true;
                        ty.base = match ty.base {
                            BaseType::Integer => BaseType::Serial,
                            _ => BaseType::BigSerial,
                        };
                        column.ty = ty;
                    }
                    None => column.default = Some(ColumnDefault::Sql(default)),
                }
            }
            out.schema.tables[t].columns.push(column);
        }
        Ok(())
    }

    async fn constraints(
        &self,
        rels: &HashMap<u32, Relation>,
        out: &mut Pulled,
    ) -> Result<(), IntrospectError> {
        let sql = self.nnd(queries::CONSTRAINTS, "k.conindid");
        for r in rows(self.client, &sql, &[&self.oids], "constraints").await? {
            let Some(rel) = rels.get(&r.get::<_, u32>(0)) else {
                continue;
            };
            let Slot::Table(t) = rel.slot else { continue };
            let (name, kind): (String, String) = (r.get(1), r.get(2));
            let object = format!("constraint {}.{}.{name}", rel.pg_schema, rel.name);
            let keys: Vec<i16> = r.get(3);
            let Some(columns) = names(&rel.columns, &keys) else {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "it is on a column that is not pulled".into(),
                });
                continue;
            };
            let (deferrable, deferred, valid): (bool, bool, bool) = (r.get(8), r.get(9), r.get(10));
            let def: String = r.get(11);
            if r.get::<_, Option<String>>(14).is_some() {
                out.unsupported.push(Unsupported {
                    object: object.clone(),
                    reason: "comments on constraints are not expressed: pulled without it".into(),
                });
            }
            if !valid {
                out.unsupported.push(Unsupported {
                    object: object.clone(),
                    reason: "NOT VALID: schemac's migration would add it validated".into(),
                });
            }
            if deferrable && kind != "f" {
                out.unsupported.push(Unsupported {
                    object: object.clone(),
                    reason: "only foreign keys are deferrable in schemac: pulled as not deferrable"
                        .into(),
                });
            }
            let table = &mut out.schema.tables[t];
            match kind.as_str() {
                "p" => table.primary_key = Some(PrimaryKey { name, columns }),
                "u" => table.uniques.push(Unique {
                    name,
                    columns,
                    nulls_not_distinct: r.get(13),
                }),
                "c" => table.checks.push(Check {
                    name,
                    expr: check_expression(&def).0,
                }),
                "x" => match exclusion(&def) {
                    Some((using, elements, predicate)) => table.exclusions.push(Exclusion {
                        name,
                        using,
                        elements,
                        predicate,
                    }),
                    None => out.unsupported.push(Unsupported {
                        object,
                        reason: format!("an exclusion constraint schemac cannot express: {def}"),
                    }),
                },
                _ => {
                    let Some(target) = rels.get(&r.get::<_, u32>(4)) else {
                        out.unsupported.push(Unsupported {
                            object,
                            reason: "it references a table of a pg_schema not pulled".into(),
                        });
                        continue;
                    };
                    if target.slot == Slot::Skipped {
                        out.unsupported.push(Unsupported {
                            object,
                            reason: format!(
                                "it references {}.{}, which is not pulled",
                                target.pg_schema, target.name
                            ),
                        });
                        continue;
                    }
                    let Some(ref_columns) = names(&target.columns, &r.get::<_, Vec<i16>>(5)) else {
                        continue;
                    };
                    if r.get::<_, String>(12) == "f" || r.get::<_, bool>(15) {
                        out.unsupported.push(Unsupported {
                            object,
                            reason: "MATCH FULL and SET NULL (columns) are not expressed".into(),
                        });
                        continue;
                    }
                    table.foreign_keys.push(ForeignKey {
                        name,
                        columns,
                        ref_schema: target.pg_schema.clone(),
                        ref_table: target.name.clone(),
                        ref_columns,
                        on_delete: action(&r.get::<_, String>(6)),
                        on_update: action(&r.get::<_, String>(7)),
                        deferrable: match (deferrable, deferred) {
                            (false, _) => Deferrable::No,
                            (true, false) => Deferrable::Deferrable,
                            (true, true) => Deferrable::InitiallyDeferred,
                        },
                    });
                }
            }
        }
        Ok(())
    }

    async fn indexes(
        &self,
        rels: &HashMap<u32, Relation>,
        out: &mut Pulled,
    ) -> Result<(), IntrospectError> {
        let sql = self.nnd(queries::INDEXES, "x.indexrelid");
        for r in rows(self.client, &sql, &[&self.oids], "indexes").await? {
            let Some(rel) = rels.get(&r.get::<_, u32>(0)) else {
                continue;
            };
            let name: String = r.get(1);
            if rel.slot == Slot::Skipped || r.get::<_, bool>(12) {
                continue;
            }
            let object = format!("index {}.{name}", rel.pg_schema);
            if !r.get::<_, bool>(11) {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "it is invalid (a CREATE INDEX CONCURRENTLY that failed): drop it or REINDEX".into(),
                });
                continue;
            }
            let key_count = r.get::<_, i16>(4) as usize;
            let attnums: Vec<i16> = r.get(5);
            let options: Vec<i16> = r.get(6);
            let defs: Vec<Option<String>> = r.get(7);
            let opclasses: Vec<String> = r.get(8);
            let mut keys = Vec::new();
            let mut include = Vec::new();
            let mut missing = false;
            for (k, &attnum) in attnums.iter().enumerate() {
                let column = match attnum {
                    0 => None,
                    n => match rel.columns.get(&n) {
                        Some(c) => Some(c.clone()),
                        None => {
                            missing = true;
                            None
                        }
                    },
                };
                if k >= key_count {
                    include.extend(column);
                    continue;
                }
                let option = options.get(k).copied().unwrap_or(0);
                let desc = option & 1 != 0;
                let nulls_first = option & 2 != 0;
                keys.push(IndexKey {
                    expression: match attnum {
                        0 => defs.get(k).cloned().flatten(),
                        _ => None,
                    },
                    column,
                    opclass: opclasses.get(k).filter(|o| !o.is_empty()).cloned(),
                    order: desc.then_some(SortOrder::Desc),
                    nulls: match (desc, nulls_first) {
                        (true, false) => Some(NullsOrder::Last),
                        (false, true) => Some(NullsOrder::First),
                        _ => None,
                    },
                });
            }
            if missing {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "it is on a column that is not pulled".into(),
                });
                continue;
            }
            let index = Index {
                name,
                unique: r.get(2),
                method: r.get(3),
                keys,
                include,
                predicate: r.get(9),
                paginate: false,
                nulls_not_distinct: r.get(10),
            };
            match rel.slot {
                Slot::Table(t) => out.schema.tables[t].indexes.push(index),
                Slot::View(v) => out.schema.views[v].indexes.push(index),
                Slot::Skipped => {}
            }
        }
        Ok(())
    }

    async fn triggers(
        &self,
        rels: &HashMap<u32, Relation>,
        out: &mut Pulled,
    ) -> Result<(), IntrospectError> {
        for r in rows(self.client, queries::TRIGGERS, &[&self.oids], "triggers").await? {
            let Some(rel) = rels.get(&r.get::<_, u32>(0)) else {
                continue;
            };
            if rel.slot == Slot::Skipped || r.get::<_, bool>(12) {
                continue;
            }
            let name: String = r.get(1);
            let object = format!("trigger {}.{}.{name}", rel.pg_schema, rel.name);
            if r.get::<_, bool>(9) {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "constraint triggers are not expressed yet".into(),
                });
                continue;
            }
            if r.get::<_, bool>(10) {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "transition tables (REFERENCING) are not expressed yet".into(),
                });
                continue;
            }
            let bits: i32 = r.get(2);
            let timing = match (bits & 64 != 0, bits & 2 != 0) {
                (true, _) => TriggerTiming::InsteadOf,
                (_, true) => TriggerTiming::Before,
                _ => TriggerTiming::After,
            };
            let events = [
                (4, TriggerEvent::Insert),
                (16, TriggerEvent::Update),
                (8, TriggerEvent::Delete),
                (32, TriggerEvent::Truncate),
            ]
            .into_iter()
            .filter(|(bit, _)| bits & bit != 0)
            .map(|(_, e)| e)
            .collect();
            let update_of = names(&rel.columns, &r.get::<_, Vec<i16>>(4)).unwrap_or_default();
            let (fn_schema, fn_name): (String, String) = (r.get(5), r.get(6));
            let function = match fn_schema == rel.pg_schema || fn_schema == "pg_catalog" {
                true => fn_name,
                false => format!("{fn_schema}.{fn_name}"),
            };
            let raw: Vec<u8> = r.get(7);
            let args = raw
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>();
            let args = match args.split_last() {
                Some((last, rest)) if last.is_empty() => rest.to_vec(),
                _ => args,
            };
            let def: String = r.get(8);
            if r.get::<_, String>(3) == "D" {
                out.disabled_triggers
                    .push(format!("{}.{}.{name}", rel.pg_schema, rel.name));
            }
            let trigger = Trigger {
                name,
                timing,
                events,
                update_of,
                for_each_row: bits & 1 != 0,
                when: trigger_when(&def),
                function,
                args,
                comment: r.get(11),
            };
            match rel.slot {
                Slot::Table(t) => out.schema.tables[t].triggers.push(trigger),
                Slot::View(v) => out.schema.views[v].triggers.push(trigger),
                Slot::Skipped => {}
            }
        }
        Ok(())
    }
}

async fn format_type(client: &Client, oid: u32, typmod: i32) -> Result<String, IntrospectError> {
    Ok(rows(
        client,
        "SELECT pg_catalog.format_type($1, $2)",
        &[&oid, &typmod],
        "types",
    )
    .await?[0]
        .get(0))
}

/// The columns of those attnums, or None when one is not read.
fn names(columns: &HashMap<i16, String>, attnums: &[i16]) -> Option<Vec<String>> {
    attnums.iter().map(|a| columns.get(a).cloned()).collect()
}

fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// A `nextval` default as PostgreSQL prints it with an empty search_path.
fn nextval(pg_schema: &str, name: &str) -> String {
    let literal = format!("{}.{}", quote_ident(pg_schema), quote_ident(name)).replace('\'', "''");
    format!("nextval('{literal}'::regclass)")
}

/// An identifier as PostgreSQL prints it (quoted unless plain lower case).
fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    match plain {
        true => name.to_string(),
        false => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// `WHEN (cond)` of a trigger's definition.
fn trigger_when(def: &str) -> Option<String> {
    let start = def.find(" WHEN (")? + " WHEN (".len();
    let end = def.rfind(") EXECUTE ")?;
    (end > start).then(|| def[start..end].to_string())
}

/// `EXCLUDE USING gist (a WITH =, b WITH &&) WHERE (p)`: the method,
/// elements and predicate.
fn exclusion(def: &str) -> Option<(String, Vec<String>, Option<String>)> {
    let rest = def.strip_prefix("EXCLUDE USING ")?;
    let open = rest.find(" (")?;
    let using = rest[..open].to_string();
    let body = &rest[open + 2..];
    let mut depth = 1;
    let mut end = None;
    for (i, ch) in body.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let end = end?;
    let elements = split_top_level(&body[..end]);
    let tail = body[end + 1..].trim();
    let predicate = match tail {
        "" => None,
        t => Some(t.strip_prefix("WHERE (")?.strip_suffix(')')?.to_string()),
    };
    Some((using, elements, predicate))
}

/// PostgreSQL's defaults for a sequence of that type counting that way.
struct SequenceDefaults {
    start: i64,
    min: i64,
    max: i64,
}

impl SequenceDefaults {
    fn of(type_name: &str, increment: i64) -> SequenceDefaults {
        let (lo, hi) = match type_name {
            "smallint" => (i16::MIN as i64, i16::MAX as i64),
            "integer" => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        match increment > 0 {
            true => SequenceDefaults {
                start: 1,
                min: 1,
                max: hi,
            },
            false => SequenceDefaults {
                start: -1,
                min: lo,
                max: -1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_and_whens_are_read_from_their_definitions() {
        assert_eq!(
            exclusion(
                "EXCLUDE USING gist (room WITH =, tstzrange(a, b) WITH &&) WHERE ((NOT cancelled))"
            ),
            Some((
                "gist".to_string(),
                vec![
                    "room WITH =".to_string(),
                    "tstzrange(a, b) WITH &&".to_string()
                ],
                Some("(NOT cancelled)".to_string())
            ))
        );
        assert_eq!(
            trigger_when(
                "CREATE TRIGGER t BEFORE UPDATE ON public.x FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION f()"
            ),
            Some("(old.* IS DISTINCT FROM new.*)".to_string())
        );
        assert_eq!(
            nextval("public", "Users_id_seq"),
            "nextval('public.\"Users_id_seq\"'::regclass)"
        );
    }
}
