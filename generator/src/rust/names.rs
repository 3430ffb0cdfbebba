//! Rust names for schema names: valid, idiomatic, and unique within their scope.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words a raw identifier (`r#type`) cannot spell: they become `type_`-style names.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust's keywords, strict and reserved (edition 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// A field, function or module name for `name`: snake_case, keywords as raw
/// identifiers, a leading digit prefixed.
pub fn snake_ident(name: &str) -> String {
    let mut snake = identifier_chars(&name.to_snake_case());
    if snake.is_empty() {
        snake = "field".to_owned();
    }
    if !starts_an_identifier(&snake) {
        snake = format!("n{snake}");
    }
    keyword_safe(snake)
}

/// The characters Rust allows in an identifier (Unicode's XID_Continue):
/// a schema name may hold any character, a Rust name may not.
fn identifier_chars(name: &str) -> String {
    name.chars()
        .filter(|c| unicode_ident::is_xid_continue(*c))
        .collect()
}

/// Whether a name's first character may start a Rust identifier (a digit or
/// a combining mark may not).
fn starts_an_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
}

/// A type or variant name: UpperCamelCase, a leading digit prefixed.
pub fn camel_ident(name: &str) -> String {
    let mut camel = identifier_chars(&name.to_upper_camel_case());
    if camel.is_empty() {
        camel = "Value".to_owned();
    }
    if !starts_an_identifier(&camel) {
        camel = format!("V{camel}");
    }
    keyword_safe(camel)
}

fn keyword_safe(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// A name schemac gives (a local, a module of its own) where the user's
/// names are `taken`: `name`, with an `_` added while a user's name has it.
/// The user's names stay as written; schemac's give way.
pub fn aside(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = name.to_owned();
    while taken(&name) {
        name.push('_');
    }
    name
}

/// The name without a raw prefix, for building other names from it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The row struct's name: the table's `rust_name`, or its name in the singular.
pub fn struct_name(table: &str, rust_name: Option<&str>) -> String {
    match rust_name {
        Some(name) => camel_ident(name),
        None => camel_ident(&singular(table)),
    }
}

/// The singular of a table name's last word (`user_tags` → `user_tag`,
/// `children` → `child`). English has too many irregular plurals to list by
/// hand; pluralizer carries the rules of the npm `pluralize` package that
/// Drizzle and Prisma users already know, so names come out as they expect.
fn singular(table: &str) -> String {
    let (head, last) = match table.rfind('_') {
        Some(at) => (&table[..=at], &table[at + 1..]),
        None => ("", table),
    };
    format!("{head}{}", pluralizer::pluralize(last, 1, false))
}

/// Unique variant names for enum labels, in order: a label that maps to a
/// name already taken gets the next free number.
pub fn variant_names(labels: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        let base = camel_ident(label);
        let mut name = base.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{}{n}", unraw(&base));
            n += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_odd_names() {
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("CamelCase"), "camel_case");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa_secret"), "n2fa_secret");
        assert_eq!(camel_ident("Grief care"), "GriefCare");
        assert_eq!(camel_ident("self"), "Self_");
        // Found by the fuzzer: a label starting with a combining mark.
        assert_eq!(camel_ident("\u{6db}downvote"), "V\u{6db}downvote");
        assert_eq!(snake_ident("\u{6db}x"), "n\u{6db}x");
        assert_eq!(snake_ident("a-b c"), "a_b_c");
    }

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("users", "User"),
            ("user_tags", "UserTag"),
            ("categories", "Category"),
            ("addresses", "Address"),
            ("statuses", "Status"),
            ("boxes", "Box"),
            ("branches", "Branch"),
            ("access", "Access"),
            ("analysis", "Analysis"),
            ("person", "Person"),
            ("children", "Child"),
            ("people", "Person"),
            ("user_indices", "UserIndex"),
            ("criteria", "Criterion"),
            ("news", "News"),
        ] {
            assert_eq!(struct_name(plural, None), one, "{plural}");
        }
    }

    #[test]
    fn colliding_labels_get_numbers() {
        let labels = ["a b".to_owned(), "a_b".to_owned(), "A-B".to_owned()];
        assert_eq!(variant_names(&labels), ["AB", "AB2", "AB3"]);
    }
}
