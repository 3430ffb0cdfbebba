//! Columns of a matched table: added, rebuilt when generated, and altered in place.

use foldhash::HashSet;

use schemac_schema::model::*;
use schemac_schema::naming::sequence_name;
use schemac_schema::sql::column_type;

use super::constraints::mentions_word;
use super::phase::Phase;
use super::types;
use super::{Change, CommentTarget, Differ, Fill, Loss, LossPlace, TableRef, norm};
use crate::ddl;

impl<'a> Differ<'a> {
    pub(super) fn add_column(&mut self, nt: &Table, nc: &Column, tref: &TableRef) {
        let key = (nt.pg_schema.clone(), nt.name.clone(), nc.name.clone());
        let needs_value = !nc.nullable
            && nc.default.is_none()
            && nc.identity.is_none()
            && nc.generated.is_none()
            && !nc.ty.base.is_serial();
        let fill = if needs_value {
            self.fill_for(nt, nc, &key)
        } else {
            None
        };
        if self.data.down && nc.generated.is_none() && !needs_value {
            let holding = match &nc.default {
                _ if nc.identity.is_some() || nc.ty.base.is_serial() => {
                    "new sequence values".into()
                }
                Some(d) => format!("its default {}", d.sql()),
                None => "NULL".into(),
            };
            self.notes.push(format!(
                "column `{}.{}` comes back holding {holding} in every row that was there",
                nt.name, nc.name
            ));
        }
        self.out.push(
            // A generated column is computed from others: add it once they have their final types.
            if nc.generated.is_some() {
                Phase::ReAddColumns
            } else {
                Phase::AddColumns
            },
            Change::AddColumn {
                table: tref.clone(),
                column: nc.name.clone(),
                definition: ddl::column_definition(self.new, nc),
                fill,
            },
        );
        if let Some(c) = &nc.comment {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Column(tref.clone(), nc.name.clone()),
                    text: Some(c.clone()),
                },
            );
        }
    }

    fn no_cast_warning(&mut self, nt: &Table, col: &str, from: &str, to: &str) {
        self.warnings.push(if self.data.down {
            format!(
                "the down migration cannot convert `{}.{col}` back from {from} to {to}: Postgres has no such cast, so it fails even on an empty table; give the conversion back with `using: {{ up: ..., down: ... }}` on the column",
                nt.name
            )
        } else {
            format!(
                "`{}.{col}` cannot change from {from} to {to} by a cast (Postgres has none), so the migration fails; say how with `using:` on the column",
                nt.name
            )
        });
    }

    /// How the rows of `nt` get a value for the NOT NULL column `nc`,
    /// added without a default; `None` (and a warning) when nothing says.
    fn fill_for(
        &mut self,
        nt: &Table,
        nc: &Column,
        key: &(String, String, String),
    ) -> Option<Fill> {
        if let Some(v) = self.data.backfill.get(key) {
            let relaxed = ddl::column_definition(
                self.new,
                &Column {
                    nullable: true,
                    ..nc.clone()
                },
            );
            return Some(Fill::Backfill {
                relaxed,
                value: v.clone(),
            });
        }
        if !self.data.down {
            self.warnings.push(format!(
                "new column `{}.{}` is NOT NULL without a default: the migration fails if `{}` has rows; add `backfill:` to give them a value",
                nt.name, nc.name, nt.name
            ));
            return None;
        }
        // A down migration brings back a column the up dropped: its values
        // are gone, and one placeholder in every row must not break a key.
        let col = std::slice::from_ref(&nc.name);
        let keyed =
            nt.primary_key
                .as_ref()
                .is_some_and(|p| p.columns.contains(&nc.name))
                || nt.uniques.iter().any(|u| u.columns.contains(&nc.name))
                || nt.foreign_keys.iter().any(|f| f.columns.contains(&nc.name))
                || nt.indexes.iter().any(|i| {
                    i.unique && i.keys.iter().any(|k| k.column.as_deref() == Some(&nc.name))
                })
                || nt.checks.iter().any(|c| mentions_word(&c.expr, &col[0]));
        match types::placeholder(&nc.ty, self.new).filter(|_| !keyed) {
            Some(value) => {
                self.notes.push(format!(
                    "column `{}.{}` comes back holding {value} in every row that was there",
                    nt.name, nc.name
                ));
                Some(Fill::Placeholder(value))
            }
            None => {
                self.warnings.push(format!(
                    "the down migration re-adds `{}.{}` NOT NULL without a value for the rows that are there (a placeholder would break its key or check): it fails while `{}` has rows; to make it work, give the column a default before dropping it, or edit the down to fill it",
                    nt.name, nc.name, nt.name
                ));
                None
            }
        }
    }

    pub(super) fn rename_sequence(&mut self, ot: &Table, oc: &Column, nt: &Table, nc: &Column) {
        let has_seq = |c: &Column| c.ty.base.is_serial() || c.identity.is_some();
        if !(has_seq(oc) && has_seq(nc)) {
            return;
        }
        let from = sequence_name(&ot.name, &oc.name);
        let to = sequence_name(&nt.name, &nc.name);
        if from != to {
            self.out.push(
                Phase::Renames,
                Change::RenameSequence {
                    schema: nt.pg_schema.clone(),
                    from,
                    to,
                },
            );
        }
    }

    /// A generated column cannot be altered in place (Postgres 15), nor can
    /// its inputs change type: it is dropped early (under its old names) and
    /// added back after the columns changed. Its values are recomputed, so
    /// nothing is lost, unless it was a plain column before.
    pub(super) fn rebuild_generated(
        &mut self,
        nt: &Table,
        old_ref: &TableRef,
        tref: &TableRef,
        oc: &Column,
        nc: &Column,
    ) {
        if oc.generated.is_none() {
            self.losses.push(Loss {
                what: format!(
                    "column `{}.{}` becomes generated: its stored values are replaced",
                    nt.name, nc.name
                ),
                place: LossPlace::Column {
                    schema: nt.pg_schema.clone(),
                    table: nt.name.clone(),
                    column: nc.name.clone(),
                },
                hint: None,
            });
        }
        self.out.push(
            Phase::DropGenerated,
            Change::DropColumn {
                table: old_ref.clone(),
                column: oc.name.clone(),
            },
        );
        self.out.push(
            Phase::ReAddColumns,
            Change::AddColumn {
                table: tref.clone(),
                column: nc.name.clone(),
                definition: ddl::column_definition(self.new, nc),
                fill: None,
            },
        );
        if nc.comment.is_some() {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Column(tref.clone(), nc.name.clone()),
                    text: nc.comment.clone(),
                },
            );
        }
    }

    /// What Postgres stores for a type: serials as their integer type, IDs
    /// as uuid or text, enums by identity (following enum renames).
    pub(super) fn storage_key(&self, ty: &ColumnType, old_side: bool) -> String {
        let schema = if old_side { self.old } else { self.new };
        let array = if ty.array { "[]" } else { "" };
        match &ty.base {
            BaseType::Enum(k) if old_side => {
                format!("enum:{}{array}", self.enum_map.get(k).unwrap_or(k))
            }
            BaseType::Enum(k) => format!("enum:{k}{array}"),
            other => column_type(
                &ColumnType {
                    base: other.referencing(),
                    array: ty.array,
                    domain: ty.domain.clone(),
                },
                &schema.enums,
                &schema.ids,
            ),
        }
    }

    /// A column kept from the old table to the new one: each aspect that
    /// changed (expression, identity, type, serial, default, nullability,
    /// comment) in the order PostgreSQL accepts them.
    pub(super) fn alter_column(
        &mut self,
        nt: &Table,
        old_ref: &TableRef,
        tref: &TableRef,
        oc: &Column,
        nc: &Column,
        retyped: &mut HashSet<String>,
    ) {
        let c = Altered {
            nt,
            old_ref,
            tref,
            oc,
            nc,
            key: (nt.pg_schema.clone(), nt.name.clone(), nc.name.clone()),
        };
        self.leave_expression_and_identity(&c);
        let backfill = (oc.nullable && !nc.nullable)
            .then(|| self.data.backfill.get(&c.key).cloned())
            .flatten();
        let retype = self.retype_column(&c, backfill.as_ref());
        if retype.rewrites {
            retyped.insert(nc.name.clone());
        }
        let serial_set_default = self.serial_change(&c);
        if !retype.default_handled && !serial_set_default {
            self.default_change(&c);
        }
        self.nullability_change(&c, backfill, retype.rewrites);
        self.identity_change(&c);
        if oc.comment != nc.comment {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Column(tref.clone(), nc.name.clone()),
                    text: nc.comment.clone(),
                },
            );
        }
    }

    /// A generated column that stays generated is handled by
    /// `rebuild_generated`; one that stops being generated does so early
    /// (under its old names), before its inputs may change type. An
    /// identity goes before anything else changes on its column: Postgres
    /// refuses DROP NOT NULL or SET DEFAULT on an identity column.
    fn leave_expression_and_identity(&mut self, c: &Altered<'_>) {
        if c.oc.generated.is_some() && c.nc.generated.is_none() {
            self.out.push(
                Phase::DropGenerated,
                Change::DropExpression {
                    table: c.old_ref.clone(),
                    column: c.oc.name.clone(),
                },
            );
        }
        if c.oc.identity.is_some() && c.nc.identity.is_none() {
            self.out.push(
                Phase::AlterColumns,
                Change::DropIdentity {
                    table: c.tref.clone(),
                    column: c.col().to_owned(),
                },
            );
        }
    }

    /// A new type that changes how the column is stored: the rewrite, with
    /// its `USING`, the loss it may cause, and the default dropped and set
    /// again around it when PostgreSQL cannot cast it.
    fn retype_column(&mut self, c: &Altered<'_>, backfill: Option<&String>) -> Retype {
        let (nt, oc, nc, tref) = (c.nt, c.oc, c.nc, c.tref);
        let col = c.col().to_owned();
        let old_ty = self.translate_type(&oc.ty);
        let recreated_usage = matches!(&nc.ty.base, BaseType::Enum(k) if self.recreated_enums.contains(k))
            && old_ty == nc.ty;
        let type_changes = old_ty != nc.ty;
        // A column of a domain rebuilt over a new base type moves to it.
        let rebuilt = nc
            .ty
            .domain
            .as_ref()
            .is_some_and(|d| self.rebuilt_domains.contains(d));
        let storage_changes =
            rebuilt || self.storage_key(&oc.ty, true) != self.storage_key(&nc.ty, false);
        let rewrites = type_changes && storage_changes;
        // A new collation is a new type to PostgreSQL too (its values stay
        // as they are; indexes on the column are built again).
        let collation_changes = oc.collation != nc.collation;
        if !rewrites && !collation_changes {
            return Retype {
                rewrites,
                default_handled: recreated_usage,
            };
        }
        let storage = |t: &ColumnType| ColumnType {
            base: t.base.referencing(),
            array: t.array,
            domain: t.domain.clone(),
        };
        let mut to_sql = ddl::sql_type(self.new, &storage(&nc.ty));
        if collation_changes {
            let collation = nc.collation.as_deref().unwrap_or("default");
            to_sql.push_str(&format!(
                " COLLATE {}",
                schemac_schema::sql::ident(collation)
            ));
        }
        let using = match self.data.using.get(&c.key) {
            Some(u) => u.clone(),
            None if !rewrites => schemac_schema::sql::ident(&col),
            None => {
                if !types::has_cast(&old_ty, &nc.ty, self.old, self.new) {
                    self.no_cast_warning(nt, &col, &ddl::sql_type(self.old, &oc.ty), &to_sql);
                }
                types::default_using(&col, &old_ty, &nc.ty, &to_sql)
            }
        };
        // A `using:` is the author's own conversion; the plain cast is
        // refused only where it would cut or round values silently.
        let lost = match self.data.using.contains_key(&c.key) {
            true => None,
            false => types::cast_loses(&old_ty, &nc.ty, self.old, self.new),
        };
        if let Some(lost) = lost {
            self.losses.push(Loss {
                what: format!(
                    "column `{}.{col}` changes from {} to {to_sql}: {lost}",
                    nt.name,
                    ddl::sql_type(self.old, &oc.ty),
                ),
                place: LossPlace::Column {
                    schema: nt.pg_schema.clone(),
                    table: nt.name.clone(),
                    column: nc.name.clone(),
                },
                hint: Some(
                    "to keep them, choose a type that holds every value, or say how values convert with `using:` on the column".into(),
                ),
            });
        }
        // Postgres converts a default it can cast; only one it cannot is dropped and set again.
        let default_kept = match (&oc.default, &nc.default) {
            (Some(a), Some(b)) => types::default_survives(&old_ty, &nc.ty, a.sql(), b.sql()),
            _ => false,
        };
        if oc.default.is_some() && !oc.ty.base.is_serial() && !default_kept {
            self.out.push(
                Phase::AlterColumns,
                Change::DropDefault {
                    table: tref.clone(),
                    column: col.clone(),
                },
            );
        }
        let sequence = (oc.ty.base.is_serial() && nc.ty.base.is_serial())
            .then(|| (sequence_name(&nt.name, &col), to_sql.clone()));
        self.out.push(
            Phase::AlterColumns,
            Change::AlterColumnType {
                table: tref.clone(),
                column: col.clone(),
                to_sql,
                using,
                // NULLs that must become a value get it in the same rewrite.
                backfill: backfill.cloned(),
                sequence,
            },
        );
        if let Some(d) = nc.default.as_ref().filter(|_| !default_kept) {
            self.out.push(
                Phase::AlterColumns,
                Change::SetDefault {
                    table: tref.clone(),
                    column: col,
                    sql: d.sql().to_string(),
                },
            );
        }
        Retype {
            rewrites,
            default_handled: true,
        }
    }

    /// serial <-> plain integer: the sequence comes or goes. Whether the
    /// column's default was set by it.
    fn serial_change(&mut self, c: &Altered<'_>) -> bool {
        let (tref, oc, nc) = (c.tref, c.oc, c.nc);
        match (oc.ty.base.is_serial(), nc.ty.base.is_serial()) {
            (true, false) => {
                // Not renamed with the table (it goes), so it has its old name.
                self.out.push(
                    Phase::AlterColumns,
                    Change::DropSerial {
                        table: tref.clone(),
                        column: c.col().to_owned(),
                        sequence: sequence_name(&c.old_ref.name, &oc.name),
                    },
                );
                false
            }
            (false, true) => {
                if oc.default.is_some() {
                    self.out.push(
                        Phase::AlterColumns,
                        Change::DropDefault {
                            table: tref.clone(),
                            column: c.col().to_owned(),
                        },
                    );
                }
                self.out.push(
                    Phase::AlterColumns,
                    Change::AddSerial {
                        table: tref.clone(),
                        column: c.col().to_owned(),
                        sequence: sequence_name(&c.nt.name, c.col()),
                        big: nc.ty.base == BaseType::BigSerial,
                    },
                );
                true
            }
            (true, true) | (false, false) => false,
        }
    }

    /// A default set, changed or dropped (a serial's is its sequence's).
    fn default_change(&mut self, c: &Altered<'_>) {
        let (oc, nc) = (c.oc, c.nc);
        let old_default = oc
            .default
            .as_ref()
            .map(|d| norm(&self.relabel_for(c.nt, d.sql())));
        let new_default = nc.default.as_ref().map(|d| norm(d.sql()));
        if nc.ty.base.is_serial() || old_default == new_default {
            return;
        }
        match &nc.default {
            Some(d) => self.out.push(
                Phase::AlterColumns,
                Change::SetDefault {
                    table: c.tref.clone(),
                    column: c.col().to_owned(),
                    sql: d.sql().to_string(),
                },
            ),
            None if !oc.ty.base.is_serial() => self.out.push(
                Phase::AlterColumns,
                Change::DropDefault {
                    table: c.tref.clone(),
                    column: c.col().to_owned(),
                },
            ),
            None => {}
        }
    }

    /// NOT NULL set (with the backfill that gives NULLs a value, unless the
    /// type's rewrite did) or dropped.
    fn nullability_change(&mut self, c: &Altered<'_>, backfill: Option<String>, rewrites: bool) {
        match (c.oc.nullable, c.nc.nullable) {
            (true, false) => {
                match backfill {
                    None => self.warnings.push(format!(
                        "column `{}.{}` becomes NOT NULL: the migration fails if it holds NULLs; add `backfill:` to give them a value",
                        c.nt.name,
                        c.col()
                    )),
                    // Before the table's ALTER, so that stays one statement.
                    Some(value) if !rewrites => self.out.push(
                        Phase::Backfill,
                        Change::Backfill {
                            table: c.tref.clone(),
                            column: c.col().to_owned(),
                            value,
                        },
                    ),
                    Some(_) => {}
                }
                self.out.push(
                    Phase::AlterColumns,
                    Change::SetNotNull {
                        table: c.tref.clone(),
                        column: c.col().to_owned(),
                        via_check: None,
                    },
                );
            }
            (false, true) => self.out.push(
                Phase::AlterColumns,
                Change::DropNotNull {
                    table: c.tref.clone(),
                    column: c.col().to_owned(),
                },
            ),
            (true, true) | (false, false) => {}
        }
    }

    /// An identity added or changed; one that goes was dropped first, in
    /// `leave_expression_and_identity`.
    fn identity_change(&mut self, c: &Altered<'_>) {
        let options = c.nc.identity_options.as_deref();
        match (c.oc.identity, c.nc.identity) {
            (None, Some(i)) => self.out.push(
                Phase::AlterColumns,
                Change::AddIdentity {
                    table: c.tref.clone(),
                    column: c.col().to_owned(),
                    identity: i,
                    options: ddl::identity_options_sql(options),
                    start: options.and_then(|o| o.start).unwrap_or(1),
                },
            ),
            (Some(a), Some(b)) => {
                let changed =
                    ddl::alter_identity_options(c.oc.identity_options.as_deref(), options);
                if a != b || !changed.is_empty() {
                    self.out.push(
                        Phase::AlterColumns,
                        Change::SetIdentity {
                            table: c.tref.clone(),
                            column: c.col().to_owned(),
                            identity: (a != b).then_some(b),
                            options: changed,
                        },
                    );
                }
            }
            (Some(_), None) | (None, None) => {}
        }
    }
}

/// A column kept from the old table to the new one, as the aspects of
/// `alter_column` read it.
struct Altered<'c> {
    nt: &'c Table,
    old_ref: &'c TableRef,
    tref: &'c TableRef,
    oc: &'c Column,
    nc: &'c Column,
    /// (pg_schema, table, column) of the new column: how hints are keyed.
    key: (String, String, String),
}

impl Altered<'_> {
    fn col(&self) -> &str {
        &self.nc.name
    }
}

/// What a type change did.
struct Retype {
    /// The column's storage changed: the table is rewritten.
    rewrites: bool,
    /// The default was dropped and set again around the rewrite (or an
    /// enum's rebuild re-cast it), so it needs nothing more.
    default_handled: bool,
}
