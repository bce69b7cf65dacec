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
//! admin key included; for an `https://` one the tunnel's target and any proxy
//! credentials. It is refused before anything is sent.

use hyper_util::client::proxy::matcher::Matcher;

use super::http::ConfigError;

/// Refuses the environment's proxy for `base_url` when it is plain http and not loopback.
pub fn check(base_url: &reqwest::Url) -> Result<(), ConfigError> {
    check_with(&Matcher::from_system(), base_url, &|name| std::env::var(name).ok())
}

/// [`check`] with a given matcher and environment (for tests).
fn check_with(
    matcher: &Matcher,
    base_url: &reqwest::Url,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let uri: http::Uri = base_url.as_str().parse().map_err(|e| {
        ConfigError(format!("base URL `{}` cannot be used: {e}", base_url.origin().ascii_serialization()))
    })?;
    let Some(proxy) = matcher.intercept(&uri) else { return Ok(()) };
    let proxy = proxy.uri();
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
    let exposed = if base_url.scheme() == "https" {
        "the tunnel to the API and any proxy credentials would cross the network in clear text"
    } else {
        "the requests, admin key included, would reach it in clear text"
    };
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
        let error = check_with(&matcher, &url("http://127.0.0.1:8080"), &env).unwrap_err().0;
        assert!(error.contains("http://10.1.2.3:3128 (from HTTP_PROXY)"), "{error}");
        assert!(error.contains("NO_PROXY=127.0.0.1") && error.contains("https://"), "{error}");
        assert!(!error.contains("pw"), "credentials are not shown: {error}");
        // HTTP_PROXY does not apply to https URLs.
        assert!(check_with(&matcher, &url("https://api.anthropic.com"), &env).is_ok());
    }

    #[test]
    fn all_proxy_applies_to_both_and_no_proxy_exempts() {
        let env = env_of(&[("all_proxy", "proxy.corp:3128")]);
        let matcher = Matcher::builder().all("proxy.corp:3128").build();
        let error = check_with(&matcher, &url("https://api.anthropic.com"), &env).unwrap_err().0;
        assert!(error.contains("(from all_proxy)") && error.contains("NO_PROXY=api.anthropic.com"), "{error}");
        let exempt = Matcher::builder().all("proxy.corp:3128").no("anthropic.com").build();
        assert!(check_with(&exempt, &url("https://api.anthropic.com"), &env).is_ok());
    }

    #[test]
    fn https_and_loopback_proxies_are_accepted() {
        let none = env_of(&[]);
        for proxy in ["https://proxy.corp:443", "http://127.0.0.1:3128", "http://localhost:8080", "http://[::1]:1"] {
            let matcher = Matcher::builder().all(proxy).build();
            assert!(check_with(&matcher, &url("https://api.anthropic.com"), &none).is_ok(), "{proxy}");
        }
        assert!(check_with(&Matcher::builder().build(), &url("https://api.anthropic.com"), &none).is_ok());
    }
}
