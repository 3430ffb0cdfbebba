//! Random standalone sequences for the round trip, and each change to them:
//! options altered, an owner given, moved or taken away, a comment; and a
//! table's key's own options: an identity's sequence, an exclusion on it.

use std::fmt::Write as _;

use crate::random_schema::{Rng, Spec};

#[derive(Clone, Debug)]
pub struct SeqSpec {
    pub name: String,
    pub increment: i64,
    pub cache: Option<i64>,
    pub cycle: bool,
    pub max: Option<i64>,
    /// The table whose `id` owns it.
    pub owner: Option<String>,
    pub comment: Option<String>,
}

fn add_sequence(s: &mut Spec, rng: &mut Rng) {
    let name = s.fresh("seq");
    let owner = own_schema_table(s, rng);
    s.sequences.push(SeqSpec {
        name,
        increment: [1, 5, -1][rng.below(3)],
        cache: rng.chance(30).then_some(10),
        cycle: rng.chance(20),
        max: rng.chance(30).then_some(1_000_000),
        owner,
        comment: rng.chance(30).then(|| "a sequence".to_string()),
    });
}

/// A table of the sequence's own pg_schema, which PostgreSQL requires of
/// its owner, whose `id` has no sequence of its own.
fn own_schema_table(s: &Spec, rng: &mut Rng) -> Option<String> {
    let tables: Vec<&str> = s
        .tables
        .iter()
        .filter(|t| may_own(t))
        .map(|t| t.name.as_str())
        .collect();
    (!tables.is_empty() && rng.chance(40)).then(|| tables[rng.below(tables.len())].to_string())
}

fn may_own(t: &crate::random_schema::TableSpec) -> bool {
    use crate::random_schema::Pk;
    !t.other_schema && matches!(t.pk, Pk::Plain | Pk::PlainInt)
}

pub fn base_sequences(s: &mut Spec, rng: &mut Rng) {
    for _ in 0..rng.below(3) {
        add_sequence(s, rng);
    }
}

pub fn edit_sequences(s: &mut Spec, rng: &mut Rng) {
    match rng.below(6) {
        0 => add_sequence(s, rng),
        1 if !s.sequences.is_empty() => {
            let i = rng.below(s.sequences.len());
            s.sequences.remove(i);
        }
        2..=4 if !s.sequences.is_empty() => {
            let i = rng.below(s.sequences.len());
            let owner = own_schema_table(s, rng);
            let q = &mut s.sequences[i];
            match rng.below(5) {
                0 => q.increment = if q.increment == 1 { 3 } else { 1 },
                1 => q.cache = q.cache.xor(Some(20)),
                2 => q.cycle = !q.cycle,
                3 => q.owner = if q.owner.is_none() { owner } else { None },
                _ => q.comment = q.comment.take().xor(Some("a sequence, edited".into())),
            }
        }
        5 if !s.tables.is_empty() => {
            let i = rng.below(s.tables.len());
            match rng.below(2) {
                0 => s.tables[i].identity_options = !s.tables[i].identity_options,
                _ => s.tables[i].exclude_id = !s.tables[i].exclude_id,
            }
        }
        _ => {}
    }
    // An owner that is gone, moved to the other pg_schema or whose key now
    // has a sequence of its own, takes nothing: the sequence stands alone.
    let tables: Vec<String> = s
        .tables
        .iter()
        .filter(|t| may_own(t))
        .map(|t| t.name.clone())
        .collect();
    for q in &mut s.sequences {
        if q.owner.as_ref().is_some_and(|o| !tables.contains(o)) {
            q.owner = None;
        }
    }
}

pub fn sequences_yaml(y: &mut String, s: &Spec) {
    if s.sequences.is_empty() {
        return;
    }
    y.push_str("sequences:\n");
    for q in &s.sequences {
        let _ = writeln!(y, "  {}:", q.name);
        let _ = writeln!(y, "    increment: {}", q.increment);
        if let Some(c) = q.cache {
            let _ = writeln!(y, "    cache: {c}");
        }
        if q.cycle {
            y.push_str("    cycle: true\n");
        }
        if let Some(m) = q.max {
            // A descending sequence starts at its maximum.
            let _ = writeln!(y, "    max: {m}");
        }
        if let Some(o) = &q.owner {
            let _ = writeln!(y, "    owned_by: {o}.id");
        }
        if let Some(c) = &q.comment {
            let _ = writeln!(y, "    comment: \"{c}\"");
        }
    }
}
