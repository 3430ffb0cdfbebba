//! `#[derive(RichId)]`: an ID newtype with a prefixed external form.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attr::{self, Errors};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Storage {
    Uuid,
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Ulid,
    Any,
}

struct Spec {
    prefix: String,
    separator: String,
    storage: Storage,
    body: Body,
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let spec = read_spec(input, &mut errors);
    let field_ty = read_field(input, &mut errors);
    let name = &input.ident;
    if let Some(compile_errors) = errors.into_compile_errors() {
        return crate::errors_with_display_fallback(name, compile_errors);
    }
    match (spec, field_ty) {
        (Some(spec), Some(ty)) => expand(name, &spec, ty),
        _ => TokenStream::new(),
    }
}

fn read_spec(input: &DeriveInput, errors: &mut Errors) -> Option<Spec> {
    let settings = attr::read(
        &input.attrs,
        "rich_id",
        &[
            ("prefix", true),
            ("separator", true),
            ("storage", true),
            ("body", true),
        ],
        errors,
    );
    let prefix = match attr::string(&settings, "prefix") {
        Some(lit) => {
            let value = lit.value();
            if value.is_empty() {
                errors.at(lit.span(), "the prefix is empty");
            } else if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                errors.at(
                    lit.span(),
                    "a prefix is made of ASCII letters, digits and `_`",
                );
            }
            value
        }
        None => {
            errors.at(
                input.ident.span(),
                "#[derive(RichId)] needs a prefix: #[rich_id(prefix = \"tenant\")]",
            );
            return None;
        }
    };
    let separator = match attr::string(&settings, "separator") {
        Some(lit) => {
            let value = lit.value();
            if value.is_empty() || value.chars().any(|c| c.is_ascii_alphanumeric()) {
                errors.at(
                    lit.span(),
                    "the separator must be non-empty and hold no letter or digit, e.g. \"_\" or \"-\"",
                );
            }
            value
        }
        None => "_".to_owned(),
    };
    let storage = match attr::string(&settings, "storage") {
        Some(lit) => match lit.value().as_str() {
            "uuid" => Storage::Uuid,
            "text" => Storage::Text,
            other => {
                errors.at(
                    lit.span(),
                    format!("unknown storage {other:?}; expected \"uuid\" or \"text\""),
                );
                Storage::Uuid
            }
        },
        None => Storage::Uuid,
    };
    let body = match attr::string(&settings, "body") {
        Some(lit) => match lit.value().as_str() {
            "ulid" => Body::Ulid,
            "any" => Body::Any,
            other => {
                errors.at(
                    lit.span(),
                    format!("unknown body {other:?}; expected \"ulid\" or \"any\""),
                );
                Body::Ulid
            }
        },
        None => Body::Ulid,
    };
    if storage == Storage::Uuid && body == Body::Any {
        let span = attr::find(&settings, "body").map_or(input.ident.span(), |s| s.span);
        errors.at(
            span,
            "body = \"any\" cannot be stored as a uuid; use storage = \"text\"",
        );
    }
    Some(Spec {
        prefix,
        separator,
        storage,
        body,
    })
}

fn read_field<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<&'a Type> {
    if !input.generics.params.is_empty() {
        errors.at(
            input.generics.params.span(),
            "#[derive(RichId)] does not support generic parameters",
        );
    }
    let shape_error = "#[derive(RichId)] needs a tuple struct with one field: \
                       `struct TenantId(schemac_runtime::Ulid);`";
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                fields.unnamed.first().map(|f| &f.ty)
            }
            _ => {
                errors.at(input.ident.span(), shape_error);
                None
            }
        },
        Data::Enum(data) => {
            errors.at(data.enum_token.span, shape_error);
            None
        }
        Data::Union(data) => {
            errors.at(data.union_token.span, shape_error);
            None
        }
    }
}

