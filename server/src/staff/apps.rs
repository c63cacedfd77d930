//! Registered fintech apps: the list and disable/enable for the staff
//! member's union (supervisor and up, with a reason); registering one
//! (admin) — its secret is shown once.

use super::{Staff, StaffUnion, reason};
use crate::admin::clients::{ClientKeys, ClientOptions};
use crate::db::AuthMethod;
use crate::error::{ApiJson, AppResult};
use axum::Json;
use axum::extract::Path;
use renkei_shared::ErrorCode;
use renkei_shared::staff::Done;
use renkei_shared::staff::{AppEnabled, AppRegistered, AppView, NewApp, StaffRole};

pub async fn list(staff: Staff, StaffUnion(app): StaffUnion) -> AppResult<Json<Vec<AppView>>> {
    staff.require(StaffRole::Supervisor)?;
    let switches = app.tenant.app_switches().await?;
    let apps = app
        .storage
        .list_clients()
        .await?
        .into_iter()
        .map(|c| {
            let here = switches.iter().find(|s| s.client_id == c.client_id);
            AppView {
                client_id: c.client_id.to_string(),
                name: c.display_name,
                enabled: c.enabled && here.is_none_or(|s| s.enabled),
                switched_at: here.map(|s| s.changed_at),
                switch_reason: here.map(|s| s.reason.clone()),
                auth_method: match c.auth_method {
                    AuthMethod::ClientSecretBasic => "client_secret_basic",
                    AuthMethod::PrivateKeyJwt => "private_key_jwt",
                }
                .to_owned(),
                require_par: c.require_par,
                require_dpop: c.require_dpop,
                redirect_uris: c
                    .redirect_uris
                    .unwrap_or_default()
                    .split(' ')
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned)
                    .collect(),
                jwks_uri: c.jwks_uri,
            }
        })
        .collect();
    Ok(Json(apps))
}

pub async fn register(
    staff: Staff,
    StaffUnion(app): StaffUnion,
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
        .context(&app)
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

pub async fn set_enabled(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(client_id): Path<String>,
    ApiJson(body): ApiJson<AppEnabled>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Supervisor)?;
    let why = reason(&body.reason)?;
    if app.storage.find_client(&client_id).await?.is_none() {
        return Err(ErrorCode::StaffNotFound.into());
    }
    // For the staff member's union only: the app goes on at every other.
    staff
        .context(&app)
        .switch_app(&client_id, body.enabled, why)
        .await?;
    Ok(Json(Done { changed: 1 }))
}
