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
    let err = |var: &'static str, why: String| ConfigError { var, why };
    Ok(match get("RENKEI_RECORDS_URL").filter(|v| !v.is_empty()) {
        None => None,
        Some(url) => {
            let url = url::Url::parse(&url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| err("RENKEI_RECORDS_URL", "an http(s) URL".into()))?;
            // Outside demo mode the PIN only ever travels over TLS.
            if url.scheme() != "https" && !demo {
                return Err(err(
                    "RENKEI_RECORDS_URL",
                    "https only outside demo mode (PINs travel to the gateway)".into(),
                ));
            }
            let timeout_ms: u64 = ranged(
                get,
                "RENKEI_RECORDS_TIMEOUT_MS",
                "3000",
                100..=60_000,
                "milliseconds between 100 and 60000",
            )?;
            let path = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
            Some(GatewaySettings {
                url,
                timeout: std::time::Duration::from_millis(timeout_ms),
                ca_file: path("RENKEI_RECORDS_CA_FILE"),
                client_identity_file: path("RENKEI_RECORDS_CLIENT_CERT_FILE"),
            })
        }
    })
}
