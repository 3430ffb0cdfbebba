//! The fields of a new row or a patch, as the runtime's writers see them.
//!
//! `#[derive(Insert)]` and `#[derive(Patch)]` write one call per field to
//! a [`Fields`] visitor: the column, whether the value is given, and the
//! value. Each writer (one INSERT, a binary COPY, the arrays of an
//! `insert_many_returning`, an UPDATE) is a visitor here, written once for
//! every table instead of once per table.

use bytes::{BufMut, BytesMut};
use tokio_postgres::types::{IsNull, Kind, ToSql, Type};

use crate::executor::Param;

/// A field's value: borrowed from the struct, or made for the write (a
/// json wrapper around the field, a new ULID).
pub enum Value<'a> {
    /// The field itself.
    Ref(Param<'a>),
    /// A value made from the field.
    Owned(Box<dyn ToSql + Sync + Send + 'a>),
}

impl Value<'_> {
    /// The value as a statement parameter.
    pub fn param(&self) -> Param<'_> {
        match self {
            Value::Ref(value) => *value,
            Value::Owned(value) => &**value,
        }
    }
}

/// How a field of a new row is written, as the derive reads it from the
/// field's attributes and type.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The column, as SQL names it (quoted).
    pub column: &'static str,
    /// `None` leaves the column to its default (or sequence): a COPY can do
    /// that only for every row or none.
    pub defaulted: bool,
    /// `Option<Option<T>>`: `None` the default, `Some(None)` NULL.
    pub three_way: bool,
    /// Always given (a plain field, or an ID made in code when missing).
    pub required: bool,
}

/// What the derives call, once per field, in column order.
pub trait Fields<'a> {
    /// A field: whether the row gives it (`false` leaves the column to the
    /// database), and its value when it does.
    fn field(&mut self, spec: Spec, given: bool, value: Value<'a>);

    /// An array field. `insert_many_returning` passes an array column as its
    /// elements (UNNEST would flatten the rows' arrays into one), so the
    /// elements come too, and whether the row gave NULL (`Some(None)`).
    fn array(
        &mut self,
        spec: Spec,
        given: bool,
        null: bool,
        value: Value<'a>,
        elements: &mut dyn Iterator<Item = Param<'a>>,
    ) {
        let _ = (null, elements);
        self.field(spec, given, value);
    }
}

/// A new row: `#[derive(Insert)]` writes this.
pub trait Insert: Sync {
    /// Each field to the visitor, in column order.
    fn fields<'a>(&'a self, out: &mut dyn Fields<'a>);
}

/// Changes to a row: `#[derive(Patch)]` writes this.
pub trait Patch: Sync {
    /// Each field to the visitor; a field left `None` is not given.
    fn fields<'a>(&'a self, out: &mut dyn Fields<'a>);
}

/// The given fields of one row, as one INSERT or UPDATE binds them.
#[derive(Default)]
pub(crate) struct Given<'a> {
    pub columns: Vec<&'static str>,
    pub values: Vec<Value<'a>>,
}

impl<'a> Fields<'a> for Given<'a> {
    fn field(&mut self, spec: Spec, given: bool, value: Value<'a>) {
        if given {
            self.columns.push(spec.column);
            self.values.push(value);
        }
    }
}

impl Given<'_> {
    pub fn params(&self) -> Vec<Param<'_>> {
        self.values.iter().map(Value::param).collect()
    }
}

/// Rows for a binary COPY: every column a row writes (a defaulted one only
/// when given), and whether the rows agree on which defaulted columns they
/// give, which COPY needs.
pub(crate) struct CopyRows<'a> {
    pub columns: Vec<&'static str>,
    pub values: Vec<Value<'a>>,
    /// Which defaulted fields the first row gives, in order.
    shape: Vec<bool>,
    /// The current row, and its position in `shape`.
    row: usize,
    at: usize,
    pub uniform: bool,
}

impl<'a> CopyRows<'a> {
    pub fn new(capacity: usize) -> Self {
        CopyRows {
            columns: Vec::new(),
            values: Vec::with_capacity(capacity),
            shape: Vec::new(),
            row: 0,
            at: 0,
            uniform: true,
        }
    }

    /// Ends a row: the next is checked against the first.
    pub fn end_row(&mut self) {
        self.row += 1;
        self.at = 0;
    }
}

impl<'a> CopyRows<'a> {
    /// Whether every row left every defaulted field to the database.
    pub fn gives_no_default(&self) -> bool {
        self.uniform && self.shape.iter().all(|given| !given)
    }

    /// The values as one array per column, in the columns' order.
    pub fn into_arrays(self) -> Vec<Array<'a>> {
        let width = self.columns.len();
        let mut arrays: Vec<Array<'a>> = (0..width)
            .map(|_| Array(Vec::with_capacity(self.row)))
            .collect();
        for (i, value) in self.values.into_iter().enumerate() {
            arrays[i % width].0.push(value);
        }
        arrays
    }
}

