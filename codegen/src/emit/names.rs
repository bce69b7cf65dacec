//! A presentation's `names` in generated code: the runtime's `NameLookup`s.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::NameLookup;

/// `&[NameLookup { .. }, ...]`.
pub fn lookups(names: &[NameLookup], rt: &TokenStream) -> TokenStream {
    let items = names.iter().map(|n| {
        let (column, tool, key, field, into, with) = (&n.column, &n.tool, &n.key, &n.field, &n.into, &n.with);
        let (page, per_page, page_size) = (&n.page, &n.per_page, n.page_size);
        let none = match &n.none {
            Some(text) => quote!(::std::option::Option::Some(#text)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            #rt::presentation::NameLookup {
                column: #column,
                tool: #tool,
                key: #key,
                field: #field,
                none: #none,
                into: #into,
                with: #with,
                page: #page,
                per_page: #per_page,
                page_size: #page_size,
            }
        }
    });
    quote!(&[#(#items),*])
}
