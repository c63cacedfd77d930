//! The OAuth 2.0 / FAPI 2.0 authorization server the app talks to.
//!
//! | file | what |
//! |---|---|
//! | `authorize` | `GET /oauth/authorize`: where a linkage is born (opens a flow) |
//! | `par` | pushed authorization requests (RFC 9126) |
//! | `token` | the token endpoint: codes with PKCE, refresh with rotation |
//! | `revoke`, `introspect` | RFC 7009 and RFC 7662 |
//! | `client_auth` | `client_secret_basic` and `private_key_jwt` |
//! | `dpop` | DPoP proofs at the OAuth endpoints |
//! | `nonce` | server-provided DPoP nonces (RFC 9449 §8) |
//! | `jose` | the JWT checks behind both (ES256, PS256, EdDSA only) |
//! | `jwks` | an app's public keys, uploaded or fetched from its `jwks_uri` |
//! | `metadata` | RFC 8414 metadata |
//! | `error` | the OAuth error answer |

pub mod authorize;
pub mod client_auth;
pub mod dpop;
pub mod error;
pub mod introspect;
pub mod jose;
pub mod jwks;
pub mod metadata;
pub mod nonce;
pub mod par;
pub mod revoke;
pub mod token;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// `app` is for the DPoP nonce layer; `None` when only the description is
/// wanted (`renkei-server openapi`).
pub fn router(app: Option<AppState>) -> OpenApiRouter<AppState> {
    // The endpoints that take DPoP proofs hand out the nonce to use next.
    let with_proofs = OpenApiRouter::new()
        .merge(par::router())
        .merge(token::router());
    let with_proofs = match app {
        Some(app) => with_proofs.layer(axum::middleware::from_fn_with_state(
            app,
            dpop::nonce_header,
        )),
        None => with_proofs,
    };
    OpenApiRouter::new()
        .merge(metadata::router())
        .merge(authorize::router())
        .merge(with_proofs)
        .merge(revoke::router())
        .merge(introspect::router())
}
