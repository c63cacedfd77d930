//! Server-provided DPoP nonces (RFC 9449 §8). A nonce is the 5-minute
//! period it was made in and an HMAC of that period under a key every
//! instance shares (`server_secrets.dpop_nonce`): nothing is stored per
//! nonce, any instance accepts what another handed out, and a nonce is
//! good for the period it names and the next, so it rotates without a
//! client ever holding one that just went stale. A proof made in advance
//! (a stolen device's pre-signed proofs) is then worth minutes, not more.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long one nonce is handed out; it is accepted for twice that.
pub const PERIOD_SECS: i64 = 300;
/// The response header that carries the nonce to use next.
pub const HEADER: &str = "dpop-nonce";

/// The deployment's nonce key.
#[derive(Clone)]
pub struct NonceKey([u8; 32]);

impl std::fmt::Debug for NonceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NonceKey(..)")
    }
}

impl NonceKey {
    pub fn new(key: [u8; 32]) -> NonceKey {
        NonceKey(key)
    }

    /// The nonce to hand out at `now` (unix seconds).
    pub fn current(&self, now: i64) -> String {
        self.of_period(now.div_euclid(PERIOD_SECS))
    }

    fn of_period(&self, period: i64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"renkei dpop nonce ");
        mac.update(&period.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        let mut raw = period.to_be_bytes().to_vec();
        raw.extend_from_slice(&tag[..16]);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Whether `nonce` was handed out by this deployment in the current
    /// period or the one before.
    pub fn accepts(&self, nonce: &str, now: i64) -> bool {
        let Ok(raw) = URL_SAFE_NO_PAD.decode(nonce) else {
            return false;
        };
        let Some(period) = raw
            .get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(i64::from_be_bytes)
        else {
            return false;
        };
        let current = now.div_euclid(PERIOD_SECS);
        (period == current || period == current - 1)
            && crate::crypto::constant_time_eq(nonce, &self.of_period(period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_good_for_its_period_and_the_next_only() {
        let key = NonceKey::new([7; 32]);
        let t = 1_800_000_000;
        let n = key.current(t);
        assert!(key.accepts(&n, t));
        assert!(key.accepts(&n, t + PERIOD_SECS));
        assert!(!key.accepts(&n, t + 2 * PERIOD_SECS));
        assert!(!key.accepts(&n, t - PERIOD_SECS));
        assert_ne!(key.current(t + PERIOD_SECS), n, "it rotates");
        assert!(!NonceKey::new([8; 32]).accepts(&n, t), "another key");
        assert!(!key.accepts("", t));
        assert!(!key.accepts("AAAAAAAAAAA", t));
        let mut forged = URL_SAFE_NO_PAD.decode(&n).unwrap();
        forged[12] ^= 1;
        assert!(!key.accepts(&URL_SAFE_NO_PAD.encode(forged), t));
    }
}
