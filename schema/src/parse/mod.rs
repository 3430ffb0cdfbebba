//! YAML node tree -> [`FileAst`], by hand, collecting every error.

mod columns;
mod domains;
pub mod pieces;
mod reader;
mod routines;
mod sequences;
mod views;

use columns::{columns, deferrable};
use reader::{boolean, expr, fields, keyword, name, named_entries, string, string_list};

use crate::ast::*;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{FkAction, IdBody, IdStorage};
use crate::source::{FileId, Spanned};
use crate::yaml::{self, Node};

const FILE_KEYS: &[&str] = &[
    "pg_schema",
    "extensions",
    "ids",
    "enums",
    "mixins",
    "tables",
    "views",
    "functions",
    "aggregates",
    "sequences",
    "domains",
];
const ID_KEYS: &[&str] = &["prefix", "separator", "storage", "body"];
const ENUM_KEYS: &[&str] = &["sql_name", "values", "remap", "renamed_from", "comment"];
const ENUM_VALUE_KEYS: &[&str] = &["name", "renamed_from"];
const MIXIN_KEYS: &[&str] = &["mixins", "columns", "indexes", "checks", "soft_delete"];
const TABLE_KEYS: &[&str] = &[
    "mixins",
    "columns",
    "primary_key",
    "unique",
    "indexes",
    "checks",
    "foreign_keys",
    "soft_delete",
    "relations",
    "comment",
    "renamed_from",
    "rust_name",
    "triggers",
    "exclude",
];
const INDEX_KEYS: &[&str] = &[
    "columns",
    "expression",
    "name",
    "unique",
    "where",
    "using",
    "include",
    "paginate",
    "nulls_not_distinct",
];
const UNIQUE_KEYS: &[&str] = &["columns", "name", "nulls_not_distinct"];
const PRIMARY_KEY_KEYS: &[&str] = &["columns", "name"];
const FK_KEYS: &[&str] = &[
    "columns",
    "references",
    "schema",
    "to",
    "on_delete",
    "on_update",
    "deferrable",
    "name",
];
const SOFT_DELETE_KEYS: &[&str] = &["at", "flag"];
const CHECK_KEYS: &[&str] = &["expr", "name"];
const RELATION_KEYS: &[&str] = &["many_to_many", "through"];

pub(super) const FK_ACTIONS: &[(&str, FkAction)] = &[
    ("cascade", FkAction::Cascade),
    ("restrict", FkAction::Restrict),
    ("set_null", FkAction::SetNull),
    ("set_default", FkAction::SetDefault),
    ("no_action", FkAction::NoAction),
];

/// Parses one schema file's text.
pub fn parse_file(file: FileId, text: &str, diags: &mut Diagnostics) -> FileAst {
    let mut ast = FileAst {
        file: Some(file),
        ..FileAst::default()
    };
    let Some(root) = yaml::parse(file, text, diags) else {
        return ast;
    };
    if root.is_null() {
        return ast;
    }
    let Some(f) = fields(&root, "a schema file", FILE_KEYS, diags) else {
        return ast;
    };
    ast.pg_schema = f
        .get("pg_schema")
        .and_then(|n| name(n, "`pg_schema`", diags));
    if let Some(n) = f.get("extensions") {
        ast.extensions = string_list(n, "an extension name", diags);
    }
    ast.ids = sections(f.get("ids"), "`ids`", id_def, diags);
    ast.enums = sections(f.get("enums"), "`enums`", enum_def, diags);
    ast.mixins = sections(f.get("mixins"), "`mixins`", mixin_def, diags);
    ast.tables = sections(f.get("tables"), "`tables`", table_def, diags);
    ast.views = sections(f.get("views"), "`views`", views::view_def, diags);
    ast.functions = sections(
        f.get("functions"),
        "`functions`",
        routines::function_def,
        diags,
    );
    ast.domains = sections(f.get("domains"), "`domains`", domains::domain_def, diags);
    ast.sequences = sections(
        f.get("sequences"),
        "`sequences`",
        sequences::sequence_def,
        diags,
    );
    ast.aggregates = sections(
        f.get("aggregates"),
        "`aggregates`",
        routines::aggregate_def,
        diags,
    );
    ast
}

