//! Keys, uniques, checks, foreign keys and indexes of a matched table.

use std::collections::HashSet;

use schemac_schema::model::*;

use super::pairing::{Pairs, pair};
use super::phase::Phase;
use super::{Change, Differ, TableRef, norm};

impl<'a> Differ<'a> {
    /// Primary key, unique constraints, checks, foreign keys and indexes of a
    /// matched table: paired by definition under new names; a pair with
    /// different names is a rename, the rest are dropped or added.
    pub(super) fn constraints(
        &mut self,
        oi: usize,
        ni: usize,
        old_ref: &TableRef,
        tref: &TableRef,
        rebuilt: &HashSet<String>,
        retyped: &HashSet<String>,
    ) {
        let ot = &self.old.tables[oi];
        let nt = &self.new.tables[ni];
        let mentions = |cols: &[String], exprs: &[&str]| {
            cols.iter().any(|c| rebuilt.contains(c))
                || exprs
                    .iter()
                    .any(|e| rebuilt.iter().any(|c| mentions_word(e, c)))
        };

        // Primary key.
        let old_pk = ot
            .primary_key
            .as_ref()
            .map(|pk| (pk, self.translate_columns(oi, &pk.columns)));
        match (old_pk, &nt.primary_key) {
            (Some((opk, Some(cols))), Some(npk))
                if cols == npk.columns && !mentions(&npk.columns, &[]) =>
            {
                if opk.name != npk.name {
                    self.out.push(
                        Phase::Renames,
                        Change::RenameConstraint {
                            table: tref.clone(),
                            from: opk.name.clone(),
                            to: npk.name.clone(),
                        },
                    );
                }
            }
            (old, new) => {
                if let Some((opk, _)) = old {
                    self.out.push(
                        Phase::DropConstraints,
                        Change::DropConstraint {
                            table: old_ref.clone(),
                            name: opk.name.clone(),
                        },
                    );
                }
                if let Some(npk) = new {
                    self.out.push(
                        Phase::AddConstraints,
                        Change::AddPrimaryKey {
                            table: tref.clone(),
                            pk: npk.clone(),
                        },
                    );
                }
            }
        }

        // Unique constraints.
        let old_uniques: Vec<(&Unique, Option<Vec<String>>)> = ot
            .uniques
            .iter()
            .map(|u| (u, self.translate_columns(oi, &u.columns)))
            .collect();
        let pairs = pair(&old_uniques, &nt.uniques, |(_, cols), n| {
            cols.as_ref() == Some(&n.columns) && !mentions(&n.columns, &[])
        });
        let old_names: Vec<&str> = old_uniques.iter().map(|(u, _)| u.name.as_str()).collect();
        let new_names: Vec<&str> = nt.uniques.iter().map(|u| u.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameConstraint {
                table: tref.clone(),
                from,
                to,
            },
            (Phase::DropConstraints, |name| Change::DropConstraint {
                table: old_ref.clone(),
                name,
            }),
            (Phase::AddConstraints, |n| Change::AddUnique {
                table: tref.clone(),
                unique: nt.uniques[n].clone(),
            }),
        );

        // Checks: raw SQL, so compared as text.
        let pairs = pair(&ot.checks, &nt.checks, |o, n| {
            norm(&o.expr) == norm(&n.expr) && !mentions(&[], &[&n.expr])
        });
        let old_names: Vec<&str> = ot.checks.iter().map(|c| c.name.as_str()).collect();
        let new_names: Vec<&str> = nt.checks.iter().map(|c| c.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameConstraint {
                table: tref.clone(),
                from,
                to,
            },
            (Phase::DropConstraints, |name| Change::DropConstraint {
                table: old_ref.clone(),
                name,
            }),
            (Phase::AddConstraints, |n| Change::AddCheck {
                table: tref.clone(),
                check: nt.checks[n].clone(),
            }),
        );

        // Foreign keys, with the referenced table and columns under new names.
        let old_fks: Vec<(&ForeignKey, Option<ForeignKey>)> = ot
            .foreign_keys
            .iter()
            .map(|fk| (fk, self.translate_fk(oi, fk)))
            .collect();
        let pairs = pair(&old_fks, &nt.foreign_keys, |(_, t), n| {
            let Some(t) = t else { return false };
            same_fk(t, n) && !self.fk_must_be_rebuilt(n, retyped, rebuilt)
        });
        let old_names: Vec<&str> = old_fks.iter().map(|(f, _)| f.name.as_str()).collect();
        let new_names: Vec<&str> = nt.foreign_keys.iter().map(|f| f.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameConstraint {
                table: tref.clone(),
                from,
                to,
            },
            (Phase::DropForeignKeys, |name| Change::DropConstraint {
                table: old_ref.clone(),
                name,
            }),
            (Phase::AddForeignKeys, |n| Change::AddForeignKey {
                table: tref.clone(),
                fk: nt.foreign_keys[n].clone(),
            }),
        );

        // Indexes.
        let old_ix: Vec<(&Index, Option<Index>)> = ot
            .indexes
            .iter()
            .map(|i| (i, self.translate_index(oi, i)))
            .collect();
        let pairs = pair(&old_ix, &nt.indexes, |(_, t), n| {
            let Some(t) = t else { return false };
            let exprs: Vec<&str> = n
                .keys
                .iter()
                .filter_map(|k| k.expression.as_deref())
                .chain(n.predicate.as_deref())
                .collect();
            let cols: Vec<String> = n.keys.iter().filter_map(|k| k.column.clone()).collect();
            same_index(t, n) && !mentions(&cols, &exprs)
        });
        let old_names: Vec<&str> = old_ix.iter().map(|(i, _)| i.name.as_str()).collect();
        let new_names: Vec<&str> = nt.indexes.iter().map(|i| i.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameIndex {
                schema: nt.pg_schema.clone(),
                from,
                to,
            },
            (Phase::DropIndexes, |name| Change::DropIndex {
                schema: ot.pg_schema.clone(),
                name,
            }),
            (Phase::AddIndexes, |n| Change::CreateIndex {
                table: tref.clone(),
                index: nt.indexes[n].clone(),
            }),
        );
    }

