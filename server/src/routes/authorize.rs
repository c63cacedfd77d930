//! `GET /oauth/authorize`: where a linkage is born. The app sends the
//! customer's browser here; we check the request, open a flow record on the
//! server and send the browser to SOA201.
//!
//! Order matters (RFC 6749 §4.1.2.1): until the client and the exact
//! redirect URI are known good we show an error page and never redirect,
//! so nobody can use us as an open redirector. After that, errors go back
//! to the app with `error`, `state` and `iss` (RFC 9207).

use crate::error::{AppError, AppResult};
use crate::pages::{error_page, unavailable_page};
use crate::routes::SCOPES;
use crate::routes::flow::ensure_open;
use crate::security::{flow_cookie, random_token, sha256_hex};
use crate::state::AppState;
use crate::storage::NewFlow;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use renkei_shared::ErrorCode;
use renkei_shared::api::Step;
use serde::Deserialize;
use url::Url;

pub fn router() -> Router<AppState> {
    Router::new().route("/oauth/authorize", get(authorize))
}

#[derive(Debug, Deserialize)]
pub struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

async fn authorize(
    State(app): State<AppState>,
    jar: CookieJar,
    // A malformed query string must still get our page, not axum's text.
    params: Result<Query<AuthorizeParams>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Response> {
    let Ok(Query(p)) = params else {
        return Ok(bad_client("リクエストの形式が正しくありません。"));
    };
    let Some(client_id) = p.client_id.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(bad_client("アプリの識別子が指定されていません。"));
    };
    let Some(client) = app.storage.find_client(client_id).await? else {
        return Ok(bad_client("ご利用のアプリは登録されていません。"));
    };
    let Some(redirect_uri) = p
        .redirect_uri
        .as_deref()
        .filter(|r| client.redirect_uris().iter().any(|u| u == r))
    else {
        return Ok(bad_client("アプリの戻り先が登録されたものと一致しません。"));
    };

    // From here on the redirect URI is trusted: errors go back to the app.
    let back = |error: &str, description: &str| {
        error_redirect(&app, redirect_uri, error, description, p.state.as_deref())
    };
    // The customer is told why in the seed's words, with a way back.
    let unavailable = |code: ErrorCode| {
        let back_to = app_return_url(
            &app,
            redirect_uri,
            "temporarily_unavailable",
            None,
            p.state.as_deref(),
        );
        unavailable_page(code.message(), &back_to)
    };
    if !client.enabled {
        return Ok(unavailable(ErrorCode::ServiceUnavailable));
    }
    match ensure_open(&app).await {
        Ok(()) => {}
        Err(AppError::Code(code)) => return Ok(unavailable(code)),
        Err(e) => return Err(e),
    }
    if p.response_type.as_deref() != Some("code") {
        return Ok(back(
            "unsupported_response_type",
            "response_type must be code",
        ));
    }
    let Some(state) = p
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= 512)
    else {
        return Ok(back("invalid_request", "state is required"));
    };
    if p.code_challenge_method.as_deref() != Some("S256") {
        return Ok(back(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    let Some(challenge) = p.code_challenge.as_deref().filter(|c| is_pkce_challenge(c)) else {
        return Ok(back(
            "invalid_request",
            "code_challenge is required (43 base64url characters)",
        ));
    };
    let scope = p.scope.as_deref().unwrap_or("").trim();
    if scope.is_empty() || !scope.split(' ').all(|s| SCOPES.contains(&s)) {
        return Ok(back("invalid_scope", "unknown scope"));
    }

    let token = random_token();
    let now = app.now_secs();
    let ttl = app.config.flow_ttl_secs;
    let csrf = random_token();
    let flow_id = sha256_hex(&token);
    app.storage
        .create_flow(NewFlow {
            id: &flow_id,
            client_id,
            redirect_uri,
            state,
            scope,
            code_challenge: challenge,
            csrf_token: &csrf,
            now,
            expires_at: now + ttl,
        })
        .await?;
    app.storage
        .log_operation(crate::storage::OpLog {
            at: now,
            flow_id: Some(&flow_id),
            client_id: Some(client_id),
            step: "authorize",
            outcome: "started",
            ..Default::default()
        })
        .await?;
    let jar = jar.add(flow_cookie(token, app.config.secure_cookies()));
    Ok((jar, Redirect::to(Step::Account.path())).into_response())
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
    app: &AppState,
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
    app: &AppState,
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
                q.append_pair("iss", &app.config.issuer());
            }
            url.into()
        }
        // Registered URIs are validated at registration; this is defensive.
        Err(_) => redirect_uri.to_owned(),
    }
}
