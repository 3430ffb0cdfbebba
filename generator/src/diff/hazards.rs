//! Hazards: what a change does to a table that holds rows and serves traffic.
//!
//! Every change is classified once the diff is complete, when it is known
//! which tables exist before the migration (a table created by the same
//! migration is empty and unseen, so nothing on it is a hazard). Each hazard
//! names a stable rule, which `-- hazard:` comments in the SQL, `generate`,
//! `check` and `schemac lint` all use.

use schemac_schema::model::*;

use super::hazard_rules::{Hazard, HazardPlace, Rule};
use super::types;
use super::{Change, Differ, Fill, IndexBuild, LossPlace, TableRef};

fn table_place(t: &TableRef) -> Option<HazardPlace> {
    Some(HazardPlace::Table {
        schema: t.schema.clone(),
        table: t.name.clone(),
    })
}

fn column_place(t: &TableRef, column: &str) -> Option<HazardPlace> {
    Some(HazardPlace::Column {
        schema: t.schema.clone(),
        table: t.name.clone(),
        column: column.to_string(),
    })
}

impl<'a> Differ<'a> {
    /// The hazards of one change of this diff.
    pub(super) fn hazards_of(&self, change: &Change) -> Vec<Hazard> {
        let mut out = Vec::new();
        // A rebuilt enum rewrites its tables at the end (the re-casts); a
        // backfilled new column is filled by its second statement.
        let statement = match change {
            Change::RecreateEnum { .. } => usize::MAX,
            Change::AddColumn {
                fill: Some(Fill::Backfill { .. }),
                ..
            } => 1,
            Change::CreateExtension(_)
            | Change::DropExtension(_)
            | Change::CreateSchema(_)
            | Change::DropSchema(_)
            | Change::CreateEnum(_)
            | Change::DropEnum { .. }
            | Change::RenameEnum { .. }
            | Change::MoveEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::CreateTable { .. }
            | Change::DropTable(_)
            | Change::RenameTable { .. }
            | Change::MoveTable { .. }
            | Change::AddColumn { .. }
            | Change::DropColumn { .. }
            | Change::RenameColumn { .. }
            | Change::AlterColumnType { .. }
            | Change::Backfill { .. }
            | Change::SetNotNull { .. }
            | Change::DropNotNull { .. }
            | Change::SetDefault { .. }
            | Change::DropDefault { .. }
            | Change::AddIdentity { .. }
            | Change::SetIdentity { .. }
            | Change::DropIdentity { .. }
            | Change::DropExpression { .. }
            | Change::AddSerial { .. }
            | Change::DropSerial { .. }
            | Change::RenameSequence { .. }
            | Change::RenameObject { .. }
            | Change::AddPrimaryKey { .. }
            | Change::AddUnique { .. }
            | Change::AddCheck { .. }
            | Change::AddForeignKey { .. }
            | Change::ValidateConstraint { .. }
            | Change::DropConstraint { .. }
            | Change::RenameConstraint { .. }
            | Change::CreateIndex { .. }
            | Change::DropIndex { .. }
            | Change::RenameIndex { .. }
            | Change::Comment { .. }
            | Change::CreateView { .. }
            | Change::DropView { .. }
            | Change::CreateFunction { .. }
            | Change::DropFunction { .. }
            | Change::CreateAggregate { .. }
            | Change::DropAggregate { .. }
            | Change::CreateTrigger { .. }
            | Change::DropTrigger { .. }
            | Change::CreateSequence(_)
            | Change::AlterSequence { .. }
            | Change::SetSequenceOwner { .. }
            | Change::DropSequence { .. }
            | Change::CreateDomain { .. }
            | Change::AlterDomain { .. }
            | Change::DropDomain { .. }
            | Change::AddExclusion { .. } => 0,
        };
        let mut push = |rule: Rule, message: String, place: Option<HazardPlace>| {
            out.push(Hazard {
                rule,
                message,
                place,
                statement,
                query: None,
            })
        };
        if let Some(loss) = self.loss_of(change) {
            let place = match &loss.place {
                LossPlace::Column {
                    schema,
                    table,
                    column,
                }
                | LossPlace::DroppedColumn {
                    schema,
                    table,
                    column,
                } => Some(HazardPlace::Column {
                    schema: schema.clone(),
                    table: table.clone(),
                    column: column.clone(),
                }),
                LossPlace::DroppedTable { schema, table } => Some(HazardPlace::Table {
                    schema: schema.clone(),
                    table: table.clone(),
                }),
                LossPlace::Enum { name } => Some(HazardPlace::Enum { name: name.clone() }),
            };
            push(Rule::DataLoss, loss.what.clone(), place.clone());
            push(
                Rule::IrreversibleDown,
                "the down migration cannot bring back what this removes".into(),
                place,
            );
        }
        match change {
            Change::CreateIndex {
                table,
                index,
                build: IndexBuild::Plain,
            } if self.existed(table) => push(
                Rule::IndexWithoutConcurrently,
                format!(
                    "CREATE INDEX {} blocks writes to {} while it builds",
                    index.name, table.name
                ),
                table_place(table),
            ),
            Change::AddUnique {
                table,
                unique,
                using_index: false,
            } if self.existed(table) => push(
                Rule::ConstraintValidationUnderLock,
                format!(
                    "UNIQUE {} builds its index and checks every row of {} under an ACCESS EXCLUSIVE lock",
                    unique.name, table.name
                ),
                table_place(table),
            ),
            Change::AddPrimaryKey {
                table,
                pk,
                using_index: false,
            } if self.existed(table) => push(
                Rule::ConstraintValidationUnderLock,
                format!(
                    "PRIMARY KEY {} builds its index and checks every row of {} under an ACCESS EXCLUSIVE lock",
                    pk.name, table.name
                ),
                table_place(table),
            ),
            Change::AddCheck {
                table,
                check,
                not_valid: false,
            } if self.existed(table) => push(
                Rule::ConstraintValidationUnderLock,
                format!(
                    "CHECK {} is validated against every row of {} under an ACCESS EXCLUSIVE lock",
                    check.name, table.name
                ),
                table_place(table),
            ),
            Change::AddForeignKey {
                table,
                fk,
                not_valid: false,
            } if self.existed(table) => push(
                Rule::ConstraintValidationUnderLock,
                format!(
                    "FOREIGN KEY {} is validated against every row of {} while {} and {} are locked against writes",
                    fk.name, table.name, table.name, fk.ref_table
                ),
                table_place(table),
            ),
            Change::SetNotNull {
                table,
                column,
                via_check: None,
            } if self.existed(table) => push(
                Rule::SetNotNullScan,
                format!(
                    "SET NOT NULL on {}.{column} reads every row under an ACCESS EXCLUSIVE lock",
                    table.name
                ),
                column_place(table, column),
            ),
            Change::Backfill { table, column, .. } => push(
                Rule::FullTableUpdate,
                format!(
                    "the backfill of {}.{column} updates every row holding NULL in one transaction",
                    table.name
                ),
                column_place(table, column),
            ),
            Change::AlterColumnType {
                table,
                column,
                using,
                ..
            } if self.existed(table) && self.retype_rewrites(table, column, using) => push(
                Rule::TableRewrite,
                format!(
                    "changing the type of {}.{column} rewrites {} and its indexes under an ACCESS EXCLUSIVE lock",
                    table.name, table.name
                ),
                column_place(table, column),
            ),
            Change::RecreateEnum { new, usages, .. } => {
                let mut tables: Vec<&str> = usages.iter().map(|u| u.table.name.as_str()).collect();
                tables.dedup();
                if !tables.is_empty() {
                    push(
                        Rule::TableRewrite,
                        format!(
                            "rebuilding enum {} re-casts its columns, rewriting {} under an ACCESS EXCLUSIVE lock",
                            new.sql_name,
                            tables.join(", ")
                        ),
                        Some(HazardPlace::Enum {
                            name: new.name.clone(),
                        }),
                    );
                }
            }
            Change::AddColumn {
                table,
                column,
                fill,
                ..
            } if self.existed(table) => {
                if self.added_column_rewrites(table, column) {
                    push(
                        Rule::TableRewrite,
                        format!(
                            "adding {}.{column} computes a value for every row: {} is rewritten under an ACCESS EXCLUSIVE lock",
                            table.name, table.name
                        ),
                        column_place(table, column),
                    );
                }
                if let Some(Fill::Backfill { .. }) = fill {
                    push(
                        Rule::FullTableUpdate,
                        format!(
                            "the backfill of {}.{column} updates every row in one transaction",
                            table.name
                        ),
                        column_place(table, column),
                    );
                }
            }
            Change::DropIndex {
                table,
                name,
                concurrently,
            } if self.existed(table) => {
                if !concurrently {
                    push(
                        Rule::IndexWithoutConcurrently,
                        format!(
                            "DROP INDEX {name} takes an ACCESS EXCLUSIVE lock on {} while it drops it",
                            table.name
                        ),
                        table_place(table),
                    );
                }
                if !self.index_survives(table, name) {
                    push(
                        Rule::IndexDropped,
                        format!(
                            "dropping index {name} of {}: queries that used it read more rows",
                            table.name
                        ),
                        table_place(table),
                    );
                }
            }
            Change::CreateView { view, .. } if view.materialized => {
                // The tables it reads that hold rows already.
                let filled: Vec<&str> = view
                    .depends_on
                    .iter()
                    .filter_map(|d| {
                        let (schema, name) = d.split_once('.')?;
                        let t = TableRef {
                            schema: schema.to_owned(),
                            name: name.to_owned(),
                        };
                        self.existed(&t).then_some(name)
                    })
                    .collect();
                if !filled.is_empty() {
                    push(
                        Rule::MaterializedViewComputed,
                        format!(
                            "creating materialized view {} runs its query over the rows of {} in the migration's transaction",
                            view.name,
                            filled.join(", ")
                        ),
                        None,
                    );
                }
            }
            Change::AlterDomain { name, statements }
                if statements
                    .iter()
                    .any(|s| s.contains(" ADD CONSTRAINT ") || s.ends_with(" SET NOT NULL")) =>
            {
                push(
                    Rule::ConstraintValidationUnderLock,
                    format!(
                        "a constraint added to domain {name} is checked against every value of the columns of it while their tables are locked"
                    ),
                    None,
                )
            }
            Change::AddExclusion { table, exclusion } if self.existed(table) => push(
                Rule::ConstraintValidationUnderLock,
                format!(
                    "adding exclusion constraint {} builds its index and checks every row of {} while the table is locked (it cannot be added NOT VALID)",
                    exclusion.name, table.name
                ),
                table_place(table),
            ),
            Change::DropConstraint { table, name } if self.existed(table) => {
                if let Some(kind) = self.key_kind(table, name) {
                    if !self.index_survives(table, name) {
                        push(
                            Rule::IndexDropped,
                            format!(
                                "dropping {kind} {name} of {} drops its index: queries that used it read more rows",
                                table.name
                            ),
                            table_place(table),
                        );
                    }
                }
            }
            Change::CreateExtension(_)
            | Change::DropExtension(_)
            | Change::CreateSchema(_)
            | Change::DropSchema(_)
            | Change::CreateEnum(_)
            | Change::DropEnum { .. }
            | Change::RenameEnum { .. }
            | Change::MoveEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::CreateTable { .. }
            | Change::DropTable(_)
            | Change::RenameTable { .. }
            | Change::MoveTable { .. }
            | Change::AddColumn { .. }
            | Change::DropColumn { .. }
            | Change::RenameColumn { .. }
            | Change::AlterColumnType { .. }
            | Change::SetNotNull { .. }
            | Change::DropNotNull { .. }
            | Change::SetDefault { .. }
            | Change::DropDefault { .. }
            | Change::AddIdentity { .. }
            | Change::SetIdentity { .. }
            | Change::DropIdentity { .. }
            | Change::DropExpression { .. }
            | Change::AddSerial { .. }
            | Change::DropSerial { .. }
            | Change::RenameSequence { .. }
            | Change::RenameObject { .. }
            | Change::AddPrimaryKey { .. }
            | Change::AddUnique { .. }
            | Change::AddCheck { .. }
            | Change::AddForeignKey { .. }
            | Change::ValidateConstraint { .. }
            | Change::DropConstraint { .. }
            | Change::RenameConstraint { .. }
            | Change::CreateIndex { .. }
            | Change::DropIndex { .. }
            | Change::RenameIndex { .. }
            | Change::Comment { .. }
            | Change::CreateView { .. }
            | Change::DropView { .. }
            | Change::CreateFunction { .. }
            | Change::DropFunction { .. }
            | Change::CreateAggregate { .. }
            | Change::DropAggregate { .. }
            | Change::CreateTrigger { .. }
            | Change::DropTrigger { .. }
            | Change::CreateSequence(_)
            | Change::AlterSequence { .. }
            | Change::SetSequenceOwner { .. }
            | Change::DropSequence { .. }
            | Change::CreateDomain { .. }
            | Change::AlterDomain { .. }
            | Change::DropDomain { .. }
            | Change::AddExclusion { .. } => {}
        }
        if let Some((what, name)) = body_dependency(change) {
            for f in self.functions_naming(&name) {
                push(
                    Rule::FunctionBodyDependency,
                    format!(
                        "function {f} names {name} in its body, and this migration {what} it: PostgreSQL does not track what a body uses, so {f} fails when it next runs"
                    ),
                    None,
                );
            }
        }
        if let Some(check) = self.data_check(change) {
            let place = match change {
                Change::AlterColumnType { table, column, .. }
                | Change::SetNotNull { table, column, .. } => column_place(table, column),
                Change::CreateIndex { table, .. }
                | Change::AddUnique { table, .. }
                | Change::AddPrimaryKey { table, .. }
                | Change::AddCheck { table, .. }
                | Change::AddForeignKey { table, .. }
                | Change::ValidateConstraint { table, .. } => table_place(table),
                Change::CreateExtension(_)
                | Change::DropExtension(_)
                | Change::CreateSchema(_)
                | Change::DropSchema(_)
                | Change::CreateEnum(_)
                | Change::DropEnum { .. }
                | Change::RenameEnum { .. }
                | Change::MoveEnum { .. }
                | Change::AddEnumValue { .. }
                | Change::RenameEnumValue { .. }
                | Change::RecreateEnum { .. }
                | Change::CreateTable { .. }
                | Change::DropTable(_)
                | Change::RenameTable { .. }
                | Change::MoveTable { .. }
                | Change::AddColumn { .. }
                | Change::DropColumn { .. }
                | Change::RenameColumn { .. }
                | Change::Backfill { .. }
                | Change::DropNotNull { .. }
                | Change::SetDefault { .. }
                | Change::DropDefault { .. }
                | Change::AddIdentity { .. }
                | Change::SetIdentity { .. }
                | Change::DropIdentity { .. }
                | Change::DropExpression { .. }
                | Change::AddSerial { .. }
                | Change::DropSerial { .. }
                | Change::RenameSequence { .. }
                | Change::RenameObject { .. }
                | Change::DropConstraint { .. }
                | Change::RenameConstraint { .. }
                | Change::DropIndex { .. }
                | Change::RenameIndex { .. }
                | Change::Comment { .. }
                | Change::CreateView { .. }
                | Change::DropView { .. }
                | Change::CreateFunction { .. }
                | Change::DropFunction { .. }
                | Change::CreateAggregate { .. }
                | Change::DropAggregate { .. }
                | Change::CreateTrigger { .. }
                | Change::DropTrigger { .. }
                | Change::CreateSequence(_)
                | Change::AlterSequence { .. }
                | Change::SetSequenceOwner { .. }
                | Change::DropSequence { .. }
                | Change::CreateDomain { .. }
                | Change::AlterDomain { .. }
                | Change::DropDomain { .. }
                | Change::AddExclusion { .. } => None,
            };
            out.push(Hazard {
                rule: Rule::DataDependent,
                message: check.message,
                place,
                statement,
                query: check.query,
            });
        }
        out
    }

