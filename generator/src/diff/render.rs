//! The SQL each change becomes: a pure function of the change alone.

use schemac_schema::model::*;
use schemac_schema::sql::{ident, qualified, string_literal};

use super::statement::{Statement, alter, stmts};
use super::{
    Change, CommentTarget, EnumUsage, Fill, IndexBuild, ValuePosition, replacement_index_name,
    retired_name,
};
use crate::ddl::{self, create_index, create_index_concurrently, foreign_key_action, ident_list};

impl Change {
    /// The statements of this change; `ALTER TABLE` actions stay separate
    /// here and are joined with their neighbours when a migration is written.
    pub fn statements(&self) -> Vec<Statement> {
        match self {
            Change::CreateExtension(e) => {
                stmts![format!("CREATE EXTENSION IF NOT EXISTS {}", ident(e))]
            }
            Change::DropExtension(e) => stmts![format!("DROP EXTENSION IF EXISTS {}", ident(e))],
            Change::CreateSchema(s) => stmts![format!("CREATE SCHEMA IF NOT EXISTS {}", ident(s))],
            Change::DropSchema(s) => stmts![format!("DROP SCHEMA IF EXISTS {}", ident(s))],
            Change::CreateEnum(e) => stmts![crate::ddl::create_enum(e)],
            Change::DropEnum { schema, sql_name } => {
                stmts![format!("DROP TYPE {}", qualified(schema, sql_name))]
            }
            Change::RenameEnum { schema, from, to } => {
                stmts![format!(
                    "ALTER TYPE {} RENAME TO {}",
                    qualified(schema, from),
                    ident(to)
                )]
            }
            Change::MoveEnum { sql_name, from, to } => {
                stmts![format!(
                    "ALTER TYPE {} SET SCHEMA {}",
                    qualified(from, sql_name),
                    ident(to)
                )]
            }
            Change::AddEnumValue {
                schema,
                sql_name,
                value,
                position,
            } => {
                let mut s = format!(
                    "ALTER TYPE {} ADD VALUE {}",
                    qualified(schema, sql_name),
                    string_literal(value)
                );
                match position {
                    Some(ValuePosition::Before(v)) => {
                        s.push_str(&format!(" BEFORE {}", string_literal(v)))
                    }
                    Some(ValuePosition::After(v)) => {
                        s.push_str(&format!(" AFTER {}", string_literal(v)))
                    }
                    None => {}
                }
                stmts![s]
            }
            Change::RenameEnumValue {
                schema,
                sql_name,
                from,
                to,
            } => stmts![format!(
                "ALTER TYPE {} RENAME VALUE {} TO {}",
                qualified(schema, sql_name),
                string_literal(from),
                string_literal(to)
            )],
            Change::RecreateEnum {
                new, remap, usages, ..
            } => recreate_enum(new, remap, usages),
            Change::CreateTable { create_sql, .. } => stmts![create_sql.clone()],
            Change::DropTable(t) => stmts![format!("DROP TABLE {}", t.sql())],
            Change::RenameTable { table, to } => {
                stmts![format!(
                    "ALTER TABLE {} RENAME TO {}",
                    table.sql(),
                    ident(to)
                )]
            }
            Change::MoveTable { table, to_schema } => {
                stmts![format!(
                    "ALTER TABLE {} SET SCHEMA {}",
                    table.sql(),
                    ident(to_schema)
                )]
            }
            Change::AddColumn {
                table,
                column,
                definition,
                fill,
            } => match fill {
                None => stmts![alter(table, format!("ADD COLUMN {definition}"))],
                // Its own statement: in one ALTER TABLE the DROP DEFAULT would run before the ADD.
                Some(Fill::Placeholder(value)) => stmts![
                    alter(table, format!("ADD COLUMN {definition} DEFAULT {value}")),
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                        table.sql(),
                        ident(column)
                    ),
                ],
                Some(Fill::Backfill { relaxed, value }) => {
                    stmts![
                        alter(table, format!("ADD COLUMN {relaxed}")),
                        format!("UPDATE {} SET {} = {value}", table.sql(), ident(column)),
                        alter(
                            table,
                            format!("ALTER COLUMN {} SET NOT NULL", ident(column))
                        ),
                    ]
                }
            },
            Change::DropColumn { table, column } => {
                stmts![alter(table, format!("DROP COLUMN {}", ident(column)))]
            }
            Change::RenameColumn { table, from, to } => stmts![format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                table.sql(),
                ident(from),
                ident(to)
            )],
            Change::AlterColumnType {
                table,
                column,
                to_sql,
                using,
                backfill,
                sequence,
            } => {
                let using = match backfill {
                    Some(value) => format!("COALESCE({using}, {value})"),
                    None => using.clone(),
                };
                let mut v = stmts![alter(
                    table,
                    format!("ALTER COLUMN {} TYPE {to_sql} USING {using}", ident(column))
                )];
                if let Some((seq, ty)) = sequence {
                    v.push(Statement::Sql(format!(
                        "ALTER SEQUENCE {} AS {ty}",
                        qualified(&table.schema, seq)
                    )));
                }
                v
            }
            Change::Backfill {
                table,
                column,
                value,
            } => stmts![format!(
                "UPDATE {} SET {col} = {value} WHERE {col} IS NULL",
                table.sql(),
                col = ident(column)
            )],
            Change::SetNotNull {
                table,
                column,
                via_check: None,
            } => stmts![alter(
                table,
                format!("ALTER COLUMN {} SET NOT NULL", ident(column))
            )],
            // Postgres sees the validated check and skips the scan.
            Change::SetNotNull {
                table,
                column,
                via_check: Some(check),
            } => stmts![
                alter(
                    table,
                    format!("ALTER COLUMN {} SET NOT NULL", ident(column))
                ),
                format!(
                    "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                    table.sql(),
                    ident(check)
                ),
            ],
            Change::DropNotNull { table, column } => {
                stmts![alter(
                    table,
                    format!("ALTER COLUMN {} DROP NOT NULL", ident(column))
                )]
            }
            Change::SetDefault { table, column, sql } => stmts![alter(
                table,
                format!("ALTER COLUMN {} SET DEFAULT {sql}", ident(column))
            )],
            Change::DropDefault { table, column } => {
                stmts![alter(
                    table,
                    format!("ALTER COLUMN {} DROP DEFAULT", ident(column))
                )]
            }
            Change::AddIdentity {
                table,
                column,
                identity,
                options,
                start,
            } => stmts![
                alter(
                    table,
                    format!(
                        "ALTER COLUMN {} ADD {}{options}",
                        ident(column),
                        identity_sql(*identity)
                    )
                ),
                // Rows already there hold values the new sequence must not hand out
                // again: it goes on after the largest (written so that a column at
                // its type's maximum does not overflow the statement itself).
                format!(
                    "SELECT setval(pg_get_serial_sequence({}, {}), GREATEST(max({col}), {start}), COALESCE(max({col}) >= {start}, false)) FROM {}",
                    string_literal(&table.sql()),
                    string_literal(column),
                    table.sql(),
                    col = ident(column)
                ),
            ],
            Change::SetIdentity {
                table,
                column,
                identity,
                options,
            } => {
                let mut actions: Vec<String> = identity
                    .iter()
                    .map(|i| match i {
                        Identity::Always => "SET GENERATED ALWAYS".to_string(),
                        Identity::ByDefault => "SET GENERATED BY DEFAULT".to_string(),
                    })
                    .collect();
                actions.extend(options.iter().cloned());
                stmts![alter(
                    table,
                    format!("ALTER COLUMN {} {}", ident(column), actions.join(" "))
                )]
            }
            Change::DropIdentity { table, column } => {
                stmts![alter(
                    table,
                    format!("ALTER COLUMN {} DROP IDENTITY", ident(column))
                )]
            }
            Change::DropExpression { table, column } => {
                stmts![alter(
                    table,
                    format!("ALTER COLUMN {} DROP EXPRESSION", ident(column))
                )]
            }
            Change::AddSerial {
                table,
                column,
                sequence,
                big,
            } => {
                let seq = qualified(&table.schema, sequence);
                stmts![
                    format!(
                        "CREATE SEQUENCE {seq} AS {} OWNED BY {}.{}",
                        if *big { "bigint" } else { "integer" },
                        table.sql(),
                        ident(column)
                    ),
                    alter(
                        table,
                        format!(
                            "ALTER COLUMN {} SET DEFAULT nextval({}::regclass)",
                            ident(column),
                            string_literal(&seq)
                        )
                    ),
                    format!(
                        "SELECT setval({}, GREATEST(max({col}), 1), COALESCE(max({col}) >= 1, false)) FROM {}",
                        string_literal(&seq),
                        table.sql(),
                        col = ident(column)
                    ),
                ]
            }
            Change::DropSerial {
                table,
                column,
                sequence,
            } => stmts![
                alter(
                    table,
                    format!("ALTER COLUMN {} DROP DEFAULT", ident(column))
                ),
                format!("DROP SEQUENCE {}", qualified(&table.schema, sequence)),
            ],
            Change::RenameObject { rename, target } => {
                stmts![format!("ALTER {target} RENAME TO {}", ident(&rename.name))]
            }
            Change::RenameSequence { schema, from, to } => {
                stmts![format!(
                    "ALTER SEQUENCE {} RENAME TO {}",
                    qualified(schema, from),
                    ident(to)
                )]
            }
            Change::AddPrimaryKey {
                table,
                pk,
                using_index,
            } => stmts![alter(
                table,
                if *using_index {
                    format!(
                        "ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}",
                        ident(&pk.name),
                        ident(&pk.name)
                    )
                } else {
                    format!(
                        "ADD CONSTRAINT {} PRIMARY KEY ({})",
                        ident(&pk.name),
                        ident_list(&pk.columns)
                    )
                }
            )],
            Change::AddUnique {
                table,
                unique,
                using_index,
            } => stmts![alter(
                table,
                if *using_index {
                    format!(
                        "ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                        ident(&unique.name),
                        ident(&unique.name)
                    )
                } else {
                    format!(
                        "ADD CONSTRAINT {} UNIQUE {}({})",
                        ident(&unique.name),
                        crate::ddl::nulls_not_distinct(unique.nulls_not_distinct),
                        ident_list(&unique.columns)
                    )
                }
            )],
            Change::AddCheck {
                table,
                check,
                not_valid,
            } => stmts![alter(
                table,
                format!(
                    "ADD CONSTRAINT {} CHECK ({}){}",
                    ident(&check.name),
                    check.expr,
                    if *not_valid { " NOT VALID" } else { "" }
                )
            )],
            Change::AddForeignKey {
                table,
                fk,
                not_valid,
            } => {
                let mut action = foreign_key_action(fk);
                if *not_valid {
                    action.push_str(" NOT VALID");
                }
                stmts![alter(table, action)]
            }
            // Statements of their own: in one ALTER TABLE, Postgres would
            // drop a temporary check (a drop comes first) before validating it.
            Change::ValidateConstraint { table, name } => stmts![format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                table.sql(),
                ident(name)
            )],
            Change::DropConstraint { table, name } => {
                stmts![alter(table, format!("DROP CONSTRAINT {}", ident(name)))]
            }
            Change::RenameConstraint { table, from, to } => stmts![format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                table.sql(),
                ident(from),
                ident(to)
            )],
            Change::CreateIndex {
                table,
                index,
                build: IndexBuild::Plain,
            } => stmts![create_index(&table.schema, &table.name, index)],
            Change::CreateIndex {
                table,
                index,
                build: IndexBuild::Concurrent,
            } => stmts![create_index_concurrently(&table.schema, &table.name, index)],
            Change::CreateIndex {
                table,
                index,
                build: IndexBuild::ConcurrentReplace,
            } => {
                // Every step can run again: a failure half-way is retried from the top.
                let temporary = replacement_index_name(&index.name);
                let built = Index {
                    name: temporary.clone(),
                    ..index.clone()
                };
                stmts![
                    create_index_concurrently(&table.schema, &table.name, &built),
                    format!(
                        "DROP INDEX CONCURRENTLY IF EXISTS {}",
                        qualified(&table.schema, &index.name)
                    ),
                    format!(
                        "ALTER INDEX IF EXISTS {} RENAME TO {}",
                        qualified(&table.schema, &temporary),
                        ident(&index.name)
                    ),
                ]
            }
            Change::DropIndex {
                table,
                name,
                concurrently,
            } => {
                let how = if *concurrently {
                    "CONCURRENTLY IF EXISTS "
                } else {
                    ""
                };
                stmts![format!(
                    "DROP INDEX {how}{}",
                    qualified(&table.schema, name)
                )]
            }
            Change::RenameIndex { schema, from, to } => {
                stmts![format!(
                    "ALTER INDEX {} RENAME TO {}",
                    qualified(schema, from),
                    ident(to)
                )]
            }
            Change::Comment { target, text } => {
                let what = match target {
                    CommentTarget::Table(t) => format!("TABLE {}", t.sql()),
                    CommentTarget::Column(t, c) => format!("COLUMN {}.{}", t.sql(), ident(c)),
                    CommentTarget::Type { schema, name } => {
                        format!("TYPE {}", qualified(schema, name))
                    }
                    CommentTarget::View { view, materialized } => {
                        format!("{} {}", ddl::view_kind(*materialized), view.sql())
                    }
                    CommentTarget::Routine { kind, signature } => format!("{kind} {signature}"),
                    CommentTarget::Trigger { table, name } => {
                        format!("TRIGGER {} ON {}", ident(name), table.sql())
                    }
                    CommentTarget::Sequence { schema, name } => {
                        format!("SEQUENCE {}", qualified(schema, name))
                    }
                    CommentTarget::Domain { schema, name } => {
                        format!("DOMAIN {}", qualified(schema, name))
                    }
                };
                let value = text
                    .as_deref()
                    .map_or_else(|| "NULL".to_string(), string_literal);
                stmts![format!("COMMENT ON {what} IS {value}")]
            }
            Change::CreateView { view, replace, .. } => ddl::create_view(view, *replace)
                .into_iter()
                .map(Statement::Sql)
                .collect(),
            Change::DropView {
                view,
                materialized,
                again,
            } => {
                let drop = ddl::drop_view(&view.schema, &view.name, *materialized);
                dropped_to_come_back(&view.name, again, drop)
            }
            Change::CreateFunction {
                function, replace, ..
            } => ddl::create_function(function, *replace)
                .into_iter()
                .map(Statement::Sql)
                .collect(),
            Change::DropFunction { function, again } => {
                dropped_to_come_back(&function.name, again, ddl::drop_function(function))
            }
            Change::CreateAggregate { aggregate, .. } => ddl::create_aggregate(aggregate)
                .into_iter()
                .map(Statement::Sql)
                .collect(),
            Change::DropAggregate { aggregate, again } => {
                dropped_to_come_back(&aggregate.name, again, ddl::drop_aggregate(aggregate))
            }
            Change::CreateTrigger { table, trigger, .. } => {
                ddl::create_trigger(&table.schema, &table.name, trigger)
                    .into_iter()
                    .map(Statement::Sql)
                    .collect()
            }
            Change::CreateSequence(q) => ddl::create_sequence(q)
                .into_iter()
                .map(Statement::Sql)
                .collect(),
            Change::AlterSequence {
                schema,
                name,
                options,
            } => stmts![format!(
                "ALTER SEQUENCE {} {}",
                qualified(schema, name),
                options.join(" ")
            )],
            Change::SetSequenceOwner {
                schema,
                name,
                owner,
            } => stmts![ddl::set_sequence_owner(schema, name, owner.as_ref())],
            Change::DropSequence { schema, name } => stmts![ddl::drop_sequence(schema, name)],
            Change::AddExclusion { table, exclusion } => {
                stmts![alter(table, ddl::add_exclusion(exclusion))]
            }
            Change::CreateDomain { domain, base } => ddl::create_domain(domain, base)
                .into_iter()
                .map(Statement::Sql)
                .collect(),
            Change::AlterDomain { statements, .. } => {
                statements.iter().cloned().map(Statement::Sql).collect()
            }
            Change::DropDomain { schema, name } => {
                stmts![format!("DROP DOMAIN {}", qualified(schema, name))]
            }
            Change::DropTrigger { table, name, again } => dropped_to_come_back(
                name,
                again,
                ddl::drop_trigger(&table.schema, &table.name, name),
            ),
        }
    }
}

