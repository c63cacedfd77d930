//! The platform's credit unions, for platform staff (issue #22): a
//! searchable page of them in code order, each with its last 30 days beside
//! the others', and (platform admin) suspending or resuming one with a
//! reason. A union's own staff are refused, and the refusal is logged.

use super::PlatformStaff;
use crate::db::InstitutionState;
use crate::error::{ApiJson, AppResult};
use crate::staff::reason;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use renkei_shared::ErrorCode;
use renkei_shared::staff::{
    Done, InstitutionStateChange, InstitutionView, InstitutionsPage, InstitutionsQuery, StaffRole,
};

/// Unions a page holds: 300 unions stay a few pages, found by search.
const PAGE: i64 = 50;

pub async fn list(
    State(app): State<AppState>,
    _: PlatformStaff,
    Query(q): Query<InstitutionsQuery>,
) -> AppResult<Json<InstitutionsPage>> {
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > 40) {
        return Err(ErrorCode::InvalidInput.into());
    }
    let mut rows = app
        .storage
        .institutions(search, q.after.as_deref(), PAGE + 1)
        .await?;
    let next = (rows.len() as i64 > PAGE).then(|| {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.code.clone())
    });
    // The last 30 JST days: today and the 29 before it.
    let now = app.clock.now();
    let today_start = crate::clock::jst_day_start(now);
    let counts = app
        .storage
        .union_counts(today_start - 29 * 86_400, today_start, now.as_second())
        .await?;
    let institutions = rows
        .into_iter()
        .map(|r| {
            let (started, granted) = counts
                .iter()
                .find(|c| c.0 == r.id)
                .map_or((0, 0), |c| (c.1, c.2));
            InstitutionView {
                code: r.code,
                name: r.name,
                suspended: r.state == InstitutionState::Suspended,
                state_reason: r.state_reason,
                started,
                granted,
            }
        })
        .collect();
    Ok(Json(InstitutionsPage {
        institutions,
        next: next.flatten(),
    }))
}

pub async fn set_state(
    State(app): State<AppState>,
    PlatformStaff(staff): PlatformStaff,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<InstitutionStateChange>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Admin)?;
    let why = reason(&body.reason)?;
    if app.storage.institution_by_code(&code).await?.is_none() {
        return Err(ErrorCode::NotFound.into());
    }
    let state = if body.suspended {
        InstitutionState::Suspended
    } else {
        InstitutionState::Active
    };
    let changed = staff
        .platform_context(&app)
        .set_institution_state(&code, state, why)
        .await?;
    Ok(Json(Done {
        changed: u64::from(changed),
    }))
}
