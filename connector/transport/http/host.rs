//! The `Host` check on every route of `serve --http` (`/mcp`, `/healthz`, `/metrics`):
//! a page a browser was tricked into loading from another name (DNS rebinding) gets
//! 403 whatever it asks for. The same rule as rmcp's on `/mcp`: the host must be
//! listed; a listed `host:port` also fixes the port.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The hosts accepted, as `--allowed-hosts` lists them (never empty).
#[derive(Clone)]
pub struct AllowedHosts(pub Arc<[String]>);

/// A host and its port, lower-cased and without IPv6 brackets.
fn authority(text: &str) -> Option<(String, Option<u16>)> {
    let text = text.trim();
    // A bare IPv6 address (as `--allowed-hosts ::1` lists it) has no port.
    if text.matches(':').count() > 1 && !text.starts_with('[') {
        return text.parse::<std::net::Ipv6Addr>().ok().map(|ip| (ip.to_string(), None));
    }
    let parsed = text.parse::<axum::http::uri::Authority>().ok()?;
    Some((parsed.host().trim_matches(['[', ']']).to_ascii_lowercase(), parsed.port_u16()))
}

impl AllowedHosts {
    pub fn allows(&self, host: &str) -> bool {
        let Some((host, port)) = authority(host) else { return false };
        self.0.iter().filter_map(|allowed| authority(allowed)).any(|(allowed, allowed_port)| {
            allowed == host && allowed_port.is_none_or(|allowed_port| port == Some(allowed_port))
        })
    }
}

/// Middleware: a request whose `Host` is missing or not listed gets 403.
pub async fn check_host(State(allowed): State<AllowedHosts>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok());
    match host {
        Some(host) if allowed.allows(host) => next.run(request).await,
        _ => {
            (StatusCode::FORBIDDEN, "forbidden: the Host header is not one of this server's names (--allowed-hosts)\n")
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_by_name_and_a_listed_port() {
        let allowed =
            AllowedHosts(Arc::from(vec!["localhost".to_string(), "::1".into(), "mcp.example.com:443".into()]));
        assert!(allowed.allows("localhost:8080") && allowed.allows("LOCALHOST") && allowed.allows("[::1]:80"));
        assert!(allowed.allows("mcp.example.com:443") && !allowed.allows("mcp.example.com:8443"));
        assert!(!allowed.allows("evil.example") && !allowed.allows("") && !allowed.allows("localhost.evil.example"));
    }
}
