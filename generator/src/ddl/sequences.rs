//! Standalone sequences as SQL.

use schemac_schema::model::{IdentityOptions, OwnedBy, Sequence};
use schemac_schema::sql::{ident, qualified, string_literal};

/// `CREATE SEQUENCE` with its options, then its comment. Its owner is set
/// once the table is there ([`set_sequence_owner`]).
pub fn create_sequence(q: &Sequence) -> Vec<String> {
    let mut options = Vec::new();
    if let Some(t) = &q.data_type {
        options.push(format!("AS {t}"));
    }
    if let Some(i) = q.increment {
        options.push(format!("INCREMENT BY {i}"));
    }
    if let Some(m) = q.min_value {
        options.push(format!("MINVALUE {m}"));
    }
    if let Some(m) = q.max_value {
        options.push(format!("MAXVALUE {m}"));
    }
    if let Some(s) = q.start {
        options.push(format!("START WITH {s}"));
    }
    if let Some(c) = q.cache {
        options.push(format!("CACHE {c}"));
    }
    if q.cycle {
        options.push("CYCLE".to_string());
    }
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
    if old.increment != new.increment {
        out.push(format!("INCREMENT BY {}", new.increment.unwrap_or(1)));
    }
    // A default bound or start follows the direction: counting the other
    // way, PostgreSQL's defaults are others, and only `NO …` resets them.
    let turned = (old.increment.unwrap_or(1) > 0) != (new.increment.unwrap_or(1) > 0);
    if old.min_value != new.min_value || (turned && new.min_value.is_none()) {
        out.push(
            new.min_value
                .map_or("NO MINVALUE".into(), |m| format!("MINVALUE {m}")),
        );
    }
    if old.max_value != new.max_value || (turned && new.max_value.is_none()) {
        out.push(
            new.max_value
                .map_or("NO MAXVALUE".into(), |m| format!("MAXVALUE {m}")),
        );
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
        out.push(format!("START WITH {start}"));
    }
    if turned && (new.min_value.is_none() || new.max_value.is_none()) {
        // The numbers handed out so far lie outside the new default bounds.
        out.push("RESTART".to_string());
    }
    if old.cache != new.cache {
        out.push(format!("CACHE {}", new.cache.unwrap_or(1)));
    }
    if old.cycle != new.cycle {
        out.push(if new.cycle { "CYCLE" } else { "NO CYCLE" }.to_string());
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
pub fn identity_options_sql(o: Option<&IdentityOptions>) -> String {
    let Some(o) = o else {
        return String::new();
    };
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
    match out.is_empty() {
        true => String::new(),
        false => format!(" ({})", out.join(" ")),
    }
}

/// The `SET …` actions of `ALTER COLUMN` that take an identity's sequence
/// from `old` options to `new`: one left out goes back to PostgreSQL's
/// default.
pub fn alter_identity_options(
    old: Option<&IdentityOptions>,
    new: Option<&IdentityOptions>,
) -> Vec<String> {
    let none = IdentityOptions::default();
    let (old, new) = (old.unwrap_or(&none), new.unwrap_or(&none));
    let mut out = Vec::new();
    if old.increment != new.increment {
        out.push(format!("SET INCREMENT BY {}", new.increment.unwrap_or(1)));
    }
    let turned = (old.increment.unwrap_or(1) > 0) != (new.increment.unwrap_or(1) > 0);
    if old.min_value != new.min_value || (turned && new.min_value.is_none()) {
        out.push(
            new.min_value
                .map_or("SET NO MINVALUE".into(), |m| format!("SET MINVALUE {m}")),
        );
    }
    if old.max_value != new.max_value || (turned && new.max_value.is_none()) {
        out.push(
            new.max_value
                .map_or("SET NO MAXVALUE".into(), |m| format!("SET MAXVALUE {m}")),
        );
    }
    if old.start != new.start || (turned && new.start.is_none()) {
        let start = new.start.unwrap_or_else(|| {
            if new.increment.unwrap_or(1) > 0 {
                new.min_value.unwrap_or(1)
            } else {
                new.max_value.unwrap_or(-1)
            }
        });
        out.push(format!("SET START WITH {start}"));
    }
    if old.cache != new.cache {
        out.push(format!("SET CACHE {}", new.cache.unwrap_or(1)));
    }
    if old.cycle != new.cycle {
        out.push(
            if new.cycle {
                "SET CYCLE"
            } else {
                "SET NO CYCLE"
            }
            .to_string(),
        );
    }
    out
}
