//! SQL spelling shared by the model's defaults and the generator's emission.

use crate::model::{Enum, IdStorage, IdType};
use crate::types::{BaseType, ColumnType};

/// Always quotes, so reserved words (`user`, `order`) and mixed case work as names.
pub fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_ident(&mut out, name);
    out
}

/// `"schema"."name"`
pub fn qualified(schema: &str, name: &str) -> String {
    let mut out = String::with_capacity(schema.len() + name.len() + 5);
    push_ident(&mut out, schema);
    out.push('.');
    push_ident(&mut out, name);
    out
}

/// Appends `name` quoted. Every name of a migration passes here, most
/// without a quote in them: one allocation each, not three.
fn push_ident(out: &mut String, name: &str) {
    out.push('"');
    if name.contains('"') {
        out.push_str(&name.replace('"', "\"\""));
    } else {
        out.push_str(name);
    }
    out.push('"');
}

/// A string literal, quotes doubled (standard_conforming_strings is on since Postgres 9.1).
pub fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A function body dollar-quoted as written: `$$` unless the body holds
/// it, else the first `$body$`, `$body1$`, ... it does not hold.
pub fn dollar_quoted(body: &str) -> String {
    let tag = std::iter::once("$$".to_string())
        .chain((0..).map(|n| match n {
            0 => "$body$".to_string(),
            n => format!("$body{n}$"),
        }))
        .find(|t| !body.contains(t.as_str()) && !body.ends_with('$'))
        .unwrap_or_else(|| "$body$".to_string());
    format!("{tag}{body}{tag}")
}

/// `text` as it may stand in a `--` comment: a line break would end the
/// comment and turn the rest into SQL (a default `'line\nbreak'` in a
/// down's note), so control characters are written the way an `E'...'`
/// string escapes them (`\n`, `\r`, `\t`, `\u0007`), and a backslash is
/// doubled where that happens, so the text reads back unambiguously. Text
/// without control characters is left as it is.
pub fn comment_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The Postgres type of a column, as written in DDL.
pub fn column_type(ty: &ColumnType, enums: &[Enum], ids: &[IdType]) -> String {
    // A domain is named by its key, `pg_schema.name`.
    let domain = ty.domain.as_deref().map(|key| match key.split_once('.') {
        Some((s, n)) => qualified(s, n),
        None => ident(key),
    });
    let base = match &ty.base {
        _ if domain.is_some() => domain.unwrap_or_default(),
        BaseType::Enum(name) => match enums.iter().find(|e| &e.name == name) {
            Some(e) => qualified(&e.pg_schema, &e.sql_name),
            None => ident(name),
        },
        BaseType::Id(name) => match ids.iter().find(|i| &i.name == name).map(|i| i.storage) {
            Some(IdStorage::Text) => "text".into(),
            _ => "uuid".into(),
        },
        BaseType::Double => "double precision".into(),
        other => other.to_string(),
    };
    if ty.array { format!("{base}[]") } else { base }
}

/// The identifiers of a query: unquoted ones folded to lower case, as
/// PostgreSQL folds them, quoted ones as written; literals and comments
/// left out. What a view reads is among them.
pub fn identifiers(sql: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() {
                    if b[i] == b'"' {
                        if b.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                out.insert(sql[start..i.min(b.len())].replace("\"\"", "\""));
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'$' => {
                // A dollar-quoted string: `$tag$ ... $tag$`.
                let tag_end = b[i + 1..]
                    .iter()
                    .position(|&x| !(x.is_ascii_alphanumeric() || x == b'_'))
                    .map(|k| i + 1 + k);
                match tag_end {
                    Some(e) if b[e] == b'$' => {
                        let tag = &sql[i..=e];
                        i = match sql[e + 1..].find(tag) {
                            Some(k) => e + 1 + k + tag.len(),
                            None => b.len(),
                        };
                    }
                    _ => i += 1,
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                out.insert(sql[start..i].to_lowercase());
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::comment_safe;
    use super::identifiers;

    #[test]
    fn comments_keep_user_text_on_their_line() {
        assert_eq!(comment_safe("its default 'en'"), "its default 'en'");
        assert_eq!(
            comment_safe("its default 'line\nbreak\\n\r\u{7}'"),
            "its default 'line\\nbreak\\\\n\\r\\u0007'"
        );
        assert!(!comment_safe("a\u{85}b").contains('\u{85}'));
    }

    #[test]
    fn identifiers_leave_out_literals_and_comments() {
        let words = identifiers(
            "SELECT u.id, 'orders' AS \"Posts\", $$ comments $$ -- tags\n/* likes */ FROM Users u JOIN app.events e ON true",
        );
        for w in [
            "select", "u", "id", "as", "Posts", "from", "users", "join", "app", "events", "e",
            "on", "true",
        ] {
            assert!(words.contains(w), "{w} in {words:?}");
        }
        for w in ["orders", "comments", "tags", "likes", "Users", "posts"] {
            assert!(!words.contains(w), "{w} in {words:?}");
        }
    }
}
