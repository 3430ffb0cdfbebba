//! The database's views in the generated code (not to be confused with
//! `view/`, the templates' view of a table): a module per view with its
//! row, typed by PostgreSQL into the lock file, `list`, and with a `key:`
//! `get` and keyset pages; a materialized view's `refresh`.

use serde::Serialize;

use schemac_schema::Schema;
use schemac_schema::model::View;
use schemac_schema::queries::LockedView;
use schemac_schema::sql::{ident, qualified};

use super::CodegenError;
use super::names::{snake_ident, struct_name};
use super::queries::{QueryColumn, QueryView, full_paths, param_type, row_fields};
use super::view::{Param, locals};

/// A view as its template renders it.
#[derive(Serialize)]
pub struct ViewCode {
    /// `pg_schema.name`, for the docs.
    pub qualified: String,
    /// Its comment, a paragraph each.
    pub doc: Vec<String>,
    pub materialized: bool,
    /// The row struct's name.
    pub row: String,
    pub columns: Vec<QueryColumn>,
    /// `list`, and `get` with a key.
    pub reads: Vec<QueryView>,
    pub page: Option<PageCode>,
    pub refresh: String,
    pub refresh_concurrently: String,
}

/// A keyset page by the view's key.
#[derive(Serialize)]
pub struct PageCode {
    /// The key's columns, for the doc.
    pub key_doc: String,
    /// `&T`, or a tuple of references for a key of several columns.
    pub after_type: String,
    /// The parameters `after` gives: itself, or each of its tuple's items.
    pub after_args: Vec<String>,
    pub first: String,
    pub next: String,
    pub locals: std::collections::BTreeMap<&'static str, String>,
}

/// The views' module names, beside the tables' (`tables`): a view's name,
/// or with its pg_schema before it where a table or another view of
/// another pg_schema has the name.
pub fn module_names(schema: &Schema, tables: &[String]) -> Vec<String> {
    schema
        .views
        .iter()
        .map(|v| {
            let plain = snake_ident(&v.name);
            let clash = tables.contains(&plain)
                || schema.views.iter().filter(|o| o.name == v.name).count() > 1;
            match clash {
                true => snake_ident(&format!("{}_{}", v.pg_schema, v.name)),
                false => plain,
            }
        })
        .collect()
}

/// The code of view `v`, typed as `locked`.
pub fn view_code(v: &View, locked: &LockedView) -> Result<ViewCode, CodegenError> {
    let error = |message: String| CodegenError {
        file: format!("{}.rs", snake_ident(&v.name)),
        message,
    };
    let columns = row_fields(&locked.columns).map_err(|c| {
        error(format!(
            "view `{}` returns two columns named `{c}`: give one an alias (`AS ...`)",
            v.key()
        ))
    })?;
    let row = struct_name(&v.name, None);
    let from = qualified(&v.pg_schema, &v.name);
    let select = format!(
        "SELECT {} FROM {from}",
        locked
            .columns
            .iter()
            .map(|c| ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let read = |name: &str, doc: String, sql: String, params: Vec<Param>, returns| QueryView {
        locals: locals(params.iter().map(|p| p.name.as_str())),
        label: format!("view {}", v.key()),
        column: String::new(),
        name: name.to_owned(),
        doc: vec![doc],
        writes: false,
        stateless: true,
        sql,
        params,
        row_struct: None,
        columns: Vec::new(),
        row_type: Some(row.clone()),
        returns,
    };
    let mut reads = Vec::new();
    let key: Vec<(&str, String)> = v
        .key
        .iter()
        .filter_map(|k| {
            let c = locked.columns.iter().find(|c| &c.name == k)?;
            Some((k.as_str(), full_paths(&param_type(&c.rust))))
        })
        .collect();
    let order = key
        .iter()
        .map(|(k, _)| ident(k))
        .collect::<Vec<_>>()
        .join(", ");
    let list_sql = match key.is_empty() {
        true => select.clone(),
        false => format!("{select} ORDER BY {order}"),
    };
    let list_doc = match key.is_empty() {
        true => "Every row of the view.".to_owned(),
        false => "Every row of the view, in key order.".to_owned(),
    };
    reads.push(read("list", list_doc, list_sql, Vec::new(), "many"));
    let mut page = None;
    if !key.is_empty() {
        let params: Vec<Param> = key
            .iter()
            .map(|(k, ty)| Param {
                name: snake_ident(k),
                ty: ty.clone(),
            })
            .collect();
        let filter = key
            .iter()
            .enumerate()
            .map(|(i, (k, _))| format!("{} = ${}", ident(k), i + 1))
            .collect::<Vec<_>>()
            .join(" AND ");
        reads.push(read(
            "get",
            "The row with this key, if there is one.".to_owned(),
            format!("{select} WHERE {filter}"),
            params,
            "opt",
        ));
        let n = key.len();
        let placeholders = (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>();
        let (after_type, after_args, after) = match n {
            1 => (
                key[0].1.clone(),
                vec!["after".to_owned()],
                format!("{order} > $1"),
            ),
            _ => (
                format!(
                    "({})",
                    key.iter()
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (0..n).map(|i| format!("after.{i}")).collect(),
                format!("({order}) > ({})", placeholders.join(", ")),
            ),
        };
        page = Some(PageCode {
            key_doc: v
                .key
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            after_type,
            after_args,
            first: format!("{select} ORDER BY {order} LIMIT $1"),
            next: format!("{select} WHERE {after} ORDER BY {order} LIMIT ${}", n + 1),
            locals: locals(std::iter::empty()),
        });
    }
    Ok(ViewCode {
        qualified: v.key(),
        doc: v
            .comment
            .as_deref()
            .map(|c| c.split("\n\n").map(|p| p.replace('\n', " ")).collect())
            .unwrap_or_default(),
        materialized: v.materialized,
        row,
        columns,
        reads,
        page,
        refresh: format!("REFRESH MATERIALIZED VIEW {from}"),
        refresh_concurrently: format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {from}"),
    })
}
