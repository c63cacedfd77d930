//! The token endpoint (RFC 6749): `authorization_code` with PKCE and
//! `refresh_token` with rotation and reuse detection; DPoP-bound when the
//! client sends a proof. Tokens are opaque 256-bit random strings, stored
//! only as SHA-256.

use super::client_auth::ClientRequest;
use super::error::{OAuthError, OAuthResult};
use crate::crypto::{constant_time_eq, pkce_challenge, random_token, sha256_hex};
use crate::db::{NewToken, RevokedBy, TokenKind, TokenRow};
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use renkei_shared::oauth::{ClientId, TokenResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Access tokens are short-lived; refresh tokens last as long as the consent.
pub const ACCESS_SECS: i64 = 600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(token))
}

#[utoipa::path(
    post,
    path = renkei_shared::oauth::TOKEN_PATH,
    tag = "oauth",
    description = "The token endpoint: `authorization_code` (with PKCE) and `refresh_token`.",
    request_body(content = renkei_shared::oauth::TokenForm, content_type = "application/x-www-form-urlencoded"),
    security(("client_secret_basic" = []), ("private_key_jwt" = [])),
    responses(
        (status = 200, description = "Tokens", body = renkei_shared::oauth::TokenResponse,
            headers(("dpop-nonce" = String, description = "The DPoP nonce to use next, when `RENKEI_DPOP_NONCE` is on"))),
        crate::oauth::error::OAuthErrors
    )
)]
pub async fn token(req: ClientRequest) -> OAuthResult<Response> {
    let app = req.union.clone();
    // A suspended union's grants issue nothing more.
    if app.institution.suspended {
        return Err(OAuthError::invalid_grant(
            "the credit union's service is suspended",
        ));
    }
    let jkt = req.dpop(&app, renkei_shared::oauth::TOKEN_PATH).await?;
    let to = Grantee {
        app: &app,
        client_id: &req.client.client_id,
        jkt: jkt.as_deref(),
        now: app.now_secs(),
    };
    let issued = match req.params.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange_code(&to, &req).await?,
        Some("refresh_token") => refresh(&to, &req).await?,
        Some(_) => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "unsupported grant_type",
            ));
        }
        None => return Err(OAuthError::invalid_request("grant_type is required")),
    };
    let mut resp = Json(issued).into_response();
    resp.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

/// Who a token request is from: the authenticated client, the DPoP key of
/// its proof (if any), at the server's now.
struct Grantee<'a> {
    app: &'a Union,
    client_id: &'a ClientId,
    jkt: Option<&'a str>,
    now: i64,
}

async fn exchange_code(to: &Grantee<'_>, req: &ClientRequest) -> OAuthResult<TokenResponse> {
    let (app, client_id, jkt, now) = (to.app, to.client_id, to.jkt, to.now);
    let code = req.required("code", "code is required")?;
    let verifier = req.required("code_verifier", "code_verifier is required")?;
    let code_hash = sha256_hex(code);
    let Some(row) = app.tenant.find_code(&code_hash).await? else {
        return Err(OAuthError::invalid_grant("unknown code"));
    };
    if row.client_id != *client_id {
        return Err(OAuthError::invalid_grant(
            "code was issued to another client",
        ));
    }
    if row.used_at.is_some() {
        // A second use: someone has the code who should not. Everything
        // issued from it is revoked (RFC 6749 §4.1.2).
        app.tenant
            .revoke_grant(row.consent_id, RevokedBy::CodeReuse, now)
            .await?;
        return Err(OAuthError::invalid_grant("code already used"));
    }
    if now >= row.expires_at {
        return Err(OAuthError::invalid_grant("code expired"));
    }
    // Staff ended the linkage between 許可する and the exchange.
    if row.consent_revoked_at.is_some() {
        return Err(OAuthError::invalid_grant("the consent has ended"));
    }
    // A code bound at PAR (RFC 9449 §10) is exchanged only with that key.
    if let Some(bound) = row.dpop_jkt.as_deref()
        && jkt != Some(bound)
    {
        return Err(OAuthError::invalid_dpop(
            "the code is bound to another DPoP key",
        ));
    }
    if req.params.get("redirect_uri") != Some(&row.redirect_uri) {
        return Err(OAuthError::invalid_grant("redirect_uri does not match"));
    }
    let verifier_ok = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !verifier_ok || !constant_time_eq(&pkce_challenge(verifier), &row.code_challenge) {
        return Err(OAuthError::invalid_grant("code_verifier does not match"));
    }
    if !app.tenant.use_code(&code_hash, now).await? {
        app.tenant
            .revoke_grant(row.consent_id, RevokedBy::CodeReuse, now)
            .await?;
        return Err(OAuthError::invalid_grant("code already used"));
    }
    let grant = Grant::new(
        client_id,
        row.consent_id,
        &row.scope,
        row.consent_expires_at,
    );
    issue(app, &grant, now, jkt, None).await
}

