//! Mixins proposed from a pulled schema (`pull --mixins`): the columns that
//! several tables end with, written alike, become one mixin those tables
//! use. Only a table's last columns can come from a mixin (a mixin's
//! columns follow the table's own, and a pull keeps the database's column
//! order), and a key or a reference stays with its table.

use std::collections::BTreeMap;

/// A proposed mixin: its name and its column lines, as the tables wrote them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mixin {
    pub name: String,
    pub lines: Vec<String>,
}

/// The fewest columns and tables a mixin is worth proposing for.
const MIN_COLUMNS: usize = 2;
const MIN_TABLES: usize = 2;

/// Given each table's column lines (`key`, lines in order), the mixins to
/// propose and, by table, which one it uses (its index).
pub fn propose(tables: &[(String, Vec<String>)]) -> (Vec<Mixin>, BTreeMap<String, usize>) {
    let movable = |l: &String| {
        ![
            "primary_key",
            "references",
            "unique: true",
            "identity",
            "serial",
        ]
        .iter()
        .any(|w| l.contains(w))
    };
    let mut mixins: Vec<Mixin> = Vec::new();
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    loop {
        // Every movable suffix of a table not yet given a mixin, with the
        // tables that end with it; a table keeps one column of its own.
        let mut suffixes: BTreeMap<&[String], Vec<&str>> = BTreeMap::new();
        for (key, lines) in tables.iter().filter(|(k, _)| !uses.contains_key(k)) {
            let movable_tail = lines.iter().rev().take_while(|l| movable(l)).count();
            let longest = movable_tail.min(lines.len().saturating_sub(1));
            for n in MIN_COLUMNS..=longest {
                suffixes
                    .entry(&lines[lines.len() - n..])
                    .or_default()
                    .push(key);
            }
        }
        // The group that saves the most lines; the longer on a tie.
        let best = suffixes
            .into_iter()
            .filter(|(_, ts)| ts.len() >= MIN_TABLES)
            .max_by_key(|(s, ts)| (s.len() * (ts.len() - 1), s.len()));
        let Some((suffix, users)) = best else { break };
        let name = mixin_name(suffix, &mixins);
        mixins.push(Mixin {
            name,
            lines: suffix.to_vec(),
        });
        for t in users {
            uses.insert(t.to_string(), mixins.len() - 1);
        }
    }
    (mixins, uses)
}

/// `timestamps` for columns that are all times (`created_at`,
/// `updated_at`), else the columns' names; numbered when taken.
fn mixin_name(lines: &[String], taken: &[Mixin]) -> String {
    let names: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.trim().split(':').next())
        .map(|n| n.trim_matches('"'))
        .collect();
    let base = match names.iter().all(|n| n.ends_with("_at")) {
        true => "timestamps".to_string(),
        false => names.join("_"),
    };
    let mut name = base.clone();
    let mut i = 2;
    while taken.iter().any(|m| m.name == name) {
        name = format!("{base}_{i}");
        i += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn the_columns_tables_end_with_alike_become_a_mixin() {
        let stamps = ["created_at: timestamptz", "updated_at: timestamptz?"];
        let tables = vec![
            (
                "a".to_string(),
                lines(&[
                    "id: { type: bigint, primary_key: true }",
                    "name: text",
                    stamps[0],
                    stamps[1],
                ]),
            ),
            (
                "b".to_string(),
                lines(&[
                    "id: { type: bigint, primary_key: true }",
                    stamps[0],
                    stamps[1],
                ]),
            ),
            (
                "c".to_string(),
                lines(&["id: { type: bigint, primary_key: true }", "title: text"]),
            ),
        ];
        let (mixins, uses) = propose(&tables);
        assert_eq!(
            mixins,
            [Mixin {
                name: "timestamps".into(),
                lines: lines(&stamps)
            }]
        );
        assert_eq!(uses.get("a"), Some(&0));
        assert_eq!(uses.get("b"), Some(&0));
        assert_eq!(uses.get("c"), None);
    }
}
