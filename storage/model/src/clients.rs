//! Registered fintech apps and their exact redirect URIs.

use crate::*;

use sqlx::FromRow;

/// A registered fintech app.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub client_id: String,
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
#[derive(Debug, Clone, FromRow)]
pub struct ClientSummary {
    pub client_id: String,
    pub display_name: String,
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    pub auth_method: AuthMethod,
    #[sqlx(try_from = "Flag")]
    pub require_par: bool,
    #[sqlx(try_from = "Flag")]
    pub require_dpop: bool,
    /// Space-separated.
    pub redirect_uris: Option<String>,
    pub jwks_uri: Option<String>,
}

/// One row of a client joined with its redirect URIs (one per URI).
#[derive(FromRow)]
pub struct ClientWithUri {
    #[sqlx(flatten)]
    pub client: ClientColumns,
    pub uri: Option<String>,
}

#[derive(FromRow)]
pub struct ClientColumns {
    pub client_id: String,
    pub display_name: String,
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    pub auth_method: AuthMethod,
    pub secret_hash: Option<String>,
    pub jwks: Option<String>,
    pub jwks_uri: Option<String>,
    pub jwks_checked_at: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub require_par: bool,
    #[sqlx(try_from = "Flag")]
    pub require_dpop: bool,
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
