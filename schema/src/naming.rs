//! The one naming function for constraints, indexes and sequences.
//!
//! Names follow Postgres' own defaults (`users_pkey`, `users_email_key`,
//! `posts_author_id_fkey`, `posts_lower_idx`, ...) so a database made by
//! schemac looks like one made by hand. Postgres truncates a name that passes
//! 63 bytes, which can make two long names collide; schemac instead shortens
//! a long derived name with a short hash of the full name, so the result is
//! deterministic and still distinct.

use sha2::{Digest, Sha256};

/// Postgres' identifier limit in bytes (NAMEDATALEN - 1).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// What kind of object a derived name is for; picks the suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// `_pkey`.
    PrimaryKey,
    /// `_key`.
    Unique,
    /// `_fkey`.
    ForeignKey,
    /// `_idx`.
    Index,
    /// `_check`.
    Check,
    /// The temporary `CHECK (col IS NOT NULL)` of safe mode.
    NotNull,
    /// `_excl`.
    Exclusion,
}

impl NameKind {
    /// Postgres' suffix for it.
    pub fn suffix(self) -> &'static str {
        match self {
            NameKind::PrimaryKey => "pkey",
            NameKind::Unique => "key",
            NameKind::ForeignKey => "fkey",
            NameKind::Index => "idx",
            NameKind::Check => "check",
            NameKind::NotNull => "not_null",
            NameKind::Exclusion => "excl",
        }
    }
}

