//! `GET /oauth/authorize`: where a linkage is born. The app sends the
//! customer's browser here; we check the request, open a flow record on the
//! server and send the browser to SOA201.
//!
//! Order matters (RFC 6749 §4.1.2.1): until the client and the exact
//! redirect URI are known good we show an error page and never redirect,
//! so nobody can use us as an open redirector. After that, errors go back
//! to the app with `error`, `state` and `iss` (RFC 9207).

use crate::crypto::{random_token, sha256_hex};
use crate::db::{ClientRow, LogStep, NewFlow, OpLog, Outcome};
use crate::error::{AppError, AppResult};
use crate::flow::extract::ensure_open;
use crate::http::pages::{error_page, unavailable_page};
use crate::http::security::flow_cookie;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use renkei_shared::ErrorCode;
use renkei_shared::api::Step;
use renkei_shared::oauth::Scope;
use serde::{Deserialize, Serialize};
use url::Url;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(authorize))
}

/// An authorization request, from the query string or pushed (PAR): the
/// request itself, or `client_id` + `request_uri` after PAR.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    /// RFC 9449 §10: the key the code will be bound to (from the DPoP proof
    /// sent with the pushed request, or the parameter).
    #[serde(default)]
    pub dpop_jkt: Option<String>,
    #[serde(default, skip_serializing)]
    pub request_uri: Option<String>,
}

/// A request that passed every check.
pub struct ValidRequest<'a> {
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub scope: &'a str,
    pub code_challenge: &'a str,
}