async fn refresh(to: &Grantee<'_>, req: &ClientRequest) -> OAuthResult<TokenResponse> {
    let (app, client_id, jkt, now) = (to.app, to.client_id, to.jkt, to.now);
    let presented = req.required("refresh_token", "refresh_token is required")?;
    let hash = sha256_hex(presented);
    let Some(row) = app.tenant.find_token(&hash).await? else {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    };
    if row.kind != TokenKind::Refresh || row.client_id != *client_id {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    }
    if row.rotated_at.is_some() {
        // An old refresh token came back: it was stolen or replayed. The
        // whole grant ends.
        app.tenant
            .revoke_grant(row.consent_id, RevokedBy::RefreshReuse, now)
            .await?;
        return Err(OAuthError::invalid_grant("refresh token reused"));
    }
    if !is_live(&row, now) {
        return Err(OAuthError::invalid_grant("the consent has ended"));
    }
    let grant = Grant::new(
        client_id,
        row.consent_id,
        &row.scope,
        row.consent_expires_at,
    );
    if let Some(bound) = row.dpop_jkt.as_deref() {
        // Sender-constrained: only the key it is bound to may use it, and
        // it is not rotated (FAPI 2.0).
        if jkt != Some(bound) {
            return Err(OAuthError::invalid_dpop(
                "the refresh token is bound to another key",
            ));
        }
        return issue(app, &grant, now, jkt, Some(presented)).await;
    }
    if !app.tenant.rotate_refresh(&hash, now).await? {
        app.tenant
            .revoke_grant(row.consent_id, RevokedBy::RefreshReuse, now)
            .await?;
        return Err(OAuthError::invalid_grant("refresh token reused"));
    }
    issue(app, &grant, now, jkt, None).await
}

/// Live: not revoked, not expired, and its consent neither revoked nor past
/// its 30 days.
pub fn is_live(t: &TokenRow, now: i64) -> bool {
    t.revoked_at.is_none()
        && t.consent_revoked_at.is_none()
        && now < t.expires_at
        && now < t.consent_expires_at
}

/// What tokens are issued under.
struct Grant<'a> {
    client_id: &'a str,
    consent_id: i64,
    scope: &'a str,
    consent_expires_at: i64,
}

impl<'a> Grant<'a> {
    fn new(client_id: &'a str, consent_id: i64, scope: &'a str, consent_expires_at: i64) -> Self {
        Grant {
            client_id,
            consent_id,
            scope,
            consent_expires_at,
        }
    }
}

/// Issues an access token and, unless `keep_refresh` (a DPoP-bound refresh
/// token, which is not rotated), a new refresh token; bound to `jkt` when
/// the client sent a DPoP proof.
async fn issue(
    app: &Union,
    g: &Grant<'_>,
    now: i64,
    jkt: Option<&str>,
    keep_refresh: Option<&str>,
) -> OAuthResult<TokenResponse> {
    let access = random_token();
    let access_hash = sha256_hex(&access);
    let access_expires = (now + ACCESS_SECS).min(g.consent_expires_at);
    let (refresh, refresh_hash) = match keep_refresh {
        Some(r) => (r.to_owned(), None),
        None => {
            let r = random_token();
            let hash = sha256_hex(&r);
            (r, Some(hash))
        }
    };
    let token = |token_hash, kind, expires_at| NewToken {
        token_hash,
        kind,
        consent_id: g.consent_id,
        client_id: g.client_id,
        scope: g.scope,
        issued_at: now,
        expires_at,
        dpop_jkt: jkt,
    };
    let mut new_tokens = vec![token(&access_hash, TokenKind::Access, access_expires)];
    if let Some(hash) = &refresh_hash {
        new_tokens.push(token(hash, TokenKind::Refresh, g.consent_expires_at));
    }
    app.tenant.insert_tokens(&new_tokens).await?;
    Ok(TokenResponse {
        access_token: access,
        token_type: if jkt.is_some() { "DPoP" } else { "Bearer" }.into(),
        expires_in: ACCESS_SECS.min(g.consent_expires_at - now),
        refresh_token: refresh,
        scope: g.scope.to_owned(),
        consent_expires_at: g.consent_expires_at,
    })
}
