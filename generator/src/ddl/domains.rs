//! Domains as SQL.

use schemac_schema::model::{Check, Domain};
use schemac_schema::sql::{ident, qualified, string_literal};

/// `CREATE DOMAIN` over `base` (its base type as SQL) with its default,
/// NOT NULL and checks, then its comment.
pub fn create_domain(d: &Domain, base: &str) -> Vec<String> {
    let mut out = format!(
        "CREATE DOMAIN {} AS {base}",
        qualified(&d.pg_schema, &d.name),
    );
    if let Some(e) = &d.default {
        out.push_str(&format!("\n  DEFAULT {e}"));
    }
    if d.not_null {
        out.push_str("\n  NOT NULL");
    }
    for c in &d.checks {
        out.push_str(&format!("\n  {}", check(c)));
    }
    let mut statements = vec![out];
    if let Some(c) = &d.comment {
        statements.push(format!(
            "COMMENT ON DOMAIN {} IS {}",
            qualified(&d.pg_schema, &d.name),
            string_literal(c)
        ));
    }
    statements
}

fn check(c: &Check) -> String {
    format!("CONSTRAINT {} CHECK ({})", ident(&c.name), c.expr)
}

/// The `ALTER DOMAIN` actions that take `old` to `new`, one statement
/// each (PostgreSQL takes one action per statement): checks that change
/// are dropped and added again.
pub fn alter_domain(old: &Domain, new: &Domain) -> Vec<String> {
    let name = qualified(&new.pg_schema, &new.name);
    let mut out = Vec::new();
    for c in &old.checks {
        if !new.checks.contains(c) {
            out.push(format!(
                "ALTER DOMAIN {name} DROP CONSTRAINT {}",
                ident(&c.name)
            ));
        }
    }
    if old.default != new.default {
        out.push(match &new.default {
            Some(e) => format!("ALTER DOMAIN {name} SET DEFAULT {e}"),
            None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
        });
    }
    if old.not_null != new.not_null {
        let verb = if new.not_null { "SET" } else { "DROP" };
        out.push(format!("ALTER DOMAIN {name} {verb} NOT NULL"));
    }
    for c in &new.checks {
        if !old.checks.contains(c) {
            out.push(format!("ALTER DOMAIN {name} ADD {}", check(c)));
        }
    }
    out
}
