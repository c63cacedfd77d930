//! Pushed authorization requests (RFC 9126), as FAPI 2.0 requires: the
//! client authenticates and pushes its request here; the browser then
//! carries only `client_id` and the one-time `request_uri` to
//! `/oauth/authorize`, so nothing in the request can be altered on the way.

use super::authorize::{AuthorizeParams, Refusal, validate};
use super::client_auth::ClientRequest;
use super::error::{OAuthError, OAuthResult};
use crate::crypto::{random_token, sha256_hex};
use crate::state::AppState;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use renkei_shared::oauth::ClientId;
use renkei_shared::oauth::{OAuthErrorBody, ParAnswer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Well under the 600 s the RFC allows: the browser goes there at once.
pub const PAR_SECS: i64 = 90;
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(push))
}

#[utoipa::path(
    post,
    path = renkei_shared::oauth::PAR_PATH,
    tag = "oauth",
    description = "Pushed authorization request (RFC 9126).",
    request_body(content = renkei_shared::oauth::ParForm, content_type = "application/x-www-form-urlencoded"),
    security(("client_secret_basic" = []), ("private_key_jwt" = [])),
    responses(
        (status = 201, description = "The request URI (RFC 9126)", body = renkei_shared::oauth::ParAnswer,
            headers(("dpop-nonce" = String, description = "The DPoP nonce to use next, when `RENKEI_DPOP_NONCE` is on"))),
        crate::oauth::error::OAuthErrors
    )
)]
pub async fn push(req: ClientRequest) -> OAuthResult<Response> {
    let app = req.union.clone();
    // A proof here is checked too, so a broken DPoP setup fails early.
    let jkt = req.dpop(&app, renkei_shared::oauth::PAR_PATH).await?;
    let ClientRequest { client, params, .. } = req;
    if params.contains_key("request_uri") {
        return Err(OAuthError::invalid_request(
            "request_uri is not allowed here",
        ));
    }
    if params
        .get("client_id")
        .is_some_and(|id| ClientId::new(id.as_str()) != client.client_id)
    {
        return Err(OAuthError::invalid_request(
            "client_id does not match the authenticated client",
        ));
    }
    let get = |k: &str| params.get(k).cloned();
    let request = AuthorizeParams {
        response_type: get("response_type"),
        client_id: Some(client.client_id.to_string()),
        redirect_uri: get("redirect_uri"),
        scope: get("scope"),
        state: get("state"),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        dpop_jkt: jkt.clone().or_else(|| get("dpop_jkt")),
        request_uri: None,
    };
    if let (Some(proof_key), Some(param)) = (&jkt, params.get("dpop_jkt"))
        && proof_key != param
    {
        return Err(OAuthError::invalid_dpop(
            "dpop_jkt does not match the DPoP proof",
        ));
    }
    match validate(&request, &client) {
        Ok(_) => {}
        Err(Refusal::Page(_)) => {
            return Err(OAuthError::invalid_request(
                "redirect_uri is not registered for this client",
            ));
        }
        Err(Refusal::Redirect(_, error, description)) => {
            return Ok((
                StatusCode::BAD_REQUEST,
                Json(OAuthErrorBody {
                    error: error.to_owned(),
                    error_description: Some(description.to_owned()),
                }),
            )
                .into_response());
        }
    }
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", random_token());
    let stored = serde_json::to_string(&request).map_err(anyhow::Error::from)?;
    app.tenant
        .insert_par(
            &sha256_hex(&request_uri),
            &client.client_id,
            &stored,
            app.now_secs() + PAR_SECS,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ParAnswer {
            request_uri,
            expires_in: PAR_SECS,
        }),
    )
        .into_response())
}
