//! The request builders and the typed client: one method per tool, its request (path,
//! query, body) and how its answer is read (pages, per-day folds, roll-ups).

use super::*;

impl RustEmitter<'_> {
    // ------------------------------------------------------------------ client

    pub(super) fn requests_module(&self) -> TokenStream {
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

    pub(super) fn client_module(&self) -> TokenStream {
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
    pub(super) fn rolled_up_method(&self, tool: &Tool) -> TokenStream {
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

    pub(super) fn client_method(&self, tool: &Tool) -> TokenStream {
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
    pub(super) fn upstream_value(&self, arg: &Arg, value: &Access, in_query: bool) -> TokenStream {
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
    pub(super) fn request_body(&self, tool: &Tool, call: &HttpCall) -> TokenStream {
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
    pub(super) fn http_body(&self, tool: &Tool, call: &HttpCall) -> TokenStream {
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
                    Some(split) => {
                        crate::emit::split::drain(rt, split, &quote!(#builder), &quote!(super::types::#item))
                    }
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
    pub(super) fn message_tokens(pieces: &[PathPiece]) -> TokenStream {
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

    pub(super) fn path_tokens(&self, tool: &Tool, call: &HttpCall) -> TokenStream {
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
}
