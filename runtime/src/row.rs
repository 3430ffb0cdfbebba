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

/// One column by position (found by name once per result, see
/// `#[derive(Row)]`'s `from_rows`), with the column named in the error.
pub fn column_at<'a, T: FromSql<'a>>(row: &'a Row, index: usize, name: &str) -> Result<T, Error> {
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
