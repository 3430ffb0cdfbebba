//! Columns, and the sequences that serial and identity columns own.

use foldhash::HashMap;
use schemac_schema::model::*;
use schemac_schema::naming::sequence_name;

use super::super::types::Types;
use super::super::{IntrospectError, Pulled, Unsupported, queries, rows};
use super::{Reader, Relation, Slot};

/// A sequence read, before it is known whether a column owns it.
pub(super) struct SequenceRow {
    model: Sequence,
    type_name: String,
    /// `(table oid, attnum, 'a' | 'i')` of the column that owns it.
    owner: Option<(u32, i32, String)>,
    taken: bool,
}

impl Reader<'_> {
    pub(super) async fn sequences(
        &self,
        out: &mut Pulled,
    ) -> Result<Vec<SequenceRow>, IntrospectError> {
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

    pub(super) async fn columns(
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
            // A table's columns are known by attnum once pulled: a key, an
            // index or a view on one left out is left out with it.
            let Slot::Table(t) = rel.slot else {
                rel.columns.insert(attnum, name.clone());
                continue;
            };
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
            rel.columns.insert(attnum, name.clone());
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
            } else if generated == "v" {
                // PostgreSQL 18's virtual generated columns.
                out.unsupported.push(Unsupported {
                    object: format!("column {qualified}"),
                    reason: "a VIRTUAL generated column is not expressed (schemac's are STORED)"
                        .into(),
                });
                rel.columns.remove(&attnum);
                continue;
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
}

/// A `nextval` default as PostgreSQL prints it with an empty search_path.
fn nextval(pg_schema: &str, name: &str) -> String {
    let literal = format!(
        "{}.{}",
        crate::pull::quote(pg_schema),
        crate::pull::quote(name)
    )
    .replace('\'', "''");
    format!("nextval('{literal}'::regclass)")
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

/// The sequences no column took as its serial or identity: the schema's
/// own, each with the column that owns it when it is one pulled.
pub(super) fn standalone_sequences(
    sequences: Vec<SequenceRow>,
    rels: &HashMap<u32, Relation>,
    out: &mut Pulled,
) {
    for s in sequences.into_iter().filter(|s| !s.taken) {
        let mut model = s.model;
        let object = format!("sequence {}.{}", model.pg_schema, model.name);
        match &s.owner {
            // An identity's sequence goes with its column, pulled or not.
            Some((_, _, kind)) if kind == "i" => continue,
            Some((table, attnum, _)) => match rels.get(table) {
                None => out.unsupported.push(Unsupported {
                    object,
                    reason: "owned by a column of a pg_schema not pulled: pulled without OWNED BY"
                        .into(),
                }),
                Some(rel) => {
                    let column = rel
                        .columns
                        .get(&(*attnum as i16))
                        .cloned()
                        .unwrap_or_default();
                    if rel.pg_schema != model.pg_schema {
                        out.unsupported.push(Unsupported {
                            object,
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
            },
            None => {}
        }
        out.schema.sequences.push(model);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_default_is_read_as_postgres_prints_it() {
        assert_eq!(
            nextval("public", "Users_id_seq"),
            "nextval('public.\"Users_id_seq\"'::regclass)"
        );
    }
}
