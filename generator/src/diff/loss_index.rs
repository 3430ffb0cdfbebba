//! Which loss a change causes: the data-loss guard's losses indexed by a
//! typed key of their place, and the key of a change, so that a change's
//! hazard carries the loss it causes.

use foldhash::{HashMap, HashMapExt};

use super::{Change, Differ, LossPlace};

impl Differ<'_> {
    /// The losses by the key of the change that causes each (the keys
    /// `loss_of` makes from a change).
    pub(super) fn index_losses(&mut self) {
        let mut index = HashMap::new();
        for (i, l) in self.losses.iter().enumerate() {
            let keys = match &l.place {
                LossPlace::DroppedTable { schema, table } => {
                    vec![LossKey::Table(schema.clone(), table.clone())]
                }
                // The drop names the table where it is after the diff.
                LossPlace::DroppedColumn {
                    schema,
                    table,
                    column,
                } => {
                    let mut k = vec![LossKey::DroppedColumn(
                        schema.clone(),
                        table.clone(),
                        column.clone(),
                    )];
                    if let Some((s, t)) = self.new_place_of(schema, table) {
                        k.push(LossKey::DroppedColumn(s, t, column.clone()));
                    }
                    k
                }
                LossPlace::Column {
                    schema,
                    table,
                    column,
                } => vec![LossKey::Column(
                    schema.clone(),
                    table.clone(),
                    column.clone(),
                )],
                LossPlace::Enum { name } => vec![LossKey::Enum(name.clone())],
            };
            for k in keys {
                index.entry(k).or_insert(i);
            }
        }
        self.loss_index = index;
    }

    /// The loss this change causes, if it is one the guard knows.
    pub(super) fn loss_of(&self, change: &Change) -> Option<&super::Loss> {
        let key = match change {
            Change::DropTable(r) => LossKey::Table(r.schema.clone(), r.name.clone()),
            Change::DropColumn { table, column } => {
                LossKey::DroppedColumn(table.schema.clone(), table.name.clone(), column.clone())
            }
            Change::AlterColumnType { table, column, .. }
            | Change::AddColumn { table, column, .. } => {
                LossKey::Column(table.schema.clone(), table.name.clone(), column.clone())
            }
            Change::RecreateEnum { new, .. } => LossKey::Enum(new.name.clone()),
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
            | Change::RenameTable { .. }
            | Change::MoveTable { .. }
            | Change::RenameColumn { .. }
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
            | Change::AddExclusion { .. } => return None,
        };
        self.loss_index.get(&key).map(|&i| &self.losses[i])
    }

    /// Where an old table is after this diff: its pg_schema and name.
    fn new_place_of(&self, schema: &str, table: &str) -> Option<(String, String)> {
        let oi = self.old_table_index(schema, table)?;
        let ni = self.new_index_of_old(oi)?;
        let t = &self.new.tables[ni];
        Some((t.pg_schema.clone(), t.name.clone()))
    }
}

/// What a loss and the change that causes it are matched by: the place,
/// typed, with its pg_schema (two same-named tables in two pg_schemas are
/// two places).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum LossKey {
    Table(String, String),
    DroppedColumn(String, String, String),
    /// A column still there whose values change for good.
    Column(String, String, String),
    Enum(String),
}
