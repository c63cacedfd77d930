//! The access token on an account-API request, in the `Authorization`
//! header only — `Bearer`, or `DPoP` with a proof for sender-constrained
//! tokens (RFC 6750 / RFC 9449) — checked into an [`Access`] or refused
//! with the RFCs' challenge.

use crate::crypto::sha256_hex;
use crate::db::{AccessGrant, AccountStatus, TokenKind};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use renkei_shared::ErrorCode;
use renkei_shared::oauth::Scope;

/// A refused token: the wire error plus the RFC 6750 / 9449 challenge.
pub struct TokenRefused {
    code: ErrorCode,
    dpop: bool,
}

impl IntoResponse for TokenRefused {
    fn into_response(self) -> Response {
        let mut resp = AppError::Code(self.code).into_response();
        let error = match self.code {
            ErrorCode::InsufficientScope | ErrorCode::AccountMoved => "insufficient_scope",
            ErrorCode::InvalidDpopProof => "invalid_dpop_proof",
            _ => "invalid_token",
        };
        let challenge = if self.dpop {
            format!(r#"DPoP realm="renkei", error="{error}", algs="ES256 PS256 EdDSA""#)
        } else {
            format!(r#"Bearer realm="renkei", error="{error}""#)
        };
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        resp
    }
}

/// A live access token for the account-information scope.
pub struct Access(pub AccessGrant);

impl FromRequestParts<AppState> for Access {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        // The token is looked for at the request's union only.
        let app = &crate::tenancy::Union::of_request(parts, app)
            .await
            .map_err(|e| e.into_response())?;
        let refuse = |code: ErrorCode, dpop: bool| TokenRefused { code, dpop }.into_response();
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // Auth schemes are case-insensitive (RFC 9110 §11.1).
        let (scheme, token) = auth.split_once(' ').unwrap_or((auth, ""));
        let token = token.trim();
        let scheme_dpop = if scheme.eq_ignore_ascii_case("Bearer") {
            false
        } else if scheme.eq_ignore_ascii_case("DPoP") {
            true
        } else {
            return Err(refuse(ErrorCode::InvalidToken, false));
        };
        if token.is_empty() {
            return Err(refuse(ErrorCode::InvalidToken, scheme_dpop));
        }
        let grant = match app.tenant.access_grant(&sha256_hex(token)).await {
            Ok(Some(g)) if g.kind == TokenKind::Access => g,
            Ok(_) => return Err(refuse(ErrorCode::InvalidToken, scheme_dpop)),
            Err(e) => return Err(AppError::from(e).into_response()),
        };
        let now = app.now_secs();
        let bound = grant.dpop_jkt.is_some();
        // A disabled app's tokens stop working at once.
        // So do a suspended union's.
        if grant.revoked_at.is_some()
            || grant.consent_revoked_at.is_some()
            || !grant.client_enabled
            || app.institution.suspended
        {
            return Err(refuse(ErrorCode::InvalidToken, bound));
        }
        // The 30 days first: the app must then send the customer through
        // API連携認証 again, not merely refresh.
        if now >= grant.consent_expires_at {
            return Err(refuse(ErrorCode::ConsentExpired, bound));
        }
        if now >= grant.expires_at {
            return Err(refuse(ErrorCode::InvalidToken, bound));
        }
        if let Some(jkt) = grant.dpop_jkt.as_deref() {
            // A DPoP-bound token sent as Bearer is refused (RFC 9449 §7.1).
            if !scheme_dpop {
                return Err(refuse(ErrorCode::InvalidToken, true));
            }
            // Exactly one DPoP header field (RFC 9449 §4.3).
            let proof = match crate::oauth::dpop::one_proof(&parts.headers) {
                Ok(Some(one)) => one.to_str().unwrap_or(""),
                _ => return Err(refuse(ErrorCode::InvalidDpopProof, true)),
            };
            let url = app.url(parts.uri.path());
            let method = parts.method.as_str();
            let checked = crate::oauth::jose::verify_dpop(proof, method, &url, Some(token), now);
            let ok = match checked {
                Ok(p) if p.jkt == jkt => {
                    let key = sha256_hex(&format!("dpop:{}:{}", p.jkt, p.jti));
                    match app
                        .storage
                        .remember_jti(&key, p.iat + 2 * crate::oauth::jose::SKEW_SECS, now)
                        .await
                    {
                        Ok(fresh) => fresh,
                        Err(e) => return Err(AppError::from(e).into_response()),
                    }
                }
                _ => false,
            };
            if !ok {
                return Err(refuse(ErrorCode::InvalidDpopProof, true));
            }
        } else if scheme_dpop {
            return Err(refuse(ErrorCode::InvalidToken, true));
        }
        if !Scope::AccountInfo.granted_in(&grant.scope) {
            return Err(refuse(ErrorCode::InsufficientScope, bound));
        }
        // The account's standing, read now from the bank's records: a
        // closed or moved account answers nothing more.
        let status = match app.records.holder(&grant.account()).await {
            Ok(holder) => holder.map(|h| h.status),
            Err(e) => return Err(e.into_response()),
        };
        match status {
            Some(AccountStatus::Active) => Ok(Access(grant)),
            Some(AccountStatus::Moved) => Err(refuse(ErrorCode::AccountMoved, bound)),
            Some(AccountStatus::Closed) | None => Err(refuse(ErrorCode::InsufficientScope, bound)),
        }
    }
}