/// Why a request was refused: before the redirect URI is trusted only a
/// page may be shown; after, the error goes back to the app.
pub enum Refusal<'a> {
    Page(&'static str),
    /// To the (already checked) redirect URI: `error`, `error_description`.
    Redirect(&'a str, &'static str, &'static str),
}

/// Every check of an authorization request except who the client is.
pub fn validate<'a>(
    p: &'a AuthorizeParams,
    client: &ClientRow,
) -> Result<ValidRequest<'a>, Refusal<'a>> {
    let redirect_uri = p
        .redirect_uri
        .as_deref()
        .filter(|r| client.redirect_uris.iter().any(|u| u == r))
        .ok_or(Refusal::Page(
            "アプリの戻り先が登録されたものと一致しません。",
        ))?;
    if p.response_type.as_deref() != Some("code") {
        return Err(Refusal::Redirect(
            redirect_uri,
            "unsupported_response_type",
            "response_type must be code",
        ));
    }
    let state = p
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= 512)
        .ok_or(Refusal::Redirect(
            redirect_uri,
            "invalid_request",
            "state is required",
        ))?;
    if p.code_challenge_method.as_deref() != Some("S256") {
        return Err(Refusal::Redirect(
            redirect_uri,
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    let code_challenge = p
        .code_challenge
        .as_deref()
        .filter(|c| is_pkce_challenge(c))
        .ok_or(Refusal::Redirect(
            redirect_uri,
            "invalid_request",
            "code_challenge is required (43 base64url characters)",
        ))?;
    let scope = p.scope.as_deref().unwrap_or("").trim();
    if Scope::parse_list(scope).is_none() {
        return Err(Refusal::Redirect(
            redirect_uri,
            "invalid_scope",
            "unknown scope",
        ));
    }
    Ok(ValidRequest {
        redirect_uri,
        state,
        scope,
        code_challenge,
    })
}

#[utoipa::path(
    get,
    path = renkei_shared::oauth::AUTHORIZE_PATH,
    tag = "oauth",
    description = "The authorization endpoint: starts a linkage and sends the browser to SOA201, or back to the app with an error.",
    params(AuthorizeParams),
    responses(
        (status = 303, description = "To SOA201, or back to the app's redirect URI with `error`", headers(("Location" = String))),
        (status = 400, description = "An error page: unknown client or redirect URI (never a redirect)", content_type = "text/html"),
        (status = 500, description = "An error page", content_type = "text/html"),
        (status = 503, description = "An error page: busy or closed", content_type = "text/html")
    )
)]
pub async fn authorize(
    app: Union,
    jar: CookieJar,
    // A malformed query string must still get our page, not axum's text.
    params: Result<Query<AuthorizeParams>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Response> {
    let Ok(Query(query)) = params else {
        return Ok(bad_client("リクエストの形式が正しくありません。"));
    };
    let Some(client_id) = query.client_id.clone().filter(|s| !s.is_empty()) else {
        return Ok(bad_client("アプリの識別子が指定されていません。"));
    };
    let Some(client) = app.storage.find_client(&client_id).await? else {
        return Ok(bad_client("ご利用のアプリは登録されていません。"));
    };
    // A pushed request (RFC 9126) replaces the query, once.
    let p = match &query.request_uri {
        Some(uri) => {
            let stored = app
                .tenant
                .take_par(&sha256_hex(uri), &client_id, app.now_secs())
                .await?;
            match stored.and_then(|json| serde_json::from_str::<AuthorizeParams>(&json).ok()) {
                Some(pushed) => pushed,
                None => {
                    return Ok(bad_client(
                        "リクエストの有効期限が切れているか、既に使用されています。",
                    ));
                }
            }
        }
        None => query.clone(),
    };
    let req = match validate(&p, &client) {
        Ok(r) => r,
        Err(Refusal::Page(why)) => return Ok(bad_client(why)),
        Err(Refusal::Redirect(uri, error, description)) => {
            return Ok(error_redirect(
                &app,
                uri,
                error,
                description,
                p.state.as_deref(),
            ));
        }
    };
    // From here on the redirect URI is trusted: errors go back to the app.
    if query.request_uri.is_none() && (app.config.oauth.require_par || client.require_par) {
        return Ok(error_redirect(
            &app,
            req.redirect_uri,
            "invalid_request",
            "a pushed authorization request (PAR) is required",
            Some(req.state),
        ));
    }
    // The customer is told why in the seed's words, with a way back.
    let unavailable = |code: ErrorCode| {
        let back_to = app_return_url(
            &app,
            req.redirect_uri,
            "temporarily_unavailable",
            None,
            Some(req.state),
        );
        unavailable_page(code.message(), &back_to)
    };
    // An app is this union's only once switched on here.
    let switched_on = app.tenant.app_switched_on(client_id.as_str()).await?;
    if !client.enabled || app.institution.suspended || !switched_on {
        return Ok(unavailable(ErrorCode::ServiceUnavailable));
    }
    match ensure_open(&app).await {
        Ok(()) => {}
        Err(AppError::Code(code)) => return Ok(unavailable(code)),
        Err(e) => return Err(e),
    }
    let ValidRequest {
        redirect_uri,
        state,
        scope,
        code_challenge: challenge,
    } = req;
    let client_id = client_id.as_str();

    let token = random_token();
    let now = app.now_secs();
    let ttl = app.config.flow_ttl_secs;
    let csrf = random_token();
    let flow_id = sha256_hex(&token);
    app.tenant
        .create_flow(
            NewFlow {
                id: &flow_id,
                client_id,
                redirect_uri,
                state,
                scope,
                code_challenge: challenge,
                dpop_jkt: p.dpop_jkt.as_deref(),
                csrf_token: &csrf,
                now,
                expires_at: now + ttl,
            },
            OpLog {
                flow_id: Some(&flow_id),
                client_id: Some(client_id),
                ..OpLog::new(now, LogStep::Authorize, Outcome::Started)
            },
        )
        .await?;
    let jar = jar.add(flow_cookie(token, app.config.secure_cookies()));
    Ok((jar, Redirect::to(&app.path(Step::Account.path()))).into_response())
}

/// PKCE S256 challenges are exactly 43 base64url characters (RFC 7636).
fn is_pkce_challenge(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn bad_client(detail: &str) -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "API連携認証を開始できません",
        detail,
    )
}

/// `redirect_uri?error=..&error_description=..&state=..&iss=..` as a 303.
pub fn error_redirect(
    app: &Union,
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let location = app_return_url(app, redirect_uri, error, Some(description), state);
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The URL that sends the browser back to the app with an error.
pub fn app_return_url(
    app: &Union,
    redirect_uri: &str,
    error: &str,
    description: Option<&str>,
    state: Option<&str>,
) -> String {
    match Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("error", error);
                if let Some(d) = description {
                    q.append_pair("error_description", d);
                }
                if let Some(s) = state {
                    q.append_pair("state", s);
                }
                q.append_pair("iss", &app.issuer());
            }
            url.into()
        }
        // Registered URIs are validated at registration; this is defensive.
        Err(_) => redirect_uri.to_owned(),
    }
}
