//! Derive macros for schemac-runtime: `Row`, `PgEnum` and `RichId`, and the
//! `#[test]` attribute of its `testing` feature.
//!
//! Each macro reads its input into a small model (attributes parsed and
//! validated, every error spanned on the offending token), then expands it.
//! On an error it still emits the trait impls with bodies that never run, so
//! one mistake gives one compile error rather than a cascade at every use.

#![warn(missing_docs)]

mod attr;
mod pg_enum;
mod rich_id;
mod row;
mod test_attr;
mod write;

use proc_macro::TokenStream;
use quote::quote;
use syn::{DeriveInput, parse_macro_input};

/// The errors, and a `Display` impl that never runs: the enum and ID derives
/// both implement `Display`, and uses of it should not add errors of their own.
fn errors_with_display_fallback(
    name: &syn::Ident,
    compile_errors: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    quote! {
        #compile_errors
        impl ::core::fmt::Display for #name {
            fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::unreachable!()
            }
        }
    }
}

/// `ToSql::to_sql_checked` for a derived impl. tokio-postgres' own
/// `to_sql_checked!` names `Box` unqualified, which a type of the user's
/// called `Box` would shadow where the derive expands.
fn to_sql_checked() -> proc_macro2::TokenStream {
    quote! {
        fn to_sql_checked(
            &self,
            ty: &::schemac_runtime::__private::Type,
            out: &mut ::schemac_runtime::__private::BytesMut,
        ) -> ::core::result::Result<
            ::schemac_runtime::__private::IsNull,
            ::schemac_runtime::__private::BoxError,
        > {
            ::schemac_runtime::__private::to_sql_checked(self, ty, out)
        }
    }
}

/// Builds the struct from a `tokio_postgres::Row` by column name.
///
/// Field attributes: `#[row(rename = "column")]`, `#[row(flatten)]` (a field
/// whose type is itself `Row`, e.g. a mixin's columns), `#[row(json)]` (a
/// json/jsonb column read into a serde type, or `Option` of one).
#[proc_macro_derive(Row, attributes(row))]
pub fn derive_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    row::derive(&input).into()
}

/// A table's new-row struct, for `schemac_runtime::table`: each field is a
/// column to insert. `Option<T>` fields are written when `Some`,
/// `Option<Option<T>>` ones too (`Some(None)` is NULL).
///
/// Field attributes: `#[new(rename = "column")]`, `#[new(default)]` (`None`
/// leaves the column to its default, which a COPY can do only for every
/// row or none), `#[new(id)]` (an `Option` of an ID type: `None` makes a new
/// one), `#[new(json)]` (a serde type stored as json/jsonb), `#[new(array)]`
/// (an array column).
#[proc_macro_derive(Insert, attributes(new))]
pub fn derive_insert(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    write::derive(&input, write::Kind::Insert).into()
}

/// A table's patch struct, for `schemac_runtime::table`: each field is an
/// `Option` of a column's value, written when `Some`.
///
/// Field attributes: `#[patch(rename = "column")]`, `#[patch(json)]`.
#[proc_macro_derive(Patch, attributes(patch))]
pub fn derive_patch(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    write::derive(&input, write::Kind::Patch).into()
}

/// Maps a fieldless enum to a Postgres enum type by label: ToSql, FromSql,
/// Display, FromStr and serde as the label.
///
/// `#[pg(name = "causes_enum")]` on the enum (default: its name in
/// snake_case), `#[pg(rename = "Grief care")]` on a variant (default: its
/// name in snake_case).
#[proc_macro_derive(PgEnum, attributes(pg))]
pub fn derive_pg_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pg_enum::derive(&input).into()
}

/// Makes an ID newtype: `#[rich_id(prefix = "tenant", separator = "-",
/// storage = "uuid" | "text", body = "ulid" | "any")]` on a tuple struct
/// wrapping `schemac_runtime::Ulid` (or `String` for `body = "any"`).
#[proc_macro_derive(RichId, attributes(rich_id))]
pub fn derive_rich_id(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    rich_id::derive(&input).into()
}

/// An async test on a database of its own (with the `testing` feature of
/// schemac-runtime): migrations and seeds applied once to a template, the
/// test's database cloned from it, dropped when the test passes and kept
/// when it fails. See `schemac_runtime::testing`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
