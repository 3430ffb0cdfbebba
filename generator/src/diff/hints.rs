//! Change hints turned into what the differ needs: which new object is which
//! old one (renames), and how to carry existing rows through (using,
//! backfill, remap). A hint that no longer applies is stale: it is reported
//! and ignored.

use foldhash::{HashMap, HashMapExt};

use schemac_schema::migration_dir::{HintKey, RecordedHint};
use schemac_schema::model::*;

/// A table by pg_schema and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableId {
    /// Its pg_schema.
    pub schema: String,
    /// Its name.
    pub name: String,
}

impl TableId {
    /// The id of `t`.
    pub fn of(t: &Table) -> TableId {
        TableId {
            schema: t.pg_schema.clone(),
            name: t.name.clone(),
        }
    }
}

/// Which new objects are old ones under another name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Renames {
    /// (new table, old table)
    pub tables: Vec<(TableId, TableId)>,
    /// (new table, new column, old column)
    pub columns: Vec<(TableId, String, String)>,
    /// (new enum key, old enum key)
    pub enums: Vec<(String, String)>,
    /// (new enum key, new value, old value)
    pub values: Vec<(String, String, String)>,
    /// Views, functions, triggers, sequences and domains under new names.
    pub objects: Vec<super::object_renames::ObjectRename>,
}

impl Renames {
    /// Whether nothing is renamed.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
            && self.columns.is_empty()
            && self.enums.is_empty()
            && self.values.is_empty()
            && self.objects.is_empty()
    }

    /// The old id of a renamed table.
    pub fn table_old_id(&self, new: &TableId) -> Option<&TableId> {
        self.tables.iter().find(|(n, _)| n == new).map(|(_, o)| o)
    }

    /// The old name of a renamed column.
    pub fn column_old_name(&self, table: &TableId, new_col: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(t, n, _)| t == table && n == new_col)
            .map(|(_, _, o)| o.as_str())
    }

    /// The new name of a renamed column, from its old one.
    pub fn column_new_name(&self, table: &TableId, old_col: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(t, _, o)| t == table && o == old_col)
            .map(|(_, n, _)| n.as_str())
    }

    /// The old key of a renamed enum.
    pub fn enum_old_name(&self, new_key: &str) -> Option<&str> {
        self.enums
            .iter()
            .find(|(n, _)| n == new_key)
            .map(|(_, o)| o.as_str())
    }

    /// The new name of a renamed enum value, from its old one.
    pub fn value_new_name(&self, enum_key: &str, old_value: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(e, _, o)| e == enum_key && o == old_value)
            .map(|(_, n, _)| n.as_str())
    }

    /// The same renames seen from the other side, for the down migration.
    pub fn inverse(&self) -> Renames {
        let table_back = |new: &TableId| {
            self.table_old_id(new)
                .cloned()
                .unwrap_or_else(|| new.clone())
        };
        let enum_back = |new: &str| self.enum_old_name(new).unwrap_or(new).to_string();
        Renames {
            tables: self
                .tables
                .iter()
                .map(|(n, o)| (o.clone(), n.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|(t, n, o)| (table_back(t), o.clone(), n.clone()))
                .collect(),
            enums: self
                .enums
                .iter()
                .map(|(n, o)| (o.clone(), n.clone()))
                .collect(),
            values: self
                .values
                .iter()
                .map(|(e, n, o)| (enum_back(e), o.clone(), n.clone()))
                .collect(),
            objects: super::object_renames::inverse(self),
        }
    }

    /// Only the enum value renames (for the first half of a split migration).
    pub fn values_only(&self) -> Renames {
        Renames {
            values: self.values.clone(),
            ..Renames::default()
        }
    }

    /// Everything but the enum value renames.
    pub fn without_values(&self) -> Renames {
        Renames {
            values: Vec::new(),
            ..self.clone()
        }
    }
}

/// How existing rows are carried through a change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataHints {
    /// (schema, table, column) -> the USING expression of a type change
    pub using: HashMap<(String, String, String), String>,
    /// (schema, table, column) under the *old* names -> the USING
    /// expression that converts the column back, for the down migration.
    pub using_down: HashMap<(String, String, String), String>,
    /// (schema, table, column) -> SQL for the value NULL rows get
    pub backfill: HashMap<(String, String, String), String>,
    /// enum key -> (removed value, value its rows become)
    pub remap: HashMap<String, Vec<(String, String)>>,
    /// Enums to rebuild even when values are only added: a value added in
    /// place cannot be used in the same transaction, a rebuilt type's can.
    pub rebuild_enums: Vec<String>,
    /// The diff is a down migration: the tables it re-creates columns in
    /// hold rows whose values for them are gone.
    pub down: bool,
    /// Safe mode: changes to existing tables take their online forms.
    pub safe: bool,
}

