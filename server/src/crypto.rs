//! Security primitives in one place: random tokens, hashing of tokens and
//! secrets (SHA-256 for high-entropy tokens, argon2id for PINs and client
//! secrets), PKCE, and constant-time comparison.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
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

/// argon2id hash (PHC string) of a secret or PIN. CPU-heavy by design, so it
/// runs on the blocking pool, never on the async workers.
pub async fn hash_secret(secret: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))
    })
    .await?
}

/// Verifies `secret` against a PHC string, in constant time, off the async
/// workers. A malformed stored hash is an error, not a mismatch.
pub async fn verify_secret(
    secret: zeroize::Zeroizing<String>,
    phc: String,
) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
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

    #[tokio::test]
    async fn argon2_round_trip() {
        let h = hash_secret("1234".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        let secret = |s: &str| zeroize::Zeroizing::new(s.to_owned());
        assert!(verify_secret(secret("1234"), h.clone()).await.unwrap());
        assert!(!verify_secret(secret("1235"), h).await.unwrap());
    }
}
