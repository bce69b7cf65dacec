//! Integration tests: the connector driven through MCP, as a client would, against
//! the strict fake Admin API on 127.0.0.1.

mod binary;
mod harness;

mod aggregate;
mod answers;
mod audit;
mod bad_input;
mod bundle;
mod cache;
mod cache_tiers;
mod cli;
mod completion;
mod connect;
mod docs;
mod envelope;
mod fuzz;
mod hardening;
mod http;
mod http_holds;
mod http_protocols;
mod limits_and_analytics;
mod metrics;
mod oauth;
mod oauth_idp;
mod outcomes;
mod policy;
mod presentation;
mod prompt_answers;
mod prompts;
mod readable;
mod redaction;
mod resilience;
mod sandbox;
mod spec_examples;
mod stdio;
mod streaming;
mod tools;
mod tools_by_spec;
mod tools_list;
mod upstream_errors;
mod walkthrough;
