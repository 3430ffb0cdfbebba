//! `#[derive(Row)]`: a struct read from a row by column name.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attr::{self, Errors};

/// One field and where its value comes from.
enum Source {
    Column(String),
    /// A json/jsonb column decoded into a serde type.
    Json(String),
    Flatten,
}

struct Field<'a> {
    ident: &'a syn::Ident,
    ty: &'a Type,
    source: Source,
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let fields = read(input, &mut errors);
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let compile_errors = errors.into_compile_errors();
    if let (Some(fields), None) = (&fields, &compile_errors) {
        if !fields.iter().any(|f| matches!(f.source, Source::Flatten)) {
            return by_position(input, fields);
        }
    }
    let from_rows = match (&fields, &compile_errors) {
        (Some(fields), None) => from_rows(fields),
        _ => TokenStream::new(),
    };
    let body = match (&fields, compile_errors) {
        (Some(fields), None) => {
            let inits = fields.iter().map(|f| {
                let ident = f.ident;
                let ty = f.ty;
                match &f.source {
                    Source::Column(column) => quote! {
                        #ident: ::schemac_runtime::column::<#ty>(row, #column)?
                    },
                    Source::Json(column) => match option_inner(ty) {
                        Some(inner) => quote! {
                            #ident: ::schemac_runtime::column::<::core::option::Option<::schemac_runtime::Json<#inner>>>(row, #column)?
                                .map(|json| json.0)
                        },
                        None => quote! {
                            #ident: ::schemac_runtime::column::<::schemac_runtime::Json<#ty>>(row, #column)?.0
                        },
                    },
                    Source::Flatten => quote! {
                        #ident: <#ty as ::schemac_runtime::FromRow>::from_row(row)?
                    },
                }
            });
            quote! { ::core::result::Result::Ok(Self { #(#inits,)* }) }
        }
        // The fallback keeps uses of the type free of follow-on errors.
        (_, Some(compile_errors)) => {
            return quote! {
                #compile_errors
                impl #impl_generics ::schemac_runtime::FromRow for #name #type_generics #where_clause {
                    fn from_row(_: &::schemac_runtime::PgRow) -> ::core::result::Result<Self, ::schemac_runtime::Error> {
                        ::core::unreachable!()
                    }
                }
            };
        }
        (None, None) => return TokenStream::new(),
    };
    quote! {
        impl #impl_generics ::schemac_runtime::FromRow for #name #type_generics #where_clause {
            fn from_row(row: &::schemac_runtime::PgRow) -> ::core::result::Result<Self, ::schemac_runtime::Error> {
                #body
            }
            #from_rows
        }
    }
}

/// A row struct without flattened fields: its fields decoded in one body,
/// by position, and `from_row`/`from_rows` the runtime's generic code that
/// finds the positions (once per result for `from_rows`).
fn by_position(input: &DeriveInput, fields: &[Field<'_>]) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let rt = quote!(::schemac_runtime::__private);
    let mut columns = Vec::new();
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let ident = f.ident;
        let ty = f.ty;
        let (Source::Column(column) | Source::Json(column)) = &f.source else {
            unreachable!("flattened fields take the by-name path")
        };
        columns.push(column.clone());
        match (&f.source, option_inner(ty)) {
            (Source::Json(_), Some(inner)) => quote! {
                #ident: ::schemac_runtime::column_at::<::core::option::Option<::schemac_runtime::Json<#inner>>>(row, at[#i], #column)?
                    .map(|json| json.0)
            },
            (Source::Json(_), None) => quote! {
                #ident: ::schemac_runtime::column_at::<::schemac_runtime::Json<#ty>>(row, at[#i], #column)?.0
            },
            _ => quote! { #ident: ::schemac_runtime::column_at::<#ty>(row, at[#i], #column)? },
        }
    }).collect::<Vec<_>>();
    quote! {
        impl #impl_generics ::schemac_runtime::FromRow for #name #type_generics #where_clause {
            fn from_row(row: &::schemac_runtime::PgRow) -> ::core::result::Result<Self, ::schemac_runtime::Error> {
                #rt::decode_one(row)
            }
            fn from_rows(rows: &[::schemac_runtime::PgRow]) -> ::core::result::Result<::std::vec::Vec<Self>, ::schemac_runtime::Error> {
                #rt::decode_all(rows)
            }
        }
        impl #impl_generics #rt::Decode for #name #type_generics #where_clause {
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            fn decode(row: &::schemac_runtime::PgRow, at: &[usize]) -> ::core::result::Result<Self, ::schemac_runtime::Error> {
                ::core::result::Result::Ok(Self { #(#inits,)* })
            }
        }
    }
}

