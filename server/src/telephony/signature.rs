//! Checking the carriers' webhook signatures, free of HTTP: Renkei's own
//! v1 scheme (defined in `renkei_shared::telephony`) and
//! Twilio's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use renkei_shared::telephony::sign_v1;
use sha1::Sha1;

/// How far the signed timestamp may be from our clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// Checks the v1 signature and the timestamp window, in constant time,
/// before anything in the body is trusted.
pub fn verify_v1(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> bool {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return false;
    };
    let Ok(ts) = ts.trim().parse::<i64>() else {
        return false;
    };
    let fresh = (now - ts).abs() <= MAX_SKEW_SECS;
    let expected = sign_v1(secret, ts, body);
    // Compare first, then combine: both checks always run.
    crate::crypto::constant_time_eq(sig.trim(), &expected) & fresh
}

/// Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1 of the full URL followed
/// by every POST parameter, sorted by name (then value), name then value.
pub fn twilio_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = String::from(url);
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(auth_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_signatures() {
        let body = br#"{"call_id":"c1"}"#;
        let sig = sign_v1("secret-secret-secret", 1_700_000_000, body);
        assert!(sig.starts_with("v1=") && sig.len() == 3 + 64);
        assert!(verify_v1(
            "secret-secret-secret",
            Some("1700000000"),
            Some(&sig),
            body,
            1_700_000_100
        ));
        assert!(
            !verify_v1(
                "secret-secret-secret",
                Some("1700000000"),
                Some(&sig),
                body,
                1_700_000_301
            ),
            "stale"
        );
        assert!(
            !verify_v1(
                "other-secret-secret",
                Some("1700000000"),
                Some(&sig),
                body,
                1_700_000_000
            ),
            "key"
        );
        assert!(
            !verify_v1(
                "secret-secret-secret",
                Some("1700000001"),
                Some(&sig),
                body,
                1_700_000_000
            ),
            "ts"
        );
        assert!(
            !verify_v1(
                "secret-secret-secret",
                Some("1700000000"),
                Some(&sig),
                b"{}",
                1_700_000_000
            ),
            "body"
        );
        assert!(
            !verify_v1(
                "secret-secret-secret",
                None,
                Some(&sig),
                body,
                1_700_000_000
            ),
            "no ts"
        );
        assert!(
            !verify_v1(
                "secret-secret-secret",
                Some("1700000000"),
                None,
                body,
                1_700_000_000
            ),
            "no sig"
        );
    }

    #[test]
    fn twilio_signature_matches_the_documented_example() {
        // Twilio's security documentation example (auth token 12345).
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            twilio_signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }
}
