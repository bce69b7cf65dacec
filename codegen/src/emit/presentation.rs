//! The `presentations` module of the generated code: one `runtime::Presentation`
//! static per response type, which the tool registry's result shapes point at.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::rust::doc;
use crate::ir::{Column, Model, Presentation};

/// `ClaudeCodeRecord` → `CLAUDE_CODE_RECORD`.
pub fn static_name(type_name: &str) -> Ident {
    let mut name = String::new();
    for (index, c) in type_name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    format_ident!("{name}")
}

/// `super::presentations::USER`, as a result shape refers to it.
pub fn reference(type_name: &str) -> TokenStream {
    let name = static_name(type_name);
    quote!(&super::presentations::#name)
}

pub fn module(model: &Model, rt: &TokenStream) -> TokenStream {
    let statics = model.types.iter().map(|def| {
        let name = static_name(&def.name);
        let docs = doc(&format!("How `{}` reads.", def.name));
        let value = presentation(&def.presentation, rt);
        quote! {
            #docs
            pub static #name: #rt::Presentation = #value;
        }
    });
    quote! {
        /// How each response type reads: nouns, identity, columns (spec `presentation:`,
        /// or derived from the fields).
        pub mod presentations {
            #(#statics)*
        }
    }
}

fn presentation(p: &Presentation, rt: &TokenStream) -> TokenStream {
    let (noun, plural) = (&p.noun, &p.plural);
    let identity = &p.identity;
    let details = &p.details;
    let flags = p.flags.iter().map(|(field, word)| quote!((#field, #word)));
    let time = option(p.time.as_deref());
    let rows = match &p.rows {
        Some((field, item)) => {
            let item = static_name(item);
            quote!(::std::option::Option::Some(#rt::presentation::Rows { field: #field, presentation: &#item }))
        }
        None => quote!(::std::option::Option::None),
    };
    let breakdown = match &p.breakdown {
        Some((field, item)) => {
            let item = static_name(item);
            quote!(::std::option::Option::Some(#rt::presentation::Rows { field: #field, presentation: &#item }))
        }
        None => quote!(::std::option::Option::None),
    };
    let columns = p.columns.iter().map(|c| column(c, rt));
    let summary = option(p.summary.as_deref());
    let names = super::names::lookups(&p.names, rt);
    quote! {
        #rt::Presentation {
            noun: #noun,
            plural: #plural,
            identity: &[#(#identity),*],
            details: &[#(#details),*],
            flags: &[#(#flags),*],
            time: #time,
            rows: #rows,
            breakdown: #breakdown,
            columns: &[#(#columns),*],
            summary: #summary,
            sections: &[],
            names: #names,
        }
    }
}

fn column(c: &Column, rt: &TokenStream) -> TokenStream {
    let (name, label) = (&c.name, &c.label);
    let paths = c.paths.iter().map(|path| quote!(&[#(#path),*]));
    let kind = format_ident!("{}", c.kind.variant());
    let role = format_ident!("{}", c.role.variant());
    quote! {
        #rt::presentation::Column {
            name: #name,
            label: #label,
            paths: &[#(#paths),*],
            kind: #rt::presentation::ColumnKind::#kind,
            role: #rt::presentation::ColumnRole::#role,
        }
    }
}

fn option(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    }
}
