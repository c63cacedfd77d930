//! Registering a fintech app (platform admin): one registration for the
//! whole platform, its secret shown once, off at every union until that
//! union (or platform staff for it) switches it on. Logged in the
//! platform's log.

use super::PlatformStaff;
use crate::admin::clients::{ClientKeys, ClientOptions};
use crate::error::{ApiJson, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use renkei_shared::ErrorCode;
use renkei_shared::staff::{AppRegistered, NewApp, StaffRole};

pub async fn register(
    State(app): State<AppState>,
    PlatformStaff(staff): PlatformStaff,
    ApiJson(body): ApiJson<NewApp>,
) -> AppResult<Json<AppRegistered>> {
    staff.require(StaffRole::Admin)?;
    let name = body.name.trim();
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    if name.is_empty() || body.redirect_uris.is_empty() {
        return Err(ErrorCode::RequiredMissing.into());
    }
    let keys = match (given(body.jwks), given(body.jwks_uri)) {
        (Some(_), Some(_)) => return Err(ErrorCode::InvalidInput.into()),
        (Some(set), None) => Some(ClientKeys::Uploaded(set)),
        (None, Some(uri)) => Some(ClientKeys::Url(uri.trim().to_owned())),
        (None, None) => None,
    };
    let options = ClientOptions {
        keys,
        require_par: body.require_par,
        require_dpop: body.require_dpop,
    };
    // The registration's own checks (exact https redirect URIs, a usable
    // JWK Set, one that its URL serves) answer as one invalid input,
    // logged with their reason.
    let added = staff
        .platform_context(&app)
        .add_client(name, &body.redirect_uris, &options)
        .await
        .map_err(|e| {
            tracing::info!(error = %e, "app registration refused");
            ErrorCode::InvalidInput
        })?;
    Ok(Json(AppRegistered {
        client_id: added.client_id,
        secret: added.secret,
    }))
}
