//! Literal values (`default:`, `backfill:`) checked against the column type
//! and rendered as SQL.

use crate::diagnostic::Diagnostic;
use crate::model::{Enum, IdStorage, IdType};
use crate::sql;
use crate::types::{BaseType, ColumnType};
use crate::yaml::{Node, NodeKind, core_bool, is_null_text};

/// What a literal default is read against: the column's type and the schema's enums.
pub struct LiteralCtx<'a> {
    /// The enums.
    pub enums: &'a [Enum],
    /// The rich ID types.
    pub ids: &'a [IdType],
    /// "default" or "backfill", for messages.
    pub what: &'a str,
    /// The column.
    pub column: &'a str,
}

/// Renders `node` as an SQL literal of type `ty`, or explains why it does not fit.
pub fn render(
    node: &Node,
    ty: &ColumnType,
    ctx: &LiteralCtx<'_>,
) -> Result<String, Box<Diagnostic>> {
    let type_sql = sql::column_type(ty, ctx.enums, ctx.ids);
    let misfit = |found: &str, help: String| {
        Box::new(
            Diagnostic::error(format!(
                "{} {found} does not fit column `{}` of type {}",
                ctx.what,
                ctx.column,
                ty_word(ty)
            ))
            .at(node.span, "this value")
            .help(help),
        )
    };
    if node.is_null() {
        return Err(misfit(
            "`null`",
            format!(
                "NULL is already what a nullable column gets; remove `{}`",
                ctx.what
            ),
        ));
    }
    if ty.base.is_json() {
        let json = json_text(node);
        return Ok(format!("{}::{type_sql}", sql::string_literal(&json)));
    }
    if ty.array {
        let Some(items) = node.as_seq() else {
            return Err(misfit(
                &format!("`{}`", node_text(node)),
                "an array column takes a YAML list, e.g. `[]` or `[a, b]`".into(),
            ));
        };
        let mut elems = Vec::with_capacity(items.len());
        for item in items {
            let elem = scalar_value(item, &ty.base, ctx).map_err(|help| {
                Box::new(
                    Diagnostic::error(format!(
                        "{} element `{}` does not fit column `{}` of type {}",
                        ctx.what,
                        node_text(item),
                        ctx.column,
                        ty_word(ty)
                    ))
                    .at(item.span, "this element")
                    .help(help),
                )
            })?;
            elems.push(match elem {
                Value::Bare(s) => s,
                Value::Quoted(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
            });
        }
        let array = format!("{{{}}}", elems.join(","));
        return Ok(format!("{}::{type_sql}", sql::string_literal(&array)));
    }
    match scalar_value(node, &ty.base, ctx) {
        Ok(Value::Bare(s)) => Ok(s),
        Ok(Value::Quoted(s)) => Ok(sql::string_literal(&s)),
        Err(help) => Err(misfit(&format!("`{}`", node_text(node)), help)),
    }
}

fn ty_word(ty: &ColumnType) -> String {
    match &ty.base {
        BaseType::Enum(n) => format!("enum `{n}`{}", if ty.array { "[]" } else { "" }),
        BaseType::Id(n) => format!("ID `{n}`{}", if ty.array { "[]" } else { "" }),
        _ => format!("`{ty}`"),
    }
}

fn node_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar(s) => s.text.clone(),
        NodeKind::Seq(_) => "[...]".into(),
        NodeKind::Map(_) => "{...}".into(),
    }
}

enum Value {
    /// Written as is (numbers, booleans).
    Bare(String),
    /// Needs quoting as a string literal.
    Quoted(String),
}

