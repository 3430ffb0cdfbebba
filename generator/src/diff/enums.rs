//! Enum types: created, renamed, moved, values added or renamed in place, or rebuilt.

use foldhash::{HashSet, HashSetExt};

use schemac_schema::model::*;
use schemac_schema::sql::string_literal;

use super::phase::Phase;
use super::{
    Change, CommentTarget, Differ, EnumUsage, Loss, LossPlace, TableRef, ValuePosition,
    retired_name,
};

impl<'a> Differ<'a> {
    pub(super) fn enums(&mut self) {
        let mut matched_old: HashSet<&str> = HashSet::new();
        for ne in &self.new.enums {
            let old_key = self.renames.enum_old_name(&ne.name).unwrap_or(&ne.name);
            let Some(oe) = self.old.enums.iter().find(|e| e.name == old_key) else {
                self.out.push(Phase::Enums, Change::CreateEnum(ne.clone()));
                if let Some(c) = &ne.comment {
                    self.out.push(
                        Phase::Comments,
                        Change::Comment {
                            target: CommentTarget::Type {
                                schema: ne.pg_schema.clone(),
                                name: ne.sql_name.clone(),
                            },
                            text: Some(c.clone()),
                        },
                    );
                }
                continue;
            };
            matched_old.insert(&oe.name);
            self.enum_map.insert(oe.name.clone(), ne.name.clone());
            self.alter_enum(oe, ne);
        }
        for oe in &self.old.enums {
            if !matched_old.contains(oe.name.as_str()) {
                self.out.push(
                    Phase::DropEnums,
                    Change::DropEnum {
                        schema: oe.pg_schema.clone(),
                        sql_name: oe.sql_name.clone(),
                    },
                );
            }
        }
    }

