//! RFC 7009 token revocation: revoking either token of a grant ends the
//! whole grant (the customer's linkage), at once.

use super::client_auth::authenticate;
use super::error::{OAuthError, OAuthResult, params_of};
use crate::crypto::sha256_hex;
use crate::db::RevokedBy;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/oauth/revoke", post(revoke))
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
            .revoke_grant(row.consent_id, RevokedBy::App, app.now_secs())
            .await?;
    }
    Ok(StatusCode::OK.into_response())
}