/// One scalar checked against a base type; the error is the help text.
fn scalar_value(node: &Node, base: &BaseType, ctx: &LiteralCtx<'_>) -> Result<Value, String> {
    let Some(s) = node.as_scalar() else {
        return Err(format!(
            "a {} column takes a single value, not {}",
            base,
            node.describe()
        ));
    };
    if !s.quoted && is_null_text(&s.text) {
        return Err("array elements are never NULL".into());
    }
    let text = s.text.as_str();
    match base {
        BaseType::Boolean => {
            if !s.quoted {
                if let Some(b) = core_bool(text) {
                    return Ok(Value::Bare(b.to_string()));
                }
            }
            Err(match text.to_ascii_lowercase().as_str() {
                "yes" | "y" | "on" => "use `true` (in YAML 1.2 `yes` and `on` are strings)".into(),
                "no" | "n" | "off" => "use `false` (in YAML 1.2 `no` and `off` are strings)".into(),
                _ => "use `true` or `false`".into(),
            })
        }
        BaseType::SmallInt | BaseType::Integer | BaseType::BigInt => {
            let (lo, hi) = match base {
                BaseType::SmallInt => (i16::MIN as i64, i16::MAX as i64),
                BaseType::Integer => (i32::MIN as i64, i32::MAX as i64),
                _ => (i64::MIN, i64::MAX),
            };
            match text.parse::<i64>() {
                Ok(n) if s.quoted => Err(format!("write the number without quotes: `{n}`")),
                Ok(n) if (lo..=hi).contains(&n) => Ok(Value::Bare(n.to_string())),
                Ok(_) => Err(format!("the value is outside {base}'s range {lo}..={hi}")),
                Err(_) => Err("write a whole number, e.g. `0`".into()),
            }
        }
        BaseType::Serial | BaseType::BigSerial => {
            Err("serial columns take their values from a sequence; remove the default".into())
        }
        BaseType::Real | BaseType::Double => {
            if s.quoted {
                return Err(format!("write the number without quotes: `{text}`"));
            }
            match text {
                ".inf" | ".Inf" | ".INF" | "+.inf" => Ok(Value::Quoted("Infinity".into())),
                "-.inf" | "-.Inf" | "-.INF" => Ok(Value::Quoted("-Infinity".into())),
                ".nan" | ".NaN" | ".NAN" => Ok(Value::Quoted("NaN".into())),
                _ if is_decimal_number(text) => Ok(Value::Bare(text.to_string())),
                _ => Err("write a number, e.g. `0.5`".into()),
            }
        }
        BaseType::Numeric(params) => {
            if s.quoted {
                return Err(format!("write the number without quotes: `{text}`"));
            }
            if !is_decimal_number(text) || text.contains(['e', 'E']) {
                return Err("write a decimal number, e.g. `1.50`".into());
            }
            if let Some((p, scale)) = params {
                let scale = scale.unwrap_or(0);
                let digits = text.trim_start_matches(['+', '-']);
                let (int_part, frac) = digits.split_once('.').unwrap_or((digits, ""));
                let int_digits = int_part.trim_start_matches('0').len() as u32;
                if int_digits > p - scale {
                    return Err(format!(
                        "numeric({p},{scale}) holds at most {} digits before the decimal point",
                        p - scale
                    ));
                }
                if frac.len() as u32 > scale {
                    return Err(format!(
                        "numeric({p},{scale}) keeps {scale} decimal places; Postgres would round this value"
                    ));
                }
            }
            // The text is kept as written: `1.50` stays `1.50`.
            Ok(Value::Bare(text.to_string()))
        }
        BaseType::Text | BaseType::Varchar(_) | BaseType::Char(_) | BaseType::Citext => {
            let len = text.chars().count() as u32;
            match base {
                BaseType::Varchar(Some(n)) | BaseType::Char(n) if len > *n => Err(format!(
                    "the value has {len} characters; the column holds at most {n}"
                )),
                _ => Ok(Value::Quoted(text.to_string())),
            }
        }
        BaseType::Date | BaseType::Time(_) | BaseType::Timestamp(_) | BaseType::Timestamptz(_) => {
            temporal(text, base).map(Value::Quoted)
        }
        BaseType::Interval => {
            if text.trim().is_empty() {
                Err("write an interval, e.g. `1 day`".into())
            } else {
                Ok(Value::Quoted(text.to_string()))
            }
        }
        BaseType::Uuid => {
            if is_uuid(text) {
                Ok(Value::Quoted(text.to_ascii_lowercase()))
            } else {
                Err("write a UUID such as `00000000-0000-0000-0000-000000000000`, or use `default_sql: \"gen_random_uuid()\"` for a new one per row".into())
            }
        }
        BaseType::Inet => {
            let addr = text.split_once('/').map_or(text, |(a, _)| a);
            if addr.parse::<std::net::IpAddr>().is_ok() {
                Ok(Value::Quoted(text.to_string()))
            } else {
                Err("write an IP address such as `127.0.0.1` or `::1`".into())
            }
        }
        BaseType::Bytea => {
            let hex = text.strip_prefix("\\x").unwrap_or("");
            if !hex.is_empty() && hex.len() % 2 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit())
                || text == "\\x"
            {
                Ok(Value::Quoted(text.to_string()))
            } else {
                Err("write bytes in hex form, e.g. `\"\\\\x00ff\"`".into())
            }
        }
        BaseType::Json | BaseType::Jsonb => Ok(Value::Quoted(json_text(node))),
        BaseType::TsVector => Err(
            "a tsvector has no literal default here: use `default_sql` (`to_tsvector('english', '')`)".into(),
        ),
        BaseType::Enum(name) => {
            let Some(e) = ctx.enums.iter().find(|e| &e.name == name) else {
                return Err(format!("enum `{name}` is not defined"));
            };
            if e.values.iter().any(|v| v == text) {
                return Ok(Value::Quoted(text.to_string()));
            }
            if let Some((new, _)) = e.hints.value_renames.iter().find(|(_, old)| old == text) {
                return Err(format!("`{text}` was renamed to `{new}`"));
            }
            let values: Vec<&str> = e.values.iter().map(String::as_str).collect();
            Err(
                match crate::suggest::closest(text, values.iter().copied()) {
                    Some(c) => format!(
                        "did you mean `{c}`? values of `{name}`: {}",
                        crate::suggest::list(&values)
                    ),
                    None => format!("values of `{name}`: {}", crate::suggest::list(&values)),
                },
            )
        }
        BaseType::Id(name) => {
            let Some(id) = ctx.ids.iter().find(|i| &i.name == name) else {
                return Err(format!("ID type `{name}` is not defined"));
            };
            match id.storage {
                IdStorage::Uuid if is_uuid(text) => Ok(Value::Quoted(text.to_ascii_lowercase())),
                IdStorage::Uuid => Err(format!(
                    "`{name}` is stored as uuid: write the storage form, a UUID"
                )),
                IdStorage::Text => {
                    let head = format!("{}{}", id.prefix, id.separator);
                    if text.len() > head.len() && text.starts_with(&head) {
                        Ok(Value::Quoted(text.to_string()))
                    } else {
                        Err(format!("a `{name}` starts with `{head}`"))
                    }
                }
            }
        }
    }
}

