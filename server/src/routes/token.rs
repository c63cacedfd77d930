//! The authorization the app receives (RFC 6749, 7009, 7662): the token
//! endpoint (`authorization_code` with PKCE, `refresh_token` with rotation
//! and reuse detection), revocation and introspection — each authenticated
//! with `client_secret_basic`. Tokens are opaque 256-bit random strings,
//! stored only as SHA-256. Errors are the RFC's, as JSON, never cached.

use crate::security::{
    constant_time_eq, hash_secret, pkce_challenge, random_token, sha256_hex, verify_secret,
};
use crate::state::AppState;
use crate::storage::{NewToken, TokenRow};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Access tokens are short-lived; refresh tokens last as long as the consent.
pub const ACCESS_SECS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/oauth/introspect", post(introspect))
}

/// An OAuth error answer: `{"error", "error_description"}`.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: &'static str) -> Self {
        OAuthError {
            status,
            error,
            description,
        }
    }
    fn invalid_grant(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }
    fn invalid_request(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
    fn invalid_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        )
    }
    fn server_error(e: impl std::fmt::Debug) -> Self {
        tracing::error!(error = ?e, "token endpoint failure");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal error",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"renkei\""),
            );
        }
        resp
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> Self {
        Self::server_error(e)
    }
}

impl From<anyhow::Error> for OAuthError {
    fn from(e: anyhow::Error) -> Self {
        Self::server_error(e)
    }
}

type OAuthResult<T> = Result<T, OAuthError>;

/// `client_secret_basic`: `Authorization: Basic base64(id:secret)`, each
/// form-urlencoded (RFC 6749 §2.3.1). An unknown client costs the same
/// argon2 work as a known one, so timing does not reveal which exist.
async fn authenticate(app: &AppState, headers: &HeaderMap) -> OAuthResult<String> {
    let creds = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| {
            let (id, secret) = s.split_once(':')?;
            let dec = |x: &str| {
                url::form_urlencoded::parse(format!("x={x}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            Some((dec(id)?, dec(secret)?))
        });
    let Some((client_id, secret)) = creds else {
        return Err(OAuthError::invalid_client());
    };
    let secret = zeroize::Zeroizing::new(secret);
    let ok = match app.storage.client_secret_hash(&client_id).await? {
        Some(hash) => verify_secret(secret, hash).await?,
        None => {
            let _ = hash_secret(secret.to_string()).await;
            false
        }
    };
    if ok {
        Ok(client_id)
    } else {
        Err(OAuthError::invalid_client())
    }
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
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

async fn token(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Response> {
    let client_id = authenticate(&app, &headers).await?;
    let Ok(Form(req)) = form else {
        return Err(OAuthError::invalid_request("malformed form body"));
    };
    let issued = match req.grant_type.as_deref() {
        Some("authorization_code") => exchange_code(&app, &client_id, &req).await?,
        Some("refresh_token") => refresh(&app, &client_id, &req).await?,
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

async fn exchange_code(
    app: &AppState,
    client_id: &str,
    req: &TokenRequest,
) -> OAuthResult<TokenResponse> {
    let now = app.now_secs();
    let code = req
        .code
        .as_deref()
        .ok_or(OAuthError::invalid_request("code is required"))?;
    let verifier = req
        .code_verifier
        .as_deref()
        .ok_or(OAuthError::invalid_request("code_verifier is required"))?;
    let code_hash = sha256_hex(code);
    let Some(row) = app.storage.find_code(&code_hash).await? else {
        return Err(OAuthError::invalid_grant("unknown code"));
    };
    if row.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            "code was issued to another client",
        ));
    }
    if row.used_at.is_some() {
        // A second use: someone has the code who should not. Everything
        // issued from it is revoked (RFC 6749 §4.1.2).
        app.storage
            .revoke_grant(row.consent_id, "code_reuse", now)
            .await?;
        return Err(OAuthError::invalid_grant("code already used"));
    }
    if now >= row.expires_at {
        return Err(OAuthError::invalid_grant("code expired"));
    }
    if req.redirect_uri.as_deref() != Some(row.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant("redirect_uri does not match"));
    }
    let verifier_ok = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !verifier_ok || !constant_time_eq(&pkce_challenge(verifier), &row.code_challenge) {
        return Err(OAuthError::invalid_grant("code_verifier does not match"));
    }
    if !app.storage.use_code(&code_hash, now).await? {
        app.storage
            .revoke_grant(row.consent_id, "code_reuse", now)
            .await?;
        return Err(OAuthError::invalid_grant("code already used"));
    }
    issue(
        app,
        client_id,
        row.consent_id,
        &row.scope,
        row.consent_expires_at,
        now,
    )
    .await
}

async fn refresh(
    app: &AppState,
    client_id: &str,
    req: &TokenRequest,
) -> OAuthResult<TokenResponse> {
    let now = app.now_secs();
    let presented = req
        .refresh_token
        .as_deref()
        .ok_or(OAuthError::invalid_request("refresh_token is required"))?;
    let hash = sha256_hex(presented);
    let Some(row) = app.storage.find_token(&hash).await? else {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    };
    if row.kind != "refresh" || row.client_id != client_id {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    }
    if row.rotated_at.is_some() {
        // An old refresh token came back: it was stolen or replayed. The
        // whole grant ends.
        app.storage
            .revoke_grant(row.consent_id, "refresh_reuse", now)
            .await?;
        return Err(OAuthError::invalid_grant("refresh token reused"));
    }
    if !is_live(&row, now) {
        return Err(OAuthError::invalid_grant("the consent has ended"));
    }
    if !app.storage.rotate_refresh(&hash, now).await? {
        app.storage
            .revoke_grant(row.consent_id, "refresh_reuse", now)
            .await?;
        return Err(OAuthError::invalid_grant("refresh token reused"));
    }
    issue(
        app,
        client_id,
        row.consent_id,
        &row.scope,
        row.consent_expires_at,
        now,
    )
    .await
}

/// Live: not revoked, not expired, and its consent neither revoked nor past
/// its 30 days.
fn is_live(t: &TokenRow, now: i64) -> bool {
    t.revoked_at.is_none()
        && t.consent_revoked_at.is_none()
        && now < t.expires_at
        && now < t.consent_expires_at
}

async fn issue(
    app: &AppState,
    client_id: &str,
    consent_id: i64,
    scope: &str,
    consent_expires_at: i64,
    now: i64,
) -> OAuthResult<TokenResponse> {
    let access = random_token();
    let refresh = random_token();
    for (token, kind, expires_at) in [
        (
            &access,
            "access",
            (now + ACCESS_SECS).min(consent_expires_at),
        ),
        (&refresh, "refresh", consent_expires_at),
    ] {
        app.storage
            .insert_token(NewToken {
                token_hash: &sha256_hex(token),
                kind,
                consent_id,
                client_id,
                scope,
                issued_at: now,
                expires_at,
            })
            .await?;
    }
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ACCESS_SECS.min(consent_expires_at - now),
        refresh_token: refresh,
        scope: scope.to_owned(),
        consent_expires_at,
    })
}

