//! Changes described for people: summaries, `schemac diff`, migration names.

use super::{Change, CommentTarget, Fill, TableRef};

/// A short description of each change, for summaries and migration names.
pub fn describe(change: &Change) -> (String, String) {
    let t = |r: &TableRef| r.name.clone();
    match change {
        Change::CreateExtension(e) => ("add".into(), format!("extension {e}")),
        Change::DropExtension(e) => ("drop".into(), format!("extension {e}")),
        Change::CreateSchema(s) => ("add".into(), format!("schema {s}")),
        Change::DropSchema(s) => ("drop".into(), format!("schema {s}")),
        Change::CreateEnum(e) => ("add".into(), format!("enum {}", e.sql_name)),
        Change::DropEnum { sql_name, .. } => ("drop".into(), format!("enum {sql_name}")),
        Change::RenameEnum { from, to, .. } => ("rename".into(), format!("enum {from} to {to}")),
        Change::MoveEnum { sql_name, to, .. } => {
            ("move".into(), format!("enum {sql_name} to {to}"))
        }
        Change::AddEnumValue {
            sql_name, value, ..
        } => ("add".into(), format!("value {value:?} to enum {sql_name}")),
        Change::RenameEnumValue {
            sql_name, from, to, ..
        } => (
            "rename".into(),
            format!("value {from:?} of enum {sql_name} to {to:?}"),
        ),
        Change::RecreateEnum { new, removed, .. } => (
            "rebuild".into(),
            if removed.is_empty() {
                format!("enum {} (values reordered)", new.sql_name)
            } else {
                format!("enum {} without {}", new.sql_name, removed.join(", "))
            },
        ),
        Change::CreateTable { table, .. } => ("add".into(), format!("table {}", table.name)),
        Change::DropTable(r) => ("drop".into(), format!("table {}", t(r))),
        Change::RenameTable { table, to } => {
            ("rename".into(), format!("table {} to {to}", t(table)))
        }
        Change::MoveTable { table, to_schema } => (
            "move".into(),
            format!("table {} to schema {to_schema}", t(table)),
        ),
        Change::AddColumn {
            table,
            column,
            fill,
            ..
        } => (
            "add".into(),
            match fill {
                Some(Fill::Backfill { value, .. }) => {
                    format!(
                        "column {}.{column}, rows there backfilled with {value}",
                        t(table)
                    )
                }
                Some(Fill::Placeholder(value)) => {
                    format!("column {}.{column}, rows there holding {value}", t(table))
                }
                None => format!("column {}.{column}", t(table)),
            },
        ),
        Change::DropColumn { table, column } => {
            ("drop".into(), format!("column {}.{column}", t(table)))
        }
        Change::RenameColumn { table, from, to } => (
            "rename".into(),
            format!("column {}.{from} to {to}", t(table)),
        ),
        Change::AlterColumnType {
            table,
            column,
            to_sql,
            backfill,
            ..
        } => (
            "alter".into(),
            match backfill {
                Some(value) => format!(
                    "column {}.{column} type to {to_sql}, NULLs backfilled with {value}",
                    t(table)
                ),
                None => format!("column {}.{column} type to {to_sql}", t(table)),
            },
        ),
        Change::Backfill {
            table,
            column,
            value,
        } => (
            "backfill".into(),
            format!("column {}.{column} with {value}", t(table)),
        ),
        Change::SetNotNull { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} set not null", t(table)),
        ),
        Change::DropNotNull { table, column } => (
            "alter".into(),
            format!("column {}.{column} drop not null", t(table)),
        ),
        Change::SetDefault { table, column, sql } => (
            "alter".into(),
            format!("column {}.{column} default {sql}", t(table)),
        ),
        Change::DropDefault { table, column } => (
            "alter".into(),
            format!("column {}.{column} drop default", t(table)),
        ),
        Change::AddIdentity { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} add identity", t(table)),
        ),
        Change::SetIdentity { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} identity kind", t(table)),
        ),
        Change::DropIdentity { table, column } => (
            "alter".into(),
            format!("column {}.{column} drop identity", t(table)),
        ),
        Change::DropExpression { table, column } => (
            "alter".into(),
            format!("column {}.{column} no longer generated", t(table)),
        ),
        Change::AddSerial { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} becomes serial", t(table)),
        ),
        Change::DropSerial { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} no longer serial", t(table)),
        ),
        Change::RenameSequence { from, to, .. } => {
            ("rename".into(), format!("sequence {from} to {to}"))
        }
        Change::RenameObject { rename, .. } => (
            "rename".into(),
            format!("{} {} to {}", rename.kind.word(), rename.from, rename.name),
        ),
        Change::AddPrimaryKey { table, pk, .. } => (
            "add".into(),
            format!("primary key {} on {}", pk.name, t(table)),
        ),
        Change::AddUnique { table, unique, .. } => (
            "add".into(),
            format!("unique {} on {}", unique.name, t(table)),
        ),
        Change::AddCheck { table, check, .. } => (
            "add".into(),
            format!("check {} on {}", check.name, t(table)),
        ),
        Change::ValidateConstraint { table, name } => (
            "validate".into(),
            format!("constraint {name} on {}", t(table)),
        ),
        Change::AddForeignKey { table, fk, .. } => (
            "add".into(),
            format!("foreign key {} on {}", fk.name, t(table)),
        ),
        Change::DropConstraint { table, name } => {
            ("drop".into(), format!("constraint {name} on {}", t(table)))
        }
        Change::RenameConstraint { table, from, to } => (
            "rename".into(),
            format!("constraint {from} on {} to {to}", t(table)),
        ),
        Change::CreateIndex { index, .. } => ("add".into(), format!("index {}", index.name)),
        Change::DropIndex { name, .. } => ("drop".into(), format!("index {name}")),
        Change::RenameIndex { from, to, .. } => ("rename".into(), format!("index {from} to {to}")),
        Change::Comment { target, text } => {
            let what = match target {
                CommentTarget::Table(r) => format!("table {}", t(r)),
                CommentTarget::Column(r, c) => format!("column {}.{c}", t(r)),
                CommentTarget::Type { name, .. } => format!("enum {name}"),
                CommentTarget::View { view, .. } => format!("view {}", t(view)),
                CommentTarget::Routine { kind, signature } => {
                    format!("{} {signature}", kind.to_lowercase())
                }
                CommentTarget::Sequence { name, .. } => format!("sequence {name}"),
                CommentTarget::Domain { name, .. } => format!("domain {name}"),
                CommentTarget::Trigger { table, name } => {
                    format!("trigger {name} on {}", t(table))
                }
            };
            (
                if text.is_some() {
                    "comment"
                } else {
                    "uncomment"
                }
                .into(),
                what,
            )
        }
        Change::CreateView {
            view,
            again,
            replace,
        } => (
            match (again, replace) {
                (true, _) => "recreate",
                (false, true) => "replace",
                (false, false) => "add",
            }
            .into(),
            format!("{} {}", view_word(view.materialized), view.name),
        ),
        Change::DropView {
            view,
            materialized,
            again,
        } => (
            if again.is_some() {
                "drop to recreate"
            } else {
                "drop"
            }
            .into(),
            format!("{} {}", view_word(*materialized), t(view)),
        ),
        Change::CreateFunction {
            function,
            replace,
            again,
        } => (
            match (replace, again) {
                (true, _) => "replace",
                (false, true) => "recreate",
                (false, false) => "add",
            }
            .into(),
            format!("function {}", function.name),
        ),
        Change::DropFunction { function, again } => (
            drop_verb(again).into(),
            format!("function {}", function.name),
        ),
        Change::CreateAggregate { aggregate, again } => (
            if *again { "recreate" } else { "add" }.into(),
            format!("aggregate {}", aggregate.name),
        ),
        Change::DropAggregate { aggregate, again } => (
            drop_verb(again).into(),
            format!("aggregate {}", aggregate.name),
        ),
        Change::CreateTrigger {
            table,
            trigger,
            again,
        } => (
            if *again { "recreate" } else { "add" }.into(),
            format!("trigger {} on {}", trigger.name, t(table)),
        ),
        Change::DropTrigger { table, name, again } => (
            drop_verb(again).into(),
            format!("trigger {name} on {}", t(table)),
        ),
        Change::CreateSequence(q) => ("add".into(), format!("sequence {}", q.name)),
        Change::AlterSequence { name, .. } => ("alter".into(), format!("sequence {name}")),
        Change::SetSequenceOwner { name, owner, .. } => (
            "alter".into(),
            match owner {
                Some(o) => format!("sequence {name} owned by {}.{}", o.table, o.column),
                None => format!("sequence {name} owned by none"),
            },
        ),
        Change::DropSequence { name, .. } => ("drop".into(), format!("sequence {name}")),
        Change::CreateDomain { domain, .. } => ("add".into(), format!("domain {}", domain.name)),
        Change::AlterDomain { name, .. } => ("alter".into(), format!("domain {name}")),
        Change::DropDomain { name, .. } => ("drop".into(), format!("domain {name}")),
        Change::AddExclusion { table, exclusion } => (
            "add".into(),
            format!("exclusion constraint {} on {}", exclusion.name, t(table)),
        ),
    }
}

fn drop_verb(again: &Option<String>) -> &'static str {
    if again.is_some() {
        "drop to recreate"
    } else {
        "drop"
    }
}

fn view_word(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}