impl DataHints {
    /// The hints for the down migration of the change these hints are for
    /// (`renames` are the up's). A value the up moved rows to with `remap`
    /// and the down removes again moves them back: only they can hold it.
    pub fn for_down(&self, renames: &Renames) -> DataHints {
        let mut remap: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (key, pairs) in &self.remap {
            let old_key = renames.enum_old_name(key).unwrap_or(key).to_string();
            let back = remap.entry(old_key).or_default();
            for (from, to) in pairs {
                if !back.iter().any(|(f, _)| f == to) {
                    back.push((to.clone(), from.clone()));
                }
            }
        }
        DataHints {
            using: self.using_down.clone(),
            remap,
            down: true,
            ..DataHints::default()
        }
    }
}

/// The hints earlier migrations were written with, by key (see
/// [`HintsRead::seen`]): they have done their work, or found none to do, so
/// they are neither applied again nor reported as stale, until the
/// migration that recorded them is taken back.
#[derive(Clone, Debug, Default)]
pub struct ConsumedHints(foldhash::HashSet<HintKey>);

impl ConsumedHints {
    /// The hints a journal's migrations consumed (keys as earlier versions
    /// wrote them read into typed ones).
    pub fn of(journal: &schemac_schema::migration_dir::Journal) -> ConsumedHints {
        ConsumedHints(
            journal
                .entries
                .iter()
                .flat_map(|e| e.consumed_hints.iter().filter_map(RecordedHint::key))
                .collect(),
        )
    }

    fn has(&self, key: &HintKey) -> bool {
        self.0.contains(key)
    }
}

/// The hints of a schema, read against the last snapshot.
#[derive(Debug, Default)]
pub struct HintsRead {
    /// The renames to apply.
    pub renames: Renames,
    /// The data hints to apply.
    pub data: DataHints,
    /// What is wrong with the stale ones, a message each.
    pub stale: Vec<String>,
    /// Every hint read (applied or stale) by a key saying what it says,
    /// for the migration written now to record as consumed.
    pub seen: Vec<HintKey>,
}

/// Reads the hints of `new` against `old`, keeping those that apply and
/// describing the stale ones.
pub fn renames_from_hints(old: &Schema, new: &Schema) -> (Renames, DataHints, Vec<String>) {
    let read = read_hints(old, new, &ConsumedHints::default());
    (read.renames, read.data, read.stale)
}