/// `<table>_<part>_<part>_<suffix>`, shortened with a hash when it would pass 63 bytes.
pub fn derive_name(table: &str, parts: &[&str], kind: NameKind) -> String {
    let suffix = kind.suffix();
    let mut base = table.to_string();
    for p in parts {
        base.push('_');
        base.push_str(p);
    }
    let full = format!("{base}_{suffix}");
    if full.len() <= MAX_IDENTIFIER_BYTES {
        return full;
    }
    let digest = Sha256::digest(full.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let keep = MAX_IDENTIFIER_BYTES - hash.len() - suffix.len() - 2;
    format!("{}_{hash}_{suffix}", truncate_bytes(&base, keep))
}

/// The longest prefix of `s` that fits in `max` bytes without splitting a character.
/// The name PostgreSQL itself gives the sequence of a serial or identity
/// column of `table` (`ChooseRelationName(table, column, "seq")`). Postgres
/// names these sequences whatever schemac asks, so schemac predicts the name
/// with Postgres' own rule (`makeObjectName`): when `table_column_seq` is
/// too long, the longer of the two names loses a byte at a time until it
/// fits, cut at a character boundary. (Postgres would append a number on a
/// collision; the resolver reports a collision as an error instead.)
pub fn sequence_name(table: &str, column: &str) -> String {
    postgres_object_name(table, column, "seq")
}

fn postgres_object_name(name1: &str, name2: &str, label: &str) -> String {
    let overhead = 1 + label.len() + 1;
    let available = MAX_IDENTIFIER_BYTES - overhead;
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > available {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    format!(
        "{}_{}_{label}",
        truncate_bytes(name1, n1),
        truncate_bytes(name2, n2)
    )
}

/// `s` cut to at most `max` bytes, on a character boundary.
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Postgres' name for each key of an index (`ChooseIndexColumnNames`):
/// the column name, or for an expression the name Postgres figures for it;
/// a repeated name gets a number (`lower`, `lower1`).
pub fn index_key_names(keys: &[IndexKeyLabel<'_>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(keys.len());
    for key in keys {
        let orig = match key {
            IndexKeyLabel::Column(c) => (*c).to_string(),
            IndexKeyLabel::Expression(e) => expression_label(e),
        };
        let mut cur = orig.clone();
        let mut i = 1;
        while out.contains(&cur) {
            cur = format!("{orig}{i}");
            i += 1;
        }
        out.push(cur);
    }
    out
}

/// What an index key contributes to the index's name.
pub enum IndexKeyLabel<'a> {
    /// A column, by name.
    Column(&'a str),
    /// An expression (named `expr` as Postgres does).
    Expression(&'a str),
}

/// The column name Postgres gives an expression (`FigureColname`): a function
/// call is named after the function, a cast after what it casts (or the
/// type), a bare column after itself, anything else `expr`.
pub fn expression_label(expr: &str) -> String {
    let e = strip_outer_parens(expr.trim());
    // `x::type` -> the name of x, else the type name.
    if let Some(pos) = top_level_cast(e) {
        let inner = expression_label(&e[..pos]);
        if inner != "expr" {
            return inner;
        }
        let ty = e[pos + 2..].trim();
        return ty
            .split(['(', '['])
            .next()
            .unwrap_or("expr")
            .trim()
            .rsplit('.')
            .next()
            .unwrap_or("expr")
            .trim_matches('"')
            .to_string();
    }
    let (ident, rest) = leading_identifier(e);
    let Some(ident) = ident else {
        return "expr".into();
    };
    let rest = rest.trim_start();
    let last = ident.rsplit('.').next().unwrap_or(&ident).to_string();
    if rest.is_empty() {
        return last;
    }
    if rest.starts_with('(') && matching_paren_end(rest) == Some(rest.len() - 1) {
        let lower = last.to_ascii_lowercase();
        return match lower.as_str() {
            // Keyword-like constructs Postgres names by the keyword.
            "coalesce" | "greatest" | "least" | "nullif" => lower,
            _ => last,
        };
    }
    if ident.eq_ignore_ascii_case("case") {
        return "case".into();
    }
    "expr".into()
}

/// Reads an identifier (possibly dotted, possibly quoted) at the start of `s`.
/// Unquoted identifiers are folded to lower case as Postgres does.
fn leading_identifier(s: &str) -> (Option<String>, &str) {
    let mut out = String::new();
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix('"') {
            let Some(end) = r.find('"') else {
                return (None, s);
            };
            out.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else {
            let len = rest
                .char_indices()
                .find(|(i, c)| !(c.is_alphanumeric() || *c == '_' || (*i > 0 && *c == '$')))
                .map_or(rest.len(), |(i, _)| i);
            if len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
                return (None, s);
            }
            out.push_str(&rest[..len].to_lowercase());
            rest = &rest[len..];
        }
        if let Some(r) = rest.strip_prefix('.') {
            out.push('.');
            rest = r;
        } else {
            return (Some(out), rest);
        }
    }
}

fn strip_outer_parens(mut e: &str) -> &str {
    while e.starts_with('(') && matching_paren_end(e) == Some(e.len() - 1) {
        e = e[1..e.len() - 1].trim();
    }
    e
}

/// Index of the `)` closing the `(` at position 0, skipping quoted text.
fn matching_paren_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Position of the last top-level `::` when the expression ends in a cast.
fn top_level_cast(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut last = None;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ':') if depth == 0 && bytes.get(i + 1) == Some(&b':') => last = Some(i),
            _ => {}
        }
    }
    let pos = last?;
    // Only a cast of the whole expression: what follows must be a plain type name.
    let ty = s[pos + 2..].trim();
    let plain = ty.chars().all(|c| {
        c.is_alphanumeric() || matches!(c, '_' | '"' | '.' | ' ' | '(' | ')' | ',' | '[' | ']')
    });
    if plain && !s[..pos].trim().is_empty() {
        Some(pos)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_default_names() {
        assert_eq!(
            derive_name("users", &[], NameKind::PrimaryKey),
            "users_pkey"
        );
        assert_eq!(
            derive_name("users", &["email"], NameKind::Unique),
            "users_email_key"
        );
        assert_eq!(
            derive_name("grid_marks", &["gx", "gy"], NameKind::ForeignKey),
            "grid_marks_gx_gy_fkey"
        );
    }

    #[test]
    fn long_names_are_shortened_deterministically() {
        let long = "a_table_with_a_really_quite_long_name_for_testing";
        let n = derive_name(long, &["another_long_column_name"], NameKind::Index);
        assert!(n.len() <= MAX_IDENTIFIER_BYTES, "{n}");
        assert!(n.ends_with("_idx"));
        assert_eq!(
            n,
            derive_name(long, &["another_long_column_name"], NameKind::Index)
        );
        assert_ne!(
            n,
            derive_name(long, &["another_long_column_nam2"], NameKind::Index)
        );
        // Multi-byte characters are never split.
        let n = derive_name(&"é".repeat(40), &[], NameKind::Index);
        assert!(n.len() <= MAX_IDENTIFIER_BYTES);
    }

    #[test]
    fn expression_labels_match_postgres() {
        assert_eq!(expression_label("lower(email)"), "lower");
        assert_eq!(expression_label("(lower(email))"), "lower");
        assert_eq!(
            expression_label("to_tsvector('english', name)"),
            "to_tsvector"
        );
        assert_eq!(expression_label("public.f(x)"), "f");
        assert_eq!(expression_label("a + b"), "expr");
        assert_eq!(expression_label("(created_at)::date"), "created_at");
        assert_eq!(expression_label("COALESCE(a, b)"), "coalesce");
        assert_eq!(expression_label("\"Name\""), "Name");
        let keys = [
            IndexKeyLabel::Expression("lower(a)"),
            IndexKeyLabel::Expression("lower(b)"),
        ];
        assert_eq!(index_key_names(&keys), vec!["lower", "lower1"]);
    }
}
