//! The bank's records: where the host gateway is and how to reach it
//! (`RENKEI_RECORDS_*`; none: the embedded tables).

use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// `RENKEI_RECORDS_*`: where the gateway is and how to reach it.
#[derive(Debug, Clone)]
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
