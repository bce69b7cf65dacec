//! The MCP tool registry: each tool's definition (name, schemas, annotations,
//! presentation, policy facts) and the invocation that runs it.

use super::*;

impl RustEmitter<'_> {
    // ------------------------------------------------------------------ tools

    /// One tool's `ToolDefinition`: name, schemas, annotations, kind, guards, result shape.
    pub(super) fn tool_definition(&self, tool: &Tool) -> TokenStream {
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
        let item_filters = crate::emit::filters::definition_filters(rt, tool);
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

    pub(super) fn tools_module(&self) -> TokenStream {
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
