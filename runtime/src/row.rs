//! Reading rows into structs: the trait `#[derive(Row)]` implements.

use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::error::Error;

/// A type built from a row by column name.
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, Error>;

    /// Every row, in order.
    fn from_rows(rows: &[Row]) -> Result<Vec<Self>, Error> {
        rows.iter().map(Self::from_row).collect()
    }
}

/// One column by name, with the column named in the error.
pub fn column<'a, T: FromSql<'a>>(row: &'a Row, name: &str) -> Result<T, Error> {
    row.try_get(name).map_err(|source| Error::Decode {
        column: name.to_owned(),
        source,
    })
}
