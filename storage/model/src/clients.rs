//! Registered fintech apps and their exact redirect URIs.

use crate::*;

/// A registered fintech app.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub client_id: ClientId,
    pub display_name: String,
    pub redirect_uris: Vec<String>,
    pub enabled: bool,
    pub auth_method: AuthMethod,
    /// The secret's digest (`client_secret_basic`; `crypto::client_secret_digest`).
    pub secret_hash: Option<String>,
    /// The public JWK Set (`private_key_jwt`): as uploaded, or the copy
    /// fetched last from `jwks_uri`.
    pub jwks: Option<String>,
    /// Where the app publishes its JWK Set, if it registered a URL.
    pub jwks_uri: Option<String>,
    /// When `jwks_uri` was last asked.
    pub jwks_checked_at: Option<i64>,
    pub require_par: bool,
    pub require_dpop: bool,
}

/// An app as the console lists it.
#[derive(Debug, Clone)]
pub struct ClientSummary {
    pub client_id: ClientId,
    pub display_name: String,
    pub enabled: bool,
    pub auth_method: AuthMethod,
    pub require_par: bool,
    pub require_dpop: bool,
    /// Space-separated.
    pub redirect_uris: Option<String>,
    pub jwks_uri: Option<String>,
}

/// A registration.
pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub display_name: &'a str,
    pub redirect_uris: &'a [String],
    pub auth_method: AuthMethod,
    pub secret_hash: Option<&'a str>,
    pub jwks: Option<&'a str>,
    /// With `jwks` as fetched from it just now.
    pub jwks_uri: Option<&'a str>,
    pub require_par: bool,
    pub require_dpop: bool,
    pub now: i64,
}

/// A union's switch of a registered app (no row: on).
#[derive(Debug, Clone)]
pub struct AppSwitchRow {
    pub client_id: crate::ClientId,
    pub enabled: bool,
    pub changed_at: i64,
    pub reason: String,
}