fn temporal(text: &str, base: &BaseType) -> Result<String, String> {
    let lower = text.trim().to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "now"
            | "now()"
            | "today"
            | "tomorrow"
            | "yesterday"
            | "current_timestamp"
            | "current_date"
            | "current_time"
            | "localtimestamp"
    ) {
        let func = match base {
            BaseType::Date => "CURRENT_DATE",
            BaseType::Time(_) => "LOCALTIME",
            BaseType::Timestamp(_) => "LOCALTIMESTAMP",
            _ => "now()",
        };
        return Err(format!(
            "`{text}` as a literal would freeze the time the migration ran; use `default_sql: \"{func}\"`"
        ));
    }
    if lower == "infinity" || lower == "-infinity" {
        return if matches!(base, BaseType::Time(_)) {
            Err("time has no infinity".into())
        } else {
            Ok(lower)
        };
    }
    let ok = match base {
        BaseType::Date => is_date(text),
        BaseType::Time(_) => is_time(text),
        BaseType::Timestamp(_) => {
            split_datetime(text).is_some_and(|(d, t)| is_date(d) && is_time(t))
        }
        _ => {
            let Some((d, t)) = split_datetime(text) else {
                return Err(
                    "write a timestamp with its UTC offset, e.g. `2024-01-01T00:00:00Z`".into(),
                );
            };
            let (time, zone) = split_zone(t);
            if zone.is_none() && is_date(d) && is_time(time) {
                return Err(
                    "a timestamptz literal needs a UTC offset (`Z` or `+02:00`), or it depends on the server's TimeZone"
                        .into(),
                );
            }
            is_date(d) && is_time(time)
        }
    };
    if ok {
        Ok(text.to_string())
    } else {
        Err(match base {
            BaseType::Date => "write a date as `YYYY-MM-DD`".into(),
            BaseType::Time(_) => "write a time as `HH:MM:SS`".into(),
            _ => "write a timestamp as `YYYY-MM-DD HH:MM:SS`".into(),
        })
    }
}