    pub(super) fn alter_enum(&mut self, oe: &Enum, ne: &Enum) {
        if oe.sql_name != ne.sql_name {
            self.out.push(
                Phase::Enums,
                Change::RenameEnum {
                    schema: oe.pg_schema.clone(),
                    from: oe.sql_name.clone(),
                    to: ne.sql_name.clone(),
                },
            );
        }
        if oe.pg_schema != ne.pg_schema {
            self.out.push(
                Phase::Enums,
                Change::MoveEnum {
                    sql_name: ne.sql_name.clone(),
                    from: oe.pg_schema.clone(),
                    to: ne.pg_schema.clone(),
                },
            );
        }
        // Old values under their new names.
        let translated: Vec<String> = oe
            .values
            .iter()
            .map(|v| {
                self.renames
                    .value_new_name(&ne.name, v)
                    .unwrap_or(v)
                    .to_string()
            })
            .collect();
        let in_place =
            is_subsequence(&translated, &ne.values) && !self.data.rebuild_enums.contains(&ne.name);
        if in_place {
            for (v, new_name) in oe.values.iter().zip(&translated) {
                if v != new_name {
                    self.renamed_values
                        .push((ne.name.clone(), v.clone(), new_name.clone()));
                    self.out.push(
                        Phase::Enums,
                        Change::RenameEnumValue {
                            schema: ne.pg_schema.clone(),
                            sql_name: ne.sql_name.clone(),
                            from: v.clone(),
                            to: new_name.clone(),
                        },
                    );
                }
            }
        }
        if translated != ne.values {
            if in_place {
                for (i, v) in ne.values.iter().enumerate() {
                    if translated.contains(v) {
                        continue;
                    }
                    // Values are added in order, so the one before already exists;
                    // at the front, go before the first value that was there.
                    let position = if i > 0 {
                        Some(ValuePosition::After(ne.values[i - 1].clone()))
                    } else {
                        translated.first().cloned().map(ValuePosition::Before)
                    };
                    self.out.push(
                        Phase::Enums,
                        Change::AddEnumValue {
                            schema: ne.pg_schema.clone(),
                            sql_name: ne.sql_name.clone(),
                            value: v.clone(),
                            position,
                        },
                    );
                    self.added_values.push((ne.name.clone(), v.clone()));
                }
            } else {
                self.recreate_enum(oe, ne);
            }
        }
        // A rebuilt type starts without a comment.
        let rebuilt = self.recreated_enums.contains(&ne.name);
        if oe.comment != ne.comment || (rebuilt && ne.comment.is_some()) {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Type {
                        schema: ne.pg_schema.clone(),
                        name: ne.sql_name.clone(),
                    },
                    text: ne.comment.clone(),
                },
            );
        }
    }

    /// Rebuilds an enum whose values were removed or reordered. Renamed values
    /// are carried by the re-cast too (renaming in place first could collide
    /// with a value the new list reuses).
    pub(super) fn recreate_enum(&mut self, oe: &Enum, ne: &Enum) {
        let hinted = self.data.remap.get(&ne.name);
        let mut remap: Vec<(String, String)> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        let mut lost: Vec<&String> = Vec::new();
        for v in &oe.values {
            if let Some(new_name) = self.renames.value_new_name(&ne.name, v) {
                remap.push((v.clone(), new_name.to_string()));
            } else if ne.values.contains(v) {
                continue;
            } else {
                removed.push(v.clone());
                match hinted.and_then(|r| r.iter().find(|(from, _)| from == v)) {
                    Some((_, to)) => remap.push((v.clone(), to.clone())),
                    None => lost.push(v),
                }
            }
        }
        self.recreated_enums.insert(ne.name.clone());
        let mut usages = Vec::new();
        for nt in &self.new.tables {
            for nc in &nt.columns {
                if nc.ty.base != BaseType::Enum(ne.name.clone()) {
                    continue;
                }
                // Only columns that exist before the change hold rows to re-cast.
                let Some((_, oc)) = self.old_column_of(nt, nc) else {
                    continue;
                };
                if oc.ty.base != BaseType::Enum(oe.name.clone()) {
                    continue;
                }
                usages.push(EnumUsage {
                    table: TableRef::of(nt),
                    column: nc.name.clone(),
                    array: nc.ty.array,
                    default: nc.default.as_ref().map(|d| d.sql().to_string()),
                    had_default: oc.default.is_some(),
                });
            }
        }
        // A down that removes a value the up added fails on the rows
        // written with it since.
        if self.data.down && !lost.is_empty() {
            for u in &usages {
                self.warnings.push(format!(
                    "the down migration cannot keep rows of `{}.{}` that hold {} of enum `{}` (it removes {}): it fails while such rows exist; to make it work, edit the down to move them to a value that stays",
                    u.table.name,
                    u.column,
                    lost.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
                    ne.name,
                    if lost.len() == 1 { "it" } else { "them" }
                ));
            }
        }
        // Only rows can hold a value: an enum no column uses loses nothing.
        if !lost.is_empty() && !usages.is_empty() {
            self.losses.push(Loss {
                what: format!(
                    "enum `{}` loses value{} {}, which rows of {} may hold",
                    ne.name,
                    if lost.len() == 1 { "" } else { "s" },
                    lost.iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    usages
                        .iter()
                        .map(|u| format!("`{}.{}`", u.table.name, u.column))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                place: LossPlace::Enum {
                    name: ne.name.clone(),
                },
                hint: Some(format!(
                    "to keep those rows, say which value they take with `remap: {{ {}: ... }}` on the enum",
                    lost[0]
                )),
            });
        }
        self.out.push(
            Phase::RecreateEnums,
            Change::RecreateEnum {
                new: ne.clone(),
                remap,
                removed,
                usages,
            },
        );
        self.out.push(
            Phase::DropEnums,
            Change::DropEnum {
                schema: ne.pg_schema.clone(),
                sql_name: retired_name(&ne.sql_name),
            },
        );
    }

    /// The enums whose values added by this diff the new schema already uses.
    pub(super) fn enums_using_added_values(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .added_values
            .iter()
            .filter(|(key, value)| self.value_is_used(key, value))
            .map(|(key, _)| key.clone())
            .collect();
        keys.dedup();
        keys
    }

    pub(super) fn value_is_used(&self, key: &str, value: &str) -> bool {
        let lit = schemac_schema::sql::string_literal(value);
        self.new.tables.iter().any(|t| {
            let column_use = t.columns.iter().any(|c| {
                let is_enum = matches!(&c.ty.base, BaseType::Enum(k) if k == key);
                let in_default = c.default.as_ref().is_some_and(|d| {
                    is_enum && d.sql().contains(&lit)
                        || matches!(d, ColumnDefault::Sql(s) if s.contains(&lit))
                });
                in_default || c.generated.as_ref().is_some_and(|g| g.contains(&lit))
            });
            column_use
                || t.checks.iter().any(|c| c.expr.contains(&lit))
                || t.indexes.iter().any(|i| {
                    i.predicate.as_ref().is_some_and(|p| p.contains(&lit))
                        || i.keys
                            .iter()
                            .any(|k| k.expression.as_ref().is_some_and(|e| e.contains(&lit)))
                })
        })
    }
}

pub(super) fn is_subsequence(small: &[String], big: &[String]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

/// `expr` with each quoted literal that `map` renames replaced by its new
/// label; everything else (identifiers, other literals) kept as written.
pub(super) fn relabel(expr: &str, map: &[(&str, &str)]) -> String {
    if map.is_empty() {
        return expr.to_string();
    }
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(start) = rest.find('\'') {
        out.push_str(&rest[..start]);
        let body = &rest[start + 1..];
        // A literal ends at a quote that is not doubled.
        let mut end = None;
        let mut i = 0;
        let bytes = body.as_bytes();
        while i < bytes.len() {
            if bytes[i] == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                end = Some(i);
                break;
            }
            i += 1;
        }
        let Some(end) = end else {
            out.push_str(&rest[start..]);
            return out;
        };
        let value = body[..end].replace("\'\'", "\'");
        match map.iter().find(|(from, _)| *from == value) {
            Some((_, to)) => out.push_str(&string_literal(to)),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}
