//! The tool's `filters` in generated code: the registry's `ToolDefinition::filters`
//! (the pipeline filters a plain result's items) and the roll-up's (the aggregator
//! skips the items that do not match).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Tool;
use crate::names::field_ident;

/// `&[ItemFilter { argument, column }, ...]`.
pub fn definition_filters(rt: &TokenStream, tool: &Tool) -> TokenStream {
    let filters =
        tool.filters.iter().map(|(argument, column)| quote!(#rt::ItemFilter { argument: #argument, column: #column }));
    quote!(&[#(#filters),*])
}

/// `.with_filter(column, self.argument.as_deref())` for each filter, after `RollUp::new(..)`.
pub fn roll_up_filters(tool: &Tool) -> TokenStream {
    let filters = tool.filters.iter().map(|(argument, column)| {
        let name = field_ident(argument);
        let field = match name.strip_prefix("r#") {
            Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
            None => proc_macro2::Ident::new(&name, proc_macro2::Span::call_site()),
        };
        quote!(.with_filter(#column, self.#field.as_deref()))
    });
    quote!(#(#filters)*)
}
