//! Keys, uniques, checks, foreign keys and indexes of a matched table.

use foldhash::HashSet;

use schemac_schema::model::*;

use super::pairing::{Pairs, pair};

use super::phase::Phase;
use super::{Change, Differ, IndexBuild, TableRef, norm};

/// The kinds of a table's named dependants that are paired the same way.
#[derive(Clone, Copy)]
enum Kind {
    Unique,
    Check,
    ForeignKey,
    Index,
}

/// One kind's pairing of old and new objects, with their names.
struct KindPairs {
    kind: Kind,
    pairs: Pairs,
    old_names: Vec<String>,
    new_names: Vec<String>,
}

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
                            using_index: false,
                        },
                    );
                }
            }
        }

        // Uniques, checks, foreign keys and indexes: each kind paired by
        // definition under new names, then emitted by one loop.
        let old_uniques: Vec<Option<(Vec<String>, bool)>> = ot
            .uniques
            .iter()
            .map(|u| {
                self.translate_columns(oi, &u.columns)
                    .map(|c| (c, u.nulls_not_distinct))
            })
            .collect();
        let old_fks: Vec<Option<ForeignKey>> = ot
            .foreign_keys
            .iter()
            .map(|fk| self.translate_fk(oi, fk))
            .collect();
        let old_ix: Vec<Option<Index>> = ot
            .indexes
            .iter()
            .map(|i| self.translate_index(oi, i))
            .collect();
        let kinds = [
            KindPairs {
                kind: Kind::Unique,
                pairs: pair(&old_uniques, &nt.uniques, |old, n| {
                    old.as_ref().is_some_and(|(cols, nnd)| {
                        *cols == n.columns && *nnd == n.nulls_not_distinct
                    }) && !mentions(&n.columns, &[])
                }),
                old_names: ot.uniques.iter().map(|x| x.name.clone()).collect(),
                new_names: nt.uniques.iter().map(|x| x.name.clone()).collect(),
            },
            // Checks are raw SQL, so compared as text.
            KindPairs {
                kind: Kind::Check,
                pairs: pair(&ot.checks, &nt.checks, |o, n| {
                    norm(&self.relabel_old(oi, &o.expr)) == norm(&n.expr)
                        && !mentions(&[], &[&n.expr])
                }),
                old_names: ot.checks.iter().map(|x| x.name.clone()).collect(),
                new_names: nt.checks.iter().map(|x| x.name.clone()).collect(),
            },
            // Foreign keys, with the referenced table and columns under new names.
            KindPairs {
                kind: Kind::ForeignKey,
                pairs: pair(&old_fks, &nt.foreign_keys, |t, n| {
                    let Some(t) = t else { return false };
                    same_fk(t, n) && !self.fk_must_be_rebuilt(n, retyped, rebuilt)
                }),
                old_names: ot.foreign_keys.iter().map(|x| x.name.clone()).collect(),
                new_names: nt.foreign_keys.iter().map(|x| x.name.clone()).collect(),
            },
            KindPairs {
                kind: Kind::Index,
                pairs: pair(&old_ix, &nt.indexes, |t, n| {
                    let Some(t) = t else { return false };
                    let exprs: Vec<&str> = n
                        .keys
                        .iter()
                        .filter_map(|k| k.expression.as_deref())
                        .chain(n.predicate.as_deref())
                        .collect();
                    let cols: Vec<String> =
                        n.keys.iter().filter_map(|k| k.column.clone()).collect();
                    same_index(t, n) && !mentions(&cols, &exprs)
                }),
                old_names: ot.indexes.iter().map(|x| x.name.clone()).collect(),
                new_names: nt.indexes.iter().map(|x| x.name.clone()).collect(),
            },
        ];
        for k in kinds {
            for &(o, n) in &k.pairs.matched {
                let (from, to) = (&k.old_names[o], &k.new_names[n]);
                if from != to {
                    let change = match k.kind {
                        Kind::Index => Change::RenameIndex {
                            schema: nt.pg_schema.clone(),
                            from: from.clone(),
                            to: to.clone(),
                        },
                        _ => Change::RenameConstraint {
                            table: tref.clone(),
                            from: from.clone(),
                            to: to.clone(),
                        },
                    };
                    self.out.push(Phase::Renames, change);
                }
            }
            for &o in &k.pairs.old_only {
                let name = k.old_names[o].clone();
                let (phase, change) = match k.kind {
                    Kind::Index => (
                        Phase::DropIndexes,
                        Change::DropIndex {
                            table: old_ref.clone(),
                            name,
                            concurrently: false,
                        },
                    ),
                    Kind::ForeignKey => (
                        Phase::DropForeignKeys,
                        Change::DropConstraint {
                            table: old_ref.clone(),
                            name,
                        },
                    ),
                    Kind::Unique | Kind::Check => (
                        Phase::DropConstraints,
                        Change::DropConstraint {
                            table: old_ref.clone(),
                            name,
                        },
                    ),
                };
                self.out.push(phase, change);
            }
            for &n in &k.pairs.new_only {
                let table = tref.clone();
                let (phase, change) = match k.kind {
                    Kind::Unique => (
                        Phase::AddConstraints,
                        Change::AddUnique {
                            table,
                            unique: nt.uniques[n].clone(),
                            using_index: false,
                        },
                    ),
                    Kind::Check => (
                        Phase::AddConstraints,
                        Change::AddCheck {
                            table,
                            check: nt.checks[n].clone(),
                            not_valid: false,
                        },
                    ),
                    Kind::ForeignKey => (
                        Phase::AddForeignKeys,
                        Change::AddForeignKey {
                            table,
                            fk: nt.foreign_keys[n].clone(),
                            not_valid: false,
                        },
                    ),
                    Kind::Index => (
                        Phase::AddIndexes,
                        Change::CreateIndex {
                            table,
                            index: nt.indexes[n].clone(),
                            build: IndexBuild::Plain,
                        },
                    ),
                };
                self.out.push(phase, change);
            }
        }
    }

    /// A foreign key must be dropped and re-added when a column on either
    /// side changes type, or the key it references is rebuilt.
    /// A matched table's exclusion constraints, by name: one that changes
    /// is dropped and added again (PostgreSQL rebuilds one over a retyped
    /// column itself, and drops one over a dropped column).
    pub(super) fn exclusions(&mut self, oi: usize, ni: usize, old_ref: &TableRef, tref: &TableRef) {
        let (ot, nt) = (&self.old.tables[oi], &self.new.tables[ni]);
        // The same definition under another name (its table renamed): renamed.
        let same = |a: &Exclusion, b: &Exclusion| {
            a.using == b.using && a.elements == b.elements && a.predicate == b.predicate
        };
        let mut renamed: Vec<&str> = Vec::new();
        for ox in &ot.exclusions {
            if nt.exclusions.contains(ox) {
                continue;
            }
            let twin = nt
                .exclusions
                .iter()
                .find(|nx| same(ox, nx) && !ot.exclusions.iter().any(|o| o.name == nx.name));
            if let Some(nx) = twin {
                renamed.push(&nx.name);
                self.out.push(
                    Phase::Renames,
                    Change::RenameConstraint {
                        table: tref.clone(),
                        from: ox.name.clone(),
                        to: nx.name.clone(),
                    },
                );
                continue;
            }
            {
                self.out.push(
                    Phase::DropConstraints,
                    Change::DropConstraint {
                        table: old_ref.clone(),
                        name: ox.name.clone(),
                    },
                );
            }
        }
        for nx in &nt.exclusions {
            if !ot.exclusions.contains(nx) && !renamed.contains(&nx.name.as_str()) {
                self.out.push(
                    Phase::AddConstraints,
                    Change::AddExclusion {
                        table: tref.clone(),
                        exclusion: nx.clone(),
                    },
                );
            }
        }
    }

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
        let Some(ni) = self.new_table_index(&fk.ref_schema, &fk.ref_table) else {
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
        && a.nulls_not_distinct == b.nulls_not_distinct
        && a.method == b.method
        && keys(a) == keys(b)
        && a.include == b.include
        && a.predicate.as_deref().map(norm) == b.predicate.as_deref().map(norm)
}
