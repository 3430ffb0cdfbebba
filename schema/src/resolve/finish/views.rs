//! Views: their names claimed beside the tables', the tables and views each
//! one reads, a materialized view's indexes.

use std::collections::BTreeSet;

use super::indexes::build_index;
use super::*;

pub(super) fn views(
    db: &Db<'_>,
    tables: &[Table],
    callables: &[(String, String)],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Vec<View> {
    let mut out = Vec::new();
    for (def, pg_schema) in &db.views {
        let name = &def.name.value;
        ns.claim(
            pg_schema,
            name,
            def.name.span,
            format!("view `{name}`"),
            diags,
        );
        let mut indexes = Vec::new();
        for i in &def.indexes {
            if let Some(index) = build_index(name, None, i, diags) {
                let at = i.name.as_ref().map_or(i.span, |n| n.span);
                ns.claim(
                    pg_schema,
                    &index.name,
                    at,
                    format!("index on `{name}`"),
                    diags,
                );
                indexes.push(index);
            }
        }
        out.push(View {
            pg_schema: pg_schema.clone(),
            name: name.clone(),
            sql: query_text(&def.sql.value),
            materialized: def.materialized,
            security_barrier: def.security_barrier,
            check_option: def.check_option,
            comment: def.comment.as_ref().map(|c| c.value.clone()),
            depends_on: Vec::new(),
            indexes,
            key: def.key.iter().map(|k| k.value.clone()).collect(),
            not_null: def.not_null.iter().map(|k| k.value.clone()).collect(),
            triggers: Vec::new(),
        });
    }
    let relations: Vec<(String, String)> = tables
        .iter()
        .map(|t| (t.pg_schema.clone(), t.name.clone()))
        .chain(out.iter().map(|v| (v.pg_schema.clone(), v.name.clone())))
        .collect();
    // By name: a query names a few of a schema's thousand relations.
    let mut by_name: HashMap<&str, Vec<&(String, String)>> = HashMap::default();
    // The functions it calls too: one changed under it takes it along.
    for r in relations.iter().chain(callables) {
        by_name.entry(r.1.as_str()).or_default().push(r);
    }
    for (i, (def, pg_schema)) in db.views.iter().enumerate() {
        let own = (pg_schema.clone(), def.name.value.clone());
        let words = crate::sql::identifiers(&out[i].sql);
        let mut reads: BTreeSet<String> = words
            .iter()
            .filter_map(|w| by_name.get(w.as_str()))
            .flatten()
            .filter(|r| ***r != own)
            .map(|(s, n)| format!("{s}.{n}"))
            .collect();
        for named in &def.depends_on {
            match find_named(&relations, |r| (&r.0, &r.1), pg_schema, &named.value) {
                Some((s, n)) if (s.clone(), n.clone()) != own => {
                    reads.insert(format!("{s}.{n}"));
                }
                Some(_) => diags.push(
                    Diagnostic::error(format!("view `{}` cannot depend on itself", own.1))
                        .at(named.span, "its own name"),
                ),
                None => {
                    let names: Vec<&str> = relations.iter().map(|r| r.1.as_str()).collect();
                    diags.push(
                        Diagnostic::error(format!(
                            "view `{}` depends on `{}`, which is no table or view of this database",
                            own.1, named.value
                        ))
                        .at(named.span, "unknown table or view")
                        .maybe_help(suggest::did_you_mean(
                            &named.value,
                            &names,
                            "tables and views",
                        )),
                    );
                }
            }
        }
        out[i].depends_on = reads.into_iter().collect();
    }
    check_cycles(db, &out, diags);
    out
}

/// The query as the migration holds it: without the blank space around it
/// and a trailing `;`.
fn query_text(sql: &str) -> String {
    sql.trim().trim_end_matches(';').trim_end().to_string()
}

/// Two views that each read the other cannot be created in any order.
fn check_cycles(db: &Db<'_>, views: &[View], diags: &mut Diagnostics) {
    let index: HashMap<String, usize> = views
        .iter()
        .enumerate()
        .map(|(i, v)| (v.key(), i))
        .collect();
    // 0: not seen, 1: on the path, 2: done.
    let mut state = vec![0u8; views.len()];
    fn visit(
        i: usize,
        views: &[View],
        index: &HashMap<String, usize>,
        state: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[i] = 1;
        path.push(i);
        for d in &views[i].depends_on {
            let Some(&j) = index.get(d) else { continue };
            match state[j] {
                1 => {
                    let from = path.iter().position(|&k| k == j).unwrap_or(0);
                    return Some(path[from..].to_vec());
                }
                0 => {
                    if let Some(cycle) = visit(j, views, index, state, path) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state[i] = 2;
        None
    }
    for i in 0..views.len() {
        if state[i] != 0 {
            continue;
        }
        if let Some(cycle) = visit(i, views, &index, &mut state, &mut Vec::new()) {
            let names: Vec<&str> = cycle.iter().map(|&k| views[k].name.as_str()).collect();
            let first = &db.views[cycle[0]].0;
            diags.push(
                Diagnostic::error(format!(
                    "views {} read each other, so none can be created first",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .at(first.sql.span, "this query names the next view")
                .help("a view reads the tables and views its query names; rename a column that shares a view's name, or break the circle"),
            );
            return;
        }
    }
}
