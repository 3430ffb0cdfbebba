//! Writing YAML scalars so that schemac's reader (YAML 1.2) reads back the
//! same text: plain where nothing could be misread, JSON's double quotes
//! (which YAML reads alike) otherwise, and block literals for code.

/// A scalar in block context: a mapping key or a value after `key: `.
pub fn plain_or_quoted(s: &str) -> String {
    match is_plain_word(s) {
        true => s.to_string(),
        false => quoted(s),
    }
}

/// Double-quoted, escaped as JSON does.
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// A word no YAML reader takes for anything but a string.
fn is_plain_word(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

/// A type as written after `name: ` in block context: plain unless YAML
/// would read it otherwise (`numeric(10,2)` is fine there, `text[]` too).
pub fn block_type(t: &str) -> String {
    let safe = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_()[],? .".contains(c))
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !t.contains(", ");
    match safe {
        true => t.to_string(),
        false => quoted(t),
    }
}

/// A type inside a flow mapping, where `[`, `]` and `,` end a plain scalar.
pub fn flow_type(t: &str) -> String {
    match t.chars().any(|c| "[],{}".contains(c)) {
        true => quoted(t),
        false => block_type(t),
    }
}

/// A multi-line text as a block literal under `key:` at `indent` spaces,
/// or None when it cannot be one exactly (trailing spaces, tabs leading a
/// line, carriage returns): then it is written quoted.
pub fn block_literal(text: &str, indent: usize) -> Option<String> {
    if text.contains('\r')
        || text
            .lines()
            .any(|l| l.ends_with(' ') || l.ends_with('\t') || l.starts_with('\t'))
        || text.trim().is_empty()
    {
        return None;
    }
    let chomp = match (text.ends_with('\n'), text.ends_with("\n\n")) {
        (false, _) => "-",
        (true, false) => "",
        (true, true) => "+",
    };
    // An indentation indicator (counted from the key's indentation) when
    // the first line with text starts with a space or blank lines come
    // first: the reader would take their indentation for the block's.
    let first = text.lines().find(|l| !l.is_empty()).unwrap_or("");
    let indicator = match first.starts_with(' ') || text.starts_with('\n') {
        true => "2",
        false => "",
    };
    let pad = " ".repeat(indent + 2);
    let mut out = format!("|{indicator}{chomp}\n");
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        match line.is_empty() {
            true => out.push('\n'),
            false => {
                out.push_str(&pad);
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Some(out)
}

/// `key: value` for a text that may span lines, at `indent` spaces.
pub fn text_entry(key: &str, text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match text.contains('\n') {
        true => match block_literal(text, indent) {
            Some(block) => format!("{pad}{key}: {block}"),
            None => format!("{pad}{key}: {}\n", quoted(text)),
        },
        false => format!("{pad}{key}: {}\n", quoted(text)),
    }
}

/// `[a, b]` of words, each quoted where it must be.
pub fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| plain_or_quoted(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_plain_and_the_rest_is_quoted() {
        assert_eq!(plain_or_quoted("users"), "users");
        assert_eq!(plain_or_quoted("true"), "\"true\"");
        assert_eq!(plain_or_quoted("PG-13"), "\"PG-13\"");
        assert_eq!(plain_or_quoted("a \"b\""), "\"a \\\"b\\\"\"");
        assert_eq!(flow_type("text[]"), "\"text[]\"");
        assert_eq!(block_type("text[]?"), "text[]?");
        assert_eq!(block_type("numeric(10,2)"), "numeric(10,2)");
    }

    #[test]
    fn code_becomes_a_block_literal_that_keeps_its_text() {
        assert_eq!(
            text_entry("body", "\nBEGIN\n  RETURN NEW;\nEND;\n", 4),
            "    body: |2\n\n      BEGIN\n        RETURN NEW;\n      END;\n"
        );
        assert_eq!(
            text_entry("sql", "SELECT 1\nFROM t", 2),
            "  sql: |-\n    SELECT 1\n    FROM t\n"
        );
        assert_eq!(text_entry("sql", "a \nb", 0), "sql: \"a \\nb\"\n");
    }
}