    /// Emits a pairing: a matched pair under another name is renamed, an old
    /// object without a partner dropped (by name), a new one added (by index).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn emit_pairs(
        &mut self,
        pairs: &Pairs,
        old_names: &[&str],
        new_names: &[&str],
        rename: impl Fn(String, String) -> Change,
        (drop_phase, drop): (Phase, impl Fn(String) -> Change),
        (add_phase, add): (Phase, impl Fn(usize) -> Change),
    ) {
        for &(o, n) in &pairs.matched {
            if old_names[o] != new_names[n] {
                self.out.push(
                    Phase::Renames,
                    rename(old_names[o].to_string(), new_names[n].to_string()),
                );
            }
        }
        for &o in &pairs.old_only {
            self.out.push(drop_phase, drop(old_names[o].to_string()));
        }
        for &n in &pairs.new_only {
            self.out.push(add_phase, add(n));
        }
    }

    /// A foreign key must be dropped and re-added when a column on either
    /// side changes type, or the key it references is rebuilt.
    pub(super) fn fk_must_be_rebuilt(
        &self,
        fk: &ForeignKey,
        retyped: &HashSet<String>,
        rebuilt: &HashSet<String>,
    ) -> bool {
        if fk
            .columns
            .iter()
            .any(|c| retyped.contains(c) || rebuilt.contains(c))
        {
            return true;
        }
        let Some(ni) = self
            .new
            .tables
            .iter()
            .position(|t| t.pg_schema == fk.ref_schema && t.name == fk.ref_table)
        else {
            return false;
        };
        let target = &self.new.tables[ni];
        let Some(oi) = self.old_index_of_new(ni) else {
            return true;
        };
        let ot = &self.old.tables[oi];
        for rc in &fk.ref_columns {
            let Some(nc) = target.column(rc) else {
                return true;
            };
            let source = self.column_source(oi, ni, rc);
            let Some(oc) = source.and_then(|s| ot.column(&s)) else {
                return true;
            };
            if self.translate_type(&oc.ty).base.referencing() != nc.ty.base.referencing()
                || oc.ty.array != nc.ty.array
            {
                return true;
            }
        }
        // The unique constraint or key the FK leans on must survive as it was.
        let key_kept = |cols: &[String]| {
            let in_old: Option<Vec<String>> =
                cols.iter().map(|c| self.column_source(oi, ni, c)).collect();
            let Some(in_old) = in_old else { return false };
            let old_pk = ot.primary_key.as_ref().map(|p| &p.columns);
            old_pk.is_some_and(|p| p == &in_old)
                || ot.uniques.iter().any(|u| u.columns == in_old)
                || ot.indexes.iter().any(|i| {
                    i.unique
                        && i.predicate.is_none()
                        && i.keys
                            .iter()
                            .map(|k| k.column.clone())
                            .collect::<Option<Vec<_>>>()
                            .as_ref()
                            == Some(&in_old)
                })
        };
        let pk_same = target
            .primary_key
            .as_ref()
            .is_some_and(|p| p.columns == fk.ref_columns);
        let unique_same = target.uniques.iter().any(|u| u.columns == fk.ref_columns)
            || target.indexes.iter().any(|i| {
                i.unique
                    && i.predicate.is_none()
                    && i.keys
                        .iter()
                        .map(|k| k.column.clone())
                        .collect::<Option<Vec<_>>>()
                        .as_ref()
                        == Some(&fk.ref_columns)
            });
        !((pk_same || unique_same)
            && key_kept(&fk.ref_columns)
            && !self.referenced_key_rebuilt(oi, ni, &fk.ref_columns))
    }

    /// Whether the referenced table's key on `cols` is dropped and re-added by this diff.
    pub(super) fn referenced_key_rebuilt(&self, oi: usize, ni: usize, cols: &[String]) -> bool {
        let ot = &self.old.tables[oi];
        let nt = &self.new.tables[ni];
        if let (Some(opk), Some(npk)) = (&ot.primary_key, &nt.primary_key) {
            if npk.columns == cols {
                return self.translate_columns(oi, &opk.columns).as_deref()
                    != Some(&npk.columns[..]);
            }
        }
        if nt.primary_key.as_ref().is_some_and(|p| p.columns == cols) && ot.primary_key.is_none() {
            return true;
        }
        false
    }
}

/// Whether `word` appears in `expr` as an identifier (not inside a longer name).
pub(super) fn mentions_word(expr: &str, word: &str) -> bool {
    let bytes = expr.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = 0;
    while let Some(pos) = expr[start..].find(word) {
        let i = start + pos;
        let j = i + word.len();
        let before = i == 0 || !is_ident(bytes[i - 1]);
        let after = j >= bytes.len() || !is_ident(bytes[j]);
        if before && after {
            return true;
        }
        start = i + 1;
    }
    false
}

pub(super) fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_schema == b.ref_schema
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.deferrable == b.deferrable
}

pub(super) fn same_index(a: &Index, b: &Index) -> bool {
    let keys = |i: &Index| -> Vec<IndexKey> {
        i.keys
            .iter()
            .map(|k| IndexKey {
                expression: k.expression.as_deref().map(norm),
                ..k.clone()
            })
            .collect()
    };
    a.unique == b.unique
        && a.method == b.method
        && keys(a) == keys(b)
        && a.include == b.include
        && a.predicate.as_deref().map(norm) == b.predicate.as_deref().map(norm)
}
