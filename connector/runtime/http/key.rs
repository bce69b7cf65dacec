//! The admin key: it has no `Display`, its `Debug` is redacted, and it is only ever
//! written into the `x-api-key` header (marked sensitive) or turned into the scrubber
//! that takes it out of upstream text.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::runtime::error::Error;
use crate::runtime::scrub::Scrubber;

/// An Admin API key. It has no `Display`, its `Debug` is redacted, and it is only
/// ever written into the `x-api-key` header.
#[derive(Clone)]
pub struct AdminKey(pub(super) String);

impl AdminKey {
    pub fn new(key: impl Into<String>) -> Self {
        AdminKey(key.into().trim().to_string())
    }

    /// Admin keys start with `sk-ant-admin`; ordinary API keys are refused by these endpoints.
    pub fn looks_like_admin_key(&self) -> bool {
        self.0.starts_with("sk-ant-admin")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn scrubber(&self) -> Scrubber {
        Scrubber::new(&self.0)
    }

    pub(super) fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::from_str(&self.0)
            .map_err(|_| Error::Internal("the admin key contains characters a header cannot carry".into()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for AdminKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminKey(<redacted>)")
    }
}
