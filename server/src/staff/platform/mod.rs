//! The platform's actions in the console: what takes effect at more than
//! one credit union, or at the platform itself — registering an app (off at
//! every union until each switches it on), the list of unions, suspending
//! or resuming one. Platform staff only: a union's member is refused every
//! route here (`staff_forbidden`, logged at the member's union). Each
//! change is logged in the platform's log and in the affected unions'.

pub mod apps;
pub mod institutions;

use super::Staff;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};
use renkei_shared::staff::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PLATFORM_APPS, post(apps::register))
        .route(paths::INSTITUTIONS, get(institutions::list))
        .route(paths::INSTITUTION_STATE, post(institutions::set_state))
}

/// A platform staff member (no union of their own). As an extractor it
/// refuses a union's member with `staff_forbidden`, logged.
pub struct PlatformStaff(pub Staff);

impl FromRequestParts<AppState> for PlatformStaff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<PlatformStaff> {
        let staff = Staff::from_request_parts(parts, app).await?;
        if staff.institution.is_some() {
            return Err(staff.refuse_platform_action(app, parts.uri.path()).await);
        }
        Ok(PlatformStaff(staff))
    }
}
