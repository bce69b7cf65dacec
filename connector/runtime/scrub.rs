//! Upstream text, scrubbed of secrets before it reaches a result, a log or an error.
//!
//! A proxy or gateway may echo the key it was sent ("invalid x-api-key sk-ant-admin01-…").
//! Every text that came from upstream (error bodies and messages, request ids, error
//! types, transport details, decoding errors that quote the body) goes through
//! [`Scrubber::scrub`] where it enters the runtime ([`super::http`]): the admin key, its
//! secret part, and any `sk-ant-` token are replaced with [`REDACTED`].

use std::borrow::Cow;

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The prefix of every Anthropic key.
const KEY_PREFIX: &str = "sk-ant-";

/// The secret part alone is scrubbed too, when it is at least this long.
const MIN_SECRET_PART: usize = 12;

/// Scrubs text of one admin key and of anything that looks like an Anthropic key.
#[derive(Clone)]
pub struct Scrubber {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrubber(<redacted>)")
    }
}

impl Scrubber {
    /// For `key`: the key itself, and its part after `sk-ant-admin01-` (what a log that
    /// strips the public prefix would show).
    pub fn new(key: &str) -> Scrubber {
        let mut secrets = Vec::new();
        if !key.is_empty() {
            secrets.push(key.to_string());
            let tail = key.strip_prefix(KEY_PREFIX).and_then(|rest| rest.split_once('-')).map(|(_, tail)| tail);
            if let Some(tail) = tail.filter(|tail| tail.len() >= MIN_SECRET_PART) {
                secrets.push(tail.to_string());
            }
        }
        Scrubber { secrets }
    }

    /// `text` without the key and without any `sk-ant-…` token (any case).
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        if contains_prefix(&out) {
            out = Cow::Owned(scrub_tokens(&out));
        }
        out
    }

    /// [`Scrubber::scrub`] into an owned string.
    pub fn text(&self, text: &str) -> String {
        self.scrub(text).into_owned()
    }
}

fn contains_prefix(text: &str) -> bool {
    text.as_bytes().windows(KEY_PREFIX.len()).any(|window| window.eq_ignore_ascii_case(KEY_PREFIX.as_bytes()))
}

/// Replaces every `sk-ant-` with the token characters after it (letters, digits, `-`, `_`).
fn scrub_tokens(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + KEY_PREFIX.len() <= bytes.len() {
        if bytes[i..i + KEY_PREFIX.len()].eq_ignore_ascii_case(KEY_PREFIX.as_bytes()) {
            let mut end = i + KEY_PREFIX.len();
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'-' || bytes[end] == b'_')
            {
                end += 1;
            }
            // The prefix and token are ASCII, so both ends are character boundaries.
            out.push_str(&text[copied..i]);
            out.push_str(REDACTED);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-ant-admin01-CANARY-0123456789abcdef-AA";

    #[test]
    fn the_key_and_any_key_looking_token_are_redacted() {
        let scrubber = Scrubber::new(KEY);
        assert_eq!(scrubber.scrub(&format!("invalid x-api-key {KEY}.")), "invalid x-api-key [redacted].");
        assert_eq!(scrubber.scrub("got CANARY-0123456789abcdef-AA"), "got [redacted]");
        assert_eq!(scrubber.scrub("also SK-ANT-api03-zzz_9 and sk-ant-"), "also [redacted] and [redacted]");
        assert_eq!(scrubber.scrub("é sk-ant-x é"), "é [redacted] é");
        assert!(matches!(scrubber.scrub("nothing secret here"), Cow::Borrowed(_)));
        assert_eq!(format!("{scrubber:?}"), "Scrubber(<redacted>)");
    }
}
