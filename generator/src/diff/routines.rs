//! Functions, aggregates and triggers: created, replaced, dropped, and
//! dropped and created again around a function whose signature changes.
//!
//! A function whose signature stays is replaced in place (`CREATE OR
//! REPLACE`), which the triggers and views that use it allow; one whose
//! parameters or result change is dropped and created, and PostgreSQL
//! refuses that under a trigger, an aggregate or a view that uses it, so
//! those go first and come back after. A new function that reads no table
//! is created before the tables (a column default may call it); one whose
//! signature names a table's row type, or whose `sql` body reads tables
//! (PostgreSQL checks it when it is created), after them.

use foldhash::{HashMap, HashSet};

use schemac_schema::model::{Aggregate, Function, Table, Trigger};

use super::phase::Phase;
use super::{Change, CommentTarget, Differ, TableRef};
use crate::ddl::{aggregate_signature, dependency_order, function_signature};

impl Differ<'_> {
    /// The functions' and aggregates' changes; the keys of the old ones
    /// dropped are kept for the views and triggers that use them.
    pub(super) fn routines(&mut self) {
        let new_by_key: HashMap<String, &Function> =
            self.new.functions.iter().map(|f| (f.key(), f)).collect();
        let old_by_key: HashMap<String, &Function> =
            self.old.functions.iter().map(|f| (f.key(), f)).collect();
        let going: HashSet<String> = self
            .old
            .functions
            .iter()
            .filter(|f| {
                new_by_key
                    .get(&f.key())
                    .is_none_or(|n| !same_signature(f, n))
            })
            .map(Function::key)
            .collect();
        let old_tables: HashSet<String> = self
            .old
            .tables
            .iter()
            .map(|t| format!("{}.{}", t.pg_schema, t.name))
            .collect();
        let dropped: Vec<&Function> = self
            .old
            .functions
            .iter()
            .filter(|f| going.contains(&f.key()))
            .collect();
        for f in dependency_order(&dropped, Function::key, |f| &f.depends_on)
            .into_iter()
            .rev()
        {
            // One whose signature names a table's row type goes before the
            // table can, one created again under a new signature before its
            // new version is; others after the tables, whose defaults may
            // call them.
            let phase = if names_row_type(f, &old_tables) || new_by_key.contains_key(&f.key()) {
                Phase::DropFunctionsFirst
            } else {
                Phase::DropFunctions
            };
            self.out.push(
                phase,
                Change::DropFunction {
                    function: f.clone(),
                    again: None,
                },
            );
        }
        let late = self.late_functions();
        let after_views = self.functions_after_views();
        let created: Vec<&Function> = self
            .new
            .functions
            .iter()
            .filter(|f| !old_by_key.contains_key(&f.key()) || going.contains(&f.key()))
            .collect();
        for f in dependency_order(&created, Function::key, |f| &f.depends_on) {
            let phase = if after_views.contains(&f.key()) {
                Phase::CreateFunctionsAfterViews
            } else if late.contains(&f.key()) {
                Phase::CreateFunctionsLate
            } else {
                Phase::CreateFunctions
            };
            self.out.push(
                phase,
                Change::CreateFunction {
                    function: f.clone(),
                    replace: false,
                    again: false,
                },
            );
        }
        for new in &self.new.functions {
            let Some(old) = old_by_key
                .get(&new.key())
                .filter(|_| !going.contains(&new.key()))
            else {
                continue;
            };
            if !same_code(old, new) {
                // After the columns (and views) a `sql` body may now read
                // are there.
                let phase = match after_views.contains(&new.key()) {
                    true => Phase::CreateFunctionsAfterViews,
                    false => Phase::CreateFunctionsLate,
                };
                self.out.push(
                    phase,
                    Change::CreateFunction {
                        function: new.clone(),
                        replace: true,
                        again: false,
                    },
                );
            }
            if old.comment != new.comment {
                self.out.push(
                    Phase::Comments,
                    Change::Comment {
                        target: CommentTarget::Routine {
                            kind: "FUNCTION",
                            signature: function_signature(new),
                        },
                        text: new.comment.clone(),
                    },
                );
            }
        }
        let aggregates_going = self.aggregates(&going);
        // A view calling an aggregate that goes goes before it, too.
        self.recreated_functions = going.into_iter().chain(aggregates_going).collect();
    }

    /// The new functions created after the tables: those whose signature or
    /// `sql` body names a table or view, and those that need one of them.
    fn late_functions(&self) -> HashSet<String> {
        let relations: HashSet<String> = self
            .new
            .tables
            .iter()
            .map(|t| format!("{}.{}", t.pg_schema, t.name))
            .chain(self.new.views.iter().map(|v| v.key()))
            .collect();
        self.functions_needing(&relations)
    }

    /// The new functions whose `sql` body reads a view, or that need one
    /// of those: created after the views.
    fn functions_after_views(&self) -> HashSet<String> {
        let views: HashSet<String> = self.new.views.iter().map(|v| v.key()).collect();
        self.functions_needing(&views)
    }

    /// The new functions that depend on one of `these` (`pg_schema.name`),
    /// directly or through another such function.
    fn functions_needing(&self, these: &HashSet<String>) -> HashSet<String> {
        let mut found: HashSet<String> = HashSet::default();
        loop {
            let more: Vec<String> = self
                .new
                .functions
                .iter()
                .filter(|f| !found.contains(&f.key()))
                .filter(|f| {
                    f.depends_on
                        .iter()
                        .any(|d| these.contains(d) || found.contains(d))
                })
                .map(Function::key)
                .collect();
            if more.is_empty() {
                return found;
            }
            found.extend(more);
        }
    }

    /// Aggregates: any change is a drop and a create (their options cannot
    /// all be altered), and one over a function created again goes too.
    fn aggregates(&mut self, functions_going: &HashSet<String>) -> Vec<String> {
        let new_by_key: HashMap<String, &Aggregate> =
            self.new.aggregates.iter().map(|a| (a.key(), a)).collect();
        let old_by_key: HashMap<String, &Aggregate> =
            self.old.aggregates.iter().map(|a| (a.key(), a)).collect();
        let mut going: HashMap<String, Option<String>> = HashMap::default();
        for a in &self.old.aggregates {
            let changed = new_by_key
                .get(&a.key())
                .is_none_or(|n| !same_aggregate(a, n));
            if changed {
                going.insert(a.key(), None);
            } else if let Some(f) = [Some(&a.sfunc), a.finalfunc.as_ref()]
                .into_iter()
                .flatten()
                .find(|f| functions_going.contains(*f))
            {
                let name = f.rsplit_once('.').map_or(f.as_str(), |(_, n)| n);
                going.insert(
                    a.key(),
                    Some(format!("it calls {name}, which is created again")),
                );
            }
        }
        for a in &self.old.aggregates {
            if let Some(again) = going.get(&a.key()) {
                self.out.push(
                    Phase::DropAggregates,
                    Change::DropAggregate {
                        aggregate: a.clone(),
                        again: again.clone(),
                    },
                );
            }
        }
        for a in &self.new.aggregates {
            let again = match going.get(&a.key()) {
                Some(why) => why.is_some(),
                None if old_by_key.contains_key(&a.key()) => {
                    let old = old_by_key[&a.key()];
                    if old.comment != a.comment {
                        self.out.push(
                            Phase::Comments,
                            Change::Comment {
                                target: CommentTarget::Routine {
                                    kind: "AGGREGATE",
                                    signature: aggregate_signature(a),
                                },
                                text: a.comment.clone(),
                            },
                        );
                    }
                    continue;
                }
                None => false,
            };
            self.out.push(
                Phase::CreateAggregates,
                Change::CreateAggregate {
                    aggregate: a.clone(),
                    again,
                },
            );
        }
        going.into_keys().collect()
    }

    /// Each table's triggers: those of a new table created, those of a kept
    /// one compared by name. A dropped table takes its triggers with it.
    pub(super) fn triggers(&mut self, reshaped: &HashSet<String>) {
        for (ni, new) in self.new.tables.iter().enumerate() {
            let new_ref = TableRef::of(new);
            let old = self.old_index_of_new(ni).map(|oi| {
                let old: &Table = &self.old.tables[oi];
                let reads_reshaped = reshaped.contains(&format!("{}.{}", old.pg_schema, old.name));
                Kept {
                    on: TableRef::of(old),
                    triggers: &old.triggers,
                    reshaped: reads_reshaped,
                }
            });
            self.relation_triggers(old, &new_ref, &new.triggers);
        }
    }

    /// The triggers of one table or view: all of `new` created when it has
    /// no `old` (new, or created again), else compared by name; one whose
    /// function is created again, or that reads columns that change, is
    /// dropped and created around them.
    pub(super) fn relation_triggers(
        &mut self,
        old: Option<Kept<'_>>,
        new_ref: &TableRef,
        new: &[Trigger],
    ) {
        let Some(old) = old else {
            for t in new {
                self.out.push(
                    Phase::CreateTriggers,
                    Change::CreateTrigger {
                        table: new_ref.clone(),
                        trigger: t.clone(),
                        again: false,
                    },
                );
            }
            return;
        };
        for ot in old.triggers {
            let kept = new.iter().find(|t| t.name == ot.name);
            let again = match kept {
                Some(nt) if same_trigger(ot, nt) => {
                    if self.recreated_functions.contains(&ot.function) {
                        let f = ot
                            .function
                            .rsplit_once('.')
                            .map_or(ot.function.as_str(), |(_, n)| n);
                        Some(format!("it runs {f}, which is created again"))
                    } else if old.reshaped && (!ot.update_of.is_empty() || ot.when.is_some()) {
                        Some(format!("it reads columns of {}, which change", old.on.name))
                    } else {
                        if ot.comment != nt.comment {
                            self.out.push(
                                Phase::Comments,
                                Change::Comment {
                                    target: CommentTarget::Trigger {
                                        table: new_ref.clone(),
                                        name: nt.name.clone(),
                                    },
                                    text: nt.comment.clone(),
                                },
                            );
                        }
                        continue;
                    }
                }
                Some(_) | None => None,
            };
            let comes_back = again.is_some();
            self.out.push(
                Phase::DropTriggers,
                Change::DropTrigger {
                    table: old.on.clone(),
                    name: ot.name.clone(),
                    again,
                },
            );
            if let Some(nt) = kept {
                self.out.push(
                    Phase::CreateTriggers,
                    Change::CreateTrigger {
                        table: new_ref.clone(),
                        trigger: nt.clone(),
                        again: comes_back,
                    },
                );
            }
        }
        for nt in new {
            if !old.triggers.iter().any(|t| t.name == nt.name) {
                self.out.push(
                    Phase::CreateTriggers,
                    Change::CreateTrigger {
                        table: new_ref.clone(),
                        trigger: nt.clone(),
                        again: false,
                    },
                );
            }
        }
    }
}

