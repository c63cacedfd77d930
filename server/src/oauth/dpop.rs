//! DPoP proofs sent to the OAuth endpoints (RFC 9449): checked, with the
//! server's nonce when `RENKEI_DPOP_NONCE` asks for one (§8), their `jti`
//! made single-use, the key's thumbprint returned for binding.

use super::error::{OAuthError, OAuthResult};
use crate::crypto::sha256_hex;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::http::HeaderMap;

/// The DPoP proof sent to `path` with POST, if any, checked and its `jti`
/// made single-use. Returns the key thumbprint the tokens get bound to.
pub async fn dpop_at(app: &Union, headers: &HeaderMap, path: &str) -> OAuthResult<Option<String>> {
    let Some(proof) =
        one_proof(headers).map_err(|_| OAuthError::invalid_dpop("more than one DPoP header"))?
    else {
        return Ok(None);
    };
    let proof = proof
        .to_str()
        .map_err(|_| OAuthError::invalid_dpop("malformed DPoP header"))?;
    let now = app.now_secs();
    let checked =
        super::jose::verify_dpop(proof, "POST", &app.url(path), None, now).map_err(|e| {
            tracing::info!(error = %e, "DPoP proof refused");
            OAuthError::invalid_dpop("invalid DPoP proof")
        })?;
    // Without the nonce the client is told the one to use and retries with
    // a fresh proof; this one's `jti` is not spent.
    if app.config.oauth.dpop_nonce
        && !checked
            .nonce
            .as_deref()
            .is_some_and(|n| app.nonce_key.accepts(n, now))
    {
        return Err(OAuthError::use_dpop_nonce());
    }
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

/// The request's `DPoP` header field, if any; `Err` when there is more
/// than one (§4.3: exactly one). The OAuth endpoints and the account API
/// both read it here.
pub fn one_proof(headers: &HeaderMap) -> Result<Option<&axum::http::HeaderValue>, TwoProofs> {
    let mut proofs = headers.get_all("dpop").iter();
    match (proofs.next(), proofs.next()) {
        (first, None) => Ok(first),
        _ => Err(TwoProofs),
    }
}

/// More than one `DPoP` header field in a request.
#[derive(Debug)]
pub struct TwoProofs;

/// Every answer of an endpoint that takes DPoP proofs carries the nonce to
/// use next (§8: on errors it is required, on success it lets the client
/// follow the rotation without a failed request).
pub async fn nonce_header(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut resp = next.run(req).await;
    if app.config.oauth.dpop_nonce
        && let Ok(v) = axum::http::HeaderValue::from_str(&app.nonce_key.current(app.now_secs()))
    {
        resp.headers_mut().insert(super::nonce::HEADER, v);
    }
    resp
}
