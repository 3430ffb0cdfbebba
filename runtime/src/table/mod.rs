//! Tables as data, the code that reads and writes them written once.
//!
//! For each table, generated code declares its row struct (`#[derive(Row)]`),
//! its new-row and patch structs (`#[derive(Insert)]`, `#[derive(Patch)]`),
//! and implements [`Table`] (and [`Keyed`], [`SoftDelete`]) with the
//! table's statements as constants. The module's `table` constant, a
//! [`Rows`], and its key handles ([`Unique`], [`ForeignKey`], [`Ordered`],
//! ...) are what applications call:
//!
//! ```ignore
//! let user = users::table.get(&db, &id).await?;
//! let posts = posts::by_author_id.list(&db, &user.id).await?;
//! ```
//!
//! Every method here is generic over the table, so rustc compiles it for
//! the tables an application uses, not once per table written out.

mod fields;
mod handles;
mod key;

use std::marker::PhantomData;

use crate::error::Error;
use crate::executor::{Param, Read, Sql, Write};
use crate::row::FromRow;
use crate::statement::{self, Pages};

pub use fields::{Fields, Insert, Patch, Spec, Value};
pub use handles::{ForeignKey, Lookup, OneToOne, Ordered, OrderedWithin, Unique};
pub use key::{Key, SingleKey};

use fields::{Columns, CopyRows, Given};

/// [`Rows::insert_many`] writes this many rows or more with `COPY`, fewer
/// with one `INSERT` of arrays. On diesel_bench's users (two text columns)
/// the `INSERT` took 0.55× `COPY`'s time for one row and 0.6–0.8× for a
/// thousand, and `COPY` 0.85× the `INSERT`'s for ten thousand; on the
/// benchmark's items (with JSON), half the `INSERT`'s for ten thousand.
pub const COPY_FROM: usize = 5000;

/// The rows as one array per column, the parameters of `INSERT_MANY`.
fn as_arrays<N: Insert>(
    rows: &[N],
) -> Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send + '_>> {
    let mut columns = Columns::new();
    for row in rows {
        columns.next_row();
        row.fields(&mut columns);
    }
    columns.into_params()
}

/// A table, as generated code describes it.
pub trait Table: FromRow + Send + Sync + 'static {
    /// The new-row struct.
    type New: Insert;
    /// The table, as SQL names it.
    const NAME: &'static str;
    /// Every column, in table order: what each read selects.
    const COLUMNS: &'static str;
    /// `SELECT count(*)` of the rows reads see.
    const COUNT: &'static str;
    /// `insert_many_returning`'s statement: the rows as arrays, UNNESTed.
    const INSERT_MANY: &'static str;
    /// `insert_many`'s statement for fewer than [`COPY_FROM`] rows that
    /// leave every defaulted column to the database: the other columns'
    /// arrays UNNESTed into the table. Empty when there is none (the rows
    /// then go in as `COPY` or `INSERT_MANY` take them).
    const INSERT_PLAIN: &'static str = "";
}

/// A table with a primary key.
pub trait Keyed: Table {
    /// The primary key's columns, as a function type: `fn(&UserId)`.
    type Key: Key;
    /// The patch struct.
    type Patch: Patch;
    /// The primary key's columns, quoted.
    const KEY_COLUMNS: &'static [&'static str];
    /// The row with a key (`$1...`).
    const GET: &'static str;
    /// Whether a row with a key exists.
    const EXISTS: &'static str;
    /// `list`, in primary-key order.
    const PAGES: Pages;
    /// Deletes the row with a key (a soft delete sets its column).
    const DELETE: &'static str;
    /// The `on_update: now` columns, quoted: updates and upserts set them.
    const ON_UPDATE: &'static [&'static str] = &[];
    /// The condition of a live row, for a soft-delete table.
    const LIVE: &'static str = "";
    /// What an upsert sets to bring back a soft-deleted row.
    const RESTORED: &'static [&'static str] = &[];

    /// The row's primary key.
    fn key(&self) -> <Self::Key as Key>::Ref<'_>;
}

/// The reads of a soft-delete table that see soft-deleted rows too.
#[derive(Clone, Copy, Debug)]
pub struct Reads {
    /// By primary key.
    pub get: &'static str,
    /// Whether one exists.
    pub exists: &'static str,
    /// How many.
    pub count: &'static str,
    /// In primary-key order.
    pub pages: Pages,
}

