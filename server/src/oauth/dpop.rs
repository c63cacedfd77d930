//! DPoP proofs sent to the OAuth endpoints (RFC 9449): checked, their
//! `jti` made single-use, the key's thumbprint returned for binding.

use super::error::{OAuthError, OAuthResult};
use crate::crypto::sha256_hex;
use crate::state::AppState;
use axum::http::HeaderMap;

/// The DPoP proof sent to `path` with POST, if any, checked and its `jti`
/// made single-use. Returns the key thumbprint the tokens get bound to.
pub async fn dpop_at(
    app: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> OAuthResult<Option<String>> {
    let mut proofs = headers.get_all("dpop").iter();
    let Some(first) = proofs.next() else {
        return Ok(None);
    };
    if proofs.next().is_some() {
        return Err(OAuthError::invalid_dpop("more than one DPoP header"));
    }
    let proof = first
        .to_str()
        .map_err(|_| OAuthError::invalid_dpop("malformed DPoP header"))?;
    let now = app.now_secs();
    let checked = super::jose::verify_dpop(proof, "POST", &app.config.url(path), None, now)
        .map_err(|e| {
            tracing::info!(error = %e, "DPoP proof refused");
            OAuthError::invalid_dpop("invalid DPoP proof")
        })?;
    let key = sha256_hex(&format!("dpop:{}:{}", checked.jkt, checked.jti));
    if !app
        .storage
        .remember_jti(&key, checked.iat + 2 * super::jose::SKEW_SECS, now)
        .await?
    {
        return Err(OAuthError::invalid_dpop("DPoP proof replayed"));
    }
    Ok(Some(checked.jkt))
}
