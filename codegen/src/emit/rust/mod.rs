//! The typed client, argument types, response types and MCP tool registry, as Rust.
//!
//! Emitted with `quote!`, parsed with `syn` and printed with `prettyplease`, so the
//! output is valid, formatted and deterministic (spec order everywhere).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::schema;
use crate::ir::{
    Action, Arg, ArgKind, Check, DateBound, DefaultValue, EnumArg, HttpCall, ListArg, Method, Model, Pagination,
    PathPiece, Tool, Transform, TypeExpr, Upstream,
};
use crate::names::{field_ident, upper_camel, variant_name};

mod args;
mod client;
mod tools;

pub struct RustEmitter<'a> {
    model: &'a Model,
    rt: TokenStream,
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => Ident::new(name, proc_macro2::Span::call_site()),
    }
}

fn field(name: &str) -> Ident {
    ident(&field_ident(name))
}

/// A doc comment, one `///` line per line of `text`, each with the space after `///`
/// that hand-written docs have. Every doc comment the emitter writes goes through here.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines: Vec<TokenStream> = text
        .lines()
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            quote!(#[doc = #line])
        })
        .collect();
    quote!(#(#lines)*)
}

/// How generated code reaches one argument's value: through `value` (bound by
/// `if let Some(value) = &…` for an optional argument) or straight from the field.
struct Access {
    /// An expression of type `&T`.
    by_ref: TokenStream,
    /// An expression methods can be called on (`value`, `args.role`).
    place: TokenStream,
    /// The value itself, for `Copy` types.
    copied: TokenStream,
}

