//! The OAuth 2.0 / FAPI 2.0 endpoints' contract: each path beside the
//! bodies it takes and answers (the server writes them; the demo app, the
//! benchmark and the tests read them).

use serde::{Deserialize, Serialize};

/// `GET`: RFC 8414 metadata.
pub const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
/// `GET`: where a linkage is born (opens a flow, redirects to the screens).
pub const AUTHORIZE_PATH: &str = "/oauth/authorize";
/// `POST` [`ParForm`]: RFC 9126 ([`ParAnswer`]).
pub const PAR_PATH: &str = "/oauth/par";
/// `POST` [`TokenForm`]: codes with PKCE, refresh with rotation ([`TokenResponse`]).
pub const TOKEN_PATH: &str = "/oauth/token";
/// `POST` [`TokenOnlyForm`]: RFC 7009.
pub const REVOKE_PATH: &str = "/oauth/revoke";
/// `POST` [`TokenOnlyForm`]: RFC 7662 ([`Introspection`]).
pub const INTROSPECT_PATH: &str = "/oauth/introspect";

/// What an app may be granted. One for now: 口座情報・明細情報へのアクセス
/// (the balance, the transactions, the 定期預金 of the linked account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    AccountInfo,
}

impl Scope {
    pub const ALL: [Scope; 1] = [Scope::AccountInfo];

    /// As OAuth writes it.
    pub fn code(self) -> &'static str {
        match self {
            Scope::AccountInfo => "account_info",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Every scope of an OAuth `scope` value (space-separated); `None` if
    /// it is empty or names one Renkei does not know.
    pub fn parse_list(value: &str) -> Option<Vec<Scope>> {
        let scopes: Option<Vec<Scope>> = value.split(' ').map(Scope::parse).collect();
        scopes.filter(|s| !s.is_empty())
    }

    /// Whether a granted `scope` value includes this scope.
    pub fn granted_in(self, value: &str) -> bool {
        value.split(' ').any(|s| s == self.code())
    }
}

/// An app registered with the bank: its `client_id`, as issued by
/// `renkei-server client add` (or the demo's fixed ones).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
pub struct ClientId(String);

impl ClientId {
    pub fn new(id: impl Into<String>) -> ClientId {
        ClientId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Read as text where text is wanted (a log line, a form, a statement's
/// parameter); compared only with another `ClientId`.
impl std::ops::Deref for ClientId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Authorization server metadata (RFC 8414 §2), what a standard client
/// discovers everything else from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub response_types_supported: Vec<String>,
    pub response_modes_supported: Vec<String>,
    pub token_endpoint: String,
    pub revocation_endpoint: String,
    pub introspection_endpoint: String,
    pub grant_types_supported: Vec<String>,
    pub pushed_authorization_request_endpoint: String,
    pub require_pushed_authorization_requests: bool,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub token_endpoint_auth_signing_alg_values_supported: Vec<String>,
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    pub introspection_endpoint_auth_methods_supported: Vec<String>,
    pub dpop_signing_alg_values_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub scopes_supported: Vec<String>,
    pub authorization_response_iss_parameter_supported: bool,
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// What PAR answers (RFC 9126 §2.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParAnswer {
    pub request_uri: String,
    pub expires_in: i64,
}

/// RFC 7662; only `active` when the token is not the caller's or not live.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Cnf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_expires_at: Option<i64>,
}

/// The key a DPoP-bound token is bound to (RFC 9449 §6).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cnf {
    pub jkt: String,
}

/// PAR's form: the authorization request, plus client authentication
/// (`client_id`, `client_assertion*`) when not Basic. (The server reads
/// the form's pairs itself: a repeated parameter is refused, RFC 6749 §3.1.)
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParForm {
    pub response_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assertion_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assertion: Option<String>,
}

/// The token endpoint's form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenForm {
    /// `authorization_code` or `refresh_token`.
    pub grant_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assertion_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assertion: Option<String>,
}

/// Revocation's and introspection's form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenOnlyForm {
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assertion_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assertion: Option<String>,
}

/// The token endpoint's answer (RFC 6749 §5.1), plus when the customer's
/// consent ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub scope: String,
    /// When the customer's consent ends (unix seconds): then the app must
    /// send the customer through API連携認証 again.
    pub consent_expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::Scope;

    #[test]
    fn scope_values_parse_as_oauth_writes_them() {
        assert_eq!(
            Scope::parse_list("account_info"),
            Some(vec![Scope::AccountInfo])
        );
        assert_eq!(Scope::parse_list(""), None);
        assert_eq!(Scope::parse_list("account_info payments"), None);
        assert_eq!(Scope::parse_list("account_info "), None);
        assert!(Scope::AccountInfo.granted_in("openid account_info"));
        assert!(!Scope::AccountInfo.granted_in("account_information"));
    }
}