impl<'a> Fields<'a> for CopyRows<'a> {
    fn field(&mut self, spec: Spec, given: bool, value: Value<'a>) {
        let first = self.row == 0;
        if spec.defaulted {
            if first {
                self.shape.push(given);
            } else if self.shape.get(self.at) != Some(&given) {
                self.uniform = false;
            }
            self.at += 1;
            if !given {
                return;
            }
        }
        if first {
            self.columns.push(spec.column);
        }
        self.values.push(value);
    }
}

/// The parameters of `insert_many_returning`'s one statement, in the order
/// the generator's UNNEST statement reads them: per field its values (or an
/// array column's elements and their row numbers), whether each row gave
/// it where that is not implied, and for `Option<Option<_>>` arrays which
/// rows gave NULL; then the row numbers.
pub(crate) struct Columns<'a> {
    fields: Vec<Column<'a>>,
    at: usize,
    row: i64,
}

struct Column<'a> {
    values: Vec<Value<'a>>,
    elements: Vec<Param<'a>>,
    owners: Vec<i64>,
    given: Vec<bool>,
    null: Vec<bool>,
    array: bool,
    spec: Spec,
}

impl<'a> Columns<'a> {
    pub fn new() -> Self {
        Columns {
            fields: Vec::new(),
            at: 0,
            row: 0,
        }
    }

    /// Starts a row (rows are numbered from 1).
    pub fn next_row(&mut self) {
        self.at = 0;
        self.row += 1;
    }

    fn column(&mut self, spec: Spec, array: bool) -> &mut Column<'a> {
        if self.at == self.fields.len() {
            self.fields.push(Column {
                values: Vec::new(),
                elements: Vec::new(),
                owners: Vec::new(),
                given: Vec::new(),
                null: Vec::new(),
                array,
                spec,
            });
        }
        self.at += 1;
        &mut self.fields[self.at - 1]
    }

    /// The statement's parameters, owned: arrays built from the rows.
    pub fn into_params(self) -> Vec<Box<dyn ToSql + Sync + Send + 'a>> {
        let mut params: Vec<Box<dyn ToSql + Sync + Send + 'a>> = Vec::new();
        for column in self.fields {
            if column.array {
                params.push(Box::new(Array(
                    column.elements.into_iter().map(Value::Ref).collect(),
                )));
                params.push(Box::new(column.owners));
                if !column.spec.required {
                    params.push(Box::new(column.given));
                }
                if column.spec.three_way {
                    params.push(Box::new(column.null));
                }
            } else {
                params.push(Box::new(Array(column.values)));
                if column.spec.three_way {
                    params.push(Box::new(column.given));
                }
            }
        }
        params.push(Box::new((1..=self.row).collect::<Vec<i64>>()));
        params
    }
}

impl<'a> Fields<'a> for Columns<'a> {
    fn field(&mut self, spec: Spec, given: bool, value: Value<'a>) {
        let column = self.column(spec, false);
        column.values.push(value);
        if spec.three_way {
            column.given.push(given);
        }
    }

    fn array(
        &mut self,
        spec: Spec,
        given: bool,
        null: bool,
        _: Value<'a>,
        elements: &mut dyn Iterator<Item = Param<'a>>,
    ) {
        let row = self.row;
        let column = self.column(spec, true);
        for element in elements {
            column.elements.push(element);
            column.owners.push(row);
        }
        if !spec.required {
            column.given.push(given);
        }
        if spec.three_way {
            column.null.push(null);
        }
    }
}

/// A one-dimensional array of values of any one type, encoded as
/// PostgreSQL's binary array format with the element type the statement
/// declares (`$1::uuid[]`): how a column of rows travels to UNNEST without
/// a typed `Vec` per column.
#[derive(Debug)]
pub(crate) struct Array<'a>(Vec<Value<'a>>);

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.param().fmt(f)
    }
}

impl ToSql for Array<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        let Kind::Array(element) = ty.kind() else {
            return Err(format!("an array of values bound to a parameter of type {ty}").into());
        };
        let empty = self.0.is_empty();
        out.put_i32(if empty { 0 } else { 1 });
        let has_null = out.len();
        out.put_i32(0);
        out.put_u32(element.oid());
        if !empty {
            out.put_i32(self.0.len() as i32);
            out.put_i32(1);
        }
        let mut nulls = false;
        for value in &self.0 {
            let at = out.len();
            out.put_i32(0);
            match value.param().to_sql_checked(element, out)? {
                IsNull::Yes => {
                    nulls = true;
                    out[at..at + 4].copy_from_slice(&(-1i32).to_be_bytes());
                }
                IsNull::No => {
                    let len = (out.len() - at - 4) as i32;
                    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
                }
            }
        }
        if nulls {
            out[has_null..has_null + 4].copy_from_slice(&1i32.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Array(_))
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        if !<Self as ToSql>::accepts(ty) {
            return Err(Box::new(tokio_postgres::types::WrongType::new::<Self>(
                ty.clone(),
            )));
        }
        self.to_sql(ty, out)
    }
}