/// A table whose `delete` hides rows instead of removing them.
pub trait SoftDelete: Keyed {
    /// Reads that see every row, soft-deleted or not.
    const ALL: Reads;
    /// Brings a soft-deleted row back.
    const RESTORE: &'static str;
    /// Removes a row from the table.
    const HARD_DELETE: &'static str;
}

/// A primary key's parameters.
type KeyRef<'a, T> = <<T as Keyed>::Key as Key>::Ref<'a>;

/// A table's rows: each table module's `table` constant.
pub struct Rows<T>(PhantomData<fn() -> T>);

impl<T> Rows<T> {
    /// The handle (generated code makes one per table).
    pub const fn new() -> Self {
        Rows(PhantomData)
    }
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows::new()
    }
}

impl<T> Clone for Rows<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Rows<T> {}

impl<T> std::fmt::Debug for Rows<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::any::type_name::<T>())
    }
}

async fn one<T: FromRow>(
    db: &impl Read,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Option<T>, Error> {
    let row = db.query_opt(Sql::stateless(sql), params).await?;
    row.as_ref().map(T::from_row).transpose()
}

async fn all<T: FromRow>(
    db: &impl Read,
    sql: Sql<'_>,
    params: &[Param<'_>],
) -> Result<Vec<T>, Error> {
    let rows = db.query(sql, params).await?;
    T::from_rows(&rows)
}

async fn page<T: FromRow, C: Key>(
    db: &impl Read,
    pages: &Pages,
    scope: Option<Param<'_>>,
    after: Option<C::Ref<'_>>,
    order: crate::Order,
    limit: i64,
) -> Result<Vec<T>, Error> {
    let mut params: Vec<Param<'_>> = vec![&limit];
    let sql = match &after {
        None => pages.first(order),
        Some(cursor) => {
            C::bind(cursor, &mut params);
            pages.after(order)
        }
    };
    params.extend(scope);
    all(db, sql, &params).await
}

fn not_found<T: Table>(key: impl std::fmt::Debug) -> Error {
    Error::NotFound {
        table: T::NAME,
        key: format!("{key:?}"),
    }
}

impl<T: Table> Rows<T> {
    /// The number of rows (unless soft-deleted).
    pub async fn count(&self, db: &impl Read) -> Result<i64, Error> {
        let row = db.query_one(Sql::stateless(T::COUNT), &[]).await?;
        Ok(row.get(0))
    }

    /// Inserts a row and returns it as stored (defaults filled in).
    pub async fn insert(&self, db: &impl Write, new: &T::New) -> Result<T, Error> {
        write_new::<T>(db, new, None).await
    }

    /// Inserts many rows and returns how many it wrote; each field means
    /// what it means for [`Rows::insert`]. Fewer than [`COPY_FROM`] rows
    /// that leave the defaulted columns to the database go in as one
    /// `INSERT` of arrays (one round trip, a prepared statement); others
    /// with one binary `COPY`, the fastest way into a table once its setup
    /// (two round trips, a statement planned each time) is paid for. `COPY`
    /// leaves a column to its default for all rows or none, so when some
    /// rows give a defaulted field and others do not, the rows go in as
    /// [`Rows::insert_many_returning`] inserts them.
    pub async fn insert_many(&self, db: &impl Write, rows: &[T::New]) -> Result<u64, Error> {
        if rows.is_empty() {
            return Ok(0);
        }
        let mut copy = CopyRows::new(rows.len() * 8);
        for row in rows {
            row.fields(&mut copy);
            copy.end_row();
            if !copy.uniform {
                break;
            }
        }
        if !copy.uniform || copy.columns.is_empty() {
            // Rows that disagree, or every column left to the database
            // (which COPY cannot say).
            return Ok(self.insert_many_returning(db, rows).await?.len() as u64);
        }
        if rows.len() < COPY_FROM && !T::INSERT_PLAIN.is_empty() && copy.gives_no_default() {
            let arrays = copy.into_arrays();
            let params: Vec<Param<'_>> = arrays.iter().map(|a| a as Param<'_>).collect();
            return db.execute(Sql::stateless(T::INSERT_PLAIN), &params).await;
        }
        let values: Vec<Param<'_>> = copy.values.iter().map(Value::param).collect();
        db.copy_in(T::NAME, &copy.columns, &values).await
    }

    /// Inserts many rows in one statement (one round trip, the values
    /// passed as arrays and unnested) and returns them as stored, in order;
    /// each field means what it means for [`Rows::insert`].
    /// [`Rows::insert_many`] is faster when the rows are not needed back.
    pub async fn insert_many_returning(
        &self,
        db: &impl Write,
        rows: &[T::New],
    ) -> Result<Vec<T>, Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        if T::INSERT_MANY.is_empty() {
            // No column a row can give: each row is all defaults.
            let mut stored = Vec::with_capacity(rows.len());
            for row in rows {
                stored.push(self.insert(db, row).await?);
            }
            return Ok(stored);
        }
        let owned = as_arrays(rows);
        let params: Vec<Param<'_>> = owned.iter().map(|p| &**p as Param<'_>).collect();
        all(db, Sql::stateless(T::INSERT_MANY), &params).await
    }
}

