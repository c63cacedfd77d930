//! The OpenAPI 3.1 contract's frame: its title, tags and security schemes.
//! The paths come from where they are served — each area's router
//! registers a handler and its `#[utoipa::path]` in one `routes!` call,
//! with the path declared once beside its wire types in `renkei-shared` —
//! and `startup::documented` merges them into this frame. The document is
//! served at `/openapi.json` and kept in the repo as `docs/openapi.json`
//! (`renkei-server openapi > docs/openapi.json`; a test in `startup` fails
//! when the two differ). The test command runs schemathesis against a live
//! server with it.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Renkei API連携認証",
        description = "The credit union's API linkage authentication: the customer's screens' JSON API (`/api/flow/*`, an HttpOnly flow cookie and the `x-renkei-csrf` header), the OAuth 2.0 / FAPI 2.0 endpoints for fintech apps, the account-information API, the carrier's call webhook and the health endpoints. Every error of the flow and account APIs is `{code, message, fields}` with one stable code; the OAuth endpoints answer RFC 6749 errors."
    ),
    components(schemas(
        renkei_shared::ErrorCode,
        renkei_shared::FieldCode,
        renkei_shared::oauth::OAuthErrorBody
    )),
    modifiers(&Security),
    tags(
        (name = "flow", description = "The customer's screens (SOA201 → SOA206)"),
        (name = "oauth", description = "For fintech apps"),
        (name = "accounts", description = "The account-information API"),
        (name = "telephony", description = "The carrier's webhooks"),
        (name = "operations", description = "Health")
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "client_secret_basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        c.add_security_scheme(
            "private_key_jwt",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        c.add_security_scheme(
            "dpop",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// A document as the repo keeps it and `/openapi.json` serves it.
pub fn to_json(doc: &utoipa::openapi::OpenApi) -> String {
    doc.to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
