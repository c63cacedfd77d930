//! What the app receives and holds: consents, authorization codes and
//! tokens (codes and tokens stored only as SHA-256).

use crate::*;

use renkei_shared::domain::AccountKind;

#[derive(Debug, Clone)]
pub struct CodeRow {
    pub consent_id: i64,
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub dpop_jkt: Option<String>,
    pub scope: String,
    pub consent_expires_at: i64,
    pub consent_revoked_at: Option<i64>,
}

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub kind: TokenKind,
    pub consent_id: i64,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub issued_at: i64,
    pub expires_at: i64,
    pub dpop_jkt: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub kind: TokenKind,
    pub consent_id: i64,
    pub client_id: ClientId,
    pub scope: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub rotated_at: Option<i64>,
    pub dpop_jkt: Option<String>,
    pub consent_expires_at: i64,
    pub consent_revoked_at: Option<i64>,
}

/// What the resource server needs to know about an access token.
#[derive(Debug, Clone)]
pub struct AccessGrant {
    pub kind: TokenKind,
    pub scope: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub dpop_jkt: Option<String>,
    pub consent_id: i64,
    pub consent_expires_at: i64,
    pub consent_revoked_at: Option<i64>,
    /// The consented account's reference (what the bank holds for it is
    /// asked of the records port): see [`AccessGrant::account`].
    pub account_id: i64,
    pub public_id: String,
    pub branch: String,
    pub account_kind: AccountKind,
    pub number: String,
    /// Whether staff left the app enabled.
    pub client_enabled: bool,
}

impl AccessGrant {
    pub fn account(&self) -> AccountRow {
        AccountRow {
            id: self.account_id,
            public_id: self.public_id.clone(),
            branch: self.branch.clone(),
            kind: self.account_kind,
            number: self.number.clone(),
        }
    }
}
