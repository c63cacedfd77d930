//! The carrier gateway's side of Renkei's inbound-call webhook, written
//! once: the body it posts, the v1 signature (HMAC-SHA256 over
//! `"<timestamp>.<raw body>"`), and a client that sends a signed call. The
//! server verifies with the same [`sign_v1`]; `renkei-server
//! simulate-call`, the demo app's phone and the benchmark send with
//! [`send_signed_call`]. The black-box tests sign with their own copy of the
//! scheme, written from its definition, so a change here cannot hide.

use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Where the carrier posts, under the server's public URL.
pub const PATH: &str = "/telephony/inbound-call";
pub const TIMESTAMP_HEADER: &str = "x-renkei-timestamp";
pub const SIGNATURE_HEADER: &str = "x-renkei-signature";

/// The webhook's JSON body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboundCall {
    pub call_id: String,
    pub from: String,
    pub to: String,
    /// RFC 3339, as the carrier saw it (logged; the server's clock decides).
    pub received_at: String,
}

/// The server's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallAnswer {
    /// verified | already_verified | too_late | no_matching_challenge |
    /// withheld | duplicate
    pub result: String,
}

/// `v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>`.
pub fn sign_v1(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends one signed inbound call from `from` to `to` to the Renkei at
/// `base_url`, stamped `now`; returns the server's `result`.
pub async fn send_signed_call(
    http: &reqwest::Client,
    base_url: &str,
    secret: &str,
    from: &str,
    to: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<String> {
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let body = serde_json::to_string(&InboundCall {
        call_id: hex::encode(id),
        from: from.to_owned(),
        to: to.to_owned(),
        received_at: now.to_string(),
    })?;
    let ts = now.as_second();
    let resp = http
        .post(format!("{}{PATH}", base_url.trim_end_matches('/')))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(SIGNATURE_HEADER, sign_v1(secret, ts, body.as_bytes()))
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(
        resp.status().is_success(),
        "the server answered {}",
        resp.status()
    );
    Ok(resp.json::<CallAnswer>().await?.result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: python's
        // hmac.new(b"Jefe", b"1.{}", hashlib.sha256).hexdigest().
        let sig = sign_v1("Jefe", 1, b"{}");
        assert_eq!(
            sig,
            "v1=dc7943cccf20f64327d263db5e2aca27c2b8175e8e6e7ea04f482091bf456b0f"
        );
        assert_ne!(sig, sign_v1("Jefe", 2, b"{}"));
        assert_ne!(sig, sign_v1("Jeff", 1, b"{}"));
    }
}