/// The definitions of one top-level section (`ids`, `enums`, ...), each read by `read`.
fn sections<T>(
    node: Option<&Node>,
    what: &str,
    read: fn(Spanned<String>, &Node, &mut Diagnostics) -> Option<T>,
    diags: &mut Diagnostics,
) -> Vec<T> {
    let Some(node) = node else { return Vec::new() };
    named_entries(node, what, diags)
        .into_iter()
        .filter_map(|(name, n)| read(name, n, diags))
        .collect()
}

fn id_def(id_name: Spanned<String>, node: &Node, diags: &mut Diagnostics) -> Option<IdDef> {
    let what = format!("ID type `{}`", id_name.value);
    let f = fields(node, &what, ID_KEYS, diags)?;
    let prefix = f.required(
        "prefix",
        |n, d| name(n, "`prefix`", d),
        || {
            Diagnostic::error(format!("{what} has no `prefix`"))
                .at(id_name.span, "defined here")
                .help("add `prefix: ...`, the text before the separator in the external form")
        },
        diags,
    )?;
    let separator = f
        .get("separator")
        .and_then(|n| string(n, "`separator`", diags));
    let storage = f
        .get("storage")
        .and_then(|n| {
            keyword(
                n,
                "ID storage",
                &[("uuid", IdStorage::Uuid), ("text", IdStorage::Text)],
                diags,
            )
        })
        .map_or(IdStorage::Uuid, |s| s.value);
    let body = f
        .get("body")
        .and_then(|n| {
            keyword(
                n,
                "ID body",
                &[("ulid", IdBody::Ulid), ("any", IdBody::Any)],
                diags,
            )
        })
        .map_or(IdBody::Ulid, |s| s.value);
    Some(IdDef {
        name: id_name,
        prefix,
        separator,
        storage,
        body,
    })
}

fn enum_def(enum_name: Spanned<String>, node: &Node, diags: &mut Diagnostics) -> Option<EnumDef> {
    let mut def = EnumDef {
        name: enum_name,
        sql_name: None,
        values_span: node.span,
        values: Vec::new(),
        remap: Vec::new(),
        renamed_from: None,
        comment: None,
    };
    let values_node = if node.as_seq().is_some() || node.is_null() {
        Some(node)
    } else {
        let what = format!("enum `{}`", def.name.value);
        let f = fields(node, &what, ENUM_KEYS, diags)?;
        def.sql_name = f.get("sql_name").and_then(|n| name(n, "`sql_name`", diags));
        def.renamed_from = f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags));
        def.comment = f.get("comment").and_then(|n| string(n, "`comment`", diags));
        if let Some(r) = f.get("remap") {
            for (from, to) in named_entries(r, "`remap`", diags) {
                if let Some(to) = string(to, "a remap target", diags) {
                    def.remap.push((from, to));
                }
            }
        }
        if f.get("values").is_none() {
            diags.push(
                Diagnostic::error(format!("{what} has no `values`"))
                    .at(def.name.span, "defined here")
                    .help("list its values: `values: [a, b]`"),
            );
            return None;
        }
        f.get("values")
    };
    if let Some(vn) = values_node {
        def.values_span = vn.span;
        if let Some(items) = vn.as_seq() {
            for item in items {
                if item.as_map().is_some() {
                    let Some(vf) = fields(item, "an enum value", ENUM_VALUE_KEYS, diags) else {
                        continue;
                    };
                    let Some(n) = vf.required(
                        "name",
                        |n, d| string(n, "an enum value", d),
                        || {
                            Diagnostic::error("an enum value written as a mapping needs `name`")
                                .at(item.span, "no `name` here")
                        },
                        diags,
                    ) else {
                        continue;
                    };
                    let renamed_from = vf
                        .get("renamed_from")
                        .and_then(|n| string(n, "`renamed_from`", diags));
                    def.values.push(EnumValueDef {
                        name: n,
                        renamed_from,
                    });
                } else if let Some(n) = string(item, "an enum value", diags) {
                    def.values.push(EnumValueDef {
                        name: n,
                        renamed_from: None,
                    });
                }
            }
        } else if !vn.is_null() {
            diags.push(
                Diagnostic::error(format!(
                    "the values of enum `{}` must be a list",
                    def.name.value
                ))
                .at(vn.span, format!("found {}", vn.describe())),
            );
            return None;
        }
    }
    Some(def)
}