/// A table or view that stays, with its triggers as they were.
pub(super) struct Kept<'a> {
    /// It, as the old schema names it.
    pub on: TableRef,
    pub triggers: &'a [Trigger],
    /// Its columns change in this migration.
    pub reshaped: bool,
}

/// The same identity and result: `CREATE OR REPLACE` keeps the function
/// (PostgreSQL refuses it when a parameter's name or type, or the result
/// type, changes).
fn same_signature(old: &Function, new: &Function) -> bool {
    old.args.len() == new.args.len()
        && old
            .args
            .iter()
            .zip(&new.args)
            .all(|(a, b)| super::norm(a).eq_ignore_ascii_case(&super::norm(b)))
        && super::norm(&old.returns).eq_ignore_ascii_case(&super::norm(&new.returns))
}

/// The same code and options: nothing to replace.
fn same_code(old: &Function, new: &Function) -> bool {
    old.language == new.language
        && old.body.trim() == new.body.trim()
        && old.volatility == new.volatility
        && old.strict == new.strict
        && old.security_definer == new.security_definer
        && old.search_path == new.search_path
}

fn same_aggregate(old: &Aggregate, new: &Aggregate) -> bool {
    Aggregate {
        comment: None,
        ..old.clone()
    } == Aggregate {
        comment: None,
        ..new.clone()
    }
}

fn same_trigger(old: &Trigger, new: &Trigger) -> bool {
    Trigger {
        comment: None,
        ..old.clone()
    } == Trigger {
        comment: None,
        ..new.clone()
    }
}

/// Whether a function's signature names one of these tables: its row type.
fn names_row_type(f: &Function, tables: &HashSet<String>) -> bool {
    let signature = format!("{} {}", f.args.join(" "), f.returns);
    let words = schemac_schema::sql::identifiers(&signature);
    f.depends_on
        .iter()
        .any(|d| tables.contains(d) && d.rsplit_once('.').is_some_and(|(_, n)| words.contains(n)))
}