/// A drop, with the reason above it when the object comes back below: the
/// reader of the migration learns why something it did not touch goes.
fn dropped_to_come_back(name: &str, again: &Option<String>, drop: String) -> Vec<Statement> {
    match again {
        Some(why) => stmts![format!(
            "-- {name} is created again below: {}\n{drop}",
            schemac_schema::sql::comment_safe(why)
        )],
        None => stmts![drop],
    }
}

fn identity_sql(identity: Identity) -> &'static str {
    match identity {
        Identity::Always => "GENERATED ALWAYS AS IDENTITY",
        Identity::ByDefault => "GENERATED BY DEFAULT AS IDENTITY",
    }
}

/// Rebuilds an enum type under its name: the old type steps aside, the new
/// one is created and every column is re-cast (moving rows off removed
/// values). The old type is dropped later, once the tables and columns that
/// go in the same migration no longer use it.
fn recreate_enum(new: &Enum, remap: &[(String, String)], usages: &[EnumUsage]) -> Vec<Statement> {
    let ty = qualified(&new.pg_schema, &new.sql_name);
    let old_name = retired_name(&new.sql_name);
    let mut v = stmts![
        format!("ALTER TYPE {ty} RENAME TO {}", ident(&old_name)),
        crate::ddl::create_enum(new),
    ];
    for u in usages {
        let col = ident(&u.column);
        if u.had_default {
            v.push(alter(&u.table, format!("ALTER COLUMN {col} DROP DEFAULT")));
        }
        let using = if u.array {
            let mut e = format!("{col}::text[]");
            for (from, to) in remap {
                e = format!(
                    "array_replace({e}, {}, {})",
                    string_literal(from),
                    string_literal(to)
                );
            }
            format!("{e}::{ty}[]")
        } else if remap.is_empty() {
            format!("{col}::text::{ty}")
        } else {
            let whens: Vec<String> = remap
                .iter()
                .map(|(from, to)| {
                    format!("WHEN {} THEN {}", string_literal(from), string_literal(to))
                })
                .collect();
            format!(
                "(CASE {col}::text {} ELSE {col}::text END)::{ty}",
                whens.join(" ")
            )
        };
        v.push(alter(
            &u.table,
            format!(
                "ALTER COLUMN {col} TYPE {ty}{} USING {using}",
                if u.array { "[]" } else { "" }
            ),
        ));
        if let Some(d) = &u.default {
            v.push(alter(
                &u.table,
                format!("ALTER COLUMN {col} SET DEFAULT {d}"),
            ));
        }
    }
    v
}