fn expand(name: &syn::Ident, spec: &Spec, ty: &Type) -> TokenStream {
    let rt = quote!(::schemac_runtime::__private);
    let to_sql_checked = crate::to_sql_checked();
    let type_name = name.to_string();
    let prefix = &spec.prefix;
    let separator = &spec.separator;
    // Every use of the field goes through one trait, spanned on the field's
    // type: a wrong type is one error, pointing there.
    let body = match spec.body {
        Body::Ulid => quote_spanned!(ty.span()=> <#ty as #rt::UlidBody>),
        Body::Any => quote_spanned!(ty.span()=> <#ty as #rt::AnyBody>),
    };
    let body_methods = match spec.body {
        Body::Ulid => quote! {
            /// A new ID: a monotonic ULID, so IDs made in order sort in order.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(#body::from_ulid(#rt::next_ulid()))
            }

            pub fn from_ulid(ulid: ::schemac_runtime::Ulid) -> Self {
                Self(#body::from_ulid(ulid))
            }

            pub fn ulid(&self) -> ::schemac_runtime::Ulid {
                #body::to_ulid(&self.0)
            }
        },
        Body::Any => quote! {
            /// The ID with this body (the part after the separator).
            pub fn from_body(body: &str) -> Self {
                Self(#body::from_body(body))
            }

            /// The part after the separator.
            pub fn body(&self) -> &str {
                #body::as_body(&self.0)
            }
        },
    };
    let uuid_methods = match spec.storage {
        Storage::Uuid => quote! {
            /// The uuid this ID is stored as.
            pub fn to_uuid(&self) -> #rt::Uuid {
                #rt::Uuid::from_u128(self.ulid().0)
            }

            pub fn from_uuid(uuid: #rt::Uuid) -> Self {
                Self::from_ulid(::schemac_runtime::Ulid(uuid.as_u128()))
            }
        },
        Storage::Text => TokenStream::new(),
    };
    let write_body = match spec.body {
        Body::Ulid => quote! {
            let mut buffer = [0u8; 26];
            f.write_str(self.ulid().array_to_str(&mut buffer))
        },
        Body::Any => quote! { f.write_str(self.body()) },
    };
    let parse_body = match spec.body {
        Body::Ulid => quote! {
            #rt::parse_ulid_body(body, s, #type_name).map(Self::from_ulid)
        },
        Body::Any => quote! {
            ::core::result::Result::Ok(Self::from_body(body))
        },
    };
    let sql = match spec.storage {
        Storage::Uuid => quote! {
            impl #rt::ToSql for #name {
                fn to_sql(&self, ty: &#rt::Type, out: &mut #rt::BytesMut) -> ::core::result::Result<#rt::IsNull, #rt::BoxError> {
                    #rt::ToSql::to_sql(&self.to_uuid(), ty, out)
                }

                fn accepts(ty: &#rt::Type) -> bool {
                    <#rt::Uuid as #rt::ToSql>::accepts(ty)
                }

                #to_sql_checked
            }

            impl<'a> #rt::FromSql<'a> for #name {
                fn from_sql(ty: &#rt::Type, raw: &'a [u8]) -> ::core::result::Result<Self, #rt::BoxError> {
                    let uuid = <#rt::Uuid as #rt::FromSql>::from_sql(ty, raw)?;
                    ::core::result::Result::Ok(Self::from_uuid(uuid))
                }

                fn accepts(ty: &#rt::Type) -> bool {
                    <#rt::Uuid as #rt::FromSql>::accepts(ty)
                }
            }
        },
        Storage::Text => quote! {
            impl #rt::ToSql for #name {
                fn to_sql(&self, ty: &#rt::Type, out: &mut #rt::BytesMut) -> ::core::result::Result<#rt::IsNull, #rt::BoxError> {
                    #rt::ToSql::to_sql(&::std::string::ToString::to_string(self), ty, out)
                }

                fn accepts(ty: &#rt::Type) -> bool {
                    <::std::string::String as #rt::ToSql>::accepts(ty)
                }

                #to_sql_checked
            }

            impl<'a> #rt::FromSql<'a> for #name {
                fn from_sql(ty: &#rt::Type, raw: &'a [u8]) -> ::core::result::Result<Self, #rt::BoxError> {
                    let text = <&str as #rt::FromSql>::from_sql(ty, raw)?;
                    ::core::result::Result::Ok(text.parse::<Self>()?)
                }

                fn accepts(ty: &#rt::Type) -> bool {
                    <&str as #rt::FromSql>::accepts(ty)
                }
            }
        },
    };
    quote! {
        impl #name {
            /// The text before the separator in the external form.
            pub const PREFIX: &'static str = #prefix;
            /// What joins the prefix and the body.
            pub const SEPARATOR: &'static str = #separator;

            #body_methods
            #uuid_methods
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#prefix)?;
                f.write_str(#separator)?;
                #write_body
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = ::schemac_runtime::IdParseError;

            fn from_str(s: &str) -> ::core::result::Result<Self, <Self as ::core::str::FromStr>::Err> {
                let body = #rt::split_external(s, #type_name, #prefix, #separator)?;
                #parse_body
            }
        }

        impl #rt::serde::Serialize for #name {
            fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as #rt::serde::Deserialize>::deserialize(deserializer)?;
                text.parse::<Self>().map_err(<D::Error as #rt::serde::de::Error>::custom)
            }
        }

        #sql
    }
}
