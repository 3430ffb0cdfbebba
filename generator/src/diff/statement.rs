//! The statements of a migration, and the joining of a table's neighbouring
//! `ALTER TABLE` actions into one statement.
//!
//! Each column change is its own action, but a table that gets several in a
//! row gets them in one `ALTER TABLE`: Postgres then checks and rewrites the
//! table once, whatever the number of type changes. Postgres runs the actions
//! of one statement in passes (drops, type changes, additions, constraints),
//! the same order the differ's phases give them, so joining never reorders
//! what a migration does.

use schemac_schema::sql::qualified;

use super::TableRef;

/// One statement of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    /// A whole statement.
    Sql(String),
    /// One action of an `ALTER TABLE` on `table` (already quoted), such as
    /// `ALTER COLUMN "a" DROP DEFAULT`.
    Alter {
        /// The table, quoted.
        table: String,
        /// The action.
        action: String,
    },
}

impl From<String> for Statement {
    fn from(sql: String) -> Statement {
        Statement::Sql(sql)
    }
}

impl Statement {
    /// The statement alone, without a trailing semicolon.
    pub fn sql(&self) -> String {
        match self {
            Statement::Sql(s) => s.clone(),
            Statement::Alter { table, action } => format!("ALTER TABLE {table} {action}"),
        }
    }
}

/// An action of an `ALTER TABLE` on `table`.
pub(super) fn alter(table: &TableRef, action: String) -> Statement {
    Statement::Alter {
        table: qualified(&table.schema, &table.name),
        action,
    }
}

/// `vec!` of statements from `String`s and `Statement`s alike.
macro_rules! stmts {
    ($($s:expr),* $(,)?) => {
        vec![$(Statement::from($s)),*]
    };
}
pub(super) use stmts;

/// The SQL of `statements`, with each run of actions on one table joined
/// into one `ALTER TABLE`, one action per line; each statement comes with
/// the tags of the statements that went into it.
pub fn render<T: Copy>(statements: &[(Statement, T)]) -> Vec<(String, Vec<T>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < statements.len() {
        let (Statement::Alter { table, .. }, _) = &statements[i] else {
            out.push((statements[i].0.sql(), vec![statements[i].1]));
            i += 1;
            continue;
        };
        let run: Vec<(&str, T)> = statements[i..]
            .iter()
            .map_while(|(s, tag)| match s {
                Statement::Alter { table: t, action } if t == table => {
                    Some((action.as_str(), *tag))
                }
                _ => None,
            })
            .collect();
        i += run.len();
        let tags: Vec<T> = run.iter().map(|(_, t)| *t).collect();
        let actions: Vec<&str> = run.iter().map(|(a, _)| *a).collect();
        let sql = if let [one] = actions.as_slice() {
            format!("ALTER TABLE {table} {one}")
        } else {
            format!("ALTER TABLE {table}\n  {}", actions.join(",\n  "))
        };
        out.push((sql, tags));
    }
    out
}
