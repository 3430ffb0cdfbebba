//! Random domains for the round trip, and each change to them: a check
//! added, changed or dropped, NOT NULL, a default, a comment, a wider base
//! type (the domain rebuilt). Columns of
//! domains are tried on rows by `tests/tests/domains.rs`.

use std::fmt::Write as _;

use crate::random_schema::{Rng, Spec};

#[derive(Clone, Debug)]
pub struct DomSpec {
    pub name: String,
    pub text: bool,
    /// `bigint` instead of `integer`.
    pub wide: bool,
    /// Which check it has, if any.
    pub check: Option<u8>,
    pub not_null: bool,
    pub default: bool,
    pub comment: Option<String>,
}

fn add_domain(s: &mut Spec, rng: &mut Rng) {
    let name = s.fresh("dom");
    s.domains.push(DomSpec {
        name,
        text: rng.chance(50),
        wide: false,
        check: rng.chance(50).then(|| rng.below(2) as u8),
        not_null: rng.chance(30),
        default: rng.chance(30),
        comment: rng.chance(30).then(|| "a domain".to_string()),
    });
}

pub fn base_domains(s: &mut Spec, rng: &mut Rng) {
    for _ in 0..rng.below(3) {
        add_domain(s, rng);
    }
}

pub fn edit_domains(s: &mut Spec, rng: &mut Rng) {
    match rng.below(5) {
        0 => add_domain(s, rng),
        1 if !s.domains.is_empty() => {
            let i = rng.below(s.domains.len());
            s.domains.remove(i);
        }
        2 | 3 if !s.domains.is_empty() => {
            let i = rng.below(s.domains.len());
            let d = &mut s.domains[i];
            match rng.below(4) {
                0 => {
                    d.check = match d.check {
                        None => Some(0),
                        Some(0) => Some(1),
                        Some(_) => None,
                    }
                }
                1 => d.not_null = !d.not_null,
                2 if !d.text && rng.chance(50) => d.wide = !d.wide,
                2 => d.default = !d.default,
                _ => d.comment = d.comment.take().xor(Some("a domain, edited".into())),
            }
        }
        _ => {}
    }
}

pub fn domains_yaml(y: &mut String, s: &Spec) {
    if s.domains.is_empty() {
        return;
    }
    y.push_str("domains:\n");
    for d in &s.domains {
        let _ = writeln!(y, "  {}:", d.name);
        let base = match (d.text, d.wide) {
            (true, _) => "text",
            (false, false) => "integer",
            (false, true) => "bigint",
        };
        let _ = writeln!(y, "    type: {base}");
        if let Some(k) = d.check {
            let check = match (d.text, k) {
                (true, 0) => "VALUE <> ''",
                (true, _) => "length(VALUE) < 100",
                (false, 0) => "VALUE >= 0",
                (false, _) => "VALUE BETWEEN 0 AND 1000",
            };
            let _ = writeln!(y, "    checks:\n      {}_check: \"{check}\"", d.name);
        }
        if d.not_null {
            y.push_str("    not_null: true\n");
        }
        if d.default {
            let value = if d.text { "'none'" } else { "0" };
            let _ = writeln!(y, "    default_sql: \"{value}\"");
        }
        if let Some(c) = &d.comment {
            let _ = writeln!(y, "    comment: \"{c}\"");
        }
    }
}
