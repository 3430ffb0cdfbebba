//! Functions, aggregates and triggers: what each needs first, the function
//! each trigger and aggregate calls, and the triggers that keep
//! `on_update: { now: trigger }` columns.

use std::collections::BTreeSet;

use super::*;
use crate::ast::{AggregateDef, FunctionDef, TriggerDef};
use crate::resolve::Routine;
use crate::sql::identifiers;

/// Trigger functions PostgreSQL has built in, which a trigger may name
/// without the schema defining them.
const BUILT_IN_TRIGGER_FUNCTIONS: &[&str] = &[
    "tsvector_update_trigger",
    "tsvector_update_trigger_column",
    "suppress_redundant_updates_trigger",
];

/// The schema's functions and aggregates; each table's triggers are put on
/// it (`tables` is in the order of `db.tables`).
pub(super) fn routines(
    db: &Db<'_>,
    tables: &mut [Table],
    diags: &mut Diagnostics,
) -> (Vec<Function>, Vec<Aggregate>) {
    let relations: Vec<(String, String)> = tables
        .iter()
        .map(|t| (t.pg_schema.clone(), t.name.clone()))
        .chain(
            db.views
                .iter()
                .map(|(v, s)| (s.clone(), v.name.value.clone())),
        )
        .collect();
    let routine_names: Vec<(String, String)> = db
        .routines
        .iter()
        .map(|(r, s)| (s.clone(), r.name().value.clone()))
        .collect();
    let mut functions: Vec<Function> = db
        .routines
        .iter()
        .filter_map(|(r, s)| match r {
            Routine::Function(f) => Some(function(f, s, &relations, &routine_names)),
            Routine::Aggregate(_) => None,
        })
        .collect();
    for (r, _) in &db.routines {
        let Routine::Function(f) = r else { continue };
        let returns = f.returns.value.trim().to_ascii_lowercase();
        if let Some(rust) = f.rust.as_ref().filter(|r| r.value)
            && matches!(returns.as_str(), "trigger" | "event_trigger")
        {
            diags.push(
                Diagnostic::error(format!(
                    "function `{}` returns {returns}: PostgreSQL calls it, not the code",
                    f.name.value
                ))
                .at(rust.span, "a trigger function has no Rust call")
                .help("remove `rust: true`"),
            );
        }
    }
    let mut kept_now: Vec<(usize, String)> = Vec::new();
    for (ti, t) in db.tables.iter().enumerate() {
        for c in &t.columns {
            if !c.def.on_update_trigger {
                continue;
            }
            let column = &c.def.name.value;
            let name = format!("set_{column}");
            if let Some((r, _)) = db
                .routines
                .iter()
                .find(|(r, s)| *s == t.pg_schema && r.name().value == name)
            {
                diags.push(
                    Diagnostic::error(format!(
                        "`on_update: {{ now: trigger }}` needs a function `{name}`, and the schema defines one"
                    ))
                    .at(c.def.on_update_now.unwrap_or(c.def.name.span), "keeps the column by trigger")
                    .also(r.name().span, "a function of that name")
                    .help(format!("rename the function, or write `on_update: now` and a trigger of your own running `{name}`")),
                );
                continue;
            }
            if !functions
                .iter()
                .any(|f| f.pg_schema == t.pg_schema && f.name == name)
            {
                functions.push(now_function(&t.pg_schema, &name, column));
            }
            kept_now.push((ti, column.clone()));
        }
    }
    let aggregates: Vec<Aggregate> = db
        .routines
        .iter()
        .filter_map(|(r, s)| match r {
            Routine::Aggregate(a) => Some(aggregate(a, s, &functions)),
            Routine::Function(_) => None,
        })
        .collect();
    for (ti, wt) in db.tables.iter().enumerate() {
        let mut triggers: Vec<Trigger> = wt
            .def
            .triggers
            .iter()
            .filter_map(|def| trigger(&On::table(&tables[ti]), def, &functions, diags))
            .collect();
        for (_, column) in kept_now.iter().filter(|(t, _)| *t == ti) {
            let name = format!("set_{column}");
            if let Some(def) = wt.def.triggers.iter().find(|d| d.name.value == name) {
                diags.push(
                    Diagnostic::error(format!(
                        "trigger `{name}` is the one `on_update: {{ now: trigger }}` puts on column `{column}`"
                    ))
                    .at(def.name.span, "a trigger of that name")
                    .help("rename this trigger"),
                );
                continue;
            }
            triggers.push(Trigger {
                name: name.clone(),
                timing: TriggerTiming::Before,
                events: vec![TriggerEvent::Update],
                update_of: Vec::new(),
                for_each_row: true,
                when: None,
                function: format!("{}.{name}", wt.pg_schema),
                args: Vec::new(),
                comment: None,
            });
        }
        tables[ti].triggers = triggers;
    }
    (functions, aggregates)
}

