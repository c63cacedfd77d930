//! The platform's fintech apps as this union has them: the list, and
//! switching one on or off for this union's customers (supervisor and up,
//! with a reason). Registering an app is the platform's
//! (`platform::apps`): a new app is off here until switched on.

use super::{Staff, StaffUnion, reason};
use crate::db::AuthMethod;
use crate::error::{ApiJson, AppResult};
use axum::Json;
use axum::extract::Path;
use renkei_shared::ErrorCode;
use renkei_shared::staff::Done;
use renkei_shared::staff::{AppEnabled, AppView, StaffRole};

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
                // On here only when this union switched it on (and the
                // platform has not stopped it everywhere).
                enabled: c.enabled && here.is_some_and(|s| s.enabled),
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
    // For this union only: every other union keeps its own switch.
    staff
        .context(&app)
        .switch_app(&client_id, body.enabled, why)
        .await?;
    Ok(Json(Done { changed: 1 }))
}