    /// `unique constraint` or `primary key` when `name` is one of the old table's.
    fn key_kind(&self, table: &TableRef, name: &str) -> Option<&'static str> {
        let oi = self
            .new_table_index(&table.schema, &table.name)
            .and_then(|ni| self.old_index_of_new(ni))
            .or_else(|| self.old_table_index(&table.schema, &table.name))?;
        let ot = &self.old.tables[oi];
        if ot.primary_key.as_ref().is_some_and(|p| p.name == name) {
            Some("primary key")
        } else if ot.uniques.iter().any(|u| u.name == name) {
            Some("unique constraint")
        } else {
            None
        }
    }

    /// Whether the table has an index of this name again after the
    /// migration (a changed index is dropped and built again).
    fn index_survives(&self, table: &TableRef, name: &str) -> bool {
        let ni = self
            .new_table_index(&table.schema, &table.name)
            .or_else(|| {
                let oi = self.old_table_index(&table.schema, &table.name)?;
                self.new_index_of_old(oi)
            });
        ni.is_some_and(|ni| {
            let nt = &self.new.tables[ni];
            nt.indexes.iter().any(|i| i.name == name)
                || nt.uniques.iter().any(|u| u.name == name)
                || nt.primary_key.as_ref().is_some_and(|p| p.name == name)
        })
    }

    fn new_column(&self, table: &TableRef, column: &str) -> Option<(usize, &'a Column)> {
        let ni = self.new_table_index(&table.schema, &table.name)?;
        Some((ni, self.new.tables[ni].column(column)?))
    }

    /// Whether Postgres must rewrite the table to add this column: a
    /// stored generated column, an identity or serial (a sequence value per
    /// row), or a volatile default. A constant or stable default is stored
    /// once in the catalog instead.
    fn added_column_rewrites(&self, table: &TableRef, column: &str) -> bool {
        let Some((_, c)) = self.new_column(table, column) else {
            return false;
        };
        c.generated.is_some()
            || c.identity.is_some()
            || c.ty.base.is_serial()
            || c.default
                .as_ref()
                .is_some_and(|d| types::is_volatile(d.sql()))
    }

    /// Whether the type change of `table.column` rewrites the table: it
    /// does unless the conversion is binary-coercible and given as the
    /// plain cast (a `using` expression always makes Postgres rewrite).
    fn retype_rewrites(&self, table: &TableRef, column: &str, using: &str) -> bool {
        let Some((ni, nc)) = self.new_column(table, column) else {
            return true;
        };
        let Some(oi) = self.old_index_of_new(ni) else {
            return true;
        };
        let Some(oc) = self
            .column_source(oi, ni, column)
            .and_then(|n| self.old.tables[oi].column(&n))
        else {
            return true;
        };
        let old_ty = self.translate_type(&oc.ty);
        // A new collation alone keeps the values (the indexes are built again).
        if old_ty == nc.ty && using == schemac_schema::sql::ident(column) {
            return false;
        }
        let to_sql = schemac_schema::sql::column_type(
            &ColumnType {
                base: nc.ty.base.referencing(),
                array: nc.ty.array,
                domain: nc.ty.domain.clone(),
            },
            &self.new.enums,
            &self.new.ids,
        );
        let plain = using == types::default_using(column, &old_ty, &nc.ty, &to_sql);
        !(plain && types::binary_coercible(&old_ty, &nc.ty, self.old, self.new))
    }

    /// The functions of the new schema whose body names `name`.
    fn functions_naming(&self, name: &str) -> Vec<&str> {
        self.new
            .functions
            .iter()
            .filter(|f| schemac_schema::sql::identifiers(&f.body).contains(name))
            .map(|f| f.name.as_str())
            .collect()
    }
}

