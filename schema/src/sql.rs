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
    let base = match &ty.base {
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

#[cfg(test)]
mod tests {
    use super::comment_safe;

    #[test]
    fn comments_keep_user_text_on_their_line() {
        assert_eq!(comment_safe("its default 'en'"), "its default 'en'");
        assert_eq!(
            comment_safe("its default 'line\nbreak\\n\r\u{7}'"),
            "its default 'line\\nbreak\\\\n\\r\\u0007'"
        );
        assert!(!comment_safe("a\u{85}b").contains('\u{85}'));
    }
}
