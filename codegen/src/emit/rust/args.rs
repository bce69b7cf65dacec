//! The argument types of each tool: typed fields, enums, defaults, bounds, checks, and
//! decoding from MCP arguments with a message naming the argument and the rule.

use super::*;

impl RustEmitter<'_> {
    // ------------------------------------------------------------------ args

    pub(super) fn args_module(&self) -> TokenStream {
        let items = self.model.tools.iter().map(|tool| self.args_type(tool));
        quote! {
            /// Tool arguments: typed, validated before any request is sent.
            pub mod args {
                #(#items)*
            }
        }
    }

    pub(super) fn args_struct_name(tool: &Tool) -> Ident {
        format_ident!("{}Args", upper_camel(&tool.rust_name))
    }

    pub(super) fn enum_name(tool: &Tool, arg: &Arg) -> Ident {
        format_ident!("{}{}", upper_camel(&tool.rust_name), upper_camel(&arg.name))
    }

    /// The enum of an array's items: the argument's own name, or `…Item` when the
    /// argument's name goes to the list-or-word wrapper.
    pub(super) fn item_enum_name(tool: &Tool, arg: &Arg, list: &ListArg) -> Ident {
        if list.alternative.is_some() {
            format_ident!("{}{}Item", upper_camel(&tool.rust_name), upper_camel(&arg.name))
        } else {
            Self::enum_name(tool, arg)
        }
    }

    pub(super) fn item_type(tool: &Tool, arg: &Arg, list: &ListArg) -> TokenStream {
        match list.item.as_ref() {
            ArgKind::Enum(_) => {
                let e = Self::item_enum_name(tool, arg, list);
                quote!(#e)
            }
            _ => quote!(::std::string::String),
        }
    }

    /// The Rust type of an argument's value (before `Option` for optional ones).
    pub(super) fn arg_value_type(&self, tool: &Tool, arg: &Arg) -> TokenStream {
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

    pub(super) fn arg_is_option(arg: &Arg) -> bool {
        !arg.required && arg.default.is_none()
    }

    /// The enums of a tool's arguments: enum values, array items, list-or-word wrappers.
    pub(super) fn arg_enums(&self, tool: &Tool) -> Vec<TokenStream> {
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
    pub(super) fn setters(&self, tool: &Tool) -> Vec<TokenStream> {
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
    pub(super) fn rolls_up(&self, tool: &Tool) -> TokenStream {
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
        let filters = crate::emit::filters::roll_up_filters(tool);
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

    pub(super) fn args_type(&self, tool: &Tool) -> TokenStream {
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

    pub(super) fn default_tokens(&self, tool: &Tool, arg: &Arg, d: &DefaultValue) -> TokenStream {
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

    pub(super) fn parse_field(&self, tool: &Tool, arg: &Arg) -> TokenStream {
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
    pub(super) fn bound_consts(tool: &Tool) -> Vec<TokenStream> {
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
    pub(super) fn opt_bound(arg: &Arg, what: &str, present: bool) -> TokenStream {
        if present {
            let name = bound_const(&arg.name, what);
            quote!(::std::option::Option::Some(Self::#name))
        } else {
            quote!(::std::option::Option::None)
        }
    }

    /// `Self::NAME_WHAT`.
    pub(super) fn bound(arg: &Arg, what: &str) -> TokenStream {
        let name = bound_const(&arg.name, what);
        quote!(Self::#name)
    }

    pub(super) fn check_body(&self, tool: &Tool) -> TokenStream {
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
    pub(super) fn arg_check(&self, arg: &Arg, value: &Access) -> Option<TokenStream> {
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
    pub(super) fn list_check(&self, arg: &Arg, list: &ListArg, value: &Access) -> TokenStream {
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
    pub(super) fn tool_check(&self, check: &Check) -> TokenStream {
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
    pub(super) fn list_or_enum(&self, tool: &Tool, arg: &Arg, list: &ListArg, word: &str) -> TokenStream {
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

    pub(super) fn arg_enum(&self, name: &Ident, tool: &Tool, arg: &Arg, e: &EnumArg) -> TokenStream {
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
}
