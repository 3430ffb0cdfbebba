//! Functions, aggregates and triggers: code the database runs, kept as the
//! schema writes it.

use serde::{Deserialize, Serialize};

use super::is_false;

/// A function (`functions:`): its signature, language and body, kept as
/// written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// Its pg_schema.
    pub pg_schema: String,
    /// Its name.
    pub name: String,
    /// Its parameters as SQL writes them (`p_id integer`, `OUT n int`,
    /// `text`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// What it returns (`integer`, `SETOF public.customer`, `trigger`,
    /// `TABLE (id int, name text)`).
    pub returns: String,
    /// Its language (`sql`, `plpgsql`, ...).
    pub language: String,
    /// Its body, as written.
    pub body: String,
    /// How its result may change between calls with the same arguments.
    #[serde(default, skip_serializing_if = "Volatility::is_volatile")]
    pub volatility: Volatility,
    /// `STRICT`: NULL, without being called, when an argument is NULL.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// `SECURITY DEFINER`: it runs with its owner's rights.
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_definer: bool,
    /// `SET search_path`, for the names its body leaves unqualified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// What it needs to exist first, `pg_schema.name`, sorted: the tables
    /// and views its signature names (their row types), and the tables,
    /// views and functions a `sql` body names, which PostgreSQL checks when
    /// the function is created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// `rust: true`: the generated code has a typed function that calls it.
    /// The database knows nothing of it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rust: bool,
}

impl Function {
    /// `pg_schema.name`.
    pub fn key(&self) -> String {
        format!("{}.{}", self.pg_schema, self.name)
    }
}

/// `IMMUTABLE`, `STABLE` or `VOLATILE`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    /// The same result for the same arguments, always.
    Immutable,
    /// The same result within one statement.
    Stable,
    /// Anything may change between calls (PostgreSQL's default).
    #[default]
    Volatile,
}

impl Volatility {
    fn is_volatile(&self) -> bool {
        *self == Volatility::Volatile
    }

    /// The SQL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Volatility::Immutable => "IMMUTABLE",
            Volatility::Stable => "STABLE",
            Volatility::Volatile => "VOLATILE",
        }
    }
}

/// An aggregate (`aggregates:`): a state type and the function that folds
/// each row into it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    /// Its pg_schema.
    pub pg_schema: String,
    /// Its name.
    pub name: String,
    /// The types it aggregates, in order.
    pub args: Vec<String>,
    /// The state transition function, `pg_schema.name` when it is one of
    /// the schema's functions, else as written.
    pub sfunc: String,
    /// The state's type.
    pub stype: String,
    /// The function that turns the state into the result, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalfunc: Option<String>,
    /// The state's starting value, as text; NULL when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initcond: Option<String>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Aggregate {
    /// `pg_schema.name`.
    pub fn key(&self) -> String {
        format!("{}.{}", self.pg_schema, self.name)
    }
}

/// A trigger on a table (`triggers:`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Its name, unique on its table.
    pub name: String,
    /// Before, after, or instead of the event.
    pub timing: TriggerTiming,
    /// The events that fire it, in the order written.
    pub events: Vec<TriggerEvent>,
    /// `UPDATE OF` these columns only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_of: Vec<String>,
    /// `FOR EACH ROW` (or `FOR EACH STATEMENT`).
    pub for_each_row: bool,
    /// `WHEN (...)`: fires only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The function it runs, schema-qualified when it is one of the
    /// schema's (`public.last_updated`), else as written.
    pub function: String,
    /// The function's arguments, string literals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// When a trigger fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    /// `BEFORE`.
    Before,
    /// `AFTER`.
    After,
    /// `INSTEAD OF`.
    InsteadOf,
}

impl TriggerTiming {
    /// The SQL words.
    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        }
    }
}

/// What fires a trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `TRUNCATE`.
    Truncate,
}

impl TriggerEvent {
    /// The SQL word.
    pub fn sql(self) -> &'static str {
        match self {
            TriggerEvent::Insert => "INSERT",
            TriggerEvent::Update => "UPDATE",
            TriggerEvent::Delete => "DELETE",
            TriggerEvent::Truncate => "TRUNCATE",
        }
    }
}

/// The types of a function's input parameters, from their SQL: the mode
/// and the name left out, `OUT` parameters and defaults dropped.
pub fn input_types(args: &[String]) -> Vec<String> {
    args.iter()
        .filter_map(|a| {
            let a = strip_default(a);
            let mut words: Vec<&str> = a.split_whitespace().collect();
            let mode = words.first().map(|w| w.to_ascii_lowercase());
            match mode.as_deref() {
                Some("out") | Some("table") => return None,
                Some("in") | Some("inout") | Some("variadic") => {
                    words.remove(0);
                }
                _ => {}
            }
            // `name type` or `type`: a type of one word has none before it;
            // a type of several (`timestamp with time zone`) is told from a
            // name by the words PostgreSQL's types start with.
            if words.len() > 1 && !starts_type(&words) {
                words.remove(0);
            }
            Some(words.join(" "))
        })
        .collect()
}

/// The parameter without `DEFAULT ...` or `= ...`.
fn strip_default(arg: &str) -> &str {
    let lower = arg.to_ascii_lowercase();
    let cut = [" default ", "="]
        .iter()
        .filter_map(|k| lower.find(k))
        .min()
        .unwrap_or(arg.len());
    arg[..cut].trim()
}

/// Whether the words are a type alone (`double precision`, `character
/// varying(20)`, `timestamp with time zone`), not a name and a type.
fn starts_type(words: &[&str]) -> bool {
    let first = words[0].to_ascii_lowercase();
    let second = words.get(1).map(|w| w.to_ascii_lowercase());
    matches!(
        (first.as_str(), second.as_deref()),
        ("double", Some("precision"))
            | ("character", _)
            | ("bit", Some(_))
            | ("timestamp", Some(_))
            | ("time", Some(_))
            | ("interval", Some(_))
            | ("national", _)
    ) && !second.is_some_and(|s| s.starts_with('('))
        || (first.starts_with("timestamp(") || first.starts_with("time("))
}

#[cfg(test)]
mod tests {
    use super::input_types;

    #[test]
    fn input_types_leave_out_names_modes_and_defaults() {
        let args: Vec<String> = [
            "p_film_id integer",
            "OUT p_film_count integer",
            "timestamp with time zone",
            "text",
            "IN n int DEFAULT 3",
            "VARIADIC xs text[]",
            "d double precision",
            "double precision",
            "at timestamp with time zone = now()",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            input_types(&args),
            [
                "integer",
                "timestamp with time zone",
                "text",
                "int",
                "text[]",
                "double precision",
                "double precision",
                "timestamp with time zone"
            ]
        );
    }
}