fn split_datetime(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    if s.len() < 11 {
        return None;
    }
    let sep = s.as_bytes()[10];
    (sep == b'T' || sep == b' ').then(|| (&s[..10], &s[11..]))
}

fn split_zone(t: &str) -> (&str, Option<&str>) {
    if let Some(x) = t.strip_suffix('Z') {
        return (x, Some("Z"));
    }
    match t.rfind(['+', '-']) {
        Some(i) if i >= 5 => (&t[..i], Some(&t[i..])),
        _ => (t, None),
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

fn is_time(s: &str) -> bool {
    let (main, frac) = s.split_once('.').unwrap_or((s, "0"));
    let parts: Vec<&str> = main.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_digit()))
        && parts[0].parse::<u32>().unwrap_or(99) < 24
        && parts[1].parse::<u32>().unwrap_or(99) < 60
        && parts
            .get(2)
            .is_none_or(|p| p.parse::<u32>().unwrap_or(99) < 61)
        && !frac.is_empty()
        && frac.chars().all(|c| c.is_ascii_digit())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// A decimal number in the grammar JSON and Postgres both accept.
pub fn is_decimal_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
    (!int.is_empty() || !frac.is_empty())
        && digits(int)
        && digits(frac)
        && (mantissa.matches('.').count() <= 1)
        && exp.is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && digits(e)
        })
}

/// The node as JSON text, map keys in the order written, spaced as jsonb prints it.
pub fn json_text(node: &Node) -> String {
    let mut out = String::new();
    write_json(node, &mut out);
    out
}

fn write_json(node: &Node, out: &mut String) {
    match &node.kind {
        NodeKind::Scalar(s) => {
            if !s.quoted {
                if is_null_text(&s.text) {
                    out.push_str("null");
                    return;
                }
                if let Some(b) = core_bool(&s.text) {
                    out.push_str(if b { "true" } else { "false" });
                    return;
                }
                if is_json_number(&s.text) {
                    out.push_str(&s.text);
                    return;
                }
            }
            write_json_string(&s.text, out);
        }
        NodeKind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(item, out);
            }
            out.push(']');
        }
        NodeKind::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let key = k.as_scalar().map(|s| s.text.as_str()).unwrap_or_default();
                write_json_string(key, out);
                out.push_str(": ");
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

fn is_json_number(s: &str) -> bool {
    if !is_decimal_number(s) || s.starts_with('+') {
        return false;
    }
    // JSON also forbids leading zeros and a bare leading or trailing point.
    let body = s.strip_prefix('-').unwrap_or(s);
    let mantissa = body.split(['e', 'E']).next().unwrap_or(body);
    let (int, frac) = mantissa
        .split_once('.')
        .map_or((mantissa, None), |(i, f)| (i, Some(f)));
    let leading_zero = int.len() > 1 && int.starts_with('0');
    !int.is_empty() && !leading_zero && frac.is_none_or(|f| !f.is_empty())
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
