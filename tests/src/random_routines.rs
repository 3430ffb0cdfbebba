//! Random functions and triggers for the round trip: trigger functions and
//! the triggers that run them, scalar `sql` functions that views call, and
//! each change to them (a new body, a new signature, a changed trigger).

use std::fmt::Write as _;

use crate::random_schema::{Rng, Spec, TableSpec};

/// A function of the schema.
#[derive(Clone, Debug)]
pub struct FnSpec {
    pub name: String,
    /// A trigger function (plpgsql, `returns: trigger`), else a scalar
    /// `sql` one of one argument.
    pub trigger: bool,
    /// A scalar of two arguments, `a + b`: an aggregate's state function.
    pub pair: bool,
    /// The scalar's arguments and result are bigint, else integer: toggling
    /// it changes the signature.
    pub wide: bool,
    /// Which body it has: changing it replaces the function in place.
    pub body: u8,
    pub immutable: bool,
    pub comment: Option<String>,
}

/// An aggregate over a two-argument scalar.
#[derive(Clone, Debug)]
pub struct AggSpec {
    pub name: String,
    pub sfunc: String,
    pub comment: Option<String>,
}

/// A trigger on a table.
#[derive(Clone, Debug)]
pub struct TrigSpec {
    pub name: String,
    pub function: String,
    pub after: bool,
    /// 0: update, 1: insert or update, 2: delete.
    pub events: u8,
    /// `update_of` one column, by name.
    pub update_of: Option<String>,
    pub comment: Option<String>,
}

pub fn add_function(s: &mut Spec, rng: &mut Rng) {
    let trigger = rng.chance(50);
    let name = s.fresh(if trigger { "on_write" } else { "calc" });
    let pair = !trigger && rng.chance(40);
    s.functions.push(FnSpec {
        name: name.clone(),
        trigger,
        pair,
        wide: rng.chance(50),
        body: rng.below(3) as u8,
        immutable: rng.chance(50),
        comment: rng.chance(30).then(|| "a function".to_string()),
    });
    if pair && rng.chance(70) {
        let agg = s.fresh("total");
        s.aggregates.push(AggSpec {
            name: agg,
            sfunc: name,
            comment: rng.chance(30).then(|| "an aggregate".to_string()),
        });
    }
}

fn add_trigger(s: &mut Spec, rng: &mut Rng) {
    let functions: Vec<String> = s
        .functions
        .iter()
        .filter(|f| f.trigger)
        .map(|f| f.name.clone())
        .collect();
    if functions.is_empty() || s.tables.is_empty() {
        return;
    }
    let name = s.fresh("trg");
    let function = functions[rng.below(functions.len())].clone();
    let after = rng.chance(50);
    let events = rng.below(3) as u8;
    let ti = rng.below(s.tables.len());
    let t = &mut s.tables[ti];
    let update_of = (events != 2 && !t.columns.is_empty() && rng.chance(40))
        .then(|| t.columns[rng.below(t.columns.len())].name.clone());
    t.triggers.push(TrigSpec {
        name,
        function,
        after,
        events,
        update_of,
        comment: rng.chance(30).then(|| "a trigger".to_string()),
    });
}

/// The base schema's functions and triggers.
pub fn base_routines(s: &mut Spec, rng: &mut Rng) {
    for _ in 0..rng.below(3) {
        add_function(s, rng);
    }
    for _ in 0..rng.below(3) {
        add_trigger(s, rng);
    }
    for v in &mut s.views {
        v.calls = pick_scalar(&s.functions, rng);
    }
}

fn pick_scalar(functions: &[FnSpec], rng: &mut Rng) -> Option<String> {
    let scalars: Vec<&FnSpec> = functions.iter().filter(|f| !f.trigger && !f.pair).collect();
    (!scalars.is_empty() && rng.chance(50)).then(|| scalars[rng.below(scalars.len())].name.clone())
}

