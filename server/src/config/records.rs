//! The bank's records: where the host gateway is and how to reach it
//! (`RENKEI_RECORDS_*`; none: the embedded tables).

use super::read::{ConfigError, ranged};
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// `RENKEI_RECORDS_*`: where the gateway is and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySettings {
    /// The gateway's base URL (`RENKEI_RECORDS_URL`).
    pub url: Url,
    /// Per call (`RENKEI_RECORDS_TIMEOUT_MS`, default 3000).
    pub timeout: Duration,
    /// A CA (PEM) to trust besides the system's (`RENKEI_RECORDS_CA_FILE`):
    /// a bank's gateway usually has a certificate from the bank's own CA.
    pub ca_file: Option<PathBuf>,
    /// Renkei's client certificate and key, PEM in one file, for mutual
    /// TLS (`RENKEI_RECORDS_CLIENT_CERT_FILE`).
    pub client_identity_file: Option<PathBuf>,
}

pub(super) fn read(
    get: &impl Fn(&str) -> Option<String>,
    demo: bool,
) -> Result<Option<GatewaySettings>, ConfigError> {
    let err = |var: &'static str, why: &str| ConfigError {
        var,
        why: why.to_owned(),
    };
    Ok(match get("RENKEI_RECORDS_URL").filter(|v| !v.is_empty()) {
        None => None,
        Some(url) => {
            let url = gateway_url(&url).ok_or_else(|| err("RENKEI_RECORDS_URL", URL_WHY))?;
            if !tls_allowed(&url, demo) {
                return Err(err("RENKEI_RECORDS_URL", TLS_WHY));
            }
            let timeout_ms: u64 = ranged(
                get,
                "RENKEI_RECORDS_TIMEOUT_MS",
                &DEFAULT_TIMEOUT_MS.to_string(),
                TIMEOUT_MS,
                TIMEOUT_WHY,
            )?;
            Some(settings(
                url,
                timeout_ms,
                get("RENKEI_RECORDS_CA_FILE"),
                get("RENKEI_RECORDS_CLIENT_CERT_FILE"),
            ))
        }
    })
}

// What RENKEI_RECORDS_* and a union's profile (`records_*`) both say of a
// gateway, checked by the same rules in the same words.

pub(super) const URL_WHY: &str = "an http(s) URL";
pub(super) const TLS_WHY: &str = "https only outside demo mode (PINs travel to the gateway)";
pub(super) const TIMEOUT_WHY: &str = "milliseconds between 100 and 60000";
pub(super) const TIMEOUT_MS: std::ops::RangeInclusive<u64> = 100..=60_000;
pub(super) const DEFAULT_TIMEOUT_MS: u64 = 3000;

/// A gateway's URL: http or https only.
pub(super) fn gateway_url(s: &str) -> Option<Url> {
    Url::parse(s)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// Outside demo mode the PIN only ever travels over TLS.
pub(super) fn tls_allowed(url: &Url, demo: bool) -> bool {
    url.scheme() == "https" || demo
}

/// The settings from checked values (an empty file path: none).
pub(super) fn settings(
    url: Url,
    timeout_ms: u64,
    ca_file: Option<String>,
    client_cert_file: Option<String>,
) -> GatewaySettings {
    let path = |v: Option<String>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    GatewaySettings {
        url,
        timeout: Duration::from_millis(timeout_ms),
        ca_file: path(ca_file),
        client_identity_file: path(client_cert_file),
    }
}
