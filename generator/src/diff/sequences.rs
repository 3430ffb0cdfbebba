//! Standalone sequences: created before the tables whose defaults call
//! `nextval` on them, altered in place, given to a column once its table
//! is there, and dropped after the tables and defaults that used them.
//!
//! A sequence owned by a column goes with the column: one that must
//! outlive it is let go (`OWNED BY NONE`) before anything is dropped, and
//! one whose owner goes needs no drop of its own.

use foldhash::HashMap;

use schemac_schema::model::{OwnedBy, Sequence};

use super::phase::Phase;
use super::{Change, CommentTarget, Differ};
use crate::ddl::alter_sequence_options;

impl Differ<'_> {
    pub(super) fn sequences(&mut self) {
        let new_by_key: HashMap<String, &Sequence> =
            self.new.sequences.iter().map(|q| (q.key(), q)).collect();
        let old_by_key: HashMap<String, &Sequence> =
            self.old.sequences.iter().map(|q| (q.key(), q)).collect();
        for old in &self.old.sequences {
            if new_by_key.contains_key(&old.key()) {
                continue;
            }
            match &old.owned_by {
                // Dropped with the column that owns it.
                Some(o) if !self.owner_survives(o) => continue,
                // Let go first: a table moved to another pg_schema takes
                // the sequences it owns along.
                Some(_) => self.out.push(
                    Phase::DisownSequences,
                    Change::SetSequenceOwner {
                        schema: old.pg_schema.clone(),
                        name: old.name.clone(),
                        owner: None,
                    },
                ),
                None => {}
            }
            self.out.push(
                Phase::DropSequences,
                Change::DropSequence {
                    schema: old.pg_schema.clone(),
                    name: old.name.clone(),
                },
            );
        }
        for new in &self.new.sequences {
            let Some(old) = old_by_key.get(&new.key()) else {
                self.out
                    .push(Phase::CreateSequences, Change::CreateSequence(new.clone()));
                if new.owned_by.is_some() {
                    self.own(new, new.owned_by.clone());
                }
                continue;
            };
            let options = alter_sequence_options(old, new);
            if !options.is_empty() {
                self.out.push(
                    Phase::CreateSequences,
                    Change::AlterSequence {
                        schema: new.pg_schema.clone(),
                        name: new.name.clone(),
                        options,
                    },
                );
            }
            // The old owner as the migration leaves it: gone, or renamed.
            let old_owner = old.owned_by.as_ref().map(|o| self.owner_after(o));
            let kept = match &old_owner {
                Some(after) => after.is_some() && *after == new.owned_by,
                None => new.owned_by.is_none(),
            };
            if !kept {
                if old.owned_by.is_some() {
                    // Let go first: a dropped owner would take it along.
                    self.out.push(
                        Phase::DisownSequences,
                        Change::SetSequenceOwner {
                            schema: new.pg_schema.clone(),
                            name: new.name.clone(),
                            owner: None,
                        },
                    );
                }
                if new.owned_by.is_some() {
                    self.own(new, new.owned_by.clone());
                }
            }
            if old.comment != new.comment {
                self.out.push(
                    Phase::Comments,
                    Change::Comment {
                        target: CommentTarget::Sequence {
                            schema: new.pg_schema.clone(),
                            name: new.name.clone(),
                        },
                        text: new.comment.clone(),
                    },
                );
            }
        }
    }

    fn own(&mut self, q: &Sequence, owner: Option<OwnedBy>) {
        self.out.push(
            Phase::OwnSequences,
            Change::SetSequenceOwner {
                schema: q.pg_schema.clone(),
                name: q.name.clone(),
                owner,
            },
        );
    }

    /// Where an old owner column is after the migration, following renames.
    fn owner_after(&self, o: &OwnedBy) -> Option<OwnedBy> {
        let oi = self.old_table_index(&o.pg_schema, &o.table)?;
        let ni = self.new_index_of_old(oi)?;
        let column = self.new_column_name(oi, &o.column)?;
        let t = &self.new.tables[ni];
        Some(OwnedBy {
            pg_schema: t.pg_schema.clone(),
            table: t.name.clone(),
            column,
        })
    }

    fn owner_survives(&self, o: &OwnedBy) -> bool {
        self.owner_after(o).is_some()
    }
}
