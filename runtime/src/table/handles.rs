//! The handles of a table's other keys: a unique key ([`Unique`], or
//! [`Lookup`] for a partial unique index), a foreign key ([`ForeignKey`],
//! or [`OneToOne`] when it is unique), and the lists in the order of an
//! index marked `paginate` ([`Ordered`], [`OrderedWithin`]). Generated code
//! makes them as constants, with their statements; each method is the same
//! code for every table.

use std::collections::HashMap;
use std::marker::PhantomData;

use super::{KeyRef, Keyed, Upsert, all, key, one, page, write_new};
use crate::error::Error;
use crate::executor::{Read, Sql, Write};
use crate::row::{FromRow, group_by_key};
use crate::statement::Pages;
use crate::table::{Key, SingleKey, Table};

/// The value of a single-column key.
type Value<K> = <K as SingleKey>::Value;

/// A row's value of a foreign key column (`None` when it is NULL).
type Of<T, K> = for<'r> fn(&'r T) -> Option<&'r Value<K>>;

/// What a handle is about: its table and its keys' types, held by no value.
type Marker<T> = PhantomData<fn() -> T>;

/// A unique key other than the primary key: `get` finds a row by it, and
/// `upsert` inserts or updates on it.
pub struct Unique<T, K> {
    get: &'static str,
    conflict: &'static [&'static str],
    marker: Marker<(T, K)>,
}

impl<T, K> Unique<T, K> {
    /// The handle: the statement that finds a row, and the key's columns (quoted).
    pub const fn new(get: &'static str, conflict: &'static [&'static str]) -> Self {
        Unique {
            get,
            conflict,
            marker: PhantomData,
        }
    }
}

impl<T: Keyed, K: Key> Unique<T, K> {
    /// The row with these values of the key (unless soft-deleted).
    pub async fn get(&self, db: &impl Read, key: K::Ref<'_>) -> Result<Option<T>, Error> {
        one(db, self.get, &key::params::<K>(&key, Vec::new())).await
    }

    /// Inserts a row, or, when one with the same values of the key exists,
    /// updates it with the given values (and restores it if it was
    /// soft-deleted). The primary key of an existing row is kept.
    pub async fn upsert(&self, db: &impl Write, new: &T::New) -> Result<T, Error> {
        let on = Upsert::on::<T>(self.conflict, T::KEY_COLUMNS);
        write_new::<T>(db, new, Some(on)).await
    }
}

/// A partial unique index: it finds a row, but an upsert cannot name it.
pub struct Lookup<T, K> {
    get: &'static str,
    marker: Marker<(T, K)>,
}

impl<T, K> Lookup<T, K> {
    /// The handle, with the statement that finds a row.
    pub const fn new(get: &'static str) -> Self {
        Lookup {
            get,
            marker: PhantomData,
        }
    }
}

impl<T: FromRow, K: Key> Lookup<T, K> {
    /// The row with these values of the key (among those the index covers).
    pub async fn get(&self, db: &impl Read, key: K::Ref<'_>) -> Result<Option<T>, Error> {
        one(db, self.get, &key::params::<K>(&key, Vec::new())).await
    }
}

/// A foreign key: a parent's rows (`list`), many parents' rows in one query
/// (`many`), and a parent's rows a page at a time (`page`).
pub struct ForeignKey<T, K: SingleKey> {
    list: &'static str,
    many: &'static str,
    pages: Pages,
    of: Of<T, K>,
    with_deleted: Option<(&'static str, &'static str)>,
}

impl<T, K: SingleKey> ForeignKey<T, K> {
    /// The handle: its statements, and the row's value of the column.
    pub const fn new(list: &'static str, many: &'static str, pages: Pages, of: Of<T, K>) -> Self {
        ForeignKey {
            list,
            many,
            pages,
            of,
            with_deleted: None,
        }
    }

    /// A soft-delete table's `list` and `many` that see soft-deleted rows too.
    pub const fn with_deleted_reads(mut self, list: &'static str, many: &'static str) -> Self {
        self.with_deleted = Some((list, many));
        self
    }
}

impl<T: Table, K: SingleKey> ForeignKey<T, K> {
    /// The rows whose column is this key (unless soft-deleted), in
    /// primary-key order.
    pub async fn list(&self, db: &impl Read, key: K::Ref<'_>) -> Result<Vec<T>, Error> {
        let params = key::params::<K>(&key, Vec::new());
        all(db, Sql::stateless(self.list), &params).await
    }

    /// [`ForeignKey::list`] for many keys in one query: the rows grouped by
    /// key, every key given present (with no rows if none match), so
    /// loading a relation is never N+1.
    pub async fn many(
        &self,
        db: &impl Read,
        keys: &[Value<K>],
    ) -> Result<HashMap<Value<K>, Vec<T>>, Error> {
        self.grouped(db, self.many, keys).await
    }

    /// [`ForeignKey::list`] and [`ForeignKey::many`] of a soft-delete table,
    /// soft-deleted rows included.
    pub fn with_deleted(&self) -> WithDeletedRows<'_, T, K> {
        WithDeletedRows(self)
    }

    async fn grouped(
        &self,
        db: &impl Read,
        sql: &'static str,
        keys: &[Value<K>],
    ) -> Result<HashMap<Value<K>, Vec<T>>, Error> {
        let items: Vec<T> = all(db, Sql::stateless(sql), &[&keys]).await?;
        let of = self.of;
        let pairs = items
            .into_iter()
            .filter_map(|item| of(&item).cloned().map(|key| (key, item)));
        Ok(group_by_key(keys, pairs))
    }
}