/// [`renames_from_hints`], leaving out the hints earlier migrations consumed.
pub fn read_hints(old: &Schema, new: &Schema, consumed: &ConsumedHints) -> HintsRead {
    let mut r = Renames::default();
    let mut data = DataHints::default();
    let mut stale = Vec::new();
    let mut seen = Vec::new();
    // True when the hint is to be read: not consumed before; noted as seen.
    let mut fresh = |key: HintKey| -> bool {
        if consumed.has(&key) {
            return false;
        }
        seen.push(key);
        true
    };

    for nt in &new.tables {
        let Some(from) = &nt.hints.renamed_from else {
            continue;
        };
        if !fresh(HintKey::TableRenamedFrom {
            schema: nt.pg_schema.clone(),
            table: nt.name.clone(),
            from: from.clone(),
        }) {
            continue;
        }
        let already = old.table(&nt.pg_schema, &nt.name).is_some();
        let source = old.table(&nt.pg_schema, from).or_else(|| {
            let mut same = old.tables.iter().filter(|t| &t.name == from);
            match (same.next(), same.next()) {
                (Some(t), None) => Some(t),
                _ => None,
            }
        });
        match source {
            Some(ot) if !already => r.tables.push((TableId::of(nt), TableId::of(ot))),
            _ => stale.push(format!(
                "`renamed_from: {from}` on table `{}` is stale ({}); it is ignored and can be removed",
                nt.name,
                if already { "the rename is already in the last snapshot" } else { "the last snapshot has no such table" }
            )),
        }
    }
    for ne in &new.enums {
        let enum_rename = ne.hints.renamed_from.as_ref().filter(|from| {
            fresh(HintKey::EnumRenamedFrom {
                name: ne.name.clone(),
                from: (*from).clone(),
            })
        });
        if let Some(from) = enum_rename {
            let already = old.enum_type(&ne.name).is_some();
            if !already && old.enum_type(from).is_some() {
                r.enums.push((ne.name.clone(), from.clone()));
            } else {
                stale.push(format!(
                    "`renamed_from: {from}` on enum `{}` is stale; it is ignored and can be removed",
                    ne.name
                ));
            }
        }
        let old_key = r.enum_old_name(&ne.name).unwrap_or(&ne.name).to_string();
        let oe = old.enum_type(&old_key);
        for (value, from) in &ne.hints.value_renames {
            if !fresh(HintKey::EnumValueRenamedFrom {
                name: ne.name.clone(),
                value: value.clone(),
                from: from.clone(),
            }) {
                continue;
            }
            match oe {
                Some(oe) if oe.values.contains(from) && !oe.values.contains(value) => {
                    r.values.push((ne.name.clone(), value.clone(), from.clone()))
                }
                _ => stale.push(format!(
                    "`renamed_from: {from}` on value `{value}` of enum `{}` is stale; it is ignored and can be removed",
                    ne.name
                )),
            }
        }
        let mut remaps = Vec::new();
        for (from, to) in &ne.hints.remap {
            if !fresh(HintKey::EnumRemap {
                name: ne.name.clone(),
                from: from.clone(),
                to: to.clone(),
            }) {
                continue;
            }
            if oe.is_some_and(|oe| oe.values.contains(from)) {
                remaps.push((from.clone(), to.clone()));
            } else {
                stale.push(format!(
                    "`remap: {{ {from}: {to} }}` on enum `{}` is stale (the last snapshot has no value `{from}`); it is ignored and can be removed",
                    ne.name
                ));
            }
        }
        if !remaps.is_empty() {
            data.remap.insert(ne.name.clone(), remaps);
        }
    }
    super::object_renames::read(old, new, &mut fresh, &mut r, &mut stale);
    // Column hints are rare: a schema without any is not walked column by column.
    let hinted: Vec<&Table> = new
        .tables
        .iter()
        .filter(|t| t.columns.iter().any(|c| c.hints.is_some()))
        .collect();
    let done = |r, data, stale, seen| HintsRead {
        renames: r,
        data,
        stale,
        seen,
    };
    if hinted.is_empty() {
        return done(r, data, stale, seen);
    }
    // By schema and name: a lookup per table must not scan every table.
    let index = |s: &'_ Schema| -> HashMap<TableId, usize> {
        s.tables
            .iter()
            .enumerate()
            .map(|(i, t)| (TableId::of(t), i))
            .collect()
    };
    let (old_at, new_at) = (index(old), index(new));
    for nt in hinted {
        let id = TableId::of(nt);
        let old_id = r.table_old_id(&id).cloned().unwrap_or_else(|| id.clone());
        // A table moved to another pg_schema is the same table (the differ matches it the same way).
        let ot = old_at.get(&old_id).map(|&i| &old.tables[i]).or_else(|| {
            let mut same = old.tables.iter().filter(|t| t.name == old_id.name);
            match (same.next(), same.next()) {
                (Some(t), None) if !new_at.contains_key(&TableId::of(t)) => Some(t),
                _ => None,
            }
        });
        for (nc, hints) in nt
            .columns
            .iter()
            .filter_map(|c| c.hints.as_deref().map(|h| (c, h)))
        {
            let key = (nt.pg_schema.clone(), nt.name.clone(), nc.name.clone());
            let mut source = ot.and_then(|t| t.column(&nc.name));
            let (schema, table, column) = (&nt.pg_schema, &nt.name, &nc.name);
            let renamed_from = hints.renamed_from.as_ref().filter(|from| {
                fresh(HintKey::ColumnRenamedFrom {
                    schema: schema.clone(),
                    table: table.clone(),
                    column: column.clone(),
                    from: (*from).clone(),
                })
            });
            if let Some(from) = renamed_from {
                match ot {
                    Some(t) if t.column(from).is_some() && t.column(&nc.name).is_none() => {
                        r.columns.push((id.clone(), nc.name.clone(), from.clone()));
                        source = t.column(from);
                    }
                    _ => stale.push(format!(
                        "`renamed_from: {from}` on column `{}.{}` is stale; it is ignored and can be removed",
                        nt.name, nc.name
                    )),
                }
            }
            let using = hints.using.is_some() || hints.using_down.is_some();
            let using = using
                && fresh(HintKey::ColumnUsing {
                    schema: schema.clone(),
                    table: table.clone(),
                    column: column.clone(),
                    up: hints.using.clone(),
                    down: hints.using_down.clone(),
                });
            if using {
                let type_changes = source
                    .is_some_and(|oc| column_sql_type(old, &oc.ty) != column_sql_type(new, &nc.ty));
                match (type_changes, ot, source) {
                    (true, Some(t), Some(oc)) => {
                        if let Some(using) = &hints.using {
                            data.using.insert(key.clone(), using.clone());
                        }
                        if let Some(down) = &hints.using_down {
                            let old_key = (t.pg_schema.clone(), t.name.clone(), oc.name.clone());
                            data.using_down.insert(old_key, down.clone());
                        }
                    }
                    _ => stale.push(format!(
                        "`using` on column `{}.{}` is stale (its type does not change); it is ignored and can be removed",
                        nt.name, nc.name
                    )),
                }
            }
            let backfill = hints.backfill.as_ref().filter(|b| {
                fresh(HintKey::ColumnBackfill {
                    schema: schema.clone(),
                    table: table.clone(),
                    column: column.clone(),
                    value: (*b).clone(),
                })
            });
            if let Some(backfill) = backfill {
                let needed = !nc.nullable && source.is_none_or(|oc| oc.nullable);
                if needed {
                    data.backfill.insert(key.clone(), backfill.clone());
                } else {
                    stale.push(format!(
                        "`backfill` on column `{}.{}` is stale (it does not become NOT NULL); it is ignored and can be removed",
                        nt.name, nc.name
                    ));
                }
            }
        }
    }
    done(r, data, stale, seen)
}

fn column_sql_type(s: &Schema, ty: &ColumnType) -> String {
    schemac_schema::sql::column_type(ty, &s.enums, &s.ids)
}
