//! RFC 7662 token introspection; a client learns only about its own tokens.

use super::client_auth::ClientRequest;
use super::error::OAuthResult;
use crate::crypto::sha256_hex;
use crate::db::TokenKind;
use crate::state::AppState;
use axum::Json;
use renkei_shared::oauth::{Cnf, Introspection};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(introspect))
}

/// RFC 7662. A client learns only about its own tokens.
#[utoipa::path(
    post,
    path = renkei_shared::oauth::INTROSPECT_PATH,
    tag = "oauth",
    description = "Token introspection (RFC 7662), for the app's own tokens.",
    request_body(content = renkei_shared::oauth::TokenOnlyForm, content_type = "application/x-www-form-urlencoded"),
    security(("client_secret_basic" = []), ("private_key_jwt" = [])),
    responses(
        (status = 200, description = "RFC 7662", body = renkei_shared::oauth::Introspection),
        crate::oauth::error::OAuthErrors
    )
)]
pub async fn introspect(req: ClientRequest) -> OAuthResult<Json<Introspection>> {
    let app = req.union.clone();
    let client_id = &req.client.client_id;
    let token = req.required("token", "token is required")?;
    let now = app.now_secs();
    let answer = match app.tenant.find_token(&sha256_hex(token)).await? {
        Some(row)
            if row.client_id == *client_id
                && super::token::is_live(&row, now)
                && !app.institution.suspended =>
        {
            Introspection {
                active: true,
                token_type: Some(
                    match (row.kind, row.dpop_jkt.is_some()) {
                        (TokenKind::Access, true) => "DPoP",
                        (TokenKind::Access, false) => "Bearer",
                        (TokenKind::Refresh, _) => "refresh_token",
                    }
                    .to_owned(),
                ),
                client_id: Some(row.client_id),
                scope: Some(row.scope),
                cnf: row.dpop_jkt.map(|jkt| Cnf { jkt }),
                iat: Some(row.issued_at),
                exp: Some(row.expires_at),
                iss: Some(app.issuer()),
                consent_expires_at: Some(row.consent_expires_at),
            }
        }
        // Not the caller's, not live, or unknown: the same answer (RFC 7662 §2.2).
        _ => Introspection::default(),
    };
    Ok(Json(answer))
}
