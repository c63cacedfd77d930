//! RFC 8414 authorization server metadata. It lists what is actually
//! implemented and nothing else; endpoints join it as they arrive.

use super::SCOPES;
use crate::config::Profile;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Client authentication: `private_key_jwt` only under FAPI 2.0.
fn auth_methods(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Fapi2 => &["private_key_jwt"],
        Profile::Plain => &["private_key_jwt", "client_secret_basic"],
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metadata))
}

#[utoipa::path(
    get,
    path = renkei_shared::oauth::METADATA_PATH,
    tag = "oauth",
    description = "Authorization server metadata (RFC 8414).",
    responses((status = 200, description = "RFC 8414 metadata", body = Object))
)]
pub async fn metadata(State(state): State<AppState>) -> Json<Value> {
    let c = &state.config;
    Json(json!({
        "issuer": c.issuer(),
        "authorization_endpoint": c.url("/oauth/authorize"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "token_endpoint": c.url("/oauth/token"),
        "revocation_endpoint": c.url("/oauth/revoke"),
        "introspection_endpoint": c.url("/oauth/introspect"),
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "pushed_authorization_request_endpoint": c.url("/oauth/par"),
        "require_pushed_authorization_requests": c.require_par,
        "token_endpoint_auth_methods_supported": auth_methods(c.profile),
        "token_endpoint_auth_signing_alg_values_supported": super::jose::ALGORITHMS,
        "revocation_endpoint_auth_methods_supported": auth_methods(c.profile),
        "introspection_endpoint_auth_methods_supported": auth_methods(c.profile),
        "dpop_signing_alg_values_supported": super::jose::ALGORITHMS,
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": SCOPES,
        "authorization_response_iss_parameter_supported": true,
    }))
}
