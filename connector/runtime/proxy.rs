//! The proxy the HTTP client would go through, and whether the admin key may go there.
//!
//! reqwest (0.13, without its `system-proxy` feature) takes its proxy from the
//! environment through hyper-util's `Matcher::from_system`: `HTTP_PROXY`/`http_proxy`
//! for `http://` URLs, `HTTPS_PROXY`/`https_proxy` for `https://` ones, `ALL_PROXY`/
//! `all_proxy` for both when the specific one is unset, none of them when
//! `REQUEST_METHOD` is set (CGI), and never for a host that `NO_PROXY`/`no_proxy`
//! lists. The check asks that same matcher about the base URL, so it judges exactly
//! the proxy the client will use.
//!
//! A proxy is accepted over https, or on loopback. A plain-http proxy on another machine
//! sees the traffic to it in clear text: for an `http://` base URL the whole request,
//! admin key included, so it is refused; for an `https://` one only the tunnel's target
//! (the key travels inside the TLS tunnel), so it is accepted with a one-line warning,
//! unless its URL carries credentials, which would cross in clear: refused then, unless
//! `--allow-proxy-credentials-in-clear` says so.

use hyper_util::client::proxy::matcher::Matcher;

use super::http::ConfigError;

/// Judges the environment's proxy for `base_url` (see the module's rules).
pub fn check(base_url: &reqwest::Url, allow_credentials_in_clear: bool) -> Result<(), ConfigError> {
    check_with(&Matcher::from_system(), base_url, &|name| std::env::var(name).ok(), allow_credentials_in_clear)
}

/// [`check`] with a given matcher and environment (for tests).
fn check_with(
    matcher: &Matcher,
    base_url: &reqwest::Url,
    env: &dyn Fn(&str) -> Option<String>,
    allow_credentials_in_clear: bool,
) -> Result<(), ConfigError> {
    let uri: http::Uri = base_url.as_str().parse().map_err(|e| {
        ConfigError(format!("base URL `{}` cannot be used: {e}", base_url.origin().ascii_serialization()))
    })?;
    let Some(intercept) = matcher.intercept(&uri) else { return Ok(()) };
    let proxy = intercept.uri();
    let scheme = proxy.scheme_str().unwrap_or("http");
    let host = proxy.host().unwrap_or_default();
    // Only scheme, host and port: the proxy URL's credentials are never shown.
    let shown = match proxy.port_u16() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    if scheme == "https" || is_loopback_host(host) {
        tracing::debug!(proxy = %shown, "requests to the Admin API go through a proxy");
        return Ok(());
    }
    let variable = variable_for(base_url.scheme(), env);
    let api_host = base_url.host_str().unwrap_or_default();
    if base_url.scheme() == "https" {
        let credentials =
            intercept.basic_auth().is_some() || proxy.authority().is_some_and(|a| a.as_str().contains('@'));
        if !credentials || allow_credentials_in_clear {
            tracing::warn!(
                "the proxy {shown} (from {variable}) is plain http on another machine: the requests to the API go through it inside a TLS tunnel, but the tunnel's target{} crosses the network in clear text",
                if credentials { " and the proxy credentials" } else { "" }
            );
            return Ok(());
        }
        return Err(ConfigError(format!(
            "refusing the proxy {shown} (from {variable}): it is plain http and not on this machine, and its URL carries credentials, which would cross the network in clear text. \
             Use an https:// proxy, or accept this with --allow-proxy-credentials-in-clear"
        )));
    }
    let exposed = "the requests, admin key included, would reach it in clear text";
    Err(ConfigError(format!(
        "refusing the proxy {shown} (from {variable}): it is plain http and not on this machine, so {exposed}. \
         Use an https:// proxy or one on this machine (127.0.0.1, localhost), or bypass the proxy for the API \
         with NO_PROXY={api_host}"
    )))
}

/// The variable the proxy for `scheme` comes from, as the matcher reads them.
fn variable_for(scheme: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let specific: [&'static str; 2] =
        if scheme == "https" { ["HTTPS_PROXY", "https_proxy"] } else { ["HTTP_PROXY", "http_proxy"] };
    let first_set = |names: [&'static str; 2]| names.into_iter().find_map(|name| env(name).map(|value| (name, value)));
    match first_set(specific) {
        Some((name, value)) if !value.trim().is_empty() => name.to_string(),
        _ => {
            first_set(["ALL_PROXY", "all_proxy"]).map_or_else(|| specific[0].to_string(), |(name, _)| name.to_string())
        }
    }
}

/// `localhost`, `127.0.0.0/8` and `::1`, with or without IPv6 brackets.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn a_plain_http_proxy_elsewhere_is_refused_for_the_scheme_it_serves() {
        let matcher = Matcher::builder().http("http://user:pw@10.1.2.3:3128").build();
        let env = env_of(&[("HTTP_PROXY", "http://user:pw@10.1.2.3:3128")]);
        let error = check_with(&matcher, &url("http://127.0.0.1:8080"), &env, true).unwrap_err().0;
        assert!(error.contains("http://10.1.2.3:3128 (from HTTP_PROXY)"), "{error}");
        assert!(error.contains("NO_PROXY=127.0.0.1") && error.contains("https://"), "{error}");
        assert!(!error.contains("pw"), "credentials are not shown: {error}");
        // HTTP_PROXY does not apply to https URLs.
        assert!(check_with(&matcher, &url("https://api.anthropic.com"), &env, false).is_ok());
    }

    #[test]
    fn a_plain_http_proxy_elsewhere_tunnels_https_unless_its_credentials_would_cross_in_clear() {
        let https = url("https://api.anthropic.com");
        let env = env_of(&[("all_proxy", "proxy.corp:3128")]);
        let plain = Matcher::builder().all("proxy.corp:3128").build();
        assert!(check_with(&plain, &https, &env, false).is_ok(), "a corporate proxy: the key stays in the tunnel");
        let with_credentials = Matcher::builder().all("http://me:secret@proxy.corp:3128").build();
        let error = check_with(&with_credentials, &https, &env, false).unwrap_err().0;
        assert!(error.contains("(from all_proxy)") && error.contains("carries credentials"), "{error}");
        assert!(error.contains("--allow-proxy-credentials-in-clear") && !error.contains("secret"), "{error}");
        assert!(check_with(&with_credentials, &https, &env, true).is_ok(), "said so");
        let exempt = Matcher::builder().all("http://me:secret@proxy.corp:3128").no("anthropic.com").build();
        assert!(check_with(&exempt, &https, &env, false).is_ok());
    }

    #[test]
    fn https_and_loopback_proxies_are_accepted() {
        let none = env_of(&[]);
        for proxy in ["https://proxy.corp:443", "http://127.0.0.1:3128", "http://localhost:8080", "http://[::1]:1"] {
            let matcher = Matcher::builder().all(proxy).build();
            assert!(check_with(&matcher, &url("https://api.anthropic.com"), &none, false).is_ok(), "{proxy}");
        }
        assert!(check_with(&Matcher::builder().build(), &url("https://api.anthropic.com"), &none, false).is_ok());
    }
}
