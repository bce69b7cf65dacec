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
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #rt::serde::Serialize, #rt::serde::Deserialize)]
                #[serde(crate = #serde_crate)]
                pub struct #name {
                    #(#fields)*
                    /// Fields the spec does not describe (yet), passed through unchanged.
                    #[serde(flatten)]
                    pub extra: #rt::JsonObject,
                }
            }
        });
        quote! {
            /// Response types: tolerant of new fields, which land in `extra`.
            pub mod types {
                #(#structs)*
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

    // ------------------------------------------------------------------ args

    fn args_module(&self) -> TokenStream {
        let items = self.model.tools.iter().map(|tool| self.args_type(tool));
        quote! {
            /// Tool arguments: typed, validated before any request is sent.
            pub mod args {
                #(#items)*
            }
        }
    }

    fn args_struct_name(tool: &Tool) -> Ident {
        format_ident!("{}Args", upper_camel(&tool.rust_name))
    }

    fn enum_name(tool: &Tool, arg: &Arg) -> Ident {
        format_ident!("{}{}", upper_camel(&tool.rust_name), upper_camel(&arg.name))
    }

    /// The enum of an array's items: the argument's own name, or `…Item` when the
    /// argument's name goes to the list-or-word wrapper.
    fn item_enum_name(tool: &Tool, arg: &Arg, list: &ListArg) -> Ident {
        if list.alternative.is_some() {
            format_ident!("{}{}Item", upper_camel(&tool.rust_name), upper_camel(&arg.name))
        } else {
            Self::enum_name(tool, arg)
        }
    }

    fn item_type(tool: &Tool, arg: &Arg, list: &ListArg) -> TokenStream {
        match list.item.as_ref() {
            ArgKind::Enum(_) => {
                let e = Self::item_enum_name(tool, arg, list);
                quote!(#e)
            }
            _ => quote!(::std::string::String),
        }
    }

    /// The Rust type of an argument's value (before `Option` for optional ones).
    fn arg_value_type(&self, tool: &Tool, arg: &Arg) -> TokenStream {
        let rt = &self.rt;
        match &arg.kind {
            ArgKind::String { .. } | ArgKind::Email | ArgKind::Id => quote!(::std::string::String),
            ArgKind::Integer { minimum, maximum } => {
                if integer_is_u32(*minimum, *maximum) {
                    quote!(u32)
                } else {
                    quote!(i64)
                }
            }
            ArgKind::Boolean => quote!(bool),
            ArgKind::Date => quote!(#rt::Date),
            ArgKind::Enum(_) => {
                let e = Self::enum_name(tool, arg);
                quote!(#e)
            }
            ArgKind::List(list) if list.alternative.is_some() => {
                let e = Self::enum_name(tool, arg);
                quote!(#e)
            }
            ArgKind::List(list) => {
                let item = Self::item_type(tool, arg, list);
                quote!(::std::vec::Vec<#item>)
            }
            ArgKind::Map(_) => {
                quote!(::std::collections::BTreeMap<::std::string::String, ::std::string::String>)
            }
        }
    }

    fn arg_is_option(arg: &Arg) -> bool {
        !arg.required && arg.default.is_none()
    }

    /// The enums of a tool's arguments: enum values, array items, list-or-word wrappers.
    fn arg_enums(&self, tool: &Tool) -> Vec<TokenStream> {
        tool.args
            .iter()
            .filter_map(|arg| match &arg.kind {
                ArgKind::Enum(e) => Some(self.arg_enum(&Self::enum_name(tool, arg), tool, arg, e)),
                ArgKind::List(list) => {
                    let items = match list.item.as_ref() {
                        ArgKind::Enum(e) => self.arg_enum(&Self::item_enum_name(tool, arg, list), tool, arg, e),
                        _ => quote!(),
                    };
                    let wrapper = match &list.alternative {
                        Some(word) => self.list_or_enum(tool, arg, list, word),
                        None => quote!(),
                    };
                    Some(quote!(#items #wrapper))
                }
                _ => None,
            })
            .collect()
    }

    /// `with_…` setters of the optional arguments.
    fn setters(&self, tool: &Tool) -> Vec<TokenStream> {
        tool.args
            .iter()
            .filter(|a| !a.required)
            .map(|arg| {
                let f = field(&arg.name);
                let setter = format_ident!("with_{}", arg.name);
                let ty = self.arg_value_type(tool, arg);
                let docs = doc(&format!("Sets `{}`.", arg.name));
                let is_string = matches!(arg.kind, ArgKind::String { .. } | ArgKind::Email | ArgKind::Id);
                let (param, value) = if is_string {
                    (quote!(value: impl ::std::convert::Into<::std::string::String>), quote!(value.into()))
                } else {
                    (quote!(value: #ty), quote!(value))
                };
                let value = if Self::arg_is_option(arg) { quote!(::std::option::Option::Some(#value)) } else { value };
                quote! {
                    #docs
                    #[must_use]
                    pub fn #setter(mut self, #param) -> Self {
                        self.#f = #value;
                        self
                    }
                }
            })
            .collect()
    }

    /// `rolls_up()` and `roll_up()` of a report's arguments: whether an aggregation
    /// argument was given, and the roll-up it asks for.
    fn rolls_up(&self, tool: &Tool) -> TokenStream {
        let rt = &self.rt;
        let Some(aggregation) = &tool.aggregation else { return TokenStream::new() };
        let mut names = vec!["period", "sort", "top"];
        if aggregation.upstream_group_by.is_none() {
            names.push("group_by");
        }
        let fields = names.iter().map(|name| field(name));
        let group_by = match tool.args.iter().any(|a| a.name == "group_by") {
            true => quote!(self.group_by.iter().flatten().map(|dimension| dimension.as_str()).collect()),
            false => quote!(::std::vec::Vec::new()),
        };
        let filters = super::filters::roll_up_filters(tool);
        quote! {
            /// Whether the rows are to be rolled up (any of `period`, `group_by`, `sort`, `top`).
            pub fn rolls_up(&self) -> bool {
                [#(self.#fields.is_some()),*].contains(&true)
            }

            /// The roll-up these arguments ask for, if any.
            pub fn roll_up(&self) -> ::std::option::Option<#rt::rollup::RollUp> {
                if !self.rolls_up() {
                    return ::std::option::Option::None;
                }
                let group_by: ::std::vec::Vec<&str> = #group_by;
                ::std::option::Option::Some(#rt::rollup::RollUp::new(
                    self.period.map(|period| period.as_str()),
                    &group_by,
                    self.sort.map(|sort| sort.as_str()),
                    self.top,
                )#filters)
            }
        }
    }

    fn args_type(&self, tool: &Tool) -> TokenStream {
        let rt = &self.rt;
        let name = Self::args_struct_name(tool);
        let enums = self.arg_enums(tool);
        let rolls_up = self.rolls_up(tool);
        let fields = tool.args.iter().map(|arg| {
            let f = field(&arg.name);
            let ty = self.arg_value_type(tool, arg);
            let ty = if Self::arg_is_option(arg) { quote!(::std::option::Option<#ty>) } else { ty };
            let mut text = arg.description.clone();
            if let Some(d) = &arg.default {
                text.push_str(&format!(" Default: `{}`.", default_text(d)));
            }
            let docs = doc(&text);
            quote! { #docs pub #f: #ty, }
        });
        let required: Vec<&Arg> = tool.args.iter().filter(|a| a.required).collect();
        let params = required.iter().map(|arg| {
            let f = field(&arg.name);
            let ty = self.arg_value_type(tool, arg);
            match arg.kind {
                ArgKind::String { .. } | ArgKind::Email | ArgKind::Id => {
                    quote!(#f: impl ::std::convert::Into<::std::string::String>)
                }
                _ => quote!(#f: #ty),
            }
        });
        let inits = tool.args.iter().map(|arg| {
            let f = field(&arg.name);
            if arg.required {
                match arg.kind {
                    ArgKind::String { .. } | ArgKind::Email | ArgKind::Id => quote!(#f: #f.into()),
                    _ => quote!(#f),
                }
            } else if let Some(d) = &arg.default {
                let value = self.default_tokens(tool, arg, d);
                quote!(#f: #value)
            } else {
                quote!(#f: ::std::option::Option::None)
            }
        });
        let setters = self.setters(tool);
        let names: Vec<&str> = tool.args.iter().map(|a| a.name.as_str()).collect();
        let bounds = Self::bound_consts(tool);
        let parse_fields = tool.args.iter().map(|arg| self.parse_field(tool, arg));
        let checks = self.check_body(tool);
        let read_arguments = if tool.args.is_empty() {
            quote!(#rt::Arguments::new(arguments, Self::NAMES)?;)
        } else {
            quote!(let arguments = #rt::Arguments::new(arguments, Self::NAMES)?;)
        };
        let struct_doc = doc(&format!("Arguments of `{}`.", tool.name));
        let derive_default = if required.is_empty() {
            quote! {
                impl ::std::default::Default for #name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }
        } else {
            quote!()
        };
        quote! {
            #(#enums)*
            #struct_doc
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
            impl #name {
                /// The argument names the tool accepts.
                pub const NAMES: &'static [&'static str] = &[#(#names),*];
                #(#bounds)*
                /// The required arguments; the others start at their defaults.
                pub fn new(#(#params),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
                /// Reads MCP tool-call arguments: rejects unknown names, wrong types,
                /// missing required arguments and values the spec does not allow.
                pub fn from_arguments(arguments: &#rt::JsonObject) -> ::std::result::Result<Self, #rt::ArgError> {
                    #read_arguments
                    let args = Self { #(#parse_fields),* };
                    args.check()?;
                    ::std::result::Result::Ok(args)
                }
                /// Checks the rules of the spec that the types cannot express.
                pub fn check(&self) -> ::std::result::Result<(), #rt::ArgError> {
                    #checks
                    ::std::result::Result::Ok(())
                }
                #rolls_up
            }
            #derive_default
        }
    }

    fn default_tokens(&self, tool: &Tool, arg: &Arg, d: &DefaultValue) -> TokenStream {
        match (d, &arg.kind) {
            (DefaultValue::Integer(_), ArgKind::Integer { .. }) => Self::bound(arg, "DEFAULT"),
            (DefaultValue::Boolean(b), _) => quote!(#b),
            (DefaultValue::String(s), ArgKind::Enum(_)) => {
                let e = Self::enum_name(tool, arg);
                let v = format_ident!("{}", variant_name(s));
                quote!(#e::#v)
            }
            (DefaultValue::String(s), _) => quote!(::std::string::String::from(#s)),
            (DefaultValue::Integer(n), _) => {
                let lit = Literal::i64_unsuffixed(*n);
                quote!(#lit)
            }
        }
    }

    fn parse_field(&self, tool: &Tool, arg: &Arg) -> TokenStream {
        let rt = &self.rt;
        let f = field(&arg.name);
        let name = &arg.name;
        let read = match &arg.kind {
            ArgKind::List(list) => {
                let (min, max) = (Self::bound(arg, "MIN_ITEMS"), Self::bound(arg, "MAX_ITEMS"));
                let item = match list.item.as_ref() {
                    ArgKind::Enum(_) => {
                        let e = Self::item_enum_name(tool, arg, list);
                        quote!(#rt::item::enumeration::<#e>)
                    }
                    _ => quote!(#rt::item::string),
                };
                match &list.alternative {
                    None => quote!(arguments.list(#name, #min, #max, #item)?),
                    Some(word) => {
                        let wrapper = Self::enum_name(tool, arg);
                        let alt = format_ident!("{}", variant_name(word));
                        quote! {
                            arguments.list_or(#name, #word, #min, #max, #item)?.map(|value| match value {
                                #rt::ListOr::Alternative => #wrapper::#alt,
                                #rt::ListOr::List(items) => #wrapper::List(items),
                            })
                        }
                    }
                }
            }
            ArgKind::Map(_) => quote!(arguments.string_map(#name)?),
            ArgKind::String { .. } | ArgKind::Email | ArgKind::Id => quote!(arguments.string(#name)?),
            ArgKind::Integer { minimum, maximum } => {
                let min = Self::opt_bound(arg, "MIN", minimum.is_some());
                let max = Self::opt_bound(arg, "MAX", maximum.is_some());
                quote!(arguments.integer(#name, #min, #max)?)
            }
            ArgKind::Boolean => quote!(arguments.boolean(#name)?),
            ArgKind::Date => {
                let bound = match arg.date_bound {
                    DateBound::Start => quote!(#rt::Bound::Start),
                    DateBound::End => quote!(#rt::Bound::End),
                    DateBound::Day => quote!(#rt::Bound::Day),
                };
                quote!(arguments.date(#name, #bound)?)
            }
            ArgKind::Enum(_) => quote!(arguments.enumeration(#name)?),
        };
        if arg.required {
            quote!(#f: arguments.required(#name, #read)?)
        } else if let Some(d) = &arg.default {
            let value = self.default_tokens(tool, arg, d);
            quote!(#f: #read.unwrap_or(#value))
        } else {
            quote!(#f: #read)
        }
    }

    /// The numeric bounds and defaults of a tool's arguments, as named constants of its
    /// arguments type (`PER_PAGE_MAX`), so checks read `Self::PER_PAGE_MAX` and not `100`.
    fn bound_consts(tool: &Tool) -> Vec<TokenStream> {
        let mut out = Vec::new();
        let mut push = |arg: &Arg, what: &str, ty: TokenStream, value: Option<Literal>, text: &str| {
            if let Some(value) = value {
                let name = bound_const(&arg.name, what);
                let docs = doc(&format!("{text} of `{}`.", arg.name));
                out.push(quote!(#docs pub const #name: #ty = #value;));
            }
        };
        let u32_lit = |n: Option<u32>| n.map(Literal::u32_unsuffixed);
        let i64_lit = |n: Option<i64>| n.map(Literal::i64_unsuffixed);
        for arg in &tool.args {
            match &arg.kind {
                ArgKind::Integer { minimum, maximum } => {
                    push(arg, "MIN", quote!(i64), i64_lit(*minimum), "The smallest value");
                    push(arg, "MAX", quote!(i64), i64_lit(*maximum), "The largest value");
                    if let Some(DefaultValue::Integer(n)) = &arg.default {
                        let (ty, value) = if integer_is_u32(*minimum, *maximum) {
                            (quote!(u32), Literal::u32_unsuffixed(*n as u32))
                        } else {
                            (quote!(i64), Literal::i64_unsuffixed(*n))
                        };
                        push(arg, "DEFAULT", ty, Some(value), "The default value");
                    }
                }
                ArgKind::String { min_length, max_length } => {
                    push(arg, "MIN_LENGTH", quote!(u32), u32_lit(*min_length), "The fewest characters");
                    push(arg, "MAX_LENGTH", quote!(u32), u32_lit(*max_length), "The most characters");
                }
                ArgKind::List(list) => {
                    push(arg, "MIN_ITEMS", quote!(u32), u32_lit(Some(list.min_items)), "The fewest items");
                    push(arg, "MAX_ITEMS", quote!(u32), u32_lit(Some(list.max_items)), "The most items");
                    if let ArgKind::String { min_length, max_length } = list.item.as_ref() {
                        let (lo, hi) = (u32_lit(*min_length), u32_lit(*max_length));
                        push(arg, "ITEM_MIN_LENGTH", quote!(u32), lo, "The fewest characters of an item");
                        push(arg, "ITEM_MAX_LENGTH", quote!(u32), hi, "The most characters of an item");
                    }
                }
                ArgKind::Map(m) => {
                    push(arg, "MAX_ENTRIES", quote!(u32), u32_lit(Some(m.max_entries)), "The most entries");
                    push(arg, "KEY_MAX_LENGTH", quote!(u32), u32_lit(Some(m.key_max_length)), "The longest key");
                    push(arg, "VALUE_MAX_LENGTH", quote!(u32), u32_lit(Some(m.value_max_length)), "The longest value");
                }
                ArgKind::Boolean | ArgKind::Date | ArgKind::Email | ArgKind::Id | ArgKind::Enum(_) => {}
            }
        }
        for check in &tool.checks {
            if let Check::DateRange { start, end, max_days: Some(days) } = check {
                let name = date_range_const(start, end);
                let docs = doc(&format!("The most days from `{start}` to `{end}`."));
                let days = Literal::u32_unsuffixed(*days);
                out.push(quote!(#docs pub const #name: u32 = #days;));
            }
        }
        out
    }

    /// `Some(Self::NAME_WHAT)` when the bound exists, else `None`.
    fn opt_bound(arg: &Arg, what: &str, present: bool) -> TokenStream {
        if present {
            let name = bound_const(&arg.name, what);
            quote!(::std::option::Option::Some(Self::#name))
        } else {
            quote!(::std::option::Option::None)
        }
    }

    /// `Self::NAME_WHAT`.
    fn bound(arg: &Arg, what: &str) -> TokenStream {
        let name = bound_const(&arg.name, what);
        quote!(Self::#name)
    }

    fn check_body(&self, tool: &Tool) -> TokenStream {
        let mut out = Vec::new();
        for arg in &tool.args {
            let f = field(&arg.name);
            if let ArgKind::List(list) = &arg.kind
                && list.alternative.is_some()
            {
                // Only the list form has items to check; matched in one pattern.
                let wrapper = Self::enum_name(tool, arg);
                let pattern = if Self::arg_is_option(arg) {
                    quote!(::std::option::Option::Some(#wrapper::List(values)))
                } else {
                    quote!(#wrapper::List(values))
                };
                let body = self.list_check(arg, list, &Access::bound(quote!(values)));
                out.push(quote!(if let #pattern = &self.#f { #body }));
            } else if Self::arg_is_option(arg) {
                if let Some(check) = self.arg_check(arg, &Access::bound(quote!(value))) {
                    out.push(quote!(if let ::std::option::Option::Some(value) = &self.#f { #check }));
                }
            } else if let Some(check) = self.arg_check(arg, &Access::field(quote!(self), &f)) {
                out.push(check);
            }
        }
        out.extend(tool.checks.iter().map(|check| self.tool_check(check)));
        quote!(#(#out)*)
    }

    /// The statements that check one argument's value, if its type leaves anything to check.
    fn arg_check(&self, arg: &Arg, value: &Access) -> Option<TokenStream> {
        let rt = &self.rt;
        let name = &arg.name;
        let Access { by_ref, copied, .. } = value;
        Some(match &arg.kind {
            ArgKind::String { min_length, max_length } => {
                let min = Self::opt_bound(arg, "MIN_LENGTH", min_length.is_some());
                let max = Self::opt_bound(arg, "MAX_LENGTH", max_length.is_some());
                quote!(#rt::check::length(#name, #by_ref, #min, #max)?;)
            }
            ArgKind::Integer { minimum, maximum } => {
                let min = Self::opt_bound(arg, "MIN", minimum.is_some());
                let max = Self::opt_bound(arg, "MAX", maximum.is_some());
                quote!(#rt::check::range(#name, i64::from(#copied), #min, #max)?;)
            }
            ArgKind::Email => quote!(#rt::check::email(#name, #by_ref)?;),
            ArgKind::Id => quote!(#rt::check::id(#name, #by_ref)?;),
            ArgKind::Boolean | ArgKind::Date | ArgKind::Enum(_) => return None,
            ArgKind::List(list) => self.list_check(arg, list, value),
            ArgKind::Map(m) => {
                let (entries, key_max) = (Self::bound(arg, "MAX_ENTRIES"), Self::bound(arg, "KEY_MAX_LENGTH"));
                let value_max = Self::bound(arg, "VALUE_MAX_LENGTH");
                let prefix = match &m.reserved_key_prefix {
                    Some(p) => quote!(::std::option::Option::Some(#p)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(#rt::check::map(#name, #by_ref, #entries, #key_max, #value_max, #prefix)?;)
            }
        })
    }

    /// An array's item count, then each item (ids, emails and strings have rules).
    fn list_check(&self, arg: &Arg, list: &ListArg, value: &Access) -> TokenStream {
        let rt = &self.rt;
        let name = &arg.name;
        let Access { by_ref, place, .. } = value;
        let (min, max) = (Self::bound(arg, "MIN_ITEMS"), Self::bound(arg, "MAX_ITEMS"));
        let per_item = match list.item.as_ref() {
            ArgKind::Id => Some(quote!(#rt::check::id(&item_name, item)?;)),
            ArgKind::Email => Some(quote!(#rt::check::email(&item_name, item)?;)),
            ArgKind::String { min_length, max_length } => {
                let lo = Self::opt_bound(arg, "ITEM_MIN_LENGTH", min_length.is_some());
                let hi = Self::opt_bound(arg, "ITEM_MAX_LENGTH", max_length.is_some());
                Some(quote!(#rt::check::length(&item_name, item, #lo, #hi)?;))
            }
            _ => None,
        };
        let per_item = per_item.map(|check| {
            quote! {
                for (index, item) in #place.iter().enumerate() {
                    let item_name = ::std::format!("{}[{}]", #name, index);
                    #check
                }
            }
        });
        quote! {
            #rt::check::items(#name, #by_ref, #min, #max)?;
            #per_item
        }
    }

    /// A check across arguments (`date_range`, `at_least_one`).
    fn tool_check(&self, check: &Check) -> TokenStream {
        let rt = &self.rt;
        match check {
            Check::DateRange { start, end, max_days } => {
                let (s, e) = (field(start), field(end));
                let max = match max_days {
                    Some(_) => {
                        let name = date_range_const(start, end);
                        quote!(::std::option::Option::Some(Self::#name))
                    }
                    None => quote!(::std::option::Option::None),
                };
                quote!(#rt::check::date_range(#start, &self.#s, #end, &self.#e, #max)?;)
            }
            Check::AtLeastOne(names) => {
                let pairs = names.iter().map(|n| {
                    let f = field(n);
                    quote!((#n, self.#f.is_some()))
                });
                quote!(#rt::check::at_least_one(&[#(#pairs),*])?;)
            }
        }
    }

    /// An array argument that also takes one word: `Word` or `List(items)`.
    fn list_or_enum(&self, tool: &Tool, arg: &Arg, list: &ListArg, word: &str) -> TokenStream {
        let rt = &self.rt;
        let name = Self::enum_name(tool, arg);
        let item = Self::item_type(tool, arg, list);
        let alt = format_ident!("{}", variant_name(word));
        let docs = doc(&format!("`{}` of `{}`: the word `{word}` or a list.", arg.name, tool.name));
        let alt_doc = doc(&format!("`{word}`"));
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub enum #name {
                #alt_doc
                #alt,
                /// These values.
                List(::std::vec::Vec<#item>),
            }
            impl #name {
                /// The JSON sent to the API: the word, or an array of values.
                pub fn to_json(&self) -> #rt::Value {
                    match self {
                        Self::#alt => #rt::Value::from(#word),
                        Self::List(items) => #rt::Value::Array(items.iter().map(|item| #rt::Value::from(item.as_str())).collect()),
                    }
                }
            }
        }
    }

    fn arg_enum(&self, name: &Ident, tool: &Tool, arg: &Arg, e: &EnumArg) -> TokenStream {
        let rt = &self.rt;
        let variants: Vec<Ident> = e.values.iter().map(|v| format_ident!("{}", variant_name(v))).collect();
        let values = &e.values;
        let accepted: Vec<&str> =
            e.values.iter().map(String::as_str).chain(e.aliases.iter().map(|(a, _)| a.as_str())).collect();
        let value_arms =
            e.values.iter().zip(&variants).map(|(v, id)| quote!(#v => ::std::result::Result::Ok(Self::#id),));
        let alias_arms = e.aliases.iter().map(|(alias, target)| {
            let id = format_ident!("{}", variant_name(target));
            quote!(#alias => ::std::result::Result::Ok(Self::#id),)
        });
        let refused_arms = e
            .refused
            .iter()
            .map(|(value, reason)| quote!(#value => ::std::result::Result::Err(#rt::EnumRejection::Refused(#reason)),));
        let docs = doc(&format!("Values of `{}` in `{}`.", arg.name, tool.name));
        let variant_docs = values.iter().map(|v| doc(&format!("`{v}`")));
        quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#variant_docs #variants,)*
            }
            impl #name {
                /// Every value, in spec order.
                pub const ALL: &'static [Self] = &[#(Self::#variants),*];
                /// The value sent to the API.
                pub fn as_str(self) -> &'static str {
                    match self { #(Self::#variants => #values,)* }
                }
            }
            impl #rt::ArgEnum for #name {
                const ACCEPTED: &'static [&'static str] = &[#(#accepted),*];
                fn parse(value: &str) -> ::std::result::Result<Self, #rt::EnumRejection> {
                    match value {
                        #(#value_arms)*
                        #(#alias_arms)*
                        #(#refused_arms)*
                        _ => ::std::result::Result::Err(#rt::EnumRejection::Unknown),
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ outputs

    fn output_struct_name(tool: &Tool) -> Ident {
        format_ident!("{}Output", upper_camel(&tool.rust_name))
    }

    /// The Rust type a tool's client method returns.
    fn output_type(&self, tool: &Tool) -> TokenStream {
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

    fn outputs_module(&self) -> TokenStream {
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

    // ------------------------------------------------------------------ client

    fn requests_module(&self) -> TokenStream {
        let rt = &self.rt;
        let builders = self.model.tools.iter().filter_map(|tool| {
            let Action::Http(call) = &tool.action else { return None };
            let name = ident(&tool.rust_name);
            let args = Self::args_struct_name(tool);
            let body = self.request_body(tool, call);
            let docs = doc(&format!(
                "The `{} {}` request of `{}`, arguments checked (pagination not applied).",
                call.method.as_str(),
                path_text(call),
                tool.name
            ));
            let per_day = match &call.pagination {
                Pagination::PerDay { limit, query, .. } => {
                    let limit = Literal::u32_unsuffixed(*limit);
                    let constant = format_ident!("{}_PER_DAY", tool.rust_name.to_uppercase());
                    let docs = doc(&format!(
                        "How `{}` is fetched: one request per UTC day (`{query}`), at most this many records each.",
                        tool.name
                    ));
                    quote! {
                        #docs
                        pub const #constant: #rt::pagination::PerDay = #rt::pagination::PerDay { query: #query, limit: #limit };
                    }
                }
                _ => TokenStream::new(),
            };
            Some(quote! {
                #docs
                pub fn #name(args: &super::args::#args) -> ::std::result::Result<#rt::Request, #rt::ArgError> {
                    #body
                }
                #per_day
            })
        });
        quote! {
            /// One request builder per HTTP tool: the spec's mapping of arguments to path,
            /// query and body, for the client and for hand-written tools that reuse it.
            pub mod requests {
                #(#builders)*
            }
        }
    }

    fn client_module(&self) -> TokenStream {
        let rt = &self.rt;
        let methods = self.model.tools.iter().map(|tool| {
            let method = self.client_method(tool);
            let rolled = self.rolled_up_method(tool);
            quote!(#method #rolled)
        });
        let read_methods = self.model.tools.iter().filter(|t| t.annotations.read_only).map(|tool| {
            let method = ident(&tool.rust_name);
            let args = Self::args_struct_name(tool);
            let output = self.output_type(tool);
            let docs = doc(&format!("{}: see [`Client::{}`].", tool.title, tool.rust_name));
            quote! {
                #docs
                pub async fn #method(&self, args: &super::args::#args) -> ::std::result::Result<#output, #rt::Error> {
                    self.client.#method(args).await
                }
            }
        });
        quote! {
            /// The typed Admin API client: one method per tool.
            pub mod client {
                /// Calls the Admin API through the runtime's HTTP client.
                #[derive(Debug, Clone)]
                pub struct Client {
                    http: #rt::Http,
                }
                impl Client {
                    /// A client over a configured HTTP runtime.
                    pub fn new(http: #rt::Http) -> Self {
                        Self { http }
                    }
                    /// The HTTP runtime (for hand-written tools).
                    pub fn http(&self) -> &#rt::Http {
                        &self.http
                    }
                    /// The same client, reporting progress of long calls to `progress`.
                    #[must_use]
                    pub fn with_progress(&self, progress: #rt::Progress) -> Self {
                        Self { http: self.http.with_progress(progress) }
                    }
                    #(#methods)*
                    /// The same client restricted to the tools the spec marks read-only.
                    pub fn read_only(&self) -> ReadOnlyClient {
                        ReadOnlyClient { client: self.clone() }
                    }
                }
                /// A client that can only read: it has a method for each read-only tool and
                /// none for the others, so a write cannot be expressed with it.
                #[derive(Debug, Clone)]
                pub struct ReadOnlyClient {
                    client: Client,
                }
                impl ReadOnlyClient {
                    /// A read-only client over a configured HTTP runtime.
                    pub fn new(http: #rt::Http) -> Self {
                        Client::new(http).read_only()
                    }
                    #(#read_methods)*
                }
            }
        }
    }

    /// `<tool>_rolled_up`: a report rolled up as the call asks; a per-day report is folded
    /// in as each day arrives, so the range is never held whole.
    fn rolled_up_method(&self, tool: &Tool) -> TokenStream {
        let rt = &self.rt;
        let (Some(_), Action::Http(call)) = (&tool.aggregation, &tool.action) else { return TokenStream::new() };
        let method = ident(&tool.rust_name);
        let rolled = format_ident!("{}_rolled_up", tool.rust_name);
        let args = Self::args_struct_name(tool);
        let presentation = crate::emit::presentation::static_name(&call.output);
        let body = match &call.pagination {
            Pagination::PerDay { start, end, query, limit } => {
                let (s, e) = (field(start), field(end));
                let limit = Literal::u32_unsuffixed(*limit);
                quote! {
                    /// The most records one day's request asks for.
                    const RECORDS_PER_REQUEST: u32 = #limit;
                    let request = super::requests::#method(args)?;
                    let days = #rt::Date::range(&args.#s, &args.#e);
                    #rt::rollup::roll_up_per_day(
                        &self.http, request, #query, &days, RECORDS_PER_REQUEST, &super::presentations::#presentation, roll_up,
                    ).await
                }
            }
            _ => quote! {
                let report = #rt::to_json(&self.#method(args).await?)?;
                #rt::rollup::roll_up(&super::presentations::#presentation, &report, roll_up)
            },
        };
        let docs =
            doc(&format!("{}, rolled up as `roll_up` asks (rows of dimensions and measures, and totals).", tool.title));
        quote! {
            #docs
            pub async fn #rolled(
                &self,
                args: &super::args::#args,
                roll_up: &#rt::rollup::RollUp,
            ) -> ::std::result::Result<#rt::Value, #rt::Error> {
                #body
            }
        }
    }

    fn client_method(&self, tool: &Tool) -> TokenStream {
        let rt = &self.rt;
        let method = ident(&tool.rust_name);
        let args = Self::args_struct_name(tool);
        let output = self.output_type(tool);
        let mut text = format!("{}.", tool.title);
        if !same_words(&tool.title, &tool.description) {
            text.push_str("\n\n");
            text.push_str(&tool.description);
        }
        let body = match &tool.action {
            Action::Handler { function, .. } => {
                text.push_str("\n\nHand-written: see `");
                text.push_str(function);
                text.push_str("`.");
                let function = rust_path(function);
                quote! {
                    args.check()?;
                    #function(self, args).await
                }
            }
            Action::Http(call) => {
                text.push_str(&format!("\n\n`{} {}`", call.method.as_str(), path_text(call)));
                self.http_body(tool, call)
            }
        };
        let docs = doc(&text);
        quote! {
            #docs
            pub async fn #method(&self, args: &super::args::#args) -> ::std::result::Result<#output, #rt::Error> {
                #body
            }
        }
    }

    /// An argument's value as the query (text) or the body (JSON) takes it.
    fn upstream_value(&self, arg: &Arg, value: &Access, in_query: bool) -> TokenStream {
        let rt = &self.rt;
        let Access { place: v, copied, .. } = value;
        match &arg.kind {
            ArgKind::String { .. } | ArgKind::Email | ArgKind::Id | ArgKind::Enum(_) => quote!(#v.as_str()),
            ArgKind::Date => quote!(#v.to_string()),
            ArgKind::Boolean | ArgKind::Integer { .. } if in_query => quote!(#v.to_string()),
            ArgKind::Boolean | ArgKind::Integer { .. } => quote!(#copied),
            ArgKind::List(list) if list.alternative.is_some() => quote!(#v.to_json()),
            ArgKind::List(_) => {
                quote!(#rt::Value::Array(#v.iter().map(|item| #rt::Value::from(item.as_str())).collect()))
            }
            ArgKind::Map(_) => quote! {
                #rt::Value::Object(#v.iter().map(|(key, text)| (key.clone(), #rt::Value::from(text.as_str()))).collect())
            },
        }
    }

    /// The request builder's body: checks the arguments and maps them to path, query and body.
    fn request_body(&self, tool: &Tool, call: &HttpCall) -> TokenStream {
        let rt = &self.rt;
        let path = self.path_tokens(tool, call);
        let method = match call.method {
            Method::Get => quote!(#rt::Method::Get),
            Method::Post => quote!(#rt::Method::Post),
            Method::Delete => quote!(#rt::Method::Delete),
        };
        let mut query = Vec::new();
        for (name, value) in &call.fixed_query {
            query.push(quote!(request.query(#name, #value);));
        }
        let mut body = Vec::new();
        for arg in &tool.args {
            let f = field(&arg.name);
            let optional = Self::arg_is_option(arg);
            let value = if optional { Access::bound(quote!(value)) } else { Access::field(quote!(args), &f) };
            let (push, target) = match &arg.upstream {
                Some(Upstream::Query { name, .. }) if matches!(arg.kind, ArgKind::List(_)) => {
                    let items = &value.by_ref;
                    (quote!(for item in #items { request.query(#name, item.as_str()); }), &mut query)
                }
                Some(Upstream::Query { name, transform }) => {
                    let day = &value.by_ref;
                    let v = match transform {
                        Some(Transform::StartOfDay) => quote!(#rt::transform::start_of_day(#day)),
                        Some(Transform::StartOfNextDay) => quote!(#rt::transform::start_of_next_day(#day)),
                        None => self.upstream_value(arg, &value, true),
                    };
                    (quote!(request.query(#name, #v);), &mut query)
                }
                Some(Upstream::Body { path }) => {
                    let v = self.upstream_value(arg, &value, false);
                    (quote!(request.body_field(&[#(#path),*], #v);), &mut body)
                }
                Some(Upstream::Path { .. }) | None => continue,
            };
            if optional {
                target.push(quote!(if let ::std::option::Option::Some(value) = &args.#f { #push }));
            } else {
                target.push(push);
            }
        }
        let json_body = call.json_body.then(|| quote!(.with_json_body()));
        if let Some(name) = &call.closed_after {
            let f = field(name);
            let arg = tool.args.iter().find(|a| a.name.as_str() == &**name);
            if arg.is_some_and(Self::arg_is_option) {
                query.push(
                    quote!(if let ::std::option::Option::Some(value) = &args.#f { request.closed_after(value); }),
                );
            } else {
                query.push(quote!(request.closed_after(&args.#f);));
            }
        }
        let binding = if query.is_empty() && body.is_empty() { quote!(request) } else { quote!(mut request) };
        let not_found = call.not_found.as_ref().map(|pieces| {
            let message = Self::message_tokens(pieces);
            quote!(.with_not_found(#message))
        });
        let beta = (!call.beta.is_empty()).then(|| {
            let value = call.beta.join(",");
            quote!(.with_header("anthropic-beta", #value))
        });
        quote! {
            args.check()?;
            let #binding = #rt::Request::new(#method, #path)#not_found #beta #json_body;
            #(#query)*
            #(#body)*
            ::std::result::Result::Ok(request)
        }
    }

    /// The client method's body: build the request, then send or paginate it.
    fn http_body(&self, tool: &Tool, call: &HttpCall) -> TokenStream {
        let rt = &self.rt;
        let builder = ident(&tool.rust_name);
        let records_per_request = match &call.pagination {
            Pagination::PerDay { limit, .. } => {
                let limit = Literal::u32_unsuffixed(*limit);
                quote! {
                    /// The most records one day's request asks for.
                    const RECORDS_PER_REQUEST: u32 = #limit;
                }
            }
            _ => quote!(),
        };
        let start = quote! {
            #records_per_request
            let request = super::requests::#builder(args)?;
        };
        let finish = match &call.pagination {
            Pagination::None => {
                let t = ident(&call.output);
                quote!(self.http.send::<super::types::#t>(request).await)
            }
            Pagination::IdCursor { page, per_page } => {
                let (p, pp) = (field(page), field(per_page));
                let item = ident(&call.output);
                let o = Self::output_struct_name(tool);
                quote! {
                    let walk = #rt::pagination::walk_id_cursor::<super::types::#item>(&self.http, request, args.#p, args.#pp).await?;
                    ::std::result::Result::Ok(super::outputs::#o {
                        data: walk.data,
                        page: args.#p,
                        per_page: args.#pp,
                        has_more: walk.has_more,
                    })
                }
            }
            Pagination::PageToken { window } => {
                let item = ident(&call.output);
                let o = Self::output_struct_name(tool);
                let drain = match &call.split {
                    Some(split) => super::split::drain(rt, split, &quote!(#builder), &quote!(super::types::#item)),
                    None => quote! {
                        let data = #rt::pagination::drain_page_token::<super::types::#item>(&self.http, request).await?;
                    },
                };
                match (window, &call.summary) {
                    (Some((page, per_page)), _) => {
                        let (p, pp) = (field(page), field(per_page));
                        let whole = if tool.aggregation.is_some() {
                            quote! {
                                // A roll-up reads every bucket of the range, not one window of them.
                                let (page, per_page) = if args.rolls_up() { (1, u32::MAX) } else { (args.#p, args.#pp) };
                            }
                        } else {
                            quote!(let (page, per_page) = (args.#p, args.#pp);)
                        };
                        quote! {
                            #drain
                            #whole
                            let window = #rt::pagination::window(data, page, per_page);
                            ::std::result::Result::Ok(super::outputs::#o {
                                data: window.data,
                                page: args.#p,
                                per_page: args.#pp,
                                total: window.total,
                                has_more: window.has_more,
                            })
                        }
                    }
                    (None, Some(sum)) => {
                        let path_text = path_text(call);
                        let list = field(&sum.list_field);
                        let amount = field(&sum.amount_field);
                        quote! {
                            #drain
                            let total = #rt::money::Cents::sum(
                                #path_text,
                                data.iter().flat_map(|item| item.#list.iter()).map(|row| row.#amount.as_str()),
                            )?;
                            ::std::result::Result::Ok(super::outputs::#o {
                                data,
                                total_cents: total.to_string(),
                                total_usd: total.usd_rounded(),
                            })
                        }
                    }
                    (None, None) => quote! {
                        #drain
                        ::std::result::Result::Ok(super::outputs::#o { data })
                    },
                }
            }
            Pagination::PerDay { start, end, query, .. } => {
                let (s, e) = (field(start), field(end));
                let item = ident(&call.output);
                let o = Self::output_struct_name(tool);
                quote! {
                    let days = #rt::Date::range(&args.#s, &args.#e);
                    let data = #rt::pagination::fetch_per_day::<super::types::#item>(
                        &self.http, request, #query, &days, RECORDS_PER_REQUEST, self.http.concurrency(),
                    ).await?;
                    ::std::result::Result::Ok(super::outputs::#o { data, days: days.len() as u32 })
                }
            }
        };
        quote!(#start #finish)
    }

    /// A message with `{argument}` placeholders, filled from the (required) arguments.
    fn message_tokens(pieces: &[PathPiece]) -> TokenStream {
        let mut template = String::new();
        let mut values = Vec::new();
        for piece in pieces {
            match piece {
                PathPiece::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
                PathPiece::Placeholder(name) => {
                    template.push_str("{}");
                    let arg = field(name);
                    values.push(quote!(args.#arg));
                }
            }
        }
        if values.is_empty() {
            quote!(::std::string::String::from(#template))
        } else {
            quote!(::std::format!(#template, #(#values),*))
        }
    }

    fn path_tokens(&self, tool: &Tool, call: &HttpCall) -> TokenStream {
        let rt = &self.rt;
        let mut template = String::new();
        let mut values = Vec::new();
        for piece in &call.path {
            match piece {
                PathPiece::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
                PathPiece::Placeholder(name) => {
                    template.push_str("{}");
                    let arg = tool
                        .args
                        .iter()
                        .find(|a| matches!(&a.upstream, Some(Upstream::Path { name: n }) if n == name))
                        .map(|a| field(&a.name))
                        .unwrap_or_else(|| field(name));
                    values.push(quote!(#rt::path_segment(&args.#arg)));
                }
            }
        }
        if values.is_empty() {
            quote!(::std::string::String::from(#template))
        } else {
            quote!(::std::format!(#template, #(#values),*))
        }
    }

    // ------------------------------------------------------------------ tools

    /// One tool's `ToolDefinition`: name, schemas, annotations, kind, guards, result shape.
    fn tool_definition(&self, tool: &Tool) -> TokenStream {
        let rt = &self.rt;
        let (name, title, group, description) = (&tool.name, &tool.title, &tool.group, &tool.description);
        let input = raw_string(&schema::input_schema(tool).to_string());
        let output = match (&tool.action, schema::output_schema(self.model, tool)) {
            (_, Some(schema)) => {
                let text = raw_string(&schema.to_string());
                quote!(#rt::OutputSchema::Json(#text))
            }
            (Action::Handler { output, .. }, None) => {
                let output = rust_path(output);
                quote!(#rt::OutputSchema::Derived(#rt::schema_of::<#output>))
            }
            (Action::Http(_), None) => quote!(#rt::OutputSchema::None),
        };
        let a = tool.annotations;
        let (ro, de, id, ow) = (a.read_only, a.destructive, a.idempotent, a.open_world);
        let kind = format_ident!("{}", upper_camel(a.kind()));
        let optional = |name: &Option<String>| match name {
            Some(n) => quote!(::std::option::Option::Some(#n)),
            None => quote!(::std::option::Option::None),
        };
        let (workspace, org_role) = (optional(&tool.workspace_guard), optional(&tool.org_role_guard));
        let check_with = optional(&tool.check_with);
        let organization = tool.organization_scope;
        let lookup = match &tool.workspace_lookup {
            Some(l) => {
                let (tool, field) = (&l.tool, &l.field);
                quote!(::std::option::Option::Some(#rt::WorkspaceLookup { tool: #tool, field: #field }))
            }
            None => quote!(::std::option::Option::None),
        };
        let fields = optional(&tool.fields_argument().map(|a| a.name.clone()));
        let ids = tool.args.iter().filter(|a| matches!(a.kind, ArgKind::Id)).map(|a| a.name.as_str());
        let aggregation = match &tool.aggregation {
            Some(aggregation) => {
                let upstream = match &aggregation.upstream_group_by {
                    Some(name) => quote!(::std::option::Option::Some(#name)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(::std::option::Option::Some(#rt::Aggregation { upstream_group_by: #upstream }))
            }
            None => quote!(::std::option::Option::None),
        };
        let shape = match &tool.action {
            Action::Handler { presentation, .. } => {
                let presentation = rust_path(presentation);
                quote!(#rt::ResultShape::Object(&#presentation))
            }
            Action::Http(call) => {
                let item = crate::emit::presentation::reference(&call.output);
                match &call.pagination {
                    Pagination::None => quote!(#rt::ResultShape::Object(#item)),
                    Pagination::IdCursor { .. } => quote!(#rt::ResultShape::Page(#item)),
                    Pagination::PageToken { window: Some(_) } => quote!(#rt::ResultShape::Window(#item)),
                    Pagination::PageToken { window: None } => quote!(#rt::ResultShape::Report(#item)),
                    Pagination::PerDay { .. } => quote!(#rt::ResultShape::PerDay(#item)),
                }
            }
        };
        let item_filters = super::filters::definition_filters(rt, tool);
        quote! {
            #rt::ToolDefinition {
                name: #name,
                title: #title,
                group: #group,
                description: #description,
                input_schema: #input,
                output_schema: #output,
                annotations: #rt::Annotations { read_only: #ro, destructive: #de, idempotent: #id, open_world: #ow },
                kind: #rt::ToolKind::#kind,
                workspace_argument: #workspace,
                org_role_argument: #org_role,
                organization_write: #organization,
                workspace_lookup: #lookup,
                check_with: #check_with,
                id_arguments: &[#(#ids),*],
                result_shape: #shape,
                fields_argument: #fields,
                aggregation: #aggregation,
                filters: #item_filters,
            }
        }
    }

    fn tools_module(&self) -> TokenStream {
        let rt = &self.rt;
        let tool_prefix = crate::names::TOOL_PREFIX;
        let variants: Vec<Ident> =
            self.model.tools.iter().map(|t| format_ident!("{}", upper_camel(&t.rust_name))).collect();
        let names: Vec<&str> = self.model.tools.iter().map(|t| t.name.as_str()).collect();
        let name_docs = names.iter().map(|name| doc(&format!("`{name}`")));
        let definitions = self.model.tools.iter().map(|tool| self.tool_definition(tool));
        let decode_arms = self.model.tools.iter().zip(&variants).map(|(tool, variant)| {
            let args = Self::args_struct_name(tool);
            quote!(ToolId::#variant => Call::#variant(super::args::#args::from_arguments(arguments)?),)
        });
        let run_arms = self.model.tools.iter().zip(&variants).map(|(tool, variant)| {
            let method = ident(&tool.rust_name);
            if tool.aggregation.is_some() {
                let rolled = format_ident!("{}_rolled_up", tool.rust_name);
                quote! {
                    Call::#variant(args) => match args.roll_up() {
                        ::std::option::Option::Some(roll_up) => client.#rolled(args, &roll_up).await,
                        ::std::option::Option::None => #rt::to_json(&client.#method(args).await?),
                    },
                }
            } else {
                quote!(Call::#variant(args) => #rt::to_json(&client.#method(args).await?),)
            }
        });
        let call_variants = self.model.tools.iter().zip(&variants).map(|(tool, variant)| {
            let args = Self::args_struct_name(tool);
            let docs = doc(&format!("`{}` with its checked arguments.", tool.name));
            quote!(#docs #variant(super::args::#args),)
        });
        let role_arms = self.model.tools.iter().zip(&variants).filter_map(|(tool, variant)| {
            let arg = tool.arg(tool.org_role_guard.as_deref()?)?;
            let field = ident(&arg.name);
            Some(if Self::arg_is_option(arg) {
                quote!(Call::#variant(args) => args.#field.map(|role| role.as_str()),)
            } else {
                quote!(Call::#variant(args) => ::std::option::Option::Some(args.#field.as_str()),)
            })
        });
        let roll_up_arms = self
            .model
            .tools
            .iter()
            .zip(&variants)
            .filter(|(tool, _)| tool.aggregation.is_some())
            .map(|(_, variant)| quote!(Call::#variant(args) => args.rolls_up(),));
        let role_arms: Vec<TokenStream> = role_arms.collect();
        let granted_role = (!role_arms.is_empty()).then(|| {
            quote! {
                #[allow(unreachable_patterns)]
                fn granted_role(&self) -> ::std::option::Option<&'static str> {
                    match self {
                        #(#role_arms)*
                        _ => ::std::option::Option::None,
                    }
                }
            }
        });
        let roll_up_arms: Vec<TokenStream> = roll_up_arms.collect();
        let rolls_up = (!roll_up_arms.is_empty()).then(|| {
            quote! {
                #[allow(unreachable_patterns)]
                fn rolls_up(&self) -> bool {
                    match self {
                        #(#roll_up_arms)*
                        _ => false,
                    }
                }
            }
        });
        let indices = (0..variants.len()).map(Literal::usize_unsuffixed);
        quote! {
            /// The MCP tool registry: definitions and dispatch.
            pub mod tools {
                /// One variant per tool, in spec order.
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                pub enum ToolId {
                    #(#name_docs #variants,)*
                }
                impl ToolId {
                    /// Every tool, in spec order.
                    pub const ALL: &'static [ToolId] = &[#(ToolId::#variants),*];
                    /// The MCP tool name.
                    pub fn name(self) -> &'static str {
                        self.definition().name
                    }
                    /// The tool with this MCP name.
                    pub fn from_name(name: &str) -> ::std::option::Option<ToolId> {
                        match name {
                            #(#names => ::std::option::Option::Some(ToolId::#variants),)*
                            _ => ::std::option::Option::None,
                        }
                    }
                    /// Name, description, schemas and annotations.
                    pub fn definition(self) -> &'static #rt::ToolDefinition {
                        match self {
                            #(ToolId::#variants => &DEFINITIONS[#indices],)*
                        }
                    }
                }
                /// The prefix of every tool name; the command line and `--tools` patterns may leave it out.
                pub const TOOL_PREFIX: &str = #tool_prefix;
                /// Every tool's definition, in spec order.
                pub static DEFINITIONS: &[#rt::ToolDefinition] = &[#(#definitions),*];
                /// One tool call whose arguments passed every check of the spec.
                #[derive(Debug, Clone)]
                pub enum Call {
                    #(#call_variants)*
                }
                impl Call {
                    /// Checks the arguments of `tool` against the spec and keeps them typed.
                    pub fn decode(tool: ToolId, arguments: &#rt::JsonObject) -> ::std::result::Result<Call, #rt::ArgError> {
                        ::std::result::Result::Ok(match tool {
                            #(#decode_arms)*
                        })
                    }
                    /// Calls the tool and returns its JSON result.
                    pub async fn run(&self, client: &super::client::Client) -> ::std::result::Result<#rt::Value, #rt::Error> {
                        match self {
                            #(#run_arms)*
                        }
                    }
                }
                impl #rt::Invocation for Call {
                    fn invoke<'a>(&'a self, http: &'a #rt::Http) -> #rt::Invoked<'a> {
                        ::std::boxed::Box::pin(async move { self.run(&super::client::Client::new(http.clone())).await })
                    }
                    #granted_role
                    #rolls_up
                }
                fn decode_at(index: usize, arguments: &#rt::JsonObject) -> ::std::result::Result<::std::boxed::Box<dyn #rt::Invocation>, #rt::ArgError> {
                    ::std::result::Result::Ok(::std::boxed::Box::new(Call::decode(ToolId::ALL[index], arguments)?))
                }
                /// The spec's server, tools and prompts, as the call pipeline runs them.
                pub static REGISTRY: #rt::Registry = #rt::Registry {
                    server: &super::SERVER,
                    tools: DEFINITIONS,
                    prompts: super::PROMPTS,
                    decode: decode_at,
                };
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
