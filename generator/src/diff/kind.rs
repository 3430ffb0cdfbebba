//! What kind of change a `Change` is, and which table it touches.
//!
//! Every classification of changes (descriptions, `schemac diff`'s marks,
//! migration names, the round trip's coverage) goes through here, by
//! exhaustive matches: a new change kind is a compile error until each of
//! them says what it is.

use super::{Change, CommentTarget, TableRef};

/// What a change does to the object it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Creates it.
    Create,
    /// Drops it.
    Drop,
    /// Renames it.
    Rename,
    /// Changes it in place.
    Alter,
}

macro_rules! change_kinds {
    ($($kind:ident),* $(,)?) => {
        /// The variant of a [`Change`], without its data.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ChangeKind {
            $(
                #[doc = concat!("A [`Change::", stringify!($kind), "`].")]
                $kind
            ),*
        }

        impl ChangeKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$kind),*];

            /// The variant's name, e.g. `AlterColumnType`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ChangeKind::$kind => stringify!($kind)),*
                }
            }
        }
    };
}

change_kinds!(
    CreateExtension,
    DropExtension,
    CreateSchema,
    DropSchema,
    CreateEnum,
    DropEnum,
    RenameEnum,
    MoveEnum,
    AddEnumValue,
    RenameEnumValue,
    RecreateEnum,
    CreateTable,
    DropTable,
    RenameTable,
    MoveTable,
    AddColumn,
    DropColumn,
    RenameColumn,
    AlterColumnType,
    Backfill,
    SetNotNull,
    DropNotNull,
    SetDefault,
    DropDefault,
    AddIdentity,
    SetIdentity,
    DropIdentity,
    DropExpression,
    AddSerial,
    DropSerial,
    RenameSequence,
    AddPrimaryKey,
    AddUnique,
    AddCheck,
    AddForeignKey,
    ValidateConstraint,
    DropConstraint,
    RenameConstraint,
    CreateIndex,
    DropIndex,
    RenameIndex,
    Comment,
    CreateView,
    DropView,
    CreateFunction,
    ReplaceFunction,
    DropFunction,
    CreateAggregate,
    DropAggregate,
    CreateTrigger,
    DropTrigger,
    CreateSequence,
    AlterSequence,
    SetSequenceOwner,
    DropSequence,
    CreateDomain,
    AlterDomain,
    DropDomain,
    AddExclusion,
    RenameObject,
);

impl ChangeKind {
    /// Whether the change creates, drops, renames or alters what it names.
    pub fn effect(self) -> Effect {
        use ChangeKind::*;
        match self {
            CreateExtension | CreateSchema | CreateEnum | AddEnumValue | CreateTable
            | AddColumn | AddPrimaryKey | AddUnique | AddCheck | AddForeignKey | CreateIndex
            | CreateView | CreateFunction | CreateAggregate | CreateTrigger | CreateSequence
            | CreateDomain | AddExclusion => Effect::Create,
            DropExtension | DropSchema | DropEnum | DropTable | DropColumn | DropConstraint
            | DropIndex | DropView | DropFunction | DropAggregate | DropTrigger | DropSequence
            | DropDomain => Effect::Drop,
            RenameEnum | RenameEnumValue | RenameTable | RenameColumn | RenameSequence
            | RenameConstraint | RenameIndex | RenameObject => Effect::Rename,
            MoveEnum | RecreateEnum | MoveTable | AlterColumnType | Backfill | SetNotNull
            | DropNotNull | SetDefault | DropDefault | AddIdentity | SetIdentity | DropIdentity
            | DropExpression | AddSerial | DropSerial | ValidateConstraint | Comment
            | ReplaceFunction | AlterSequence | SetSequenceOwner | AlterDomain => Effect::Alter,
        }
    }

