//! The carrier's inbound-call webhook, written once: where it posts, the
//! body, the answer and the v1 signature (HMAC-SHA256 over
//! `"<timestamp>.<raw body>"`). The server verifies with [`sign_v1`]; the
//! carrier's stand-in (`renkei-carrier`) signs with it. The black-box tests
//! sign with their own copy of the scheme, written from this definition, so
//! a change here cannot hide.

use serde::{Deserialize, Serialize};

/// Where the carrier posts, under the server's public URL.
pub const PATH: &str = "/telephony/inbound-call";
/// Twilio's inbound-voice webhook, taken as Twilio sends it.
pub const TWILIO_PATH: &str = "/telephony/twilio/voice";
pub const TIMESTAMP_HEADER: &str = "x-renkei-timestamp";
pub const SIGNATURE_HEADER: &str = "x-renkei-signature";

/// The webhook's JSON body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundCall {
    /// The carrier's id of the call (a replay of one id changes nothing).
    pub call_id: String,
    /// The calling number (`09011113333`, `+819011113333`, `anonymous`).
    pub from: String,
    /// The toll-free number called.
    pub to: String,
    /// RFC 3339, as the carrier saw it (logged; the server's clock decides).
    pub received_at: String,
}

/// The server's answer to a call report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallAnswer {
    /// verified | already_verified | too_late | no_matching_challenge |
    /// withheld | duplicate
    pub result: String,
}

/// `v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>`.
#[cfg(feature = "telephony")]
pub fn sign_v1(secret: &str, timestamp: i64, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(all(test, feature = "telephony"))]
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
