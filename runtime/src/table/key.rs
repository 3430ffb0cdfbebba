//! A key's columns as a type: `fn(&UserId)` for one column, `fn(&TenantId,
//! &str)` for two. Generated code names a key this way because a function
//! pointer type spells the parameters a caller passes, borrowed, without a
//! lifetime to declare: [`Key::Ref`] is what the handles take (`&UserId`,
//! `(&TenantId, &str)`), and [`Key::bind`] binds it as statement parameters.

use std::fmt::Debug;

use tokio_postgres::types::ToSql;

use crate::executor::Param;

/// The columns of a primary key, a unique key, a foreign key or a cursor.
pub trait Key: 'static {
    /// The key as a caller passes it: a reference, or a tuple of them.
    type Ref<'a>: Copy + Debug + Send + Sync;

    /// Appends the key's values to `params`, in column order.
    fn bind<'b>(key: &'b Self::Ref<'_>, params: &mut Vec<Param<'b>>);
}

/// A key of one column. Its value type is what the batched loaders take a
/// slice of and group by.
pub trait SingleKey: Key {
    /// The column's value, owned.
    type Value: Debug + Send + Sync + Eq + std::hash::Hash + Clone + ToSql + 'static;
}

// `&A` is a parameter whether `A` is sized and `ToSql` (the blanket impl for
// references) or `str`: one impl covers both.
impl<A> Key for fn(&A)
where
    A: ?Sized + Debug + Sync + 'static,
    for<'a> &'a A: ToSql + Sync,
{
    type Ref<'a> = &'a A;

    fn bind<'b>(key: &'b &A, params: &mut Vec<Param<'b>>) {
        params.push(key);
    }
}

impl<A> SingleKey for fn(&A)
where
    A: Debug + Sync + Send + Eq + std::hash::Hash + Clone + ToSql + 'static,
{
    type Value = A;
}

/// A text key is passed as `&str` and grouped by `String`.
impl SingleKey for fn(&str) {
    type Value = String;
}

/// `fn(&A, &B, ...)`: a key of several columns, passed as a tuple of references.
macro_rules! composite {
    ($($name:ident $index:tt),+) => {
        impl<$($name),+> Key for fn($(&$name),+)
        where
            $($name: ?Sized + Debug + Sync + 'static, for<'a> &'a $name: ToSql + Sync,)+
        {
            type Ref<'a> = ($(&'a $name,)+);

            fn bind<'b>(key: &'b Self::Ref<'_>, params: &mut Vec<Param<'b>>) {
                $(params.push(&key.$index);)+
            }
        }
    };
}

composite!(A 0, B 1);
composite!(A 0, B 1, C 2);
composite!(A 0, B 1, C 2, D 3);
composite!(A 0, B 1, C 2, D 3, E 4);
composite!(A 0, B 1, C 2, D 3, E 4, F 5);

/// The key's values as parameters, after those already in `params`.
pub(crate) fn params<'b, K: Key>(
    key: &'b K::Ref<'_>,
    mut params: Vec<Param<'b>>,
) -> Vec<Param<'b>> {
    K::bind(key, &mut params);
    params
}
