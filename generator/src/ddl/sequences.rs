//! Standalone sequences as SQL.

use schemac_schema::model::{OwnedBy, Sequence, SequenceOptions};
use schemac_schema::sql::{ident, qualified, string_literal};

/// `CREATE SEQUENCE` with its options, then its comment. Its owner is set
/// once the table is there ([`set_sequence_owner`]).
pub fn create_sequence(q: &Sequence) -> Vec<String> {
    let options: Vec<String> = q
        .data_type
        .iter()
        .map(|t| format!("AS {t}"))
        .chain(option_words(&q.options()))
        .collect();
    let options = match options.is_empty() {
        true => String::new(),
        false => format!("\n  {}", options.join("\n  ")),
    };
    let mut out = vec![format!(
        "CREATE SEQUENCE {}{options}",
        qualified(&q.pg_schema, &q.name)
    )];
    if let Some(c) = &q.comment {
        out.push(format!(
            "COMMENT ON SEQUENCE {} IS {}",
            qualified(&q.pg_schema, &q.name),
            string_literal(c)
        ));
    }
    out
}

/// The options of `ALTER SEQUENCE` that take `old` to `new`: an option
/// left out goes back to PostgreSQL's default. Empty when none change.
pub fn alter_sequence_options(old: &Sequence, new: &Sequence) -> Vec<String> {
    let mut out = Vec::new();
    if old.data_type != new.data_type {
        out.push(format!(
            "AS {}",
            new.data_type.as_deref().unwrap_or("bigint")
        ));
    }
    out.extend(changed_option_words(&old.options(), &new.options(), ""));
    out
}

/// The options as `CREATE SEQUENCE` and `AS IDENTITY (…)` write them.
fn option_words(o: &SequenceOptions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = o.start {
        out.push(format!("START WITH {v}"));
    }
    if let Some(v) = o.increment {
        out.push(format!("INCREMENT BY {v}"));
    }
    if let Some(v) = o.min_value {
        out.push(format!("MINVALUE {v}"));
    }
    if let Some(v) = o.max_value {
        out.push(format!("MAXVALUE {v}"));
    }
    if let Some(v) = o.cache {
        out.push(format!("CACHE {v}"));
    }
    if o.cycle {
        out.push("CYCLE".to_string());
    }
    out
}

/// The options that take `old` to `new`, each after `set` (`ALTER
/// SEQUENCE` takes them bare, `ALTER COLUMN` after `SET `): one left out
/// goes back to PostgreSQL's default.
fn changed_option_words(old: &SequenceOptions, new: &SequenceOptions, set: &str) -> Vec<String> {
    let mut out = Vec::new();
    if old.increment != new.increment {
        out.push(format!("{set}INCREMENT BY {}", new.increment.unwrap_or(1)));
    }
    // A default bound or start follows the direction: counting the other
    // way, PostgreSQL's defaults are others, and only `NO …` resets them.
    let turned = (old.increment.unwrap_or(1) > 0) != (new.increment.unwrap_or(1) > 0);
    if old.min_value != new.min_value || (turned && new.min_value.is_none()) {
        out.push(match new.min_value {
            Some(m) => format!("{set}MINVALUE {m}"),
            None => format!("{set}NO MINVALUE"),
        });
    }
    if old.max_value != new.max_value || (turned && new.max_value.is_none()) {
        out.push(match new.max_value {
            Some(m) => format!("{set}MAXVALUE {m}"),
            None => format!("{set}NO MAXVALUE"),
        });
    }
    if old.start != new.start || (turned && new.start.is_none()) {
        // PostgreSQL's default start: the minimum counting up, the maximum down.
        let start = new.start.unwrap_or_else(|| {
            if new.increment.unwrap_or(1) > 0 {
                new.min_value.unwrap_or(1)
            } else {
                new.max_value.unwrap_or(-1)
            }
        });
        out.push(format!("{set}START WITH {start}"));
    }
    if turned && (new.min_value.is_none() || new.max_value.is_none()) {
        // The numbers handed out so far lie outside the new default bounds.
        out.push("RESTART".to_string());
    }
    if old.cache != new.cache {
        out.push(format!("{set}CACHE {}", new.cache.unwrap_or(1)));
    }
    if old.cycle != new.cycle {
        let cycle = if new.cycle { "CYCLE" } else { "NO CYCLE" };
        out.push(format!("{set}{cycle}"));
    }
    out
}

/// `ALTER SEQUENCE … OWNED BY`: the column it goes with, or none.
pub fn set_sequence_owner(pg_schema: &str, name: &str, owner: Option<&OwnedBy>) -> String {
    let to = match owner {
        Some(o) => format!("{}.{}", qualified(&o.pg_schema, &o.table), ident(&o.column)),
        None => "NONE".to_string(),
    };
    format!(
        "ALTER SEQUENCE {} OWNED BY {to}",
        qualified(pg_schema, name)
    )
}

/// `DROP SEQUENCE`.
pub fn drop_sequence(pg_schema: &str, name: &str) -> String {
    format!("DROP SEQUENCE {}", qualified(pg_schema, name))
}

/// An identity's sequence options as its column definition writes them,
/// ` (START WITH 1000 INCREMENT BY 5)`; empty when it has none.
pub fn identity_options_sql(o: Option<&SequenceOptions>) -> String {
    match o.map(option_words) {
        Some(words) if !words.is_empty() => format!(" ({})", words.join(" ")),
        _ => String::new(),
    }
}

/// The actions of `ALTER COLUMN` that take an identity's sequence from
/// `old` options to `new`: one left out goes back to PostgreSQL's default.
pub fn alter_identity_options(
    old: Option<&SequenceOptions>,
    new: Option<&SequenceOptions>,
) -> Vec<String> {
    let none = SequenceOptions::default();
    changed_option_words(old.unwrap_or(&none), new.unwrap_or(&none), "SET ")
}
