//! Client authentication at the OAuth endpoints, as the client registered:
//! `client_secret_basic` (not under the FAPI 2.0 profile) or
//! `private_key_jwt` (RFC 7523, `jti` single-use); and [`ClientRequest`],
//! the extractor every authenticated endpoint takes.

use super::dpop::dpop_at;
use super::error::{OAuthError, OAuthResult, Params, params_of};
use super::jose::{Audience, JoseError};
use super::jwks;
use crate::config::Profile;
use crate::crypto::{client_secret_matches, sha256_hex};
use crate::db::{AuthMethod, ClientRow};
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Form;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use renkei_shared::oauth::ClientId;

/// A request to an OAuth endpoint from an authenticated client: the
/// client, the form's parameters (each at most once), the headers, and the
/// union it was made at (resolved here, so a union that cannot be served
/// answers in OAuth's own shape: `temporarily_unavailable`).
pub struct ClientRequest {
    pub union: Union,
    pub client: ClientRow,
    pub params: Params,
    pub headers: HeaderMap,
}

impl FromRequest<AppState> for ClientRequest {
    type Rejection = OAuthError;

    async fn from_request(req: Request, app: &AppState) -> OAuthResult<Self> {
        // An assertion's audience is the request's union's issuer.
        let (mut parts, body) = req.into_parts();
        let scoped = crate::tenancy::Union::of_request(&mut parts, app)
            .await
            .map_err(OAuthError::from)?;
        let req = Request::from_parts(parts, body);
        let headers = req.headers().clone();
        let params = params_of(Form::from_request(req, app).await)?;
        let client = authenticate(&scoped, &headers, &params).await?;
        // An app this union has not switched on is no client of its.
        if !scoped
            .tenant
            .app_switched_on(client.client_id.as_str())
            .await?
        {
            return Err(OAuthError::invalid_client());
        }
        // A `client_id` sent beside the authentication must name the same
        // client (for an assertion: its `iss`).
        if params
            .get("client_id")
            .is_some_and(|id| ClientId::new(id.as_str()) != client.client_id)
        {
            return Err(OAuthError::invalid_client());
        }
        Ok(ClientRequest {
            union: scoped,
            client,
            params,
            headers,
        })
    }
}

impl ClientRequest {
    /// The DPoP proof sent to `path`, checked (see `dpop`); required when
    /// the client was registered to use DPoP. The key's thumbprint.
    pub async fn dpop(&self, app: &Union, path: &str) -> OAuthResult<Option<String>> {
        let jkt = dpop_at(app, &self.headers, path).await?;
        let required = self.client.require_dpop || app.config.oauth.profile == Profile::Fapi2;
        if required && jkt.is_none() {
            return Err(OAuthError::invalid_dpop(
                "this client must send a DPoP proof",
            ));
        }
        Ok(jkt)
    }

    /// A parameter the endpoint requires.
    pub fn required(&self, name: &str, missing: &'static str) -> OAuthResult<&String> {
        self.params
            .get(name)
            .ok_or(OAuthError::invalid_request(missing))
    }
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Client authentication, as the client registered: `client_secret_basic`
/// (`Authorization: Basic base64(id:secret)`, each form-urlencoded) or
/// `private_key_jwt` (a signed assertion, `jti` single-use). An unknown
/// client costs the same work as a known one.
pub async fn authenticate(
    app: &Union,
    headers: &HeaderMap,
    params: &Params,
) -> OAuthResult<ClientRow> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    if let Some(b64) = basic {
        // FAPI 2.0: private_key_jwt only.
        if app.config.oauth.profile == Profile::Fapi2 {
            return Err(OAuthError::invalid_client());
        }
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

async fn authenticate_basic(app: &Union, b64: &str) -> OAuthResult<ClientRow> {
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
    // An unknown client, or one without a secret, is checked against
    // nothing with the same work: no timing tells which ids exist.
    let stored = match &client {
        Some(ClientRow {
            auth_method: AuthMethod::ClientSecretBasic,
            secret_hash,
            ..
        }) => secret_hash.as_deref(),
        _ => None,
    };
    let ok = client_secret_matches(&secret, stored);
    match client {
        Some(c) if ok => Ok(c),
        _ => Err(OAuthError::invalid_client()),
    }
}

async fn authenticate_jwt(app: &Union, jwt: &str) -> OAuthResult<ClientRow> {
    let client_id = super::jose::assertion_issuer(jwt).map_err(|_| OAuthError::invalid_client())?;
    let client = app
        .storage
        .find_client(&client_id)
        .await?
        .filter(|c| c.enabled && c.auth_method == AuthMethod::PrivateKeyJwt)
        .ok_or_else(OAuthError::invalid_client)?;
    let now = app.now_secs();
    let issuer = app.issuer();
    let audience = match app.config.oauth.profile {
        Profile::Fapi2 => Audience::IssuerOnly(&issuer),
        Profile::Plain => Audience::Issuer(&issuer),
    };
    let verify =
        |jwks: &str| super::jose::verify_assertion(jwt, jwks, &client.client_id, audience, now);
    let mut jwks = client.jwks.clone().ok_or_else(OAuthError::invalid_client)?;
    // Keys at a URL: a copy past its age is fetched again before use, and
    // one that fails the assertion (a key just added) once more after.
    let mut fetched = false;
    let stale = client
        .jwks_checked_at
        .is_none_or(|t| now - t >= jwks::MAX_AGE_SECS);
    if client.jwks_uri.is_some() && stale {
        fetched = true;
        if let Some(fresh) = refresh_jwks(app, &client, now).await? {
            jwks = fresh;
        }
    }
    let mut verified = verify(&jwks);
    if matches!(verified, Err(JoseError::Signature | JoseError::Key))
        && client.jwks_uri.is_some()
        && !fetched
        && let Some(fresh) = refresh_jwks(app, &client, now).await?
    {
        verified = verify(&fresh);
    }
    let claims = verified.map_err(|e| {
        tracing::info!(client = %client.client_id, error = %e, "client assertion refused");
        OAuthError::invalid_client()
    })?;
    let jti_key = sha256_hex(&format!("assertion:{}:{}", client.client_id, claims.jti));
    if !app
        .storage
        .remember_jti(&jti_key, claims.exp + super::jose::SKEW_SECS, now)
        .await?
    {
        tracing::info!(client = %client.client_id, "client assertion jti replayed");
        return Err(OAuthError::invalid_client());
    }
    Ok(client)
}

/// Asks the app's `jwks_uri` again, if no request did within the last
/// minute (across instances), and keeps what it serves. `None` when it was
/// not asked or did not answer with a usable JWK Set: the copy held stays.
async fn refresh_jwks(app: &Union, client: &ClientRow, now: i64) -> OAuthResult<Option<String>> {
    let Some(uri) = &client.jwks_uri else {
        return Ok(None);
    };
    let id = &client.client_id;
    if !app
        .storage
        .claim_jwks_check(id, now, jwks::MIN_INTERVAL_SECS)
        .await?
    {
        return Ok(None);
    }
    // The fetch holds no connection of the request's.
    app.tenant.release().await;
    match jwks::fetch(uri, app.config.oauth.jwks_allow_loopback).await {
        Ok(set) => {
            app.storage.store_fetched_jwks(id, &set).await?;
            Ok(Some(set))
        }
        Err(e) => {
            tracing::warn!(client = %id, error = %e, "the app's jwks_uri gave no usable JWK Set; its last copy stays");
            Ok(None)
        }
    }
}