/// `from_rows` that finds each column's position once, in the first row, and
/// reads every row by position: by name, each field of each row is a search
/// through the row's columns. A column missing from the result falls back
/// to `from_row`, whose error names it.
fn from_rows(fields: &[Field<'_>]) -> TokenStream {
    let mut positions = Vec::new();
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let ident = f.ident;
        let ty = f.ty;
        let at = quote::format_ident!("at_{}", i);
        match &f.source {
            Source::Column(column) => {
                positions.push(quote! {
                    let ::core::option::Option::Some(#at) = columns.iter().position(|c| c.name() == #column) else {
                        return rows.iter().map(Self::from_row).collect();
                    };
                });
                quote! { #ident: ::schemac_runtime::column_at::<#ty>(row, #at, #column)? }
            }
            Source::Json(column) => {
                positions.push(quote! {
                    let ::core::option::Option::Some(#at) = columns.iter().position(|c| c.name() == #column) else {
                        return rows.iter().map(Self::from_row).collect();
                    };
                });
                match option_inner(ty) {
                    Some(inner) => quote! {
                        #ident: ::schemac_runtime::column_at::<::core::option::Option<::schemac_runtime::Json<#inner>>>(row, #at, #column)?
                            .map(|json| json.0)
                    },
                    None => quote! {
                        #ident: ::schemac_runtime::column_at::<::schemac_runtime::Json<#ty>>(row, #at, #column)?.0
                    },
                }
            }
            Source::Flatten => quote! {
                #ident: <#ty as ::schemac_runtime::FromRow>::from_row(row)?
            },
        }
    }).collect::<Vec<_>>();
    if positions.is_empty() {
        // Only flattened fields: each reads its own columns by name.
        return TokenStream::new();
    }
    quote! {
        fn from_rows(rows: &[::schemac_runtime::PgRow]) -> ::core::result::Result<::std::vec::Vec<Self>, ::schemac_runtime::Error> {
            let ::core::option::Option::Some(first) = rows.first() else {
                return ::core::result::Result::Ok(::std::vec::Vec::new());
            };
            let columns = first.columns();
            #(#positions)*
            rows.iter()
                .map(|row| ::core::result::Result::Ok(Self { #(#inits,)* }))
                .collect()
        }
    }
}

fn read<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<Vec<Field<'a>>> {
    if let Some(param) = input.generics.type_params().next() {
        errors.at(
            param.span(),
            "#[derive(Row)] does not support type parameters: a row's columns have concrete types",
        );
    }
    if let Some(lt) = input.generics.lifetimes().next() {
        errors.at(
            lt.span(),
            "#[derive(Row)] does not support lifetimes: the struct owns its values, use String and Vec<u8>",
        );
    }
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(_) => {
                errors.at(
                    input.ident.span(),
                    "#[derive(Row)] needs named fields: a tuple struct has no column names to read by",
                );
                return None;
            }
            Fields::Unit => {
                errors.at(
                    input.ident.span(),
                    "#[derive(Row)] needs named fields: a unit struct has no columns",
                );
                return None;
            }
        },
        Data::Enum(data) => {
            errors.at(
                data.enum_token.span,
                "#[derive(Row)] works on structs; for a Postgres enum type use #[derive(PgEnum)]",
            );
            return None;
        }
        Data::Union(data) => {
            errors.at(
                data.union_token.span,
                "#[derive(Row)] works on structs, not unions",
            );
            return None;
        }
    };
    let mut fields = Vec::new();
    let mut seen: Vec<(String, proc_macro2::Span)> = Vec::new();
    for field in &named.named {
        let Some(ident) = field.ident.as_ref() else {
            continue;
        };
        let settings = attr::read(
            &field.attrs,
            "row",
            &[("rename", true), ("flatten", false), ("json", false)],
            errors,
        );
        let rename = attr::string(&settings, "rename");
        let flatten = attr::find(&settings, "flatten");
        let json = attr::find(&settings, "json");
        if let (Some(flag), Some(_)) = (json, flatten) {
            errors.at(flag.span, "`json` and `flatten` exclude each other");
        }
        let source = match (rename, flatten) {
            (Some(_), Some(flag)) => {
                errors.at(
                    flag.span,
                    "`flatten` and `rename` exclude each other: a flattened field reads many columns",
                );
                Source::Flatten
            }
            (_, Some(_)) => Source::Flatten,
            (Some(lit), None) => {
                let column = lit.value();
                if column.is_empty() {
                    errors.at(lit.span(), "the column name is empty");
                }
                Source::Column(column)
            }
            // `r#type` reads the column `type`.
            (None, None) => Source::Column(ident.unraw().to_string()),
        };
        let source = match (source, json) {
            (Source::Column(column), Some(_)) => Source::Json(column),
            (source, _) => source,
        };
        if let Source::Column(column) | Source::Json(column) = &source {
            if let Some((_, first)) = seen.iter().find(|(c, _)| c == column) {
                let mut e = syn::Error::new(
                    ident.span(),
                    format!("two fields read the column `{column}`"),
                );
                e.combine(syn::Error::new(*first, "the first one is here"));
                errors.push(e);
            } else {
                seen.push((column.clone(), ident.span()));
            }
        }
        fields.push(Field {
            ident,
            ty: &field.ty,
            source,
        });
    }
    Some(fields)
}

/// `T` of a field typed `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match args.args.first()
        {
            Some(syn::GenericArgument::Type(inner)) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}
