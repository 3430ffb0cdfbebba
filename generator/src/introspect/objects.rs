//! Functions and aggregates, and the objects schemac has no word for.

use foldhash::{HashMap, HashMapExt};
use schemac_runtime::tokio_postgres::Client;
use schemac_schema::model::{Aggregate, Function, Volatility};

use super::{IntrospectError, Pulled, Unsupported, queries, rows, split_top_level};
use crate::pull::relative_to;

pub async fn read(client: &Client, oids: &[u32], out: &mut Pulled) -> Result<(), IntrospectError> {
    let oids = oids.to_vec();
    let mut aggregates: HashMap<u32, (String, String, Option<String>)> = HashMap::new();
    for r in rows(client, queries::FUNCTIONS, &[&oids], "functions").await? {
        let (oid, pg_schema, name, kind): (u32, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let comment: Option<String> = r.get(12);
        let object = format!("function {pg_schema}.{name}");
        let mut leave_out = |reason: &str| {
            out.unsupported.push(Unsupported {
                object: object.clone(),
                reason: reason.to_string(),
            })
        };
        if r.get::<_, i32>(13) > 1 {
            leave_out("overloaded (several functions of one name), which is not expressed yet");
            continue;
        }
        match kind.as_str() {
            "a" => {
                aggregates.insert(oid, (pg_schema, name, comment));
                continue;
            }
            "p" => {
                leave_out("procedures are not expressed yet");
                continue;
            }
            "w" => {
                leave_out("window functions are not expressed");
                continue;
            }
            _ => {}
        }
        let language: String = r.get(4);
        if language == "c" || language == "internal" {
            leave_out("a function in C is not expressed (it lives in a shared library)");
            continue;
        }
        if r.get::<_, bool>(18) {
            leave_out(
                "a SQL-standard body (BEGIN ATOMIC, RETURN) is not expressed yet: write it as a string",
            );
            continue;
        }
        let config: Vec<String> = r.get(11);
        let mut search_path = None;
        for setting in &config {
            match setting.strip_prefix("search_path=") {
                Some(path) => search_path = Some(path.to_string()),
                None => leave_out(&format!(
                    "SET {setting} is not expressed: pulled without it"
                )),
            }
        }
        let (leakproof, parallel, cost, rows_estimate, retset): (bool, String, f32, f32, bool) = (
            r.get(14),
            r.get(15),
            r.get(16),
            r.get(17),
            r.get::<_, String>(7).starts_with("SETOF")
                || r.get::<_, String>(7).starts_with("TABLE"),
        );
        if leakproof || parallel != "u" || cost != 100.0 || (retset && rows_estimate != 1000.0) {
            leave_out("LEAKPROOF, PARALLEL, COST and ROWS are not expressed: pulled without them");
        }
        let volatility = match r.get::<_, String>(8).as_str() {
            "i" => Volatility::Immutable,
            "s" => Volatility::Stable,
            _ => Volatility::Volatile,
        };
        out.schema.functions.push(Function {
            args: split_top_level(&r.get::<_, String>(6)),
            returns: r.get(7),
            language,
            body: r.get(5),
            volatility,
            strict: r.get(9),
            security_definer: r.get(10),
            search_path,
            comment,
            depends_on: Vec::new(),
            rust: false,
            pg_schema,
            name,
        });
    }
    for r in rows(client, queries::AGGREGATES, &[&oids], "aggregates").await? {
        let Some((pg_schema, name, comment)) = aggregates.remove(&r.get::<_, u32>(0)) else {
            continue;
        };
        if r.get::<_, String>(5) != "n" || r.get::<_, bool>(6) {
            out.unsupported.push(Unsupported {
                object: format!("aggregate {pg_schema}.{name}"),
                reason:
                    "ordered-set, moving, parallel and sort-operator aggregates are not expressed"
                        .into(),
            });
            continue;
        }
        let sfunc: String = r.get(1);
        let finalfunc: Option<String> = r.get(3);
        out.schema.aggregates.push(Aggregate {
            sfunc: relative_to(&sfunc, &pg_schema).to_string(),
            stype: r.get(2),
            finalfunc: finalfunc.map(|f| relative_to(&f, &pg_schema).to_string()),
            initcond: r.get(4),
            args: r.get(7),
            comment,
            pg_schema,
            name,
        });
    }
    for r in rows(client, queries::OTHERS, &[&oids], "other objects").await? {
        out.unsupported.push(Unsupported {
            object: r.get(0),
            reason: r.get(1),
        });
    }
    Ok(())
}
