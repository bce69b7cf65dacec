//! The server's own signed documents: compact JWS (RFC 7515) with Ed25519 (`EdDSA`), a
//! `kid` in the header, and the signing key file `oauth-key` writes (PKCS#8 in PEM).
//!
//! Access tokens, refresh tokens, authorization codes, client registrations and the
//! sign-in state are all such documents, told apart by their `typ` claim, so any
//! replica verifies any of them with the key file alone.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde_json::{Map, Value, json};

const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// 32 random bytes in base64url: ids of grants, codes and tokens.
pub fn random_id() -> String {
    let mut bytes = [0u8; 32];
    ring::rand::SecureRandom::fill(&SystemRandom::new(), &mut bytes).expect("the system's random generator works");
    b64url(&bytes)
}

/// base64url of the SHA-256 of `text` (PKCE S256, hashes of cookies).
pub fn sha256_b64url(text: &str) -> String {
    b64url(digest(&SHA256, text.as_bytes()).as_ref())
}

/// The key that signs this server's documents.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    kid: String,
}

/// A key that only verifies: the previous signing key after a rotation.
#[derive(Clone)]
pub struct VerifyingKey {
    public: Vec<u8>,
    pub kid: String,
}

fn kid_of(public: &[u8]) -> String {
    b64url(&digest(&SHA256, public).as_ref()[..12])
}

impl SigningKey {
    /// Reads a key file written by `oauth-key` (or `openssl genpkey -algorithm ed25519`).
    pub fn read(path: &Path) -> Result<SigningKey, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("oauth.signing_key_file {}: cannot read it: {e}", path.display()))?;
        SigningKey::from_pem(&text).map_err(|why| {
            format!(
                "oauth.signing_key_file {}: {why}; write a new one with `claude-code-connector oauth-key --out {}`",
                path.display(),
                path.display()
            )
        })
    }

    pub fn from_pem(text: &str) -> Result<SigningKey, String> {
        let body = text
            .trim()
            .strip_prefix(PEM_BEGIN)
            .and_then(|rest| rest.strip_suffix(PEM_END))
            .ok_or("it is not a PEM private key (BEGIN PRIVATE KEY)")?;
        let der: String = body.split_whitespace().collect();
        let der = STANDARD.decode(der).map_err(|_| "its PEM body is not base64")?;
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).map_err(|_| "it is not an Ed25519 PKCS#8 key")?;
        let kid = kid_of(pair.public_key().as_ref());
        Ok(SigningKey { pair, kid })
    }

    /// A new key as the PEM text of its PKCS#8 document.
    pub fn generate_pem() -> Result<String, String> {
        let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| "the system's random number generator failed".to_string())?;
        let encoded = STANDARD.encode(document.as_ref());
        let lines: Vec<&str> =
            encoded.as_bytes().chunks(64).map(|chunk| std::str::from_utf8(chunk).unwrap_or_default()).collect();
        Ok(format!("{PEM_BEGIN}\n{}\n{PEM_END}\n", lines.join("\n")))
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn verifying(&self) -> VerifyingKey {
        VerifyingKey { public: self.pair.public_key().as_ref().to_vec(), kid: self.kid.clone() }
    }

    /// `claims` signed as a compact JWS whose header carries `typ`.
    pub fn sign(&self, typ: &str, claims: &Value) -> String {
        let header = json!({"alg": "EdDSA", "typ": typ, "kid": self.kid});
        let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
        let signature = self.pair.sign(input.as_bytes());
        format!("{input}.{}", b64url(signature.as_ref()))
    }
}

/// Why a document was not accepted (said to the client in general terms only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    Malformed,
    UnknownKey,
    BadSignature,
    WrongType,
}

/// A compact JWS split into its parts, not yet verified.
pub struct Compact<'a> {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

pub fn split(token: &str) -> Result<Compact<'_>, Rejected> {
    let (input, signature) = token.rsplit_once('.').ok_or(Rejected::Malformed)?;
    let (header, claims) = input.split_once('.').ok_or(Rejected::Malformed)?;
    let object = |part: &str| -> Result<Map<String, Value>, Rejected> {
        let bytes = unb64url(part).ok_or(Rejected::Malformed)?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(Rejected::Malformed),
        }
    };
    Ok(Compact {
        header: object(header)?,
        claims: object(claims)?,
        signing_input: input,
        signature: unb64url(signature).ok_or(Rejected::Malformed)?,
    })
}

/// Verifies a document of this server: its `typ`, a key among `keys` by `kid`, the
/// signature. Expiry and audience are the caller's to check.
pub fn verify(token: &str, typ: &str, keys: &[VerifyingKey]) -> Result<Map<String, Value>, Rejected> {
    let compact = split(token)?;
    if compact.header.get("alg").and_then(Value::as_str) != Some("EdDSA") {
        return Err(Rejected::Malformed);
    }
    let kid = compact.header.get("kid").and_then(Value::as_str).ok_or(Rejected::UnknownKey)?;
    let key = keys.iter().find(|key| key.kid == kid).ok_or(Rejected::UnknownKey)?;
    UnparsedPublicKey::new(&ED25519, &key.public)
        .verify(compact.signing_input.as_bytes(), &compact.signature)
        .map_err(|_| Rejected::BadSignature)?;
    if compact.header.get("typ").and_then(Value::as_str) != Some(typ) {
        return Err(Rejected::WrongType);
    }
    Ok(compact.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_documents_verify_only_with_their_key_and_type() {
        let key = SigningKey::from_pem(&SigningKey::generate_pem().unwrap()).unwrap();
        let other = SigningKey::from_pem(&SigningKey::generate_pem().unwrap()).unwrap();
        let token = key.sign("at+jwt", &json!({"sub": "ana@acme.example"}));
        let claims = verify(&token, "at+jwt", &[key.verifying()]).unwrap();
        assert_eq!(claims["sub"], "ana@acme.example");
        assert_eq!(verify(&token, "rt", &[key.verifying()]).unwrap_err(), Rejected::WrongType);
        assert_eq!(verify(&token, "at+jwt", &[other.verifying()]).unwrap_err(), Rejected::UnknownKey);
        let mut forged = other.verifying();
        forged.kid = key.kid().to_string();
        assert_eq!(verify(&token, "at+jwt", &[forged]).unwrap_err(), Rejected::BadSignature);
        let (input, _) = token.rsplit_once('.').unwrap();
        let tampered = format!("{}.{}", input.replace('.', ".e30"), "AAAA");
        assert!(verify(&tampered, "at+jwt", &[key.verifying()]).is_err());
    }
}
