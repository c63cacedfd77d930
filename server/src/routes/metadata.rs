//! RFC 8414 authorization server metadata. It lists what is actually
//! implemented and nothing else; endpoints join it as they arrive.

use crate::routes::SCOPES;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new().route("/.well-known/oauth-authorization-server", get(metadata))
}

async fn metadata(State(state): State<AppState>) -> Json<Value> {
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
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": SCOPES,
        "authorization_response_iss_parameter_supported": true,
    }))
}
