//! Reading SQL with PostgreSQL's own parser (libpg_query): whether the SQL a
//! schema carries parses, and what a named query's text says that a
//! prepared statement does not: which column each parameter is compared
//! with, inserted into or assigned to (so `WHERE id = :id` takes the
//! column's ID type), which tables an outer join may extend with NULLs,
//! and whether the statement writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pg_query::NodeEnum;
use pg_query::protobuf::{
    AExpr, AExprKind, ColumnRef, JoinType, Node, RangeVar, SelectStmt, WithClause,
};
use schemac_schema::Schema;

/// [`schemac_schema::expressions::SqlParser`]: the statements in `sql`.
/// The parser alone, without the parse tree, which is a tenth of the cost
/// (2.8 µs a statement against 26 µs, release build).
pub fn statements(sql: &str) -> Result<usize, String> {
    match pg_query::split_with_parser(sql) {
        Ok(statements) => Ok(statements.len()),
        Err(pg_query::Error::Split(message) | pg_query::Error::Parse(message)) => Err(message),
        Err(other) => Err(other.to_string()),
    }
}

/// A schema column a parameter stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamColumn {
    /// The table's pg_schema.
    pub pg_schema: String,
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// `column = ANY(:p)`: the parameter is an array of the column's values.
    pub array: bool,
}

/// What the text of one statement says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// It may write (its function then takes `&impl Write`).
    pub writes: bool,
    /// It leaves the session as it found it.
    pub stateless: bool,
    /// By parameter number (1-based); a parameter used against two different
    /// columns is left out.
    pub params: BTreeMap<usize, ParamColumn>,
    /// (pg_schema, table) read on the side of an outer join that may be
    /// NULL-extended.
    pub null_extended: BTreeSet<(String, String)>,
}

/// Reads one statement; the error is PostgreSQL's parser message.
pub fn read(sql: &str, schema: &Schema) -> Result<Reading, String> {
    let parsed = pg_query::parse(sql, 0).map_err(|e| match e {
        pg_query::Error::Parse(message) => message,
        other => other.to_string(),
    })?;
    let mut reader = Reader {
        schema,
        ctes: HashMap::new(),
        uses: BTreeMap::new(),
        null_extended: BTreeSet::new(),
    };
    let mut reading = Reading::default();
    for raw in &parsed.protobuf.stmts {
        let Some(stmt) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) else {
            continue;
        };
        let (writes, stateless) = kind(stmt);
        reading.writes |= writes;
        reading.stateless = stateless;
        reader.statement(stmt, None);
    }
    reading.params = reader
        .uses
        .into_iter()
        .filter_map(|(n, uses)| match uses.as_slice() {
            [one] => Some((n, one.clone())),
            _ => None,
        })
        .collect();
    reading.null_extended = reader.null_extended;
    Ok(reading)
}

fn kind(stmt: &NodeEnum) -> (bool, bool) {
    match stmt {
        NodeEnum::SelectStmt(s) => (select_writes(s), true),
        NodeEnum::InsertStmt(_)
        | NodeEnum::UpdateStmt(_)
        | NodeEnum::DeleteStmt(_)
        | NodeEnum::MergeStmt(_) => (true, true),
        _ => (true, false),
    }
}

/// `SELECT … INTO`, `FOR UPDATE` and a data-modifying CTE write.
fn select_writes(s: &SelectStmt) -> bool {
    let modifying_cte = s.with_clause.iter().flat_map(|w| &w.ctes).any(|cte| {
        let Some(NodeEnum::CommonTableExpr(cte)) = &cte.node else {
            return false;
        };
        match cte.ctequery.as_deref().and_then(|q| q.node.as_ref()) {
            Some(NodeEnum::SelectStmt(inner)) => select_writes(inner),
            Some(_) => true,
            None => false,
        }
    });
    let branches = [&s.larg, &s.rarg]
        .into_iter()
        .flatten()
        .any(|b| select_writes(b));
    s.into_clause.is_some() || !s.locking_clause.is_empty() || modifying_cte || branches
}

/// A name in a FROM list: a schema table, or something else (a subquery,
/// a CTE, a function, a table the schema does not have).
struct Item {
    name: String,
    table: Option<(String, String)>,
}

