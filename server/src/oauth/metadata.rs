//! RFC 8414 authorization server metadata. It lists what is actually
//! implemented and nothing else; endpoints join it as they arrive.

use crate::config::Profile;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::oauth::{
    AUTHORIZE_PATH, INTROSPECT_PATH, Metadata, PAR_PATH, REVOKE_PATH, Scope, TOKEN_PATH,
};
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
    responses((status = 200, description = "RFC 8414 metadata", body = Metadata))
)]
pub async fn metadata(app: Union) -> Json<Metadata> {
    let c = &app.config;
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let auth = strings(auth_methods(c.oauth.profile));
    Json(Metadata {
        issuer: app.issuer(),
        authorization_endpoint: app.url(AUTHORIZE_PATH),
        response_types_supported: strings(&["code"]),
        response_modes_supported: strings(&["query"]),
        token_endpoint: app.url(TOKEN_PATH),
        revocation_endpoint: app.url(REVOKE_PATH),
        introspection_endpoint: app.url(INTROSPECT_PATH),
        grant_types_supported: strings(&["authorization_code", "refresh_token"]),
        pushed_authorization_request_endpoint: app.url(PAR_PATH),
        require_pushed_authorization_requests: c.oauth.require_par,
        token_endpoint_auth_methods_supported: auth.clone(),
        token_endpoint_auth_signing_alg_values_supported: strings(super::jose::ALGORITHMS),
        revocation_endpoint_auth_methods_supported: auth.clone(),
        introspection_endpoint_auth_methods_supported: auth,
        dpop_signing_alg_values_supported: strings(super::jose::ALGORITHMS),
        code_challenge_methods_supported: strings(&["S256"]),
        scopes_supported: Scope::ALL.iter().map(|s| s.code().to_owned()).collect(),
        authorization_response_iss_parameter_supported: true,
    })
}
