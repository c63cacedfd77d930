//! The carrier side of the phone callback, free of HTTP: webhook signatures
//! (Renkei's own v1 scheme and Twilio's) and reading phone numbers as
//! carriers send them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// How far the signed timestamp may be from our clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// `v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>`.
pub fn sign_v1(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

// HMAC accepts keys of any length; this cannot happen.
fn unreachable_hmac() -> Hmac<Sha256> {
    unreachable!("HMAC takes keys of any length")
}

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
    crate::security::constant_time_eq(sig.trim(), &expected) & fresh
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

/// A caller number as domestic digits (`09011113333`), accepting E.164
/// (`+819011113333`) and spaces or hyphens. `None` means 非通知 or anything
/// that is not a Japanese number we could match: it never verifies.
pub fn caller_digits(from: &str) -> Option<String> {
    let cleaned: String = from
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let domestic = match cleaned.strip_prefix("+81") {
        Some(rest) => format!("0{}", rest.trim_start_matches('0')),
        None => cleaned,
    };
    let ok = (domestic.len() == 10 || domestic.len() == 11)
        && domestic.starts_with('0')
        && domestic.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(domestic)
}

/// Sends a signed inbound-call webhook to a running Renkei, as a carrier
/// gateway would: used by `renkei-server simulate-call` and the demo phone.
pub async fn send_signed_call(
    base_url: &str,
    secret: &str,
    from: &str,
    to: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<String> {
    let body = serde_json::json!({
        "call_id": crate::security::random_token(),
        "from": from,
        "to": to,
        "received_at": now.to_string(),
    })
    .to_string();
    let ts = now.as_second();
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/telephony/inbound-call",
            base_url.trim_end_matches('/')
        ))
        .header("content-type", "application/json")
        .header("x-renkei-timestamp", ts.to_string())
        .header("x-renkei-signature", sign_v1(secret, ts, body.as_bytes()))
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(
        resp.status().is_success(),
        "the server answered {}",
        resp.status()
    );
    let answer: serde_json::Value = resp.json().await?;
    Ok(answer["result"].as_str().unwrap_or("unknown").to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_in_both_forms_and_withheld_markers() {
        assert_eq!(caller_digits("09011113333").as_deref(), Some("09011113333"));
        assert_eq!(
            caller_digits("+819011113333").as_deref(),
            Some("09011113333")
        );
        assert_eq!(
            caller_digits("+81 90-1111-3333").as_deref(),
            Some("09011113333")
        );
        assert_eq!(caller_digits("+81272345678").as_deref(), Some("0272345678"));
        for withheld in [
            "",
            "anonymous",
            "Anonymous",
            "unknown",
            "private",
            "restricted",
            "+266696687",
            "186",
            "+15005550006",
        ] {
            assert_eq!(caller_digits(withheld), None, "{withheld:?}");
        }
    }

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