struct Scope<'p> {
    items: Vec<Item>,
    parent: Option<&'p Scope<'p>>,
}

struct Reader<'s> {
    schema: &'s Schema,
    /// CTE name -> its query, for the tables an outer join extends.
    ctes: HashMap<String, Node>,
    uses: BTreeMap<usize, Vec<ParamColumn>>,
    null_extended: BTreeSet<(String, String)>,
}

impl Reader<'_> {
    fn statement(&mut self, stmt: &NodeEnum, parent: Option<&Scope<'_>>) {
        match stmt {
            NodeEnum::SelectStmt(s) => self.select(s, parent),
            NodeEnum::InsertStmt(s) => {
                self.with(s.with_clause.as_ref(), parent);
                let Some(rel) = &s.relation else { return };
                let table = self.table_of(rel);
                let mut scope = Scope {
                    items: Vec::new(),
                    parent,
                };
                scope.items.push(self.item(rel, table.clone()));
                // The columns a VALUES row or a SELECT list fills, in order.
                let columns: Vec<String> = match s.cols.is_empty() {
                    true => table
                        .as_ref()
                        .and_then(|(ps, t)| self.schema.table(ps, t))
                        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                        .unwrap_or_default(),
                    false => s
                        .cols
                        .iter()
                        .filter_map(|c| match &c.node {
                            Some(NodeEnum::ResTarget(r)) => Some(r.name.clone()),
                            _ => None,
                        })
                        .collect(),
                };
                if let (Some(table), Some(NodeEnum::SelectStmt(source))) = (
                    &table,
                    s.select_stmt.as_deref().and_then(|n| n.node.as_ref()),
                ) {
                    let rows: Vec<Vec<&Node>> = match source.values_lists.is_empty() {
                        false => source
                            .values_lists
                            .iter()
                            .filter_map(|row| match &row.node {
                                Some(NodeEnum::List(l)) => Some(l.items.iter().collect()),
                                _ => None,
                            })
                            .collect(),
                        true => vec![
                            source
                                .target_list
                                .iter()
                                .filter_map(|t| match &t.node {
                                    Some(NodeEnum::ResTarget(r)) => r.val.as_deref(),
                                    _ => None,
                                })
                                .collect(),
                        ],
                    };
                    for row in rows {
                        for (value, column) in row.into_iter().zip(&columns) {
                            self.param_is(value, table, column, false);
                        }
                    }
                }
                if let Some(NodeEnum::SelectStmt(source)) =
                    s.select_stmt.as_deref().and_then(|n| n.node.as_ref())
                {
                    self.select(source, Some(&scope));
                }
                if let Some(conflict) = &s.on_conflict_clause {
                    self.assignments(&conflict.target_list, table.as_ref(), &scope);
                    self.expr_opt(conflict.where_clause.as_deref(), &scope);
                }
                if let Some(ret) = &s.returning_clause {
                    self.exprs(&ret.exprs, &scope);
                }
            }
            NodeEnum::UpdateStmt(s) => {
                self.with(s.with_clause.as_ref(), parent);
                let Some(rel) = &s.relation else { return };
                let table = self.table_of(rel);
                let mut scope = Scope {
                    items: vec![self.item(rel, table.clone())],
                    parent,
                };
                self.sources(&s.from_clause, &mut scope);
                self.assignments(&s.target_list, table.as_ref(), &scope);
                self.expr_opt(s.where_clause.as_deref(), &scope);
                if let Some(ret) = &s.returning_clause {
                    self.exprs(&ret.exprs, &scope);
                }
            }
            NodeEnum::DeleteStmt(s) => {
                self.with(s.with_clause.as_ref(), parent);
                let Some(rel) = &s.relation else { return };
                let table = self.table_of(rel);
                let mut scope = Scope {
                    items: vec![self.item(rel, table)],
                    parent,
                };
                self.sources(&s.using_clause, &mut scope);
                self.expr_opt(s.where_clause.as_deref(), &scope);
                if let Some(ret) = &s.returning_clause {
                    self.exprs(&ret.exprs, &scope);
                }
            }
            _ => {}
        }
    }

    fn with(&mut self, with: Option<&WithClause>, parent: Option<&Scope<'_>>) {
        for cte in with.iter().flat_map(|w| &w.ctes) {
            let Some(NodeEnum::CommonTableExpr(cte)) = &cte.node else {
                continue;
            };
            if let Some(query) = cte.ctequery.as_deref() {
                self.ctes.insert(cte.ctename.clone(), query.clone());
                if let Some(q) = &query.node {
                    self.statement(q, parent);
                }
            }
        }
    }

    fn select(&mut self, s: &SelectStmt, parent: Option<&Scope<'_>>) {
        self.with(s.with_clause.as_ref(), parent);
        for branch in [&s.larg, &s.rarg].into_iter().flatten() {
            self.select(branch, parent);
        }
        let mut scope = Scope {
            items: Vec::new(),
            parent,
        };
        self.sources(&s.from_clause, &mut scope);
        self.exprs(&s.target_list, &scope);
        self.expr_opt(s.where_clause.as_deref(), &scope);
        self.expr_opt(s.having_clause.as_deref(), &scope);
        for row in &s.values_lists {
            self.expr(row, &scope);
        }
        self.join_conditions(&s.from_clause, &scope);
    }

    /// The FROM items into `scope`, marking what outer joins extend.
    fn sources(&mut self, from: &[Node], scope: &mut Scope<'_>) {
        for item in from {
            self.source(item, false, scope);
        }
    }

    fn source(&mut self, node: &Node, nullable: bool, scope: &mut Scope<'_>) {
        match &node.node {
            Some(NodeEnum::RangeVar(rel)) => {
                let table = self.table_of(rel);
                if nullable {
                    self.all_extended(node);
                }
                let item = self.item(rel, table);
                scope.items.push(item);
            }
            Some(NodeEnum::JoinExpr(join)) => {
                let kind = JoinType::try_from(join.jointype).unwrap_or(JoinType::JoinInner);
                let (left, right) = match kind {
                    JoinType::JoinLeft => (false, true),
                    JoinType::JoinRight => (true, false),
                    JoinType::JoinFull => (true, true),
                    _ => (false, false),
                };
                if let Some(l) = &join.larg {
                    self.source(l, nullable || left, scope);
                }
                if let Some(r) = &join.rarg {
                    self.source(r, nullable || right, scope);
                }
            }
            Some(NodeEnum::RangeSubselect(sub)) => {
                if let Some(query) = sub.subquery.as_deref() {
                    if nullable {
                        self.all_extended(query);
                    }
                    if let Some(NodeEnum::SelectStmt(s)) = &query.node {
                        // LATERAL sees the items before it; plain does not,
                        // and then nothing it names can be one of them.
                        self.select(s, scope.parent);
                    }
                }
                scope.items.push(Item {
                    name: sub
                        .alias
                        .as_ref()
                        .map(|a| a.aliasname.clone())
                        .unwrap_or_default(),
                    table: None,
                });
            }
            Some(NodeEnum::RangeFunction(f)) => scope.items.push(Item {
                name: f
                    .alias
                    .as_ref()
                    .map(|a| a.aliasname.clone())
                    .unwrap_or_default(),
                table: None,
            }),
            _ => {}
        }
    }

    /// The join conditions, read once every FROM item is in scope.
    fn join_conditions(&mut self, from: &[Node], scope: &Scope<'_>) {
        for node in from {
            if let Some(NodeEnum::JoinExpr(join)) = &node.node {
                self.expr_opt(join.quals.as_deref(), scope);
                let sides: Vec<Node> = [&join.larg, &join.rarg]
                    .into_iter()
                    .flatten()
                    .map(|b| (**b).clone())
                    .collect();
                self.join_conditions(&sides, scope);
            }
        }
    }

    /// Every schema table under `node` may come back NULL-extended.
    fn all_extended(&mut self, node: &Node) {
        let mut seen = Vec::new();
        self.extended_under(node, &mut seen);
    }

    fn extended_under(&mut self, node: &Node, seen: &mut Vec<String>) {
        let Some(inner) = &node.node else { return };
        for (n, ..) in inner.nodes() {
            let pg_query::NodeRef::RangeVar(rel) = n else {
                continue;
            };
            if let Some(t) = self.table_of(rel) {
                self.null_extended.insert(t);
            } else if rel.schemaname.is_empty() && !seen.contains(&rel.relname) {
                // A CTE's tables, once (a recursive one names itself).
                if let Some(cte) = self.ctes.get(&rel.relname).cloned() {
                    seen.push(rel.relname.clone());
                    self.extended_under(&cte, seen);
                }
            }
        }
    }

    /// Whether the schema's table (pg_schema, name) has `column`.
    fn has_column(&self, table: &(String, String), column: &str) -> bool {
        self.schema
            .table(&table.0, &table.1)
            .is_some_and(|t| t.column(column).is_some())
    }

    fn table_of(&self, rel: &RangeVar) -> Option<(String, String)> {
        if rel.schemaname.is_empty() && self.ctes.contains_key(&rel.relname) {
            return None;
        }
        let pg_schema = match rel.schemaname.as_str() {
            "" => "public",
            s => s,
        };
        self.schema
            .table(pg_schema, &rel.relname)
            .map(|t| (t.pg_schema.clone(), t.name.clone()))
    }

    fn item(&self, rel: &RangeVar, table: Option<(String, String)>) -> Item {
        let name = match &rel.alias {
            Some(alias) => alias.aliasname.clone(),
            None => rel.relname.clone(),
        };
        Item { name, table }
    }

    /// `SET column = :p` (UPDATE, ON CONFLICT DO UPDATE).
    fn assignments(&mut self, targets: &[Node], table: Option<&(String, String)>, scope: &Scope) {
        for t in targets {
            let Some(NodeEnum::ResTarget(r)) = &t.node else {
                continue;
            };
            let Some(value) = r.val.as_deref() else {
                continue;
            };
            if let Some(table) = table
                && r.indirection.is_empty()
            {
                self.param_is(value, table, &r.name, false);
            }
            self.expr(value, scope);
        }
    }

    fn exprs(&mut self, nodes: &[Node], scope: &Scope<'_>) {
        for n in nodes {
            self.expr(n, scope);
        }
    }

    fn expr_opt(&mut self, node: Option<&Node>, scope: &Scope<'_>) {
        if let Some(n) = node {
            self.expr(n, scope);
        }
    }

    /// Walks an expression for comparisons of a column with a parameter,
    /// and into the subqueries it holds.
    fn expr(&mut self, node: &Node, scope: &Scope<'_>) {
        let Some(n) = &node.node else { return };
        match n {
            NodeEnum::AExpr(e) => {
                self.comparison(e, scope);
                self.expr_opt(e.lexpr.as_deref(), scope);
                self.expr_opt(e.rexpr.as_deref(), scope);
            }
            NodeEnum::BoolExpr(e) => self.exprs(&e.args, scope),
            NodeEnum::List(l) => self.exprs(&l.items, scope),
            NodeEnum::ResTarget(r) => self.expr_opt(r.val.as_deref(), scope),
            NodeEnum::TypeCast(c) => self.expr_opt(c.arg.as_deref(), scope),
            NodeEnum::FuncCall(f) => self.exprs(&f.args, scope),
            NodeEnum::NullTest(t) => self.expr_opt(t.arg.as_deref(), scope),
            NodeEnum::CoalesceExpr(c) => self.exprs(&c.args, scope),
            NodeEnum::RowExpr(r) => self.exprs(&r.args, scope),
            NodeEnum::AArrayExpr(a) => self.exprs(&a.elements, scope),
            NodeEnum::CaseExpr(c) => {
                self.expr_opt(c.arg.as_deref(), scope);
                self.exprs(&c.args, scope);
                self.expr_opt(c.defresult.as_deref(), scope);
            }
            NodeEnum::CaseWhen(w) => {
                self.expr_opt(w.expr.as_deref(), scope);
                self.expr_opt(w.result.as_deref(), scope);
            }
            NodeEnum::SubLink(link) => {
                // `column IN (SELECT …)`: the test is the outer query's.
                self.expr_opt(link.testexpr.as_deref(), scope);
                if let Some(NodeEnum::SelectStmt(s)) =
                    link.subselect.as_deref().and_then(|q| q.node.as_ref())
                {
                    self.select(s, Some(scope));
                }
            }
            _ => {}
        }
    }

    fn comparison(&mut self, e: &AExpr, scope: &Scope<'_>) {
        let op = e.name.iter().find_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        });
        let kind = AExprKind::try_from(e.kind).unwrap_or(AExprKind::Undefined);
        let (Some(left), Some(right)) = (e.lexpr.as_deref(), e.rexpr.as_deref()) else {
            return;
        };
        match kind {
            AExprKind::AexprOp
                if matches!(op, Some("=" | "<>" | "!=" | "<" | "<=" | ">" | ">=")) =>
            {
                // `(a, b) < (:x, :y)` compares member by member.
                let pairs: Vec<(&Node, &Node)> = match (&left.node, &right.node) {
                    (Some(NodeEnum::RowExpr(l)), Some(NodeEnum::RowExpr(r)))
                        if l.args.len() == r.args.len() =>
                    {
                        l.args.iter().zip(&r.args).collect()
                    }
                    _ => vec![(left, right)],
                };
                for (l, r) in pairs {
                    for (column, value) in [(l, r), (r, l)] {
                        if let Some(c) = column_ref(column).and_then(|c| self.resolve(c, scope)) {
                            self.param_is(value, &c.0, &c.1, false);
                        }
                    }
                }
            }
            AExprKind::AexprOpAny | AExprKind::AexprOpAll => {
                if let Some(c) = column_ref(left).and_then(|c| self.resolve(c, scope)) {
                    self.param_is(right, &c.0, &c.1, true);
                }
            }
            AExprKind::AexprIn => {
                if let (Some(c), Some(NodeEnum::List(values))) = (
                    column_ref(left).and_then(|c| self.resolve(c, scope)),
                    &right.node,
                ) {
                    for v in &values.items {
                        self.param_is(v, &c.0, &c.1, false);
                    }
                }
            }
            _ => {}
        }
    }

    /// Records that `value`, when it is a bare parameter, stands for
    /// `table.column`.
    fn param_is(&mut self, value: &Node, table: &(String, String), column: &str, array: bool) {
        let Some(NodeEnum::ParamRef(p)) = &value.node else {
            return;
        };
        let Ok(number) = usize::try_from(p.number) else {
            return;
        };
        if !self.has_column(table, column) {
            return;
        }
        let using = ParamColumn {
            pg_schema: table.0.clone(),
            table: table.1.clone(),
            column: column.to_owned(),
            array,
        };
        let uses = self.uses.entry(number).or_default();
        if !uses.contains(&using) {
            uses.push(using);
        }
    }

    /// The schema table and column a column reference names, when exactly
    /// one can be meant.
    fn resolve(&self, fields: Vec<&str>, scope: &Scope<'_>) -> Option<((String, String), String)> {
        let has = |t: &(String, String), c: &str| self.has_column(t, c);
        match fields.as_slice() {
            [column] => {
                let mut level = Some(scope);
                while let Some(s) = level {
                    let found: Vec<&(String, String)> = s
                        .items
                        .iter()
                        .filter_map(|i| i.table.as_ref())
                        .filter(|t| has(t, column))
                        .collect();
                    let unknown = s.items.iter().any(|i| i.table.is_none());
                    match (found.as_slice(), unknown) {
                        ([one], false) => return Some(((*one).clone(), column.to_string())),
                        ([], false) => level = s.parent,
                        _ => return None,
                    }
                }
                None
            }
            [qualifier, column] => {
                let mut level = Some(scope);
                while let Some(s) = level {
                    if let Some(item) = s.items.iter().find(|i| i.name == *qualifier) {
                        let table = item.table.as_ref()?;
                        return has(table, column).then(|| (table.clone(), column.to_string()));
                    }
                    level = s.parent;
                }
                None
            }
            [pg_schema, table, column] => {
                let t = (pg_schema.to_string(), table.to_string());
                has(&t, column).then(|| (t, column.to_string()))
            }
            _ => None,
        }
    }
}

/// The names of a plain column reference (`a.b`), none for `*` or an
/// expression.
fn column_ref(node: &Node) -> Option<Vec<&str>> {
    let Some(NodeEnum::ColumnRef(ColumnRef { fields, .. })) = &node.node else {
        return None;
    };
    fields
        .iter()
        .map(|f| match &f.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
mod view_columns;

pub use view_columns::{Kept, kept_columns};