impl<T: Keyed, K: SingleKey> ForeignKey<T, K> {
    /// The rows whose column is this key (unless soft-deleted), `limit` at a
    /// time in primary-key order: pass the last row's key as `after` for
    /// the next page.
    pub async fn page(
        &self,
        db: &impl Read,
        key: K::Ref<'_>,
        after: Option<KeyRef<'_, T>>,
        order: crate::Order,
        limit: i64,
    ) -> Result<Vec<T>, Error> {
        let mut scope = Vec::with_capacity(1);
        K::bind(&key, &mut scope);
        page::<T, T::Key>(db, &self.pages, scope.pop(), after, order, limit).await
    }
}

/// A foreign key's reads that see soft-deleted rows too.
pub struct WithDeletedRows<'h, T, K: SingleKey>(&'h ForeignKey<T, K>);

impl<T: Table, K: SingleKey> WithDeletedRows<'_, T, K> {
    fn reads(&self) -> Result<(&'static str, &'static str), Error> {
        self.0.with_deleted.ok_or_else(|| {
            Error::Config(format!(
                "{} has no soft delete: its foreign keys have no reads with deleted rows",
                std::any::type_name::<T>()
            ))
        })
    }

    /// The rows whose column is this key, soft-deleted or not.
    pub async fn list(&self, db: &impl Read, key: K::Ref<'_>) -> Result<Vec<T>, Error> {
        let params = key::params::<K>(&key, Vec::new());
        all(db, Sql::stateless(self.reads()?.0), &params).await
    }

    /// [`WithDeletedRows::list`] for many keys in one query, grouped by key.
    pub async fn many(
        &self,
        db: &impl Read,
        keys: &[Value<K>],
    ) -> Result<HashMap<Value<K>, Vec<T>>, Error> {
        self.0.grouped(db, self.reads()?.1, keys).await
    }
}

/// A foreign key that is unique on its own: a parent has at most one such
/// row, found by `get` and, for many parents at once, `many`.
pub struct OneToOne<T, K: SingleKey> {
    get: &'static str,
    many: &'static str,
    conflict: &'static [&'static str],
    of: Of<T, K>,
}

impl<T, K: SingleKey> OneToOne<T, K> {
    /// The handle: its statements, the key's column (quoted), and the row's
    /// value of it.
    pub const fn new(
        get: &'static str,
        many: &'static str,
        conflict: &'static [&'static str],
        of: Of<T, K>,
    ) -> Self {
        OneToOne {
            get,
            many,
            conflict,
            of,
        }
    }
}

impl<T: Keyed, K: SingleKey> OneToOne<T, K> {
    /// The row whose column is this key (unless soft-deleted).
    pub async fn get(&self, db: &impl Read, key: K::Ref<'_>) -> Result<Option<T>, Error> {
        one(db, self.get, &key::params::<K>(&key, Vec::new())).await
    }

    /// [`OneToOne::get`] for many keys in one query: each key's row, keys
    /// without one absent, so loading a one-to-one relation is never N+1.
    pub async fn many(
        &self,
        db: &impl Read,
        keys: &[Value<K>],
    ) -> Result<HashMap<Value<K>, T>, Error> {
        let items: Vec<T> = all(db, Sql::stateless(self.many), &[&keys]).await?;
        let of = self.of;
        Ok(items
            .into_iter()
            .filter_map(|item| of(&item).cloned().map(|key| (key, item)))
            .collect())
    }

    /// [`Unique::upsert`] on this column.
    pub async fn upsert(&self, db: &impl Write, new: &T::New) -> Result<T, Error> {
        let on = Upsert::on::<T>(self.conflict, T::KEY_COLUMNS);
        write_new::<T>(db, new, Some(on)).await
    }
}

/// A list in the order of an index marked `paginate` (the primary key
/// appended as the tie-breaker): `C` is the cursor's columns.
pub struct Ordered<T, C> {
    pages: Pages,
    marker: Marker<(T, C)>,
}

impl<T, C> Ordered<T, C> {
    /// The handle, with the list's statements.
    pub const fn new(pages: Pages) -> Self {
        Ordered {
            pages,
            marker: PhantomData,
        }
    }
}

impl<T: FromRow, C: Key> Ordered<T, C> {
    /// Rows (unless soft-deleted), `limit` at a time in the index's order:
    /// pass the last row's values of the cursor's columns as `after`.
    pub async fn list(
        &self,
        db: &impl Read,
        after: Option<C::Ref<'_>>,
        order: crate::Order,
        limit: i64,
    ) -> Result<Vec<T>, Error> {
        page::<T, C>(db, &self.pages, None, after, order, limit).await
    }
}

/// [`Ordered`] within one parent: the index leads with a foreign key `S`.
pub struct OrderedWithin<T, S, C> {
    pages: Pages,
    marker: Marker<(T, S, C)>,
}

impl<T, S, C> OrderedWithin<T, S, C> {
    /// The handle, with the list's statements.
    pub const fn new(pages: Pages) -> Self {
        OrderedWithin {
            pages,
            marker: PhantomData,
        }
    }
}

impl<T: FromRow, S: Key, C: Key> OrderedWithin<T, S, C> {
    /// One parent's rows (unless soft-deleted), `limit` at a time in the
    /// index's order: pass the last row's values of the cursor's columns
    /// as `after`.
    pub async fn page(
        &self,
        db: &impl Read,
        scope: S::Ref<'_>,
        after: Option<C::Ref<'_>>,
        order: crate::Order,
        limit: i64,
    ) -> Result<Vec<T>, Error> {
        let mut bound = Vec::with_capacity(1);
        S::bind(&scope, &mut bound);
        page::<T, C>(db, &self.pages, bound.pop(), after, order, limit).await
    }
}