/// A name a function body may use that this change takes away: what the
/// change does to it, and the name.
fn body_dependency(change: &Change) -> Option<(&'static str, String)> {
    match change {
        Change::DropTable(t) => Some(("drops", t.name.clone())),
        Change::RenameTable { table, .. } => Some(("renames", table.name.clone())),
        Change::DropColumn { column, .. } => Some(("drops", column.clone())),
        Change::RenameColumn { from, .. } => Some(("renames", from.clone())),
        // A body that names it by its old name stops working.
        Change::RenameObject { rename, .. } => Some(("renames", rename.from.clone())),
        Change::CreateExtension(_)
        | Change::DropExtension(_)
        | Change::CreateSchema(_)
        | Change::DropSchema(_)
        | Change::CreateEnum(_)
        | Change::DropEnum { .. }
        | Change::RenameEnum { .. }
        | Change::MoveEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RenameEnumValue { .. }
        | Change::RecreateEnum { .. }
        | Change::CreateTable { .. }
        | Change::MoveTable { .. }
        | Change::AddColumn { .. }
        | Change::AlterColumnType { .. }
        | Change::Backfill { .. }
        | Change::SetNotNull { .. }
        | Change::DropNotNull { .. }
        | Change::SetDefault { .. }
        | Change::DropDefault { .. }
        | Change::AddIdentity { .. }
        | Change::SetIdentity { .. }
        | Change::DropIdentity { .. }
        | Change::DropExpression { .. }
        | Change::AddSerial { .. }
        | Change::DropSerial { .. }
        | Change::RenameSequence { .. }
        | Change::AddPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::AddCheck { .. }
        | Change::AddForeignKey { .. }
        | Change::ValidateConstraint { .. }
        | Change::DropConstraint { .. }
        | Change::RenameConstraint { .. }
        | Change::CreateIndex { .. }
        | Change::DropIndex { .. }
        | Change::RenameIndex { .. }
        | Change::Comment { .. }
        | Change::CreateView { .. }
        | Change::DropView { .. }
        | Change::CreateFunction { .. }
        | Change::DropFunction { .. }
        | Change::CreateAggregate { .. }
        | Change::DropAggregate { .. }
        | Change::CreateTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::CreateSequence(_)
        | Change::AlterSequence { .. }
        | Change::SetSequenceOwner { .. }
        | Change::DropSequence { .. }
        | Change::CreateDomain { .. }
        | Change::AlterDomain { .. }
        | Change::DropDomain { .. }
        | Change::AddExclusion { .. } => None,
    }
}
