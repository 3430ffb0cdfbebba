//! Derive macros for schemac-runtime.
use proc_macro::TokenStream;

#[proc_macro_derive(Row, attributes(row))]
pub fn derive_row(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
#[proc_macro_derive(PgEnum, attributes(pg))]
pub fn derive_pg_enum(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
#[proc_macro_derive(RichId, attributes(rich_id))]
pub fn derive_rich_id(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