fn mixin_def(
    mixin_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<MixinDef> {
    let what = format!("mixin `{}`", mixin_name.value);
    let f = fields(node, &what, MIXIN_KEYS, diags)?;
    Some(MixinDef {
        mixins: f
            .get("mixins")
            .map(|n| string_list(n, "a mixin name", diags))
            .unwrap_or_default(),
        columns: f
            .get("columns")
            .map(|n| columns(n, diags))
            .unwrap_or_default(),
        indexes: f
            .get("indexes")
            .map(|n| indexes(n, diags))
            .unwrap_or_default(),
        checks: f
            .get("checks")
            .map(|n| checks(n, diags))
            .unwrap_or_default(),
        soft_delete: f.get("soft_delete").and_then(|n| soft_delete(n, diags)),
        name: mixin_name,
    })
}

fn table_def(
    table_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<TableDef> {
    let what = format!("table `{}`", table_name.value);
    let f = fields(node, &what, TABLE_KEYS, diags)?;
    // A list of columns, or `{ columns: [...], name: ... }` (the name alone
    // for a key marked on its column).
    let (primary_key, primary_key_name) = match f.get("primary_key") {
        None => (None, None),
        Some(n) if n.as_map().is_none() => (
            Some(Spanned::new(
                string_list(n, "a primary key column", diags),
                n.span,
            )),
            None,
        ),
        Some(n) => match fields(n, "the primary key", PRIMARY_KEY_KEYS, diags) {
            None => (None, None),
            Some(pk) => (
                pk.get("columns")
                    .map(|c| Spanned::new(string_list(c, "a primary key column", diags), c.span)),
                pk.get("name")
                    .and_then(|c| name(c, "a constraint name", diags)),
            ),
        },
    };
    let unique = match f.get("unique") {
        None => Vec::new(),
        Some(n) => match n.as_seq() {
            Some(items) => items.iter().filter_map(|i| unique_def(i, diags)).collect(),
            None => {
                diags.push(
                    Diagnostic::error("`unique` must be a list of column sets")
                        .at(n.span, format!("found {}", n.describe()))
                        .help("write `unique: [[a, b]]`, or `unique: true` on a single column"),
                );
                Vec::new()
            }
        },
    };
    let foreign_keys = match f.get("foreign_keys") {
        None => Vec::new(),
        Some(n) => match n.as_seq() {
            Some(items) => items
                .iter()
                .filter_map(|i| foreign_key_def(i, diags))
                .collect(),
            None => {
                diags.push(
                    Diagnostic::error("`foreign_keys` must be a list")
                        .at(n.span, format!("found {}", n.describe())),
                );
                Vec::new()
            }
        },
    };
    let relations = f
        .get("relations")
        .map(|n| {
            named_entries(n, "`relations`", diags)
                .into_iter()
                .filter_map(|(rn, node)| {
                    let rf = fields(node, &format!("relation `{}`", rn.value), RELATION_KEYS, diags)?;
                    let many = rf.get("many_to_many").and_then(|n| name(n, "`many_to_many`", diags));
                    let through = rf.get("through").and_then(|n| name(n, "`through`", diags));
                    match (many, through) {
                        (Some(m), Some(t)) => Some(RelationDef {
                            name: rn,
                            many_to_many: m,
                            through: t,
                        }),
                        _ => {
                            diags.push(
                                Diagnostic::error(format!(
                                    "relation `{}` needs `many_to_many` and `through`",
                                    rn.value
                                ))
                                .at(rn.span, "incomplete relation")
                                .help("write `{ many_to_many: other_table, through: junction_table }`"),
                            );
                            None
                        }
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Some(TableDef {
        rust_name: f
            .get("rust_name")
            .and_then(|n| name(n, "`rust_name`", diags)),
        mixins: f
            .get("mixins")
            .map(|n| string_list(n, "a mixin name", diags))
            .unwrap_or_default(),
        columns: f
            .get("columns")
            .map(|n| columns(n, diags))
            .unwrap_or_default(),
        columns_span: f.get("columns").map_or(table_name.span, |n| n.span),
        primary_key,
        primary_key_name,
        unique,
        indexes: f
            .get("indexes")
            .map(|n| indexes(n, diags))
            .unwrap_or_default(),
        checks: f
            .get("checks")
            .map(|n| checks(n, diags))
            .unwrap_or_default(),
        foreign_keys,
        soft_delete: f.get("soft_delete").and_then(|n| soft_delete(n, diags)),
        relations,
        exclusions: f
            .get("exclude")
            .map(|n| exclusions(n, diags))
            .unwrap_or_default(),
        triggers: f
            .get("triggers")
            .map(|n| routines::triggers(n, diags))
            .unwrap_or_default(),
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        renamed_from: f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags)),
        name: table_name,
    })
}

pub(super) fn indexes(node: &Node, diags: &mut Diagnostics) -> Vec<IndexDef> {
    let Some(items) = node.as_seq() else {
        if !node.is_null() {
            diags.push(
                Diagnostic::error("`indexes` must be a list")
                    .at(node.span, format!("found {}", node.describe())),
            );
        }
        return Vec::new();
    };
    items.iter().filter_map(|i| index_def(i, diags)).collect()
}

fn index_def(node: &Node, diags: &mut Diagnostics) -> Option<IndexDef> {
    let mut def = IndexDef {
        span: node.span,
        columns: Vec::new(),
        expression: None,
        name: None,
        unique: false,
        predicate: None,
        using: None,
        include: Vec::new(),
        paginate: false,
        nulls_not_distinct: None,
    };
    if node.as_seq().is_some() || node.as_scalar().is_some() {
        def.columns = string_list(node, "an index column", diags);
        return Some(def);
    }
    let f = fields(node, "an index", INDEX_KEYS, diags)?;
    def.columns = f
        .get("columns")
        .map(|n| string_list(n, "an index column", diags))
        .unwrap_or_default();
    def.expression = f
        .get("expression")
        .and_then(|n| expr(n, "`expression`", diags));
    def.name = f.get("name").and_then(|n| name(n, "an index name", diags));
    def.unique = f
        .get("unique")
        .and_then(|n| boolean(n, "`unique`", diags))
        .is_some_and(|b| b.value);
    def.predicate = f.get("where").and_then(|n| expr(n, "`where`", diags));
    def.using = f.get("using").and_then(|n| name(n, "`using`", diags));
    def.include = f
        .get("include")
        .map(|n| string_list(n, "an included column", diags))
        .unwrap_or_default();
    def.paginate = f
        .get("paginate")
        .and_then(|n| boolean(n, "`paginate`", diags))
        .is_some_and(|b| b.value);
    def.nulls_not_distinct = f
        .get("nulls_not_distinct")
        .and_then(|n| boolean(n, "`nulls_not_distinct`", diags));
    if def.columns.is_empty()
        && def.expression.is_none()
        && !f.has("columns")
        && !f.has("expression")
    {
        diags.push(
            Diagnostic::error("an index needs `columns` or `expression`")
                .at(node.span, "nothing to index")
                .help("write `{ columns: [a, b] }` or `{ expression: \"lower(email)\" }`"),
        );
        return None;
    }
    Some(def)
}

fn unique_def(node: &Node, diags: &mut Diagnostics) -> Option<UniqueDef> {
    if node.as_seq().is_some() || node.as_scalar().is_some() {
        return Some(UniqueDef {
            span: node.span,
            columns: string_list(node, "a unique column", diags),
            name: None,
            nulls_not_distinct: false,
        });
    }
    let f = fields(node, "a unique set", UNIQUE_KEYS, diags)?;
    Some(UniqueDef {
        span: node.span,
        columns: f
            .get("columns")
            .map(|n| string_list(n, "a unique column", diags))
            .unwrap_or_default(),
        name: f
            .get("name")
            .and_then(|n| name(n, "a constraint name", diags)),
        nulls_not_distinct: f
            .get("nulls_not_distinct")
            .and_then(|n| boolean(n, "`nulls_not_distinct`", diags))
            .is_some_and(|b| b.value),
    })
}

/// A table's `exclude:`: `key: { using, elements: [expr WITH op, ...], where }`.
fn exclusions(node: &Node, diags: &mut Diagnostics) -> Vec<ExclusionDef> {
    named_entries(node, "`exclude`", diags)
        .into_iter()
        .filter_map(|(key, n)| {
            let what = format!("exclusion constraint `{}`", key.value);
            let f = fields(n, &what, &["using", "elements", "where", "name"], diags)?;
            let elements = f
                .get("elements")
                .map(|e| string_list(e, "an element (`expression WITH operator`)", diags))
                .unwrap_or_default();
            if elements.is_empty() {
                diags.push(
                    Diagnostic::error(format!("{what} excludes nothing"))
                        .at(key.span, "no `elements`")
                        .help("list what no two rows may share: `elements: [\"room_id WITH =\", \"tstzrange(starts_at, ends_at) WITH &&\"]`"),
                );
                return None;
            }
            Some(ExclusionDef {
                using: f.get("using").and_then(|u| name(u, "`using`", diags)),
                elements,
                predicate: f.get("where").and_then(|w| expr(w, "`where`", diags)),
                name: f.get("name").and_then(|n| name(n, "the constraint's name", diags)),
                key,
            })
        })
        .collect()
}

pub(super) fn checks(node: &Node, diags: &mut Diagnostics) -> Vec<CheckDef> {
    named_entries(node, "`checks`", diags)
        .into_iter()
        .filter_map(|(key, n)| {
            // `key: "expr"`, or `key: { expr: "...", name: x }` for a check
            // whose name is not schemac's `<table>_<key>_check` (a database
            // made by another tool, as `pull` finds it).
            if n.as_map().is_none() {
                return Some(CheckDef {
                    expr: expr(n, "a check expression", diags)?,
                    key,
                    name: None,
                });
            }
            let f = fields(n, "a check", CHECK_KEYS, diags)?;
            let expr = f.required(
                "expr",
                |n, d| expr(n, "a check expression", d),
                || {
                    Diagnostic::error("a check needs `expr`")
                        .at(n.span, "no `expr` here")
                        .help("write `key: \"price > 0\"`, or `key: { expr: \"price > 0\", name: positive_price }`")
                },
                diags,
            )?;
            let name = f.get("name").and_then(|n| name(n, "the check's name", diags));
            Some(CheckDef { expr, key, name })
        })
        .collect()
}

fn foreign_key_def(node: &Node, diags: &mut Diagnostics) -> Option<ForeignKeyDef> {
    let f = fields(node, "a foreign key", FK_KEYS, diags)?;
    let columns = f
        .get("columns")
        .map(|n| string_list(n, "a foreign key column", diags))
        .unwrap_or_default();
    let references = f.required(
        "references",
        |n, d| name(n, "the referenced table", d),
        || {
            Diagnostic::error("a foreign key needs `references`")
                .at(node.span, "no `references` here")
                .help("write `{ columns: [a, b], references: other_table, to: [x, y] }`")
        },
        diags,
    )?;
    if columns.is_empty() {
        diags.push(
            Diagnostic::error("a foreign key needs `columns`")
                .at(node.span, "no columns")
                .help("write `{ columns: [a, b], references: other_table, to: [x, y] }`"),
        );
        return None;
    }
    Some(ForeignKeyDef {
        span: node.span,
        columns,
        schema: f.get("schema").and_then(|n| name(n, "`schema`", diags)),
        references,
        to: f
            .get("to")
            .map(|n| string_list(n, "a referenced column", diags))
            .unwrap_or_default(),
        on_delete: f
            .get("on_delete")
            .and_then(|n| keyword(n, "`on_delete` action", FK_ACTIONS, diags)),
        on_update: f
            .get("on_update")
            .and_then(|n| keyword(n, "`on_update` action", FK_ACTIONS, diags)),
        deferrable: f.get("deferrable").and_then(|n| deferrable(n, diags)),
        name: f
            .get("name")
            .and_then(|n| name(n, "a constraint name", diags)),
    })
}

fn soft_delete(node: &Node, diags: &mut Diagnostics) -> Option<SoftDeleteDef> {
    if node.as_scalar().is_some() {
        let at = name(node, "`soft_delete`", diags)?;
        return Some(SoftDeleteDef {
            span: node.span,
            at,
            flag: None,
        });
    }
    let f = fields(node, "`soft_delete`", SOFT_DELETE_KEYS, diags)?;
    let at = f.required(
        "at",
        |n, d| name(n, "`soft_delete.at`", d),
        || {
            Diagnostic::error("`soft_delete` needs `at`, the timestamp column set on delete")
                .at(node.span, "no `at` here")
        },
        diags,
    )?;
    Some(SoftDeleteDef {
        span: node.span,
        at,
        flag: f
            .get("flag")
            .and_then(|n| name(n, "`soft_delete.flag`", diags)),
    })
}