    /// A change that follows from another (the renames of keys, indexes and
    /// sequences that go with a table or column rename) or is incidental (a
    /// comment): it never names a migration.
    pub fn is_incidental(self) -> bool {
        use ChangeKind::*;
        match self {
            RenameConstraint | RenameIndex | RenameSequence | ValidateConstraint | Comment => true,
            CreateExtension | DropExtension | CreateSchema | DropSchema | CreateEnum | DropEnum
            | RenameEnum | MoveEnum | AddEnumValue | RenameEnumValue | RecreateEnum
            | RenameObject | CreateTable | DropTable | RenameTable | MoveTable | AddColumn
            | DropColumn | RenameColumn | AlterColumnType | Backfill | SetNotNull | DropNotNull
            | SetDefault | DropDefault | AddIdentity | SetIdentity | DropIdentity
            | DropExpression | AddSerial | DropSerial | AddPrimaryKey | AddUnique | AddCheck
            | AddForeignKey | DropConstraint | CreateIndex | DropIndex | CreateView | DropView
            | CreateFunction | ReplaceFunction | DropFunction | CreateAggregate | DropAggregate
            | CreateTrigger | DropTrigger | CreateSequence | AlterSequence | DropSequence
            | CreateDomain | AlterDomain | DropDomain | AddExclusion => false,
            SetSequenceOwner => true,
        }
    }
}

impl Change {
    /// A change that never names a migration: one of an incidental kind,
    /// or a view dropped and created again only because what it reads
    /// changes.
    pub fn is_incidental(&self) -> bool {
        match self {
            Change::CreateView { again, .. }
            | Change::CreateFunction { again, .. }
            | Change::CreateAggregate { again, .. }
            | Change::CreateTrigger { again, .. } => *again,
            Change::DropView { again, .. }
            | Change::DropFunction { again, .. }
            | Change::DropAggregate { again, .. }
            | Change::DropTrigger { again, .. } => again.is_some(),
            other => other.kind().is_incidental(),
        }
    }

    /// What kind of change it is.
    pub fn kind(&self) -> ChangeKind {
        match self {
            Change::CreateExtension(_) => ChangeKind::CreateExtension,
            Change::DropExtension(_) => ChangeKind::DropExtension,
            Change::CreateSchema(_) => ChangeKind::CreateSchema,
            Change::DropSchema(_) => ChangeKind::DropSchema,
            Change::CreateEnum(_) => ChangeKind::CreateEnum,
            Change::DropEnum { .. } => ChangeKind::DropEnum,
            Change::RenameEnum { .. } => ChangeKind::RenameEnum,
            Change::MoveEnum { .. } => ChangeKind::MoveEnum,
            Change::AddEnumValue { .. } => ChangeKind::AddEnumValue,
            Change::RenameEnumValue { .. } => ChangeKind::RenameEnumValue,
            Change::RecreateEnum { .. } => ChangeKind::RecreateEnum,
            Change::CreateTable { .. } => ChangeKind::CreateTable,
            Change::DropTable(_) => ChangeKind::DropTable,
            Change::RenameTable { .. } => ChangeKind::RenameTable,
            Change::MoveTable { .. } => ChangeKind::MoveTable,
            Change::AddColumn { .. } => ChangeKind::AddColumn,
            Change::DropColumn { .. } => ChangeKind::DropColumn,
            Change::RenameColumn { .. } => ChangeKind::RenameColumn,
            Change::AlterColumnType { .. } => ChangeKind::AlterColumnType,
            Change::Backfill { .. } => ChangeKind::Backfill,
            Change::SetNotNull { .. } => ChangeKind::SetNotNull,
            Change::DropNotNull { .. } => ChangeKind::DropNotNull,
            Change::SetDefault { .. } => ChangeKind::SetDefault,
            Change::DropDefault { .. } => ChangeKind::DropDefault,
            Change::AddIdentity { .. } => ChangeKind::AddIdentity,
            Change::SetIdentity { .. } => ChangeKind::SetIdentity,
            Change::DropIdentity { .. } => ChangeKind::DropIdentity,
            Change::DropExpression { .. } => ChangeKind::DropExpression,
            Change::AddSerial { .. } => ChangeKind::AddSerial,
            Change::DropSerial { .. } => ChangeKind::DropSerial,
            Change::RenameSequence { .. } => ChangeKind::RenameSequence,
            Change::RenameObject { .. } => ChangeKind::RenameObject,
            Change::AddPrimaryKey { .. } => ChangeKind::AddPrimaryKey,
            Change::AddUnique { .. } => ChangeKind::AddUnique,
            Change::AddCheck { .. } => ChangeKind::AddCheck,
            Change::AddForeignKey { .. } => ChangeKind::AddForeignKey,
            Change::ValidateConstraint { .. } => ChangeKind::ValidateConstraint,
            Change::DropConstraint { .. } => ChangeKind::DropConstraint,
            Change::RenameConstraint { .. } => ChangeKind::RenameConstraint,
            Change::CreateIndex { .. } => ChangeKind::CreateIndex,
            Change::DropIndex { .. } => ChangeKind::DropIndex,
            Change::RenameIndex { .. } => ChangeKind::RenameIndex,
            Change::Comment { .. } => ChangeKind::Comment,
            Change::CreateView { .. } => ChangeKind::CreateView,
            Change::DropView { .. } => ChangeKind::DropView,
            Change::CreateFunction { replace: false, .. } => ChangeKind::CreateFunction,
            Change::CreateFunction { replace: true, .. } => ChangeKind::ReplaceFunction,
            Change::DropFunction { .. } => ChangeKind::DropFunction,
            Change::CreateAggregate { .. } => ChangeKind::CreateAggregate,
            Change::DropAggregate { .. } => ChangeKind::DropAggregate,
            Change::CreateTrigger { .. } => ChangeKind::CreateTrigger,
            Change::DropTrigger { .. } => ChangeKind::DropTrigger,
            Change::CreateSequence(_) => ChangeKind::CreateSequence,
            Change::AlterSequence { .. } => ChangeKind::AlterSequence,
            Change::SetSequenceOwner { .. } => ChangeKind::SetSequenceOwner,
            Change::DropSequence { .. } => ChangeKind::DropSequence,
            Change::CreateDomain { .. } => ChangeKind::CreateDomain,
            Change::AlterDomain { .. } => ChangeKind::AlterDomain,
            Change::DropDomain { .. } => ChangeKind::DropDomain,
            Change::AddExclusion { .. } => ChangeKind::AddExclusion,
        }
    }

