//! RFC 7009 token revocation: revoking either token of a grant ends the
//! whole grant (the customer's linkage), at once.

use super::client_auth::ClientRequest;
use super::error::OAuthResult;
use crate::crypto::sha256_hex;
use crate::db::RevokedBy;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(revoke))
}

/// RFC 7009. Revoking either token of a grant ends the whole grant (the
/// customer's linkage), at once. Unknown tokens are not an error.
#[utoipa::path(
    post,
    path = renkei_shared::oauth::REVOKE_PATH,
    tag = "oauth",
    description = "Token revocation (RFC 7009): ends the consent.",
    request_body(content = renkei_shared::oauth::TokenOnlyForm, content_type = "application/x-www-form-urlencoded"),
    security(("client_secret_basic" = []), ("private_key_jwt" = [])),
    responses(
        (status = 200, description = "Revoked (or unknown: RFC 7009 §2.2)"),
        crate::oauth::error::OAuthErrors
    )
)]
pub async fn revoke(req: ClientRequest) -> OAuthResult<Response> {
    let app = req.union.clone();
    let client_id = &req.client.client_id;
    let token = req.required("token", "token is required")?;
    if let Some(row) = app.tenant.find_token(&sha256_hex(token)).await?
        && row.client_id == *client_id
    {
        app.tenant
            .revoke_grant(row.consent_id, RevokedBy::App, app.now_secs())
            .await?;
    }
    Ok(StatusCode::OK.into_response())
}
