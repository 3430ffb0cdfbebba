//! `#[derive(Insert)]` and `#[derive(Patch)]`: a new row's or a patch's
//! fields, each handed to the runtime's writers with its column and whether
//! it is given. The writers themselves (INSERT, COPY, UNNEST, UPDATE) are
//! generic code in `schemac_runtime::table`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Type};

use crate::attr::{self, Errors};

/// Which derive: they read fields alike and differ in what a field means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Insert,
    Patch,
}

impl Kind {
    fn attr(self) -> &'static str {
        match self {
            Kind::Insert => "new",
            Kind::Patch => "patch",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Insert => "Insert",
            Kind::Patch => "Patch",
        }
    }
}

pub fn derive(input: &DeriveInput, kind: Kind) -> TokenStream {
    let mut errors = Errors::default();
    let calls = fields(input, kind, &mut errors);
    let name = &input.ident;
    let trait_name = syn::Ident::new(kind.name(), proc_macro2::Span::call_site());
    if !input.generics.params.is_empty() {
        errors.at(
            input.generics.params.span(),
            format!(
                "#[derive({})] does not support generic parameters",
                kind.name()
            ),
        );
    }
    if let Some(compile_errors) = errors.into_compile_errors() {
        return compile_errors;
    }
    quote! {
        impl ::schemac_runtime::table::#trait_name for #name {
            fn fields<'schemac>(&'schemac self, out: &mut dyn ::schemac_runtime::table::Fields<'schemac>) {
                #(#calls)*
            }
        }
    }
}

/// How a field's type says it is given.
enum Shape<'a> {
    /// `T`: always.
    Plain,
    /// `Option<T>`.
    Optional(&'a Type),
    /// `Option<Option<T>>`: `None` the default, `Some(None)` NULL.
    ThreeWay,
}

fn shape(ty: &Type) -> Shape<'_> {
    match option_inner(ty) {
        None => Shape::Plain,
        Some(inner) => match option_inner(inner) {
            Some(_) => Shape::ThreeWay,
            None => Shape::Optional(inner),
        },
    }
}

fn fields(input: &DeriveInput, kind: Kind, errors: &mut Errors) -> Vec<TokenStream> {
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            _ => {
                errors.at(
                    input.ident.span(),
                    format!(
                        "#[derive({})] needs named fields: each is a column",
                        kind.name()
                    ),
                );
                return Vec::new();
            }
        },
        _ => {
            errors.at(
                input.ident.span(),
                format!("#[derive({})] works on structs", kind.name()),
            );
            return Vec::new();
        }
    };
    let keys: &[(&str, bool)] = match kind {
        Kind::Insert => &[
            ("rename", true),
            ("default", false),
            ("json", false),
            ("id", false),
            ("array", false),
        ],
        Kind::Patch => &[("rename", true), ("json", false)],
    };
    let rt = quote!(::schemac_runtime::table);
    let mut calls = Vec::new();
    for field in &named.named {
        let Some(ident) = field.ident.as_ref() else {
            continue;
        };
        let settings = attr::read(&field.attrs, kind.attr(), keys, errors);
        let column = attr::string(&settings, "rename")
            .map(|lit| lit.value())
            .unwrap_or_else(|| ident.unraw().to_string());
        let column = format!("\"{}\"", column.replace('"', "\"\""));
        let json = attr::find(&settings, "json").is_some();
        let id = attr::find(&settings, "id");
        let array = attr::find(&settings, "array").is_some();
        let defaulted = attr::find(&settings, "default").is_some();
        let shape = shape(&field.ty);
        let wrap = |value: TokenStream| quote!(#rt::Value::Owned(::std::boxed::Box::new(#value)));
        let json_of = quote!(::schemac_runtime::Json);
        let (given, value, required, three_way) = match (kind, &shape, id) {
            (Kind::Insert, Shape::Optional(inner), Some(_)) => (
                quote!(true),
                wrap(quote! {
                    ::core::clone::Clone::clone(&self.#ident).unwrap_or_else(<#inner>::new)
                }),
                true,
                false,
            ),
            (_, _, Some(flag)) => {
                errors.at(
                    flag.span,
                    "`id` is for an `Option` of an ID type: `None` makes a new one",
                );
                continue;
            }
            (Kind::Insert, Shape::Plain, None) => (
                quote!(true),
                match json {
                    true => wrap(quote!(#json_of(&self.#ident))),
                    false => quote!(#rt::Value::Ref(&self.#ident)),
                },
                true,
                false,
            ),
            (Kind::Patch, Shape::Plain, None) => {
                errors.at(
                    field.ty.span(),
                    "a patch field is an `Option`: `None` leaves the column as it is",
                );
                continue;
            }
            (_, Shape::Optional(_), None) => (
                quote!(::core::option::Option::is_some(&self.#ident)),
                match json {
                    true => wrap(quote!(::core::option::Option::map(
                        ::core::option::Option::as_ref(&self.#ident),
                        #json_of
                    ))),
                    false => quote!(#rt::Value::Ref(&self.#ident)),
                },
                false,
                false,
            ),
            (_, Shape::ThreeWay, None) => (
                quote!(::core::option::Option::is_some(&self.#ident)),
                match json {
                    true => wrap(quote!(::core::option::Option::map(
                        ::core::option::Option::and_then(
                            ::core::option::Option::as_ref(&self.#ident),
                            ::core::option::Option::as_ref
                        ),
                        #json_of
                    ))),
                    false => quote!(#rt::Value::Ref(&self.#ident)),
                },
                false,
                true,
            ),
        };
        let defaulted = defaulted || three_way;
        let spec = quote! {
            #rt::Spec { column: #column, defaulted: #defaulted, three_way: #three_way, required: #required }
        };
        if !array {
            calls.push(quote! { out.field(#spec, #given, #value); });
            continue;
        }
        let param = quote!(|element| -> ::schemac_runtime::Param<'schemac> { element });
        let (elements, null) = match shape {
            Shape::Plain => (quote!(self.#ident.iter()), quote!(false)),
            Shape::Optional(_) => (quote!(self.#ident.iter().flatten()), quote!(false)),
            Shape::ThreeWay => (
                quote!(self.#ident.iter().flatten().flatten()),
                quote!(
                    ::core::matches!(self.#ident, ::core::option::Option::Some(::core::option::Option::None))
                ),
            ),
        };
        calls.push(quote! {
            out.array(#spec, #given, #null, #value, &mut #elements.map(#param));
        });
    }
    calls
}

/// `T` of a type written `Option<T>`.
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
