//! `#[schemac_runtime::test]`: an async test on a database of its own.
//!
//! ```ignore
//! #[schemac_runtime::test(migrations = "../app/migrations", seeds = "../app/seeds", env = "test")]
//! async fn creates_a_tenant(db: TestDb) { ... }
//! ```
//!
//! Paths are relative to the crate (`CARGO_MANIFEST_DIR`). The one
//! parameter is a `TestDb`, or a `ReadWritePool` on it (kept alive as long
//! as the test runs).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, FnArg, ItemFn, Lit, Meta, Token, Type};

pub fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let options = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    let mut migrations = None;
    let mut seeds = None;
    let mut env = None;
    let mut database = None;
    for option in &options {
        let Meta::NameValue(nv) = option else {
            return Err(syn::Error::new(
                option.span(),
                "write `migrations = \"dir\"`, `seeds = \"dir\"`, `env = \"name\"` or `database = \"name\"`",
            ));
        };
        let Expr::Lit(ExprLit {
            lit: Lit::Str(value),
            ..
        }) = &nv.value
        else {
            return Err(syn::Error::new(nv.value.span(), "a string literal"));
        };
        let slot = match nv.path.get_ident().map(|i| i.to_string()).as_deref() {
            Some("migrations") => &mut migrations,
            Some("seeds") => &mut seeds,
            Some("env") => &mut env,
            Some("database") => &mut database,
            _ => {
                return Err(syn::Error::new(
                    nv.path.span(),
                    "unknown option: the options are migrations, seeds, env and database",
                ));
            }
        };
        *slot = Some(value.clone());
    }
    if env.is_some() && seeds.is_none() {
        return Err(syn::Error::new(
            env.span(),
            "`env` names the seeds' environment: give `seeds = \"dir\"` too",
        ));
    }
    let function: ItemFn = syn::parse2(item)?;
    if function.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            function.sig.fn_token.span(),
            "a #[schemac_runtime::test] function is `async fn`",
        ));
    }
    let inputs: Vec<&FnArg> = function.sig.inputs.iter().collect();
    let [FnArg::Typed(param)] = inputs.as_slice() else {
        return Err(syn::Error::new(
            function.sig.inputs.span(),
            "a #[schemac_runtime::test] function takes one parameter: `db: TestDb` or `pool: ReadWritePool`",
        ));
    };
    let pattern = &param.pat;
    let ty = &param.ty;
    let is_test_db = matches!(&**ty, Type::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "TestDb"));
    let bind = if is_test_db {
        quote! { let #pattern: #ty = __schemac_db; }
    } else {
        quote_spanned! {ty.span()=>
            let #pattern: #ty = ::core::clone::Clone::clone(__schemac_db.pool());
            let __schemac_keep = __schemac_db;
        }
    };
    let mut setup = quote! { ::schemac_runtime::testing::Setup::new() };
    if let Some(dir) = migrations {
        setup = quote! { #setup.migrations(::schemac_runtime::testing::in_crate(::core::env!("CARGO_MANIFEST_DIR"), #dir)) };
    }
    if let Some(dir) = seeds {
        let env = env
            .map(|e| quote! { #e })
            .unwrap_or_else(|| quote! { "development" });
        setup = quote! { #setup.seeds(::schemac_runtime::testing::in_crate(::core::env!("CARGO_MANIFEST_DIR"), #dir), #env) };
    }
    if let Some(name) = database {
        setup = quote! { #setup.database(#name) };
    }
    let attrs = &function.attrs;
    let vis = &function.vis;
    let name = &function.sig.ident;
    let body = &function.block;
    Ok(quote! {
        #(#attrs)*
        #[::core::prelude::v1::test]
        #vis fn #name() {
            ::schemac_runtime::testing::run(
                ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name)),
                #setup,
                |__schemac_db: ::schemac_runtime::testing::TestDb| async move {
                    #bind
                    #body
                },
            )
        }
    })
}