fn function(
    def: &FunctionDef,
    pg_schema: &str,
    relations: &[(String, String)],
    routines: &[(String, String)],
) -> Function {
    let own = (pg_schema.to_string(), def.name.value.clone());
    let signature: String = def
        .args
        .iter()
        .map(|a| a.value.as_str())
        .chain([def.returns.value.as_str()])
        .collect::<Vec<_>>()
        .join(" ");
    let mut needs: BTreeSet<String> = names_in(&signature, pg_schema, relations);
    // PostgreSQL checks a `sql` body when the function is created; other
    // languages' bodies are read when they run.
    if def.language.value.eq_ignore_ascii_case("sql") {
        needs.extend(names_in(&def.body.value, pg_schema, relations));
        let others: Vec<(String, String)> =
            routines.iter().filter(|r| **r != own).cloned().collect();
        needs.extend(names_in(&def.body.value, pg_schema, &others));
    }
    Function {
        pg_schema: pg_schema.to_string(),
        name: def.name.value.clone(),
        args: def
            .args
            .iter()
            .map(|a| a.value.trim().to_string())
            .collect(),
        returns: def.returns.value.trim().to_string(),
        language: def.language.value.trim().to_ascii_lowercase(),
        body: def.body.value.clone(),
        volatility: def.volatility,
        strict: def.strict,
        security_definer: def.security_definer,
        search_path: def.search_path.as_ref().map(|s| s.value.clone()),
        comment: def.comment.as_ref().map(|c| c.value.clone()),
        depends_on: needs.into_iter().collect(),
        rust: def.rust.as_ref().is_some_and(|r| r.value),
    }
}

/// `pg_schema.name` of each of `among` that the SQL text names: qualified,
/// or unqualified and in the text's own pg_schema or the only one of that
/// name.
fn names_in(sql: &str, pg_schema: &str, among: &[(String, String)]) -> BTreeSet<String> {
    let words = identifiers(sql);
    let mut out = BTreeSet::new();
    for w in &words {
        let named: Vec<&(String, String)> = among.iter().filter(|(_, n)| n == w).collect();
        let pick = named
            .iter()
            .find(|(s, _)| s == pg_schema)
            .or_else(|| named.iter().find(|(s, _)| words.contains(s)))
            .or_else(|| named.first().filter(|_| named.len() == 1));
        if let Some((s, n)) = pick {
            out.insert(format!("{s}.{n}"));
        }
    }
    out
}

/// The function behind `on_update: { now: trigger }` on columns named
/// `column`: it sets the column to `now()` in the row an update writes.
fn now_function(pg_schema: &str, name: &str, column: &str) -> Function {
    Function {
        pg_schema: pg_schema.to_string(),
        name: name.to_string(),
        args: Vec::new(),
        returns: "trigger".to_string(),
        language: "plpgsql".to_string(),
        body: format!(
            "BEGIN\n    NEW.{} := now();\n    RETURN NEW;\nEND",
            sql::ident(column)
        ),
        volatility: Volatility::Volatile,
        strict: false,
        security_definer: false,
        search_path: None,
        comment: Some(format!("Sets {column} to now() on every update.")),
        depends_on: Vec::new(),
        rust: false,
    }
}

/// The schema's function a trigger or an aggregate names.
fn find_function<'f>(
    functions: &'f [Function],
    pg_schema: &str,
    named: &str,
) -> Option<&'f Function> {
    find_named(functions, |f| (&f.pg_schema, &f.name), pg_schema, named)
}

/// A name a trigger or an aggregate calls: the schema's function,
/// schema-qualified, or `None` when the schema has none of that name.
fn called(
    functions: &[Function],
    pg_schema: &str,
    named: &Sp<String>,
    allowed_outside: &[&str],
    what: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    if let Some(f) = find_function(functions, pg_schema, &named.value) {
        return Some(f.key());
    }
    // A qualified name outside the schema's pg_schemas is an extension's
    // or PostgreSQL's own.
    let outside = match named.value.split_once('.') {
        Some((s, _)) => !functions.iter().any(|f| f.pg_schema == s),
        None => allowed_outside.contains(&named.value.as_str()),
    };
    if outside {
        return Some(named.value.clone());
    }
    let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
    diags.push(
        Diagnostic::error(format!(
            "{what} calls `{}`, which is no function of this database",
            named.value
        ))
        .at(named.span, "unknown function")
        .help(
            suggest::did_you_mean(&named.value, &names, "functions").unwrap_or_else(|| {
                "define it under `functions:`, or qualify a function of an extension or of PostgreSQL (`pg_catalog.name`)".to_string()
            }),
        ),
    );
    None
}

fn aggregate(def: &AggregateDef, pg_schema: &str, functions: &[Function]) -> Aggregate {
    // Any function may be a state function: PostgreSQL's own are many.
    let sfunc = find_function(functions, pg_schema, &def.sfunc.value)
        .map_or_else(|| def.sfunc.value.clone(), Function::key);
    let finalfunc = def.finalfunc.as_ref().map(|f| {
        find_function(functions, pg_schema, &f.value).map_or_else(|| f.value.clone(), Function::key)
    });
    Aggregate {
        pg_schema: pg_schema.to_string(),
        name: def.name.value.clone(),
        args: def
            .args
            .iter()
            .map(|a| a.value.trim().to_string())
            .collect(),
        sfunc,
        stype: def.stype.value.trim().to_string(),
        finalfunc,
        initcond: def.initcond.as_ref().map(|i| i.value.clone()),
        comment: def.comment.as_ref().map(|c| c.value.clone()),
    }
}

