//! Pairing old and new objects: tables by rename hint, schema and name;
//! columns by hint or name; old definitions translated into new names.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use schemac_schema::model::*;

use super::enums::relabel;
use super::{Differ, TableId, TableRef};

impl<'a> Differ<'a> {
    /// The old table and column a new column comes from, following renames.
    pub(super) fn old_column_of(&self, nt: &Table, nc: &Column) -> Option<(&'a Table, &'a Column)> {
        let id = TableId::of(nt);
        let old_id = self.renames.table_old_id(&id).unwrap_or(&id);
        let ot = self
            .old
            .tables
            .iter()
            .find(|t| t.pg_schema == old_id.schema && t.name == old_id.name)
            .or_else(|| {
                let mut same = self.old.tables.iter().filter(|t| t.name == old_id.name);
                match (same.next(), same.next()) {
                    (Some(t), None) => Some(t),
                    _ => None,
                }
            })?;
        let old_col = self
            .renames
            .column_old_name(&id, &nc.name)
            .unwrap_or(&nc.name);
        let oc = ot.column(old_col)?;
        Some((ot, oc))
    }

    pub(super) fn match_tables(&mut self) {
        let id_of = |t: &Table| TableId::of(t);
        self.old_by_id = self
            .old
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (id_of(t), i))
            .collect();
        self.new_by_id = self
            .new
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (id_of(t), i))
            .collect();
        let mut old_by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in self.old.tables.iter().enumerate() {
            old_by_name.entry(t.name.as_str()).or_default().push(i);
        }
        self.old_to_new = vec![None; self.old.tables.len()];
        self.new_to_old = vec![None; self.new.tables.len()];
        // Renames first, then the same schema and name, then the same name in another schema.
        for (ni, nt) in self.new.tables.iter().enumerate() {
            let Some(old_id) = self.renames.table_old_id(&TableId::of(nt)) else {
                continue;
            };
            if let Some(&oi) = self.old_by_id.get(old_id) {
                self.pair_tables(oi, ni);
            }
        }
        for (ni, nt) in self.new.tables.iter().enumerate() {
            if self.new_to_old[ni].is_some() {
                continue;
            }
            if let Some(&oi) = self.old_by_id.get(&TableId::of(nt)) {
                if self.old_to_new[oi].is_none() {
                    self.pair_tables(oi, ni);
                }
            }
        }
        for (ni, nt) in self.new.tables.iter().enumerate() {
            if self.new_to_old[ni].is_some() {
                continue;
            }
            let candidates: Vec<usize> = old_by_name
                .get(nt.name.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(|&oi| self.old_to_new[oi].is_none())
                .collect();
            if let [oi] = candidates.as_slice() {
                self.pair_tables(*oi, ni);
            }
        }
    }

    fn pair_tables(&mut self, oi: usize, ni: usize) {
        self.old_to_new[oi] = Some(ni);
        self.new_to_old[ni] = Some(oi);
    }

    pub(super) fn new_index_of_old(&self, oi: usize) -> Option<usize> {
        self.old_to_new.get(oi).copied().flatten()
    }

    pub(super) fn old_index_of_new(&self, ni: usize) -> Option<usize> {
        self.new_to_old.get(ni).copied().flatten()
    }

    /// The position of a table of the new schema.
    pub(super) fn new_table_index(&self, schema: &str, name: &str) -> Option<usize> {
        self.new_by_id
            .get(&TableId {
                schema: schema.to_string(),
                name: name.to_string(),
            })
            .copied()
    }

    /// The position of a table of the old schema.
    pub(super) fn old_table_index(&self, schema: &str, name: &str) -> Option<usize> {
        self.old_by_id
            .get(&TableId {
                schema: schema.to_string(),
                name: name.to_string(),
            })
            .copied()
    }

    /// Whether `t` (by its name once the migration ran) exists before it.
    pub(super) fn existed(&self, t: &TableRef) -> bool {
        match self.new_table_index(&t.schema, &t.name) {
            Some(ni) => self.old_index_of_new(ni).is_some(),
            // Not in the new schema: a name from before the migration.
            None => self.old_table_index(&t.schema, &t.name).is_some(),
        }
    }

    /// The new name of an old column, if it survives.
    pub(super) fn new_column_name(&self, oi: usize, old_col: &str) -> Option<String> {
        let ni = self.new_index_of_old(oi)?;
        let nt = &self.new.tables[ni];
        let id = TableId::of(nt);
        // A column renamed away from this name does not survive under it.
        if let Some(new_name) = self.renames.column_new_name(&id, old_col) {
            return nt.column(new_name).map(|c| c.name.clone());
        }
        if self.renames.column_old_name(&id, old_col).is_some() {
            return None;
        }
        nt.column(old_col).map(|c| c.name.clone())
    }

    /// An old column list under new names; `None` when a column does not survive.
    pub(super) fn translate_columns(&self, oi: usize, cols: &[String]) -> Option<Vec<String>> {
        cols.iter().map(|c| self.new_column_name(oi, c)).collect()
    }

    /// An old type under new names (enum keys follow enum renames).
    pub(super) fn translate_type(&self, ty: &ColumnType) -> ColumnType {
        match &ty.base {
            BaseType::Enum(k) => ColumnType {
                base: BaseType::Enum(self.enum_map.get(k).cloned().unwrap_or_else(|| k.clone())),
                array: ty.array,
                domain: ty.domain.clone(),
            },
            _ => ty.clone(),
        }
    }

    /// The old column a new column comes from (by rename hint or by name).
    pub(super) fn column_source(&self, oi: usize, ni: usize, new_col: &str) -> Option<String> {
        let ot = &self.old.tables[oi];
        let id = TableId::of(&self.new.tables[ni]);
        if let Some(old) = self.renames.column_old_name(&id, new_col) {
            return ot.column(old).map(|c| c.name.clone());
        }
        // A name taken over from a column renamed away is a new column.
        if self.renames.column_new_name(&id, new_col).is_some() {
            return None;
        }
        ot.column(new_col).map(|c| c.name.clone())
    }

    pub(super) fn translate_fk(&self, oi: usize, fk: &ForeignKey) -> Option<ForeignKey> {
        let columns = self.translate_columns(oi, &fk.columns)?;
        let ref_oi = self.old_table_index(&fk.ref_schema, &fk.ref_table)?;
        let ref_ni = self.new_index_of_old(ref_oi)?;
        let target = &self.new.tables[ref_ni];
        let ref_columns = self.translate_columns(ref_oi, &fk.ref_columns)?;
        Some(ForeignKey {
            columns,
            ref_schema: target.pg_schema.clone(),
            ref_table: target.name.clone(),
            ref_columns,
            ..fk.clone()
        })
    }

    pub(super) fn translate_index(&self, oi: usize, ix: &Index) -> Option<Index> {
        let keys = ix
            .keys
            .iter()
            .map(|k| {
                Some(IndexKey {
                    column: match &k.column {
                        Some(c) => Some(self.new_column_name(oi, c)?),
                        None => None,
                    },
                    expression: k.expression.as_deref().map(|e| self.relabel_old(oi, e)),
                    ..k.clone()
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Index {
            keys,
            include: self.translate_columns(oi, &ix.include)?,
            predicate: ix.predicate.as_deref().map(|p| self.relabel_old(oi, p)),
            ..ix.clone()
        })
    }

    /// An old table's stored expression as Postgres shows it once this
    /// diff's in-place enum value renames ran: labels of the enums its
    /// columns use appear under their new names.
    pub(super) fn relabel_old(&self, oi: usize, expr: &str) -> String {
        let Some(ni) = self.new_index_of_old(oi) else {
            return expr.to_string();
        };
        self.relabel_for(&self.new.tables[ni], expr)
    }

    /// `expr`, from the old side of `nt`, with the value renames of the enums `nt` uses.
    pub(super) fn relabel_for(&self, nt: &Table, expr: &str) -> String {
        let map: Vec<(&str, &str)> = self
            .renamed_values
            .iter()
            .filter(|(key, _, _)| {
                nt.columns
                    .iter()
                    .any(|c| matches!(&c.ty.base, BaseType::Enum(k) if k == key))
            })
            .map(|(_, from, to)| (from.as_str(), to.as_str()))
            .collect();
        relabel(expr, &map)
    }
}

pub(super) struct Pairs {
    pub(super) matched: Vec<(usize, usize)>,
    pub(super) old_only: Vec<usize>,
    pub(super) new_only: Vec<usize>,
}

/// Pairs old and new items by `same`, each at most once, in order.
pub(super) fn pair<O, N>(old: &[O], new: &[N], same: impl Fn(&O, &N) -> bool) -> Pairs {
    let mut matched = Vec::new();
    let mut used_new: HashSet<usize> = HashSet::new();
    let mut old_only = Vec::new();
    for (oi, o) in old.iter().enumerate() {
        match (0..new.len()).find(|ni| !used_new.contains(ni) && same(o, &new[*ni])) {
            Some(ni) => {
                used_new.insert(ni);
                matched.push((oi, ni));
            }
            None => old_only.push(oi),
        }
    }
    let new_only = (0..new.len()).filter(|n| !used_new.contains(n)).collect();
    Pairs {
        matched,
        old_only,
        new_only,
    }
}
