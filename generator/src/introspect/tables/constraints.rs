//! Keys, uniques, checks, foreign keys, exclusions and indexes.

use foldhash::HashMap;
use schemac_schema::model::*;

use super::super::{
    IntrospectError, Pulled, Unsupported, check_expression, queries, rows, split_top_level,
};
use super::{Reader, Relation, Slot, names};

impl Reader<'_> {
    pub(super) async fn constraints(
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

    pub(super) async fn indexes(
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
            if rel.slot == Slot::Skipped || r.get::<_, bool>(13) {
                continue;
            }
            let object = format!("index {}.{name}", rel.pg_schema);
            if r.get::<_, bool>(12) {
                out.unsupported.push(Unsupported {
                    object: object.clone(),
                    reason: "comments on indexes are not expressed: pulled without it".into(),
                });
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_are_read_from_their_definitions() {
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
    }
}