#[derive(Debug, Deserialize)]
struct TokenParam {
    token: Option<String>,
}

/// RFC 7009. Revoking either token of a grant ends the whole grant (the
/// customer's linkage), at once. Unknown tokens are not an error.
async fn revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenParam>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Response> {
    let client_id = authenticate(&app, &headers).await?;
    let Some(token) = form.ok().and_then(|Form(p)| p.token) else {
        return Err(OAuthError::invalid_request("token is required"));
    };
    if let Some(row) = app.storage.find_token(&sha256_hex(&token)).await?
        && row.client_id == client_id
    {
        app.storage
            .revoke_grant(row.consent_id, "app", app.now_secs())
            .await?;
    }
    Ok(StatusCode::OK.into_response())
}

/// RFC 7662. A client learns only about its own tokens.
async fn introspect(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenParam>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Json<serde_json::Value>> {
    let client_id = authenticate(&app, &headers).await?;
    let Some(token) = form.ok().and_then(|Form(p)| p.token) else {
        return Err(OAuthError::invalid_request("token is required"));
    };
    let now = app.now_secs();
    let answer = match app.storage.find_token(&sha256_hex(&token)).await? {
        Some(row) if row.client_id == client_id && is_live(&row, now) => json!({
            "active": true,
            "client_id": row.client_id,
            "scope": row.scope,
            "token_type": if row.kind == "access" { "Bearer" } else { "refresh_token" },
            "iat": row.issued_at,
            "exp": row.expires_at,
            "iss": app.config.issuer(),
            "consent_expires_at": row.consent_expires_at,
        }),
        _ => json!({"active": false}),
    };
    Ok(Json(answer))
}