/// What a trigger is on: a table (with its columns) or a view.
struct On<'a> {
    pg_schema: &'a str,
    name: &'a str,
    /// A table's columns; none for a view.
    columns: Option<Vec<&'a str>>,
}

impl<'a> On<'a> {
    fn table(t: &'a Table) -> On<'a> {
        On {
            pg_schema: &t.pg_schema,
            name: &t.name,
            columns: Some(t.columns.iter().map(|c| c.name.as_str()).collect()),
        }
    }
}

/// Each view's `INSTEAD OF` triggers, resolved as a table's are.
pub(super) fn view_triggers(
    db: &Db<'_>,
    views: &mut [View],
    functions: &[Function],
    diags: &mut Diagnostics,
) {
    for (def, pg_schema) in &db.views {
        let Some(v) = views
            .iter_mut()
            .find(|v| &v.pg_schema == pg_schema && v.name == def.name.value)
        else {
            continue;
        };
        let on = On {
            pg_schema,
            name: &def.name.value,
            columns: None,
        };
        let triggers: Vec<Trigger> = def
            .triggers
            .iter()
            .filter_map(|t| trigger(&on, t, functions, diags))
            .collect();
        v.triggers = triggers;
    }
}

fn trigger(
    on: &On<'_>,
    def: &TriggerDef,
    functions: &[Function],
    diags: &mut Diagnostics,
) -> Option<Trigger> {
    let what = format!("trigger `{}` on `{}`", def.name.value, on.name);
    check_identifier(&def.name.value, def.name.span, "trigger name", diags);
    if on.columns.is_none() {
        // PostgreSQL's rules for a view's row triggers.
        let wrong = match () {
            _ if def.timing != TriggerTiming::InsteadOf => Some((
                "fires before or after the event",
                "use `instead_of:` on a view: the trigger does the write",
            )),
            _ if !def.for_each_row => Some((
                "fires for each statement",
                "a view's `instead_of` trigger fires for each row: remove `for_each`",
            )),
            _ if !def.update_of.is_empty() => Some((
                "watches columns",
                "an `instead_of` trigger fires on every update: remove `update_of`",
            )),
            _ if def.when.is_some() => Some((
                "has a condition",
                "an `instead_of` trigger has no `when`: test in its function",
            )),
            _ => None,
        };
        if let Some((what_wrong, help)) = wrong {
            diags.push(
                Diagnostic::error(format!(
                    "{what} {what_wrong}, which a view's trigger cannot"
                ))
                .at(def.name.span, "a view's trigger")
                .help(help),
            );
            return None;
        }
    } else if def.timing == TriggerTiming::InsteadOf {
        diags.push(
            Diagnostic::error(format!(
                "{what} fires instead of the event, which only a view's trigger can"
            ))
            .at(def.name.span, "a table's trigger")
            .help("use `before:` to change or skip the row, or `after:`"),
        );
        return None;
    }
    if def.for_each_row && def.events.iter().any(|e| e.value == TriggerEvent::Truncate) {
        diags.push(
            Diagnostic::error(format!(
                "{what} fires on truncate for each row, and a truncate has no rows"
            ))
            .at(def.name.span, "for each row")
            .help("add `for_each: statement`, or leave truncate out"),
        );
        return None;
    }
    let mut ok = true;
    let names: &[&str] = on.columns.as_deref().unwrap_or_default();
    for c in &def.update_of {
        if !names.contains(&c.value.as_str()) {
            ok = false;
            diags.push(
                Diagnostic::error(format!(
                    "{what} watches `{}`, which is no column of `{}`",
                    c.value, on.name
                ))
                .at(c.span, "unknown column")
                .maybe_help(suggest::did_you_mean(&c.value, names, "columns")),
            );
        }
    }
    let function = called(
        functions,
        on.pg_schema,
        &def.function,
        BUILT_IN_TRIGGER_FUNCTIONS,
        &what,
        diags,
    )?;
    if let Some(f) = find_function(functions, on.pg_schema, &def.function.value) {
        if !f.returns.eq_ignore_ascii_case("trigger") {
            diags.push(
                Diagnostic::error(format!(
                    "{what} runs `{}`, which returns {}, not trigger",
                    f.name, f.returns
                ))
                .at(def.function.span, "not a trigger function")
                .help("a trigger's function takes no parameters and `returns: trigger`"),
            );
            return None;
        }
    }
    if !ok {
        return None;
    }
    Some(Trigger {
        name: def.name.value.clone(),
        timing: def.timing,
        events: def.events.iter().map(|e| e.value).collect(),
        update_of: def.update_of.iter().map(|c| c.value.clone()).collect(),
        for_each_row: def.for_each_row,
        when: def.when.as_ref().map(|w| w.value.trim().to_string()),
        function,
        args: def.args.iter().map(|a| a.value.clone()).collect(),
        comment: def.comment.as_ref().map(|c| c.value.clone()),
    })
}