impl Access {
    /// `value`, a reference bound by a pattern.
    fn bound(name: TokenStream) -> Access {
        Access { by_ref: name.clone(), place: name.clone(), copied: quote!(*#name) }
    }

    /// `owner.field`, read in place.
    fn field(owner: TokenStream, field: &Ident) -> Access {
        Access { by_ref: quote!(&#owner.#field), place: quote!(#owner.#field), copied: quote!(#owner.#field) }
    }
}

/// The name of an argument's constant: `per_page` and `MAX` give `PER_PAGE_MAX`.
fn bound_const(arg: &str, what: &str) -> Ident {
    format_ident!("{}_{}", arg.to_ascii_uppercase(), what)
}

/// The constant of a `date_range` check's longest span: `START_DATE_TO_END_DATE_MAX_DAYS`.
fn date_range_const(start: &str, end: &str) -> Ident {
    bound_const(&format!("{start}_to_{end}"), "MAX_DAYS")
}

/// A string literal as a raw string (`r#"…"#`), with enough `#` for its content.
fn raw_string(text: &str) -> Literal {
    let mut hashes = 1;
    for (at, _) in text.match_indices('"') {
        let run = text[at + 1..].bytes().take_while(|b| *b == b'#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}").parse().expect("a raw string literal")
}

fn rust_path(path: &str) -> TokenStream {
    let segments = path.split("::").map(ident);
    quote!(#(#segments)::*)
}

impl<'a> RustEmitter<'a> {
    pub fn new(model: &'a Model, runtime_path: &str) -> Self {
        RustEmitter { model, rt: rust_path(runtime_path) }
    }

    pub fn emit(&self) -> TokenStream {
        let rt = &self.rt;
        let server = &self.model.server;
        let (name, title, instructions) = (&server.name, &server.title, &server.instructions);
        let groups = self.model.groups.iter().map(|g| {
            let (id, title) = (&g.id, &g.title);
            quote!(#rt::Group { id: #id, title: #title })
        });
        let org_roles = &self.model.org_roles;
        let prompts = self.model.prompts.iter().map(|p| {
            let (name, title, description, template) = (&p.name, &p.title, &p.description, &p.template);
            let arguments = p.arguments.iter().map(|a| {
                let (name, description, required) = (&a.name, &a.description, a.required);
                let default = match &a.default {
                    Some(d) => quote!(::std::option::Option::Some(#d)),
                    None => quote!(::std::option::Option::None),
                };
                let completion = self.prompt_completion(&a.completion);
                quote!(#rt::PromptArgument {
                    name: #name, description: #description, required: #required, default: #default, completion: #completion
                })
            });
            quote! {
                #rt::PromptDefinition {
                    name: #name,
                    title: #title,
                    description: #description,
                    arguments: &[#(#arguments),*],
                    template: #template,
                }
            }
        });
        let types = self.types_module();
        let presentations = crate::emit::presentation::module(self.model, rt);
        let args = self.args_module();
        let outputs = self.outputs_module();
        let requests = self.requests_module();
        let client = self.client_module();
        let tools = self.tools_module();
        quote! {
            /// The server as the spec describes it.
            pub const SERVER: #rt::ServerDefinition = #rt::ServerDefinition {
                name: #name,
                title: #title,
                instructions: #instructions,
            };
            /// Tool groups, in spec order.
            pub const GROUPS: &[#rt::Group] = &[#(#groups),*];
            /// Organization roles from least to most privileged (for `--max-role`).
            pub const ORG_ROLES: &[&str] = &[#(#org_roles),*];
            /// The MCP prompts, in spec order.
            pub static PROMPTS: &[#rt::PromptDefinition] = &[#(#prompts),*];
            #types
            #presentations
            #args
            #outputs
            #requests
            #client
            #tools
        }
    }

    /// What a prompt argument completes from, as the runtime's `Completion`.
    fn prompt_completion(&self, completion: &crate::ir::Completion) -> TokenStream {
        use crate::ir::{Completion, DateSpan};
        let rt = &self.rt;
        match completion {
            Completion::None => quote!(#rt::Completion::None),
            Completion::Values(values) => quote!(#rt::Completion::Values(&[#(#values),*])),
            Completion::Dates(span) => {
                let span = match span {
                    DateSpan::Day => quote!(Day),
                    DateSpan::DayOrMonth => quote!(DayOrMonth),
                    DateSpan::Month => quote!(Month),
                };
                quote!(#rt::Completion::Dates(#rt::DateSpan::#span))
            }
            Completion::Objects { tool, field, per_page, page_size } => quote! {
                #rt::Completion::Objects(#rt::ObjectList {
                    tool: #tool, field: #field, per_page: #per_page, page_size: #page_size
                })
            },
        }
    }

    // ------------------------------------------------------------------ types

    fn types_module(&self) -> TokenStream {
        let rt = &self.rt;
        let serde_crate = format!("{}::serde", tokens_to_path(rt));
        let structs = self.model.types.iter().map(|def| {
            let name = ident(&def.name);
            let docs =
                doc(def.description.as_deref().unwrap_or(&format!("`{}` as the Admin API returns it.", def.name)));
            let fields = def.fields.iter().map(|f| {
                let fname = field(&f.name);
                let ty = self.type_tokens(&f.ty);
                let ty = if f.nullable || f.optional { quote!(::std::option::Option<#ty>) } else { ty };
                let attr = if f.nullable {
                    quote!(#[serde(default)])
                } else if f.optional {
                    quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
                } else {
                    quote!()
                };
                let mut text = f.description.clone().unwrap_or_default();
                if !f.known_values.is_empty() {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(&format!("Known values: {}.", f.known_values.join(", ")));
                }
                let docs = if text.is_empty() { quote!() } else { doc(&text) };
                quote! { #docs #attr pub #fname: #ty, }
            });
            let deserialize = self.type_deserialize(def);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #rt::serde::Serialize)]
                #[serde(crate = #serde_crate)]
                pub struct #name {
                    #(#fields)*
                    /// Fields the spec does not describe (yet), passed through unchanged.
                    #[serde(flatten)]
                    pub extra: #rt::JsonObject,
                }

                #deserialize
            }
        });
        quote! {
            /// Response types: tolerant of new fields, which land in `extra`.
            pub mod types {
                #(#structs)*
            }
        }
    }

    /// A response type's `Deserialize`: known fields read into their slots in one pass,
    /// any other kept in `extra` (`runtime::record`; serde's `flatten` would buffer the
    /// whole object first).
    fn type_deserialize(&self, def: &crate::ir::TypeDef) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&def.name);
        let expecting = format!("a {} object", def.name);
        let names: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
        let slots: Vec<Ident> = def.fields.iter().map(|f| format_ident!("slot_{}", f.name)).collect();
        let arms = def.fields.iter().zip(&slots).enumerate().map(|(index, (f, slot))| {
            let (json, index) = (&f.name, Literal::usize_unsuffixed(index));
            quote!(__record::Key::Known(#index) => __record::once(&mut #slot, #json, &mut map)?,)
        });
        let values = def.fields.iter().zip(&slots).map(|(f, slot)| {
            let fname = field(&f.name);
            let json = &f.name;
            if f.nullable || f.optional {
                quote!(#fname: #slot.unwrap_or_default(),)
            } else {
                quote!(#fname: __record::required(#slot, #json)?,)
            }
        });
        // Names in `__` so that no type of the spec (a `Key`, a `Visitor`) is shadowed.
        quote! {
            impl<'de> #rt::serde::Deserialize<'de> for #name {
                fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    use #rt::record as __record;
                    use #rt::serde::de as __de;
                    struct __Visitor;
                    impl<'de> __de::Visitor<'de> for __Visitor {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: __de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                            const FIELDS: &[&str] = &[#(#names),*];
                            #(let mut #slots = None;)*
                            let mut extra = #rt::JsonObject::new();
                            while let Some(key) = map.next_key_seed(__record::FieldKey(FIELDS))? {
                                match key {
                                    #(#arms)*
                                    __record::Key::Known(_) => {
                                        map.next_value::<__de::IgnoredAny>()?;
                                    }
                                    __record::Key::Other(name) => {
                                        extra.insert(name, map.next_value()?);
                                    }
                                }
                            }
                            Ok(#name { #(#values)* extra })
                        }
                    }
                    deserializer.deserialize_map(__Visitor)
                }
            }
        }
    }

    fn type_tokens(&self, ty: &TypeExpr) -> TokenStream {
        let rt = &self.rt;
        match ty {
            TypeExpr::String | TypeExpr::Decimal => quote!(::std::string::String),
            TypeExpr::Integer => quote!(i64),
            TypeExpr::Count => quote!(u64),
            TypeExpr::Number => quote!(f64),
            TypeExpr::Boolean => quote!(bool),
            TypeExpr::Any => quote!(#rt::Value),
            TypeExpr::Named(n) => {
                let n = ident(n);
                quote!(#n)
            }
            TypeExpr::List(inner) => {
                let inner = self.type_tokens(inner);
                quote!(::std::vec::Vec<#inner>)
            }
            TypeExpr::Map(inner) => {
                let inner = self.type_tokens(inner);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
        }
    }

    // ------------------------------------------------------------------ outputs

    pub(super) fn output_struct_name(tool: &Tool) -> Ident {
        format_ident!("{}Output", upper_camel(&tool.rust_name))
    }

    /// The Rust type a tool's client method returns.
    pub(super) fn output_type(&self, tool: &Tool) -> TokenStream {
        match &tool.action {
            Action::Handler { output, .. } => rust_path(output),
            Action::Http(call) => match call.pagination {
                Pagination::None => {
                    let t = ident(&call.output);
                    quote!(super::types::#t)
                }
                _ => {
                    let o = Self::output_struct_name(tool);
                    quote!(super::outputs::#o)
                }
            },
        }
    }

    pub(super) fn outputs_module(&self) -> TokenStream {
        let rt = &self.rt;
        let serde_crate = format!("{}::serde", tokens_to_path(rt));
        let items = self.model.tools.iter().filter_map(|tool| {
            let Action::Http(call) = &tool.action else { return None };
            let item = ident(&call.output);
            let data = quote! {
                /// The items.
                pub data: ::std::vec::Vec<super::types::#item>,
            };
            let page = quote! {
                /// This page's number, from 1.
                pub page: u32,
                /// Items per page.
                pub per_page: u32,
            };
            let has_more = quote! {
                /// Whether a next page exists.
                pub has_more: bool,
            };
            let fields = match &call.pagination {
                Pagination::None => return None,
                Pagination::IdCursor { .. } => quote!(#data #page #has_more),
                Pagination::PageToken { window: Some(_) } => quote! {
                    #data #page
                    /// Items in the whole range.
                    pub total: u64,
                    #has_more
                },
                Pagination::PageToken { window: None } => {
                    if call.summary.is_some() {
                        quote! {
                            #data
                            /// Exact sum of the amounts, in cents.
                            pub total_cents: ::std::string::String,
                            /// The same total in US dollars, rounded to the cent.
                            pub total_usd: ::std::string::String,
                        }
                    } else {
                        data
                    }
                }
                Pagination::PerDay { .. } => quote! {
                    #data
                    /// Days covered (one request per day).
                    pub days: u32,
                },
            };
            let name = Self::output_struct_name(tool);
            let docs = doc(&format!("Result of `{}`.", tool.name));
            Some(quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #rt::serde::Serialize, #rt::serde::Deserialize)]
                #[serde(crate = #serde_crate)]
                pub struct #name { #fields }
            })
        });
        quote! {
            /// Result envelopes of paginated tools.
            pub mod outputs {
                #(#items)*
            }
        }
    }
}

/// Whether a description only repeats the title (ignoring case and a trailing period).
fn same_words(title: &str, description: &str) -> bool {
    let words = |text: &str| text.trim().trim_end_matches('.').to_lowercase();
    words(title) == words(description)
}

fn integer_is_u32(minimum: Option<i64>, maximum: Option<i64>) -> bool {
    minimum.is_some_and(|m| m >= 0) && maximum.is_some_and(|m| m <= i64::from(u32::MAX))
}

fn default_text(d: &DefaultValue) -> String {
    match d {
        DefaultValue::Integer(n) => n.to_string(),
        DefaultValue::Boolean(b) => b.to_string(),
        DefaultValue::String(s) => s.clone(),
    }
}

fn path_text(call: &HttpCall) -> String {
    call.path
        .iter()
        .map(|p| match p {
            PathPiece::Literal(t) => t.clone(),
            PathPiece::Placeholder(n) => format!("{{{n}}}"),
        })
        .collect()
}

fn tokens_to_path(tokens: &TokenStream) -> String {
    tokens.to_string().replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::{raw_string, same_words};

    #[test]
    fn raw_strings_have_enough_hashes_for_their_content() {
        assert_eq!(raw_string(r#"{"a":1}"#).to_string(), r##"r#"{"a":1}"#"##);
        assert_eq!(raw_string(r##"say "#" here"##).to_string(), r###"r##"say "#" here"##"###);
        assert_eq!(raw_string("").to_string(), r##"r#""#"##);
    }

    #[test]
    fn a_description_that_repeats_the_title_is_the_same_words() {
        assert!(same_words("Remove a user", "Remove a user."));
        assert!(same_words("Create a workspace", "create a Workspace"));
        assert!(!same_words("List users", "Users, one page at a time."));
    }
}
