//! Reading `#[name(key = "value", flag)]` attributes into key/value pairs,
//! rejecting unknown keys and repeats with the span of the offending key.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr};

/// A value given in an attribute, with where it was written.
pub struct Setting {
    pub value: Option<LitStr>,
    pub span: Span,
}

/// The settings of every `#[name(...)]` attribute in `attrs`. `keys` lists
/// the accepted keys with whether each takes a string value.
pub fn read(
    attrs: &[Attribute],
    name: &str,
    keys: &[(&str, bool)],
    errors: &mut Errors,
) -> Vec<(String, Setting)> {
    let mut out: Vec<(String, Setting)> = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            let Some(&(_, takes_value)) = keys.iter().find(|(k, _)| *k == key) else {
                let known: Vec<String> = keys.iter().map(|(k, _)| format!("`{k}`")).collect();
                return Err(meta.error(format!(
                    "unknown `{name}` attribute `{}`; expected {}",
                    key_text(&meta.path),
                    known.join(" or ")
                )));
            };
            if out.iter().any(|(k, _)| *k == key) {
                return Err(meta.error(format!("`{key}` is given twice")));
            }
            let span = meta.path.span();
            let value = if takes_value {
                if !meta.input.peek(syn::Token![=]) {
                    return Err(meta.error(format!("`{key}` takes a string: {key} = \"...\"")));
                }
                let lit: LitStr = meta
                    .value()?
                    .parse()
                    .map_err(|_| meta.error(format!("`{key}` takes a string: {key} = \"...\"")))?;
                Some(lit)
            } else {
                if meta.input.peek(syn::Token![=]) {
                    return Err(meta.error(format!("`{key}` is a flag and takes no value")));
                }
                None
            };
            out.push((key, Setting { value, span }));
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

fn key_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// The string value of `key`, if given.
pub fn string(settings: &[(String, Setting)], key: &str) -> Option<LitStr> {
    settings
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, s)| s.value.clone())
}

/// The setting itself, for flags and spans.
pub fn find<'a>(settings: &'a [(String, Setting)], key: &str) -> Option<&'a Setting> {
    settings.iter().find(|(k, _)| k == key).map(|(_, s)| s)
}

/// Errors collected while reading an input, reported together.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn into_compile_errors(self) -> Option<proc_macro2::TokenStream> {
        self.0.map(|e| e.to_compile_error())
    }
}
