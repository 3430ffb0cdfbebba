//! The SQL a schema carries (checks, defaults, generated columns, index
//! keys and predicates, conversions, backfills, views' queries) checked as the migration
//! will hold it, so that an unbalanced quote or a stray parenthesis is an
//! error at its line in the YAML, not at `migrate`.
//!
//! The parser is the caller's: this crate stays free of C code so that a
//! build script can depend on it; the CLI passes PostgreSQL's own parser.

use crate::ast::{ColumnDef, FileAst, IndexDef, Sp};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Parses SQL text: the number of statements, or PostgreSQL's message.
pub type SqlParser = fn(&str) -> Result<usize, String>;

/// Where in a schema a piece of SQL stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlPlace {
    /// A `check:`.
    Check,
    /// A `default_sql`.
    Default,
    /// A `generated` expression.
    Generated,
    /// An index `expression`.
    IndexKey,
    /// An index `where`.
    IndexPredicate,
    /// A `using:` conversion.
    Conversion,
    /// A `backfill_sql`.
    Backfill,
    /// A trigger's `when`.
    TriggerWhen,
    /// A domain's check.
    DomainCheck,
    /// An exclusion constraint's element, `expression WITH operator`.
    ExclusionElement,
}

impl SqlPlace {
    /// A statement that holds the text where the migration holds it, so
    /// that text closing the statement early cannot parse.
    fn statement(self, sql: &str) -> String {
        match self {
            SqlPlace::Check => format!("CREATE TABLE t (c int, CHECK ({sql}))"),
            SqlPlace::Default => format!("CREATE TABLE t (c int DEFAULT {sql})"),
            SqlPlace::Generated => {
                format!("CREATE TABLE t (c int GENERATED ALWAYS AS ({sql}) STORED)")
            }
            SqlPlace::IndexKey => format!("CREATE INDEX i ON t (({sql}))"),
            SqlPlace::IndexPredicate => format!("CREATE INDEX i ON t (c) WHERE {sql}"),
            SqlPlace::Conversion => format!("ALTER TABLE t ALTER COLUMN c TYPE int USING {sql}"),
            SqlPlace::Backfill => format!("UPDATE t SET c = {sql}"),
            SqlPlace::DomainCheck => format!("CREATE DOMAIN d AS int CHECK ({sql})"),
            SqlPlace::ExclusionElement => format!("ALTER TABLE t ADD EXCLUDE USING gist ({sql})"),
            SqlPlace::TriggerWhen => format!(
                "CREATE TRIGGER g BEFORE UPDATE ON t FOR EACH ROW WHEN ({sql}) EXECUTE FUNCTION f()"
            ),
        }
    }

    fn what(self) -> &'static str {
        match self {
            SqlPlace::Check => "check",
            SqlPlace::Default => "`default_sql`",
            SqlPlace::Generated => "generated expression",
            SqlPlace::IndexKey => "index expression",
            SqlPlace::IndexPredicate => "index predicate (`where`)",
            SqlPlace::Conversion => "conversion (`using`)",
            SqlPlace::Backfill => "`backfill_sql`",
            SqlPlace::TriggerWhen => "trigger condition (`when`)",
            SqlPlace::DomainCheck => "domain check",
            SqlPlace::ExclusionElement => "exclusion element (`expression WITH operator`)",
        }
    }
}