    /// The table the change touches, under its name once the change ran;
    /// `None` for changes to enums, schemas, extensions and named indexes
    /// or sequences on their own.
    pub fn table(&self) -> Option<TableRef> {
        match self {
            Change::CreateTable { table, .. } => Some(TableRef::of(table)),
            Change::DropTable(r) => Some(r.clone()),
            Change::RenameTable { table, to } => Some(TableRef {
                schema: table.schema.clone(),
                name: to.clone(),
            }),
            Change::MoveTable { table, to_schema } => Some(TableRef {
                schema: to_schema.clone(),
                name: table.name.clone(),
            }),
            Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterColumnType { table, .. }
            | Change::Backfill { table, .. }
            | Change::SetNotNull { table, .. }
            | Change::DropNotNull { table, .. }
            | Change::SetDefault { table, .. }
            | Change::DropDefault { table, .. }
            | Change::AddIdentity { table, .. }
            | Change::SetIdentity { table, .. }
            | Change::DropIdentity { table, .. }
            | Change::DropExpression { table, .. }
            | Change::AddSerial { table, .. }
            | Change::DropSerial { table, .. }
            | Change::AddPrimaryKey { table, .. }
            | Change::AddUnique { table, .. }
            | Change::AddCheck { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::ValidateConstraint { table, .. }
            | Change::DropConstraint { table, .. }
            | Change::RenameConstraint { table, .. }
            | Change::CreateIndex { table, .. }
            | Change::DropIndex { table, .. }
            | Change::CreateTrigger { table, .. }
            | Change::AddExclusion { table, .. }
            | Change::DropTrigger { table, .. }
            | Change::Comment {
                target:
                    CommentTarget::Table(table)
                    | CommentTarget::Column(table, _)
                    | CommentTarget::Trigger { table, .. },
                ..
            } => Some(table.clone()),
            Change::Comment {
                target:
                    CommentTarget::Type { .. }
                    | CommentTarget::View { .. }
                    | CommentTarget::Routine { .. }
                    | CommentTarget::Sequence { .. }
                    | CommentTarget::Domain { .. },
                ..
            }
            | Change::CreateDomain { .. }
            | Change::AlterDomain { .. }
            | Change::DropDomain { .. }
            | Change::CreateSequence(_)
            | Change::AlterSequence { .. }
            | Change::SetSequenceOwner { .. }
            | Change::DropSequence { .. }
            | Change::CreateView { .. }
            | Change::CreateFunction { .. }
            | Change::DropFunction { .. }
            | Change::CreateAggregate { .. }
            | Change::DropAggregate { .. }
            | Change::DropView { .. }
            | Change::CreateExtension(_)
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
            | Change::RenameSequence { .. }
            | Change::RenameObject { .. }
            | Change::RenameIndex { .. } => None,
        }
    }
}
