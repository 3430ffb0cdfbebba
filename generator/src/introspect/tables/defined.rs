//! The enums and domains columns are of, and the types schemac has no
//! word for.

use foldhash::{HashMap, HashMapExt};
use schemac_schema::model::*;

use super::super::types::Types;
use super::super::{IntrospectError, Pulled, Unsupported, check_expression, queries, rows};
use super::Reader;

impl Reader<'_> {
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
            let printed: String = r.get(11);
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
}
