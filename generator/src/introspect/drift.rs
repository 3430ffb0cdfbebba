//! Drift: what a live database holds that its applied migrations do not
//! say, object by object (an index added in production, a column altered,
//! a trigger disabled), found by reading both through the same catalog
//! queries: the live database, and a scratch one built from the
//! migrations it applied, so that both are printed by the same server.

use serde::Serialize;

use super::Pulled;
use crate::pull::objects;

/// One object that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// `table public.users`, `index …`, `trigger public.t.name`.
    pub object: String,
    /// How it differs.
    pub change: DriftChange,
    /// What the migrations say it is, as schema YAML (empty when missing).
    pub expected: String,
    /// What the database holds, as schema YAML (empty when missing).
    pub actual: String,
}

/// How an object differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftChange {
    /// In the database, not in the migrations: made by hand.
    Added,
    /// In the migrations, not in the database: dropped by hand.
    Missing,
    /// In both, different.
    Changed,
}

/// Every object of `actual` that is not as `expected` says, sorted.
pub fn compare(expected: &Pulled, actual: &Pulled) -> Vec<Drift> {
    let (a, b) = (entries(expected), entries(actual));
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                out.push(Drift {
                    object: a[i].0.clone(),
                    change: DriftChange::Missing,
                    expected: a[i].1.clone(),
                    actual: String::new(),
                });
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(Drift {
                    object: b[j].0.clone(),
                    change: DriftChange::Added,
                    expected: String::new(),
                    actual: b[j].1.clone(),
                });
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                if a[i].1 != b[j].1 {
                    out.push(Drift {
                        object: a[i].0.clone(),
                        change: DriftChange::Changed,
                        expected: a[i].1.clone(),
                        actual: b[j].1.clone(),
                    });
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The objects of a pulled database with their YAML, and what the model
/// has no word for (a disabled trigger, a policy), sorted by name.
fn entries(p: &Pulled) -> Vec<(String, String)> {
    let mut all = objects(&p.schema);
    for t in &p.disabled_triggers {
        all.push((format!("trigger {t}"), "disabled\n".to_string()));
    }
    for u in &p.unsupported {
        all.push((u.object.clone(), format!("{}\n", u.reason)));
    }
    all.sort();
    all.dedup_by(|x, y| x.0 == y.0);
    all
}

/// The drift as a person reads it: each object, what changed, and for a
/// changed one the difference of its YAML.
pub fn render_text(database: &str, drift: &[Drift]) -> String {
    if drift.is_empty() {
        return format!(
            "{database}: no drift: the database is as its applied migrations made it\n"
        );
    }
    let mut out = format!(
        "{database}: the database differs from what its applied migrations made it ({} object{}):\n",
        drift.len(),
        if drift.len() == 1 { "" } else { "s" }
    );
    for d in drift {
        let what = match d.change {
            DriftChange::Added => "in the database, not in the migrations (made by hand?)",
            DriftChange::Missing => "in the migrations, not in the database (dropped by hand?)",
            DriftChange::Changed => "changed by hand (- migrations, + database)",
        };
        out.push_str(&format!("  {}: {what}\n", d.object));
        match d.change {
            DriftChange::Changed => {
                // The changed lines with two of context: a table's YAML is
                // long, what changed in it is a line or two.
                let diff = similar::TextDiff::from_lines(&d.expected, &d.actual);
                for (i, group) in diff.grouped_ops(2).iter().enumerate() {
                    if i > 0 {
                        out.push_str("     ...\n");
                    }
                    for op in group {
                        for change in diff.iter_changes(op) {
                            let sign = match change.tag() {
                                similar::ChangeTag::Delete => '-',
                                similar::ChangeTag::Insert => '+',
                                similar::ChangeTag::Equal => ' ',
                            };
                            out.push_str(&format!("    {sign}{}", change.value()));
                            if !change.value().ends_with('\n') {
                                out.push('\n');
                            }
                        }
                    }
                }
            }
            DriftChange::Added => push_indented(&mut out, &d.actual),
            DriftChange::Missing => push_indented(&mut out, &d.expected),
        }
    }
    out
}

fn push_indented(out: &mut String, text: &str) {
    for line in text.lines() {
        out.push_str("     ");
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemac_schema::model::Schema;

    fn pulled(disabled: &[&str]) -> Pulled {
        Pulled {
            schema: Schema::empty("main"),
            unsupported: Vec::new(),
            disabled_triggers: disabled.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_disabled_trigger_is_drift_and_the_same_state_is_none() {
        assert!(compare(&pulled(&[]), &pulled(&[])).is_empty());
        let d = compare(&pulled(&[]), &pulled(&["public.t.audit"]));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].object, "trigger public.t.audit");
        assert_eq!(d[0].change, DriftChange::Added);
        assert!(render_text("main", &d).contains("trigger public.t.audit: in the database"));
    }
}
