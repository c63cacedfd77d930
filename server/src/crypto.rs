//! Security primitives in one place: random tokens, hashing of tokens and
//! client secrets (SHA-256: they are high-entropy and made by the server),
//! PKCE, and constant-time comparison. PINs are argon2id, in `hashing`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
/// A URL-safe random token with 256 bits of entropy from the OS.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256, hex. Flow ids are stored only as this hash of the cookie value,
/// so a database read does not hand out live sessions.
pub fn sha256_hex(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// PKCE S256: BASE64URL(SHA256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Constant-time comparison for secrets the client presents.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// How a client secret is stored: `sha256:<hex>`. The server makes every
/// secret (256 random bits), so a fast hash loses nothing — there is no
/// dictionary to try — and no request to `/oauth/*` ever runs argon2.
pub fn client_secret_digest(secret: &str) -> String {
    format!("sha256:{}", sha256_hex(secret))
}

/// Whether `secret` is the one `stored` was made from, in constant time.
/// An unknown client is checked against `None` with the same work.
pub fn client_secret_matches(secret: &str, stored: Option<&str>) -> bool {
    let presented = client_secret_digest(secret);
    // A digest that cannot match: same length, so the same work.
    let none = format!("sha256:{}", "-".repeat(64));
    constant_time_eq(&presented, stored.unwrap_or(&none))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn tokens_are_random_and_long() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn client_secrets_match_only_their_digest() {
        let stored = client_secret_digest("s3cret");
        assert_eq!(stored.len(), "sha256:".len() + 64);
        assert!(client_secret_matches("s3cret", Some(&stored)));
        assert!(!client_secret_matches("s3cres", Some(&stored)));
        assert!(!client_secret_matches("s3cret", None));
    }
}