/// The INSERT of `insert` and, with `(conflict, keep)`, of the upserts: the
/// given fields are written (one statement shape per set of fields).
async fn write_new<T: Table>(
    db: &impl Write,
    new: &T::New,
    upsert: Option<Upsert<'_>>,
) -> Result<T, Error> {
    let mut given = Given::default();
    new.fields(&mut given);
    let sql = match upsert {
        None => statement::insert(T::NAME, &given.columns, T::COLUMNS),
        Some(u) => statement::upsert(
            T::NAME,
            &given.columns,
            u.conflict,
            u.keep,
            u.also,
            u.touch,
            T::COLUMNS,
        ),
    };
    let row = db.query_one(Sql::stateless(&sql), &given.params()).await?;
    T::from_row(&row)
}

/// What an upsert's ON CONFLICT says.
#[derive(Clone, Copy)]
struct Upsert<'a> {
    conflict: &'a [&'a str],
    keep: &'a [&'a str],
    also: &'a [&'a str],
    touch: &'a [&'a str],
}

impl<'a> Upsert<'a> {
    fn on<T: Keyed>(conflict: &'a [&'a str], keep: &'a [&'a str]) -> Self {
        Upsert {
            conflict,
            keep,
            also: T::RESTORED,
            touch: T::ON_UPDATE,
        }
    }
}

impl<T: Keyed> Rows<T> {
    /// The row with this primary key (unless soft-deleted).
    pub async fn get(&self, db: &impl Read, key: KeyRef<'_, T>) -> Result<Option<T>, Error> {
        one(db, T::GET, &key::params::<T::Key>(&key, Vec::new())).await
    }

    /// The row with this primary key (unless soft-deleted), or
    /// [`Error::NotFound`] when there is none.
    pub async fn fetch(&self, db: &impl Read, key: KeyRef<'_, T>) -> Result<T, Error> {
        self.get(db, key).await?.ok_or_else(|| not_found::<T>(key))
    }

    /// Whether a row with this primary key exists (unless soft-deleted).
    pub async fn exists(&self, db: &impl Read, key: KeyRef<'_, T>) -> Result<bool, Error> {
        let params = key::params::<T::Key>(&key, Vec::new());
        let row = db.query_one(Sql::stateless(T::EXISTS), &params).await?;
        Ok(row.get(0))
    }

    /// Rows (unless soft-deleted), `limit` at a time in primary-key order:
    /// pass the last row's key (`row.key()`) as `after` for the next page.
    pub async fn list(
        &self,
        db: &impl Read,
        after: Option<KeyRef<'_, T>>,
        order: crate::Order,
        limit: i64,
    ) -> Result<Vec<T>, Error> {
        page::<T, T::Key>(db, &T::PAGES, None, after, order, limit).await
    }

    /// Inserts a row, or, when one with the same primary key exists,
    /// updates it with the given values (and restores it if it was
    /// soft-deleted).
    pub async fn upsert(&self, db: &impl Write, new: &T::New) -> Result<T, Error> {
        write_new::<T>(db, new, Some(Upsert::on::<T>(T::KEY_COLUMNS, &[]))).await
    }

    /// Writes the fields the patch sets (and the `on_update: now` columns);
    /// returns the row as stored, or `None` if there is no such row (or it
    /// is soft-deleted).
    pub async fn update(
        &self,
        db: &impl Write,
        key: KeyRef<'_, T>,
        patch: &T::Patch,
    ) -> Result<Option<T>, Error> {
        let mut given = Given::default();
        patch.fields(&mut given);
        let touch: Vec<String> = T::ON_UPDATE
            .iter()
            .map(|c| format!("{c} = now()"))
            .collect();
        let touch: Vec<&str> = touch.iter().map(String::as_str).collect();
        let sql = statement::update(
            T::NAME,
            &given.columns,
            &touch,
            T::KEY_COLUMNS,
            T::LIVE,
            T::COLUMNS,
        );
        let params = key::params::<T::Key>(&key, given.params());
        one(db, &sql, &params).await
    }