/// The functions' and triggers' share of a pair's changes.
pub fn edit_routines(s: &mut Spec, rng: &mut Rng) {
    match rng.below(10) {
        0 => add_function(s, rng),
        9 if !s.aggregates.is_empty() => {
            let i = rng.below(s.aggregates.len());
            match rng.below(2) {
                0 => {
                    s.aggregates.remove(i);
                }
                _ => {
                    let a = &mut s.aggregates[i];
                    a.comment = a.comment.take().xor(Some("an aggregate, edited".into()));
                }
            }
        }
        1 if !s.functions.is_empty() => {
            let i = rng.below(s.functions.len());
            s.functions.remove(i);
        }
        2 if !s.functions.is_empty() => {
            let i = rng.below(s.functions.len());
            let f = &mut s.functions[i];
            f.body = (f.body + 1) % 3;
        }
        3 if !s.functions.is_empty() => {
            let i = rng.below(s.functions.len());
            s.functions[i].wide = !s.functions[i].wide;
        }
        4 if !s.functions.is_empty() => {
            let i = rng.below(s.functions.len());
            let f = &mut s.functions[i];
            match rng.below(2) {
                0 => f.immutable = !f.immutable,
                _ => f.comment = f.comment.take().xor(Some("a function, edited".into())),
            }
        }
        5 => add_trigger(s, rng),
        6 | 7 => {
            let with: Vec<usize> = (0..s.tables.len())
                .filter(|&i| !s.tables[i].triggers.is_empty())
                .collect();
            if let Some(&ti) = with.get(rng.below(with.len().max(1))) {
                let t = &mut s.tables[ti];
                let k = rng.below(t.triggers.len());
                match rng.below(4) {
                    0 => {
                        t.triggers.remove(k);
                    }
                    1 => t.triggers[k].after = !t.triggers[k].after,
                    2 => {
                        t.triggers[k].comment = t.triggers[k]
                            .comment
                            .take()
                            .xor(Some("a trigger, edited".into()))
                    }
                    _ => t.triggers[k].update_of = None,
                }
            }
        }
        _ => {
            if !s.views.is_empty() {
                let i = rng.below(s.views.len());
                s.views[i].calls = pick_scalar(&s.functions, rng);
            }
        }
    }
    fix_up(s);
}

/// What the other edits left dangling: a trigger whose function or column
/// is gone, a view calling a function that is gone.
fn fix_up(s: &mut Spec) {
    let functions = s.functions.clone();
    let is = |name: &str, trigger: bool| {
        functions
            .iter()
            .any(|f| f.name == name && f.trigger == trigger && !f.pair)
    };
    s.aggregates
        .retain(|a| functions.iter().any(|f| f.name == a.sfunc && f.pair));
    for t in &mut s.tables {
        t.triggers.retain(|g| is(&g.function, true));
        let columns: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
        for g in &mut t.triggers {
            if g.update_of.as_ref().is_some_and(|c| !columns.contains(c)) {
                g.update_of = None;
            }
        }
    }
    for v in &mut s.views {
        if v.calls.as_ref().is_some_and(|f| !is(f, false)) {
            v.calls = None;
        }
    }
}

pub fn functions_yaml(y: &mut String, s: &Spec) {
    if s.functions.is_empty() {
        return;
    }
    y.push_str("functions:\n");
    for f in &s.functions {
        let _ = writeln!(y, "  {}:", f.name);
        if f.trigger {
            y.push_str("    returns: trigger\n    language: plpgsql\n");
            let body = match f.body {
                0 => "BEGIN RETURN NEW; END",
                1 => "BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END",
                _ => "BEGIN RETURN COALESCE(NEW, OLD); END",
            };
            let _ = writeln!(y, "    body: \"{body}\"");
        } else if f.pair {
            let ty = if f.wide { "bigint" } else { "integer" };
            let _ = writeln!(y, "    args: [a {ty}, b {ty}]");
            let _ = writeln!(y, "    returns: {ty}");
            y.push_str("    language: sql\n");
            let _ = writeln!(y, "    body: SELECT a + b * {}", f.body + 1);
        } else {
            let ty = if f.wide { "bigint" } else { "integer" };
            let _ = writeln!(y, "    args: [x {ty}]");
            let _ = writeln!(y, "    returns: {ty}");
            y.push_str("    language: sql\n");
            let _ = writeln!(y, "    body: SELECT x + {}", f.body);
            if f.immutable {
                y.push_str("    volatility: immutable\n");
            }
        }
        if let Some(c) = &f.comment {
            let _ = writeln!(y, "    comment: \"{c}\"");
        }
    }
    if s.aggregates.is_empty() {
        return;
    }
    y.push_str("aggregates:\n");
    for a in &s.aggregates {
        let wide = s.functions.iter().any(|f| f.name == a.sfunc && f.wide);
        let ty = if wide { "bigint" } else { "integer" };
        let _ = writeln!(y, "  {}:", a.name);
        let _ = writeln!(y, "    args: [{ty}]");
        let _ = writeln!(y, "    sfunc: {}", a.sfunc);
        let _ = writeln!(y, "    stype: {ty}");
        if let Some(c) = &a.comment {
            let _ = writeln!(y, "    comment: \"{c}\"");
        }
    }
}

pub fn triggers_yaml(y: &mut String, t: &TableSpec) {
    if t.triggers.is_empty() {
        return;
    }
    y.push_str("    triggers:\n");
    for g in &t.triggers {
        let _ = writeln!(y, "      {}:", g.name);
        let timing = if g.after { "after" } else { "before" };
        let events = match (g.events, &g.update_of) {
            (2, _) => "delete",
            (0, _) => "update",
            _ => "[insert, update]",
        };
        let _ = writeln!(y, "        {timing}: {events}");
        if let (Some(c), false) = (&g.update_of, g.events == 2) {
            let _ = writeln!(y, "        update_of: [{c}]");
        }
        let _ = writeln!(y, "        function: {}", g.function);
        if let Some(c) = &g.comment {
            let _ = writeln!(y, "        comment: \"{c}\"");
        }
    }
}
