//! The authorization the app receives (RFC 6749, 7009, 7662): the token
//! endpoint (`authorization_code` with PKCE, `refresh_token` with rotation
//! and reuse detection), revocation and introspection — each authenticated
//! with `client_secret_basic`. Tokens are opaque 256-bit random strings,
//! stored only as SHA-256. Errors are the RFC's, as JSON, never cached.

use crate::security::{
    constant_time_eq, hash_secret, pkce_challenge, random_token, sha256_hex, verify_secret,
};
use crate::state::AppState;
use crate::storage::{ClientRow, NewToken, TokenRow};
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
    pub fn invalid_request(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
    pub fn invalid_dpop(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", description)
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

pub type OAuthResult<T> = Result<T, OAuthError>;

/// The form body of an OAuth endpoint, each parameter at most once
/// (RFC 6749 §3.2).
pub type Params = std::collections::HashMap<String, String>;

pub fn params_of(
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Params> {
    let Ok(Form(pairs)) = form else {
        return Err(OAuthError::invalid_request("malformed form body"));
    };
    let mut params = Params::new();
    for (k, v) in pairs {
        if params.insert(k, v).is_some() {
            return Err(OAuthError::invalid_request("a parameter was repeated"));
        }
    }
    Ok(params)
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Client authentication, as the client registered: `client_secret_basic`
/// (`Authorization: Basic base64(id:secret)`, each form-urlencoded) or
/// `private_key_jwt` (a signed assertion, `jti` single-use). An unknown
/// client costs the same argon2 work as a known one.
pub async fn authenticate(
    app: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> OAuthResult<ClientRow> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    if let Some(b64) = basic {
        return authenticate_basic(app, b64).await;
    }
    if params.get("client_assertion_type").map(String::as_str) == Some(JWT_BEARER) {
        let jwt = params
            .get("client_assertion")
            .ok_or_else(OAuthError::invalid_client)?;
        return authenticate_jwt(app, jwt).await;
    }
    Err(OAuthError::invalid_client())
}

async fn authenticate_basic(app: &AppState, b64: &str) -> OAuthResult<ClientRow> {
    let creds = STANDARD
        .decode(b64.trim())
        .ok()
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
    let client = app
        .storage
        .find_client(&client_id)
        .await?
        .filter(|c| c.enabled);
    let ok = match &client {
        Some(c) if c.auth_method == "client_secret_basic" => {
            verify_secret(secret, c.secret_hash.clone()).await?
        }
        _ => {
            let _ = hash_secret(secret.to_string()).await;
            false
        }
    };
    match client {
        Some(c) if ok => Ok(c),
        _ => Err(OAuthError::invalid_client()),
    }
}

async fn authenticate_jwt(app: &AppState, jwt: &str) -> OAuthResult<ClientRow> {
    let client_id = crate::jose::assertion_issuer(jwt).map_err(|_| OAuthError::invalid_client())?;
    let client = app
        .storage
        .find_client(&client_id)
        .await?
        .filter(|c| c.enabled && c.auth_method == "private_key_jwt")
        .ok_or_else(OAuthError::invalid_client)?;
    let jwks = client
        .jwks
        .as_deref()
        .ok_or_else(OAuthError::invalid_client)?;
    let now = app.now_secs();
    let claims =
        crate::jose::verify_assertion(jwt, jwks, &client.client_id, &app.config.issuer(), now)
            .map_err(|e| {
                tracing::info!(client = %client.client_id, error = %e, "client assertion refused");
                OAuthError::invalid_client()
            })?;
    let jti_key = sha256_hex(&format!("assertion:{}:{}", client.client_id, claims.jti));
    if !app
        .storage
        .remember_jti(&jti_key, claims.exp + crate::jose::SKEW_SECS, now)
        .await?
    {
        tracing::info!(client = %client.client_id, "client assertion jti replayed");
        return Err(OAuthError::invalid_client());
    }
    Ok(client)
}

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
    let checked = crate::jose::verify_dpop(proof, "POST", &app.config.url(path), None, now)
        .map_err(|e| {
            tracing::info!(error = %e, "DPoP proof refused");
            OAuthError::invalid_dpop("invalid DPoP proof")
        })?;
    let key = sha256_hex(&format!("dpop:{}:{}", checked.jkt, checked.jti));
    if !app
        .storage
        .remember_jti(&key, checked.iat + 2 * crate::jose::SKEW_SECS, now)
        .await?
    {
        return Err(OAuthError::invalid_dpop("DPoP proof replayed"));
    }
    Ok(Some(checked.jkt))
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
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Response> {
    let req = params_of(form)?;
    let client = authenticate(&app, &headers, &req).await?;
    let jkt = dpop_at(&app, &headers, "/oauth/token").await?;
    if client.require_dpop && jkt.is_none() {
        return Err(OAuthError::invalid_dpop(
            "this client must send a DPoP proof",
        ));
    }
    let client_id = client.client_id.as_str();
    let issued = match req.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange_code(&app, client_id, &req, jkt.as_deref()).await?,
        Some("refresh_token") => refresh(&app, client_id, &req, jkt.as_deref()).await?,
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
    req: &Params,
    jkt: Option<&str>,
) -> OAuthResult<TokenResponse> {
    let now = app.now_secs();
    let code = req
        .get("code")
        .ok_or(OAuthError::invalid_request("code is required"))?;
    let verifier = req
        .get("code_verifier")
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
    // A code bound at PAR (RFC 9449 §10) is exchanged only with that key.
    if let Some(bound) = row.dpop_jkt.as_deref()
        && jkt != Some(bound)
    {
        return Err(OAuthError::invalid_dpop(
            "the code is bound to another DPoP key",
        ));
    }
    if req.get("redirect_uri") != Some(&row.redirect_uri) {
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
    let grant = Grant {
        client_id,
        consent_id: row.consent_id,
        scope: &row.scope,
        consent_expires_at: row.consent_expires_at,
    };
    issue(app, &grant, now, jkt, None).await
}

async fn refresh(
    app: &AppState,
    client_id: &str,
    req: &Params,
    jkt: Option<&str>,
) -> OAuthResult<TokenResponse> {
    let now = app.now_secs();
    let presented = req
        .get("refresh_token")
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
    let grant = Grant {
        client_id,
        consent_id: row.consent_id,
        scope: &row.scope,
        consent_expires_at: row.consent_expires_at,
    };
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
    if !app.storage.rotate_refresh(&hash, now).await? {
        app.storage
            .revoke_grant(row.consent_id, "refresh_reuse", now)
            .await?;
        return Err(OAuthError::invalid_grant("refresh token reused"));
    }
    issue(app, &grant, now, jkt, None).await
}

/// Live: not revoked, not expired, and its consent neither revoked nor past
/// its 30 days.
fn is_live(t: &TokenRow, now: i64) -> bool {
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

/// Issues an access token and, unless `keep_refresh` (a DPoP-bound refresh
/// token, which is not rotated), a new refresh token; bound to `jkt` when
/// the client sent a DPoP proof.
async fn issue(
    app: &AppState,
    g: &Grant<'_>,
    now: i64,
    jkt: Option<&str>,
    keep_refresh: Option<&str>,
) -> OAuthResult<TokenResponse> {
    let access = random_token();
    let mut new_tokens = vec![(
        access.clone(),
        "access",
        (now + ACCESS_SECS).min(g.consent_expires_at),
    )];
    let refresh = match keep_refresh {
        Some(r) => r.to_owned(),
        None => {
            let r = random_token();
            new_tokens.push((r.clone(), "refresh", g.consent_expires_at));
            r
        }
    };
    for (token, kind, expires_at) in &new_tokens {
        app.storage
            .insert_token(NewToken {
                token_hash: &sha256_hex(token),
                kind,
                consent_id: g.consent_id,
                client_id: g.client_id,
                scope: g.scope,
                issued_at: now,
                expires_at: *expires_at,
                dpop_jkt: jkt,
            })
            .await?;
    }
    Ok(TokenResponse {
        access_token: access,
        token_type: if jkt.is_some() { "DPoP" } else { "Bearer" }.into(),
        expires_in: ACCESS_SECS.min(g.consent_expires_at - now),
        refresh_token: refresh,
        scope: g.scope.to_owned(),
        consent_expires_at: g.consent_expires_at,
    })
}

/// RFC 7009. Revoking either token of a grant ends the whole grant (the
/// customer's linkage), at once. Unknown tokens are not an error.
async fn revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Response> {
    let params = params_of(form)?;
    let client_id = authenticate(&app, &headers, &params).await?.client_id;
    let Some(token) = params.get("token") else {
        return Err(OAuthError::invalid_request("token is required"));
    };
    if let Some(row) = app.storage.find_token(&sha256_hex(token)).await?
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
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Json<serde_json::Value>> {
    let params = params_of(form)?;
    let client_id = authenticate(&app, &headers, &params).await?.client_id;
    let Some(token) = params.get("token") else {
        return Err(OAuthError::invalid_request("token is required"));
    };
    let now = app.now_secs();
    let answer = match app.storage.find_token(&sha256_hex(token)).await? {
        Some(row) if row.client_id == client_id && is_live(&row, now) => json!({
            "active": true,
            "client_id": row.client_id,
            "scope": row.scope,
            "token_type": match (row.kind.as_str(), row.dpop_jkt.is_some()) {
                ("access", true) => "DPoP",
                ("access", false) => "Bearer",
                _ => "refresh_token",
            },
            "cnf": row.dpop_jkt.as_ref().map(|jkt| json!({"jkt": jkt})),
            "iat": row.issued_at,
            "exp": row.expires_at,
            "iss": app.config.issuer(),
            "consent_expires_at": row.consent_expires_at,
        }),
        _ => json!({"active": false}),
    };
    Ok(Json(answer))
}