    /// Deletes the row (a soft-delete table hides it). Returns whether one
    /// was deleted.
    pub async fn delete(&self, db: &impl Write, key: KeyRef<'_, T>) -> Result<bool, Error> {
        let params = key::params::<T::Key>(&key, Vec::new());
        Ok(db.execute(Sql::stateless(T::DELETE), &params).await? > 0)
    }
}

impl<T: SoftDelete> Rows<T> {
    /// The reads that see soft-deleted rows too.
    pub const fn with_deleted(&self) -> WithDeleted<T> {
        WithDeleted(PhantomData)
    }

    /// Brings a soft-deleted row back. Returns whether one was restored.
    pub async fn restore(&self, db: &impl Write, key: KeyRef<'_, T>) -> Result<bool, Error> {
        let params = key::params::<T::Key>(&key, Vec::new());
        Ok(db.execute(Sql::stateless(T::RESTORE), &params).await? > 0)
    }

    /// Removes the row from the table, soft-deleted or not. Returns whether
    /// one was removed.
    pub async fn hard_delete(&self, db: &impl Write, key: KeyRef<'_, T>) -> Result<bool, Error> {
        let params = key::params::<T::Key>(&key, Vec::new());
        Ok(db.execute(Sql::stateless(T::HARD_DELETE), &params).await? > 0)
    }
}

/// A soft-delete table's rows, soft-deleted or not: [`Rows::with_deleted`].
pub struct WithDeleted<T>(PhantomData<fn() -> T>);

impl<T: SoftDelete> WithDeleted<T> {
    /// The row with this primary key, soft-deleted or not.
    pub async fn get(&self, db: &impl Read, key: KeyRef<'_, T>) -> Result<Option<T>, Error> {
        one(db, T::ALL.get, &key::params::<T::Key>(&key, Vec::new())).await
    }

    /// The row with this primary key, soft-deleted or not, or
    /// [`Error::NotFound`].
    pub async fn fetch(&self, db: &impl Read, key: KeyRef<'_, T>) -> Result<T, Error> {
        self.get(db, key).await?.ok_or_else(|| not_found::<T>(key))
    }

    /// Whether a row with this primary key exists, soft-deleted or not.
    pub async fn exists(&self, db: &impl Read, key: KeyRef<'_, T>) -> Result<bool, Error> {
        let params = key::params::<T::Key>(&key, Vec::new());
        let row = db.query_one(Sql::stateless(T::ALL.exists), &params).await?;
        Ok(row.get(0))
    }

    /// The number of rows, soft-deleted or not.
    pub async fn count(&self, db: &impl Read) -> Result<i64, Error> {
        let row = db.query_one(Sql::stateless(T::ALL.count), &[]).await?;
        Ok(row.get(0))
    }

    /// Every row, soft-deleted or not, `limit` at a time in primary-key order.
    pub async fn list(
        &self,
        db: &impl Read,
        after: Option<KeyRef<'_, T>>,
        order: crate::Order,
        limit: i64,
    ) -> Result<Vec<T>, Error> {
        page::<T, T::Key>(db, &T::ALL.pages, None, after, order, limit).await
    }
}

/// The rows related to keys through a junction table, grouped by key: what
/// a many-to-many relation's loaders return.
#[doc(hidden)]
pub async fn related<T: FromRow>(
    db: &impl Read,
    sql: &'static str,
    key: Param<'_>,
) -> Result<Vec<T>, Error> {
    all(db, Sql::stateless(sql), &[key]).await
}

/// [`related`] for many keys: each row carries its key as `schemac_parent`.
#[doc(hidden)]
pub async fn related_many<T, K>(
    db: &impl Read,
    sql: &'static str,
    keys: &[K],
) -> Result<std::collections::HashMap<K, Vec<T>>, Error>
where
    T: FromRow,
    K: tokio_postgres::types::ToSql + for<'a> tokio_postgres::types::FromSql<'a>,
    K: Eq + std::hash::Hash + Clone + Sync,
{
    let rows = db.query(Sql::stateless(sql), &[&keys]).await?;
    let pairs = rows
        .iter()
        .map(|row| {
            Ok((
                crate::row::column(row, "schemac_parent")?,
                T::from_row(row)?,
            ))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(crate::row::group_by_key(keys, pairs))
}
