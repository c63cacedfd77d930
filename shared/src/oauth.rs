//! OAuth wire types that both ends read: what the token endpoint answers
//! (the server writes it; the demo app, the benchmark and the tests read
//! it).

use serde::{Deserialize, Serialize};

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
