//! Reading rows into structs: the trait `#[derive(Row)]` implements.

use std::collections::HashMap;
use std::hash::Hash;

use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::error::Error;

/// A type built from a row by column name.
pub trait FromRow: Sized {
    /// The value of one row; a column missing or of another type is an error.
    fn from_row(row: &Row) -> Result<Self, Error>;

    /// Every row, in order.
    fn from_rows(rows: &[Row]) -> Result<Vec<Self>, Error> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(Self::from_row(row)?);
        }
        Ok(out)
    }
}

/// A row struct decoded by position: what `#[derive(Row)]` writes for a
/// struct without flattened fields. Not a public API.
#[doc(hidden)]
pub trait Decode: Sized {
    /// The columns the fields read, in field order.
    const COLUMNS: &'static [&'static str];
    /// The fields from the row, `at[i]` the position of `COLUMNS[i]`.
    fn decode(row: &Row, at: &[usize]) -> Result<Self, Error>;
}

/// Where each of `T`'s columns is in a result; a missing one is past the
/// end, so reading it fails with the column named.
fn positions<T: Decode>(row: &Row) -> Vec<usize> {
    let columns = row.columns();
    T::COLUMNS
        .iter()
        .map(|name| {
            columns
                .iter()
                .position(|c| c.name() == *name)
                .unwrap_or(usize::MAX)
        })
        .collect()
}

/// `FromRow::from_row` of a [`Decode`] struct.
#[doc(hidden)]
pub fn decode_one<T: Decode>(row: &Row) -> Result<T, Error> {
    T::decode(row, &positions::<T>(row))
}

/// `FromRow::from_rows` of a [`Decode`] struct: positions found once.
#[doc(hidden)]
pub fn decode_all<T: Decode>(rows: &[Row]) -> Result<Vec<T>, Error> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let at = positions::<T>(first);
    // Sized once: collecting into a `Result` cannot know the length, and
    // growing a large result by doubling copies it over and over.
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(T::decode(row, &at)?);
    }
    Ok(out)
}

/// One column by name, with the column named in the error.
pub fn column<'a, T: FromSql<'a>>(row: &'a Row, name: &str) -> Result<T, Error> {
    row.try_get(name).map_err(|source| Error::Decode {
        column: name.to_owned(),
        source,
    })
}

/// One column by position (found by name once per result, see
/// `#[derive(Row)]`'s `from_rows`), with the column named in the error.
pub fn column_at<'a, T: FromSql<'a>>(row: &'a Row, index: usize, name: &str) -> Result<T, Error> {
    if index == usize::MAX {
        // Not in the result: by name, for tokio-postgres' error naming it.
        return column(row, name);
    }
    row.try_get(index).map_err(|source| Error::Decode {
        column: name.to_owned(),
        source,
    })
}

/// Items grouped by their key, every key of `keys` present (with no items if
/// none had it), each group in the order the items came: what the batched
/// loaders return, so a relation is loaded in one query, not one per parent.
pub fn group_by_key<K, T>(keys: &[K], items: impl IntoIterator<Item = (K, T)>) -> HashMap<K, Vec<T>>
where
    K: Eq + Hash + Clone,
{
    let mut grouped: HashMap<K, Vec<T>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for (key, item) in items {
        grouped.entry(key).or_default().push(item);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_present_and_order_is_kept() {
        let grouped = group_by_key(&[1, 2, 3], [(2, "b1"), (1, "a"), (2, "b2")]);
        assert_eq!(grouped[&1], ["a"]);
        assert_eq!(grouped[&2], ["b1", "b2"]);
        assert!(grouped[&3].is_empty());
        assert_eq!(grouped.len(), 3);
    }
}
