//! `#[derive(PgEnum)]`: a fieldless Rust enum as a Postgres enum type.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{self, Errors};

struct Variant<'a> {
    ident: &'a syn::Ident,
    label: String,
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let type_name = {
        let settings = attr::read(&input.attrs, "pg", &[("name", true)], &mut errors);
        match attr::string(&settings, "name") {
            Some(lit) if lit.value().is_empty() => {
                errors.at(lit.span(), "the Postgres type name is empty");
                String::new()
            }
            Some(lit) => lit.value(),
            None => input.ident.to_string().to_snake_case(),
        }
    };
    let variants = read(input, &mut errors);
    let name = &input.ident;
    if let Some(compile_errors) = errors.into_compile_errors() {
        return crate::errors_with_display_fallback(name, compile_errors);
    }
    let idents: Vec<_> = variants.iter().map(|v| v.ident).collect();
    let labels: Vec<_> = variants.iter().map(|v| v.label.as_str()).collect();
    let rt = quote!(::schemac_runtime::__private);
    let to_sql_checked = crate::to_sql_checked();
    quote! {
        impl #name {
            /// The Postgres enum type.
            pub const PG_TYPE: &'static str = #type_name;
            /// Every label, in declaration order.
            pub const LABELS: &'static [&'static str] = &[#(#labels),*];
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The label as stored in Postgres.
            pub const fn as_str(&self) -> &'static str {
                match self {
                    #(Self::#idents => #labels,)*
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = ::schemac_runtime::UnknownLabel;

            fn from_str(s: &str) -> ::core::result::Result<Self, <Self as ::core::str::FromStr>::Err> {
                match s {
                    #(#labels => ::core::result::Result::Ok(Self::#idents),)*
                    other => ::core::result::Result::Err(::schemac_runtime::UnknownLabel {
                        type_name: #type_name,
                        label: ::std::string::ToString::to_string(other),
                        expected: Self::LABELS,
                    }),
                }
            }
        }

        impl #rt::ToSql for #name {
            fn to_sql(
                &self,
                _: &#rt::Type,
                out: &mut #rt::BytesMut,
            ) -> ::core::result::Result<#rt::IsNull, #rt::BoxError> {
                out.extend_from_slice(self.as_str().as_bytes());
                ::core::result::Result::Ok(#rt::IsNull::No)
            }

            fn accepts(ty: &#rt::Type) -> bool {
                ty.name() == #type_name
            }

            #to_sql_checked
        }

        impl<'a> #rt::FromSql<'a> for #name {
            fn from_sql(_: &#rt::Type, raw: &'a [u8]) -> ::core::result::Result<Self, #rt::BoxError> {
                let label = ::core::str::from_utf8(raw)?;
                ::core::result::Result::Ok(label.parse::<Self>()?)
            }

            fn accepts(ty: &#rt::Type) -> bool {
                ty.name() == #type_name
            }
        }

        impl #rt::serde::Serialize for #name {
            fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let label = <::std::borrow::Cow<'de, str> as #rt::serde::Deserialize>::deserialize(deserializer)?;
                label.parse::<Self>().map_err(<D::Error as #rt::serde::de::Error>::custom)
            }
        }
    }
}

fn read<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Vec<Variant<'a>> {
    if !input.generics.params.is_empty() {
        errors.at(
            input.generics.params.span(),
            "#[derive(PgEnum)] does not support generic parameters",
        );
    }
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(data) => {
            errors.at(
                data.struct_token.span,
                "#[derive(PgEnum)] works on enums; for a struct read from a row use #[derive(Row)]",
            );
            return Vec::new();
        }
        Data::Union(data) => {
            errors.at(
                data.union_token.span,
                "#[derive(PgEnum)] works on enums, not unions",
            );
            return Vec::new();
        }
    };
    if data.variants.is_empty() {
        errors.at(
            input.ident.span(),
            "#[derive(PgEnum)] needs at least one variant: a Postgres enum has at least one label",
        );
    }
    let mut out: Vec<Variant<'a>> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.at(
                variant.fields.span(),
                format!(
                    "variant `{}` carries data, but a Postgres enum value is only a label",
                    variant.ident
                ),
            );
        }
        if let Some((_, discriminant)) = &variant.discriminant {
            errors.at(
                discriminant.span(),
                "an explicit discriminant means nothing to Postgres: the label is the value",
            );
        }
        let settings = attr::read(&variant.attrs, "pg", &[("rename", true)], errors);
        let (label, span) = match attr::string(&settings, "rename") {
            Some(lit) => (lit.value(), lit.span()),
            None => (
                variant.ident.to_string().to_snake_case(),
                variant.ident.span(),
            ),
        };
        if label.is_empty() {
            errors.at(span, "an enum label cannot be empty");
        } else if label.len() > 63 {
            errors.at(span, "an enum label is at most 63 bytes long in Postgres");
        }
        if let Some(first) = out.iter().find(|v| v.label == label) {
            errors.at(
                span,
                format!(
                    "the label {label:?} is already used by variant `{}`",
                    first.ident
                ),
            );
        }
        out.push(Variant {
            ident: &variant.ident,
            label,
        });
    }
    out
}