/// Checks every piece of SQL in one file, an error at each that does not
/// parse as one expression.
pub fn check_file(file: &FileAst, parse: SqlParser, diagnostics: &mut Diagnostics) {
    let mut one = |place: SqlPlace, sql: &Sp<String>| {
        // Alone first, for a message about the text as written; then where
        // the migration puts it, and alone in parentheses: text that closes
        // its place and opens another (`1) STORED, x int … AS (1`) parses
        // in the one, not in the other.
        let text = &sql.value;
        let fault = [
            // Not `SELECT {text}`: a keyword at its end would be a label.
            format!("SELECT 1 WHERE {text}"),
            place.statement(text),
            format!("SELECT ({text})"),
        ]
        .iter()
        .find_map(|statement| match parse(statement) {
            Ok(1) => None,
            Ok(_) => Some("it ends the statement and starts another".to_owned()),
            Err(message) => Some(message),
        });
        let Some(message) = fault else { return };
        diagnostics.push(
            Diagnostic::error(format!(
                "this {} is not a valid SQL expression: {message}",
                place.what()
            ))
            .at(sql.span, "PostgreSQL's parser rejects this")
            .help("check quotes and parentheses; the text goes into the migration as written"),
        );
    };
    let mut columns_and_indexes = |columns: &[ColumnDef], indexes: &[IndexDef]| {
        for c in columns {
            let boxed = [
                (SqlPlace::Default, &c.default_sql),
                (SqlPlace::Generated, &c.generated),
                (SqlPlace::Check, &c.check),
                (SqlPlace::Conversion, &c.using),
                (SqlPlace::Conversion, &c.using_down),
                (SqlPlace::Backfill, &c.backfill_sql),
            ];
            for (place, sql) in boxed {
                if let Some(sql) = sql {
                    one(place, sql);
                }
            }
        }
        for i in indexes {
            if let Some(e) = &i.expression {
                one(SqlPlace::IndexKey, e);
            }
            if let Some(p) = &i.predicate {
                one(SqlPlace::IndexPredicate, p);
            }
        }
    };
    for m in &file.mixins {
        columns_and_indexes(&m.columns, &m.indexes);
    }
    for t in &file.tables {
        columns_and_indexes(&t.columns, &t.indexes);
    }
    for t in &file.tables {
        for x in &t.exclusions {
            if let Some(p) = &x.predicate {
                one(SqlPlace::IndexPredicate, p);
            }
        }
    }
    for d in &file.domains {
        for c in &d.checks {
            one(SqlPlace::DomainCheck, &c.expr);
        }
        if let Some(e) = &d.default {
            one(SqlPlace::Default, e);
        }
    }
    for w in file
        .tables
        .iter()
        .flat_map(|t| &t.triggers)
        .filter_map(|t| t.when.as_ref())
    {
        one(SqlPlace::TriggerWhen, w);
    }
    for check in file
        .mixins
        .iter()
        .flat_map(|m| &m.checks)
        .chain(file.tables.iter().flat_map(|t| &t.checks))
    {
        one(SqlPlace::Check, &check.expr);
    }
    for v in &file.views {
        // The query alone, then where the migration puts it: `SELECT 1; DROP
        // TABLE t` or text that closes the CREATE VIEW early is refused.
        let query = v.sql.value.trim_end().trim_end_matches(';');
        let fault = [query.to_owned(), format!("CREATE VIEW v AS {query}")]
            .iter()
            .find_map(|statement| match parse(statement) {
                Ok(1) => None,
                Ok(_) => Some("it holds more than one statement".to_owned()),
                Err(message) => Some(message),
            });
        if let Some(message) = fault {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the query of view `{}` is not one valid query: {message}",
                    v.name.value
                ))
                .at(v.sql.span, "PostgreSQL's parser rejects this")
                .help("a view is one SELECT (or VALUES, or a WITH ... SELECT), without a trailing `;`"),
            );
        }
    }
    for f in &file.functions {
        check_function(f, parse, diagnostics);
    }
    for a in &file.aggregates {
        let args: Vec<&str> = a.args.iter().map(|x| x.value.as_str()).collect();
        let statement = format!(
            "CREATE AGGREGATE a({}) (SFUNC = {}, STYPE = {})",
            args.join(", "),
            a.sfunc.value,
            a.stype.value
        );
        if let Err(message) | Ok(Err(message)) = parse(&statement).map(one_statement) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "aggregate `{}` is not a valid aggregate: {message}",
                    a.name.value
                ))
                .at(
                    a.name.span,
                    "PostgreSQL's parser rejects its arguments, `sfunc` or `stype`",
                )
                .help("`args` are types (`[text]`), `sfunc` a function's name, `stype` a type"),
            );
        }
    }
    // An exclusion element is no expression alone: only its place can tell.
    for e in file
        .tables
        .iter()
        .flat_map(|t| &t.exclusions)
        .flat_map(|x| &x.elements)
    {
        let statement = SqlPlace::ExclusionElement.statement(&e.value);
        if let Err(message) | Ok(Err(message)) = parse(&statement).map(one_statement) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "this {} is not valid SQL: {message}",
                    SqlPlace::ExclusionElement.what()
                ))
                .at(e.span, "PostgreSQL's parser rejects this")
                .help("write `expression WITH operator`, e.g. `room_id WITH =`"),
            );
        }
    }
}

fn one_statement(count: usize) -> Result<(), String> {
    match count {
        1 => Ok(()),
        _ => Err("it ends the statement and starts another".to_owned()),
    }
}

/// A function's signature as `CREATE FUNCTION` holds it, and a `sql`
/// body on its own: statements, one or more.
fn check_function(f: &crate::ast::FunctionDef, parse: SqlParser, diagnostics: &mut Diagnostics) {
    let args: Vec<&str> = f.args.iter().map(|a| a.value.as_str()).collect();
    let statement = format!(
        "CREATE FUNCTION f({}) RETURNS {} LANGUAGE {} AS {}",
        args.join(", "),
        f.returns.value,
        f.language.value,
        crate::sql::dollar_quoted(&f.body.value)
    );
    if let Err(message) | Ok(Err(message)) = parse(&statement).map(one_statement) {
        let at = f.args.first().map_or(f.returns.span, |a| a.span);
        diagnostics.push(
            Diagnostic::error(format!(
                "the signature of function `{}` is not valid SQL: {message}",
                f.name.value
            ))
            .at(at, "PostgreSQL's parser rejects its parameters or what it returns")
            .also(f.returns.span, "returns")
            .help("write each parameter as SQL does (`p_id integer`, `OUT total numeric`, `text`), and `returns:` as a type (`SETOF orders`, `TABLE (id int)`, `trigger`)"),
        );
        return;
    }
    if f.language.value.eq_ignore_ascii_case("sql") {
        if let Err(message) = parse(&f.body.value) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the body of function `{}` is not valid SQL: {message}",
                    f.name.value
                ))
                .at(f.body.span, "PostgreSQL's parser rejects this")
                .help("a `language: sql` body is one or more SQL statements"),
            );
        }
    }
}
