//! Staff accounts (admin): the list, a new member or another passkey (a
//! one-time enrolment link, shown once), disabling one — their sessions
//! end at once. The same code as `renkei-server staff add|link|disable`.
//! Also one passkey removed (a lost device): the member's sessions end too.

use super::{Staff, StaffUnion, instant, reason};
use crate::error::{ApiJson, AppResult};
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use axum::extract::Path;
use renkei_shared::ErrorCode;
use renkei_shared::staff::Done;
use renkei_shared::staff::{EnrolmentLink, NewStaff, Reason, StaffMember, StaffPasskey, StaffRole};

/// The staff member `name` of the union this request acts for: another
/// union's (or the platform's) is refused and logged, not merely not found.
async fn member_here(app: &Union, staff: &Staff, name: &str) -> AppResult<crate::db::StaffRow> {
    let member = app
        .storage
        .staff_by_name(name)
        .await?
        .ok_or(ErrorCode::StaffNotFound)?;
    if member.institution_id != Some(app.institution.id) {
        return Err(staff.refuse_other_union(app, "staff member").await);
    }
    Ok(member)
}

fn link(app: &AppState, token: &str) -> EnrolmentLink {
    let base = app.config.staff.url.as_str().trim_end_matches('/');
    EnrolmentLink {
        link: format!("{base}/staff/enrol#{token}"),
    }
}

pub async fn list(staff: Staff, StaffUnion(app): StaffUnion) -> AppResult<Json<Vec<StaffMember>>> {
    staff.require(StaffRole::Admin)?;
    let members = app
        .tenant
        .list_staff()
        .await?
        .into_iter()
        .map(|m| StaffMember {
            name: m.name,
            role: m.role,
            created_at: instant(m.created_at),
            disabled: m.disabled_at.is_some(),
            passkeys: m.passkeys,
        })
        .collect();
    Ok(Json(members))
}

pub async fn add(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    ApiJson(body): ApiJson<NewStaff>,
) -> AppResult<Json<EnrolmentLink>> {
    staff.require(StaffRole::Admin)?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ErrorCode::RequiredMissing.into());
    }
    if app.storage.staff_by_name(name).await?.is_some() {
        return Err(ErrorCode::InvalidInput.into());
    }
    let token = staff
        .context(&app)
        .add_staff(name, body.role.code())
        .await?;
    Ok(Json(link(&app, &token)))
}

pub async fn new_link(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(name): Path<String>,
) -> AppResult<Json<EnrolmentLink>> {
    staff.require(StaffRole::Admin)?;
    if member_here(&app, &staff, &name)
        .await?
        .disabled_at
        .is_some()
    {
        return Err(ErrorCode::StaffNotFound.into());
    }
    let token = staff.context(&app).staff_link(&name).await?;
    Ok(Json(link(&app, &token)))
}

pub async fn disable(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<Reason>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Admin)?;
    let why = reason(&body.reason)?;
    member_here(&app, &staff, &name).await?;
    staff.context(&app).disable_staff(&name, why).await?;
    Ok(Json(Done { changed: 1 }))
}

/// The member's passkeys: when each was registered and last used.
pub async fn passkeys(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(name): Path<String>,
) -> AppResult<Json<Vec<StaffPasskey>>> {
    staff.require(StaffRole::Admin)?;
    let member = member_here(&app, &staff, &name).await?;
    let keys = app
        .storage
        .passkey_list(member.id)
        .await?
        .into_iter()
        .map(|k| StaffPasskey {
            id: k.id,
            created_at: instant(k.created_at),
            last_used_at: k.last_used_at.map(instant),
        })
        .collect();
    Ok(Json(keys))
}

/// Removes one passkey of a member, with a reason; every session of the
/// member ends (one may be on the lost device).
pub async fn remove_passkey(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path((name, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<Reason>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Admin)?;
    let why = reason(&body.reason)?;
    let member = member_here(&app, &staff, &name).await?;
    if !staff
        .context(&app)
        .remove_passkey(member.id, &member.name, id, why)
        .await?
    {
        return Err(ErrorCode::StaffNotFound.into());
    }
    Ok(Json(Done { changed: 1 }))
}

/// Revokes every unused enrolment link of a member (sent to the wrong
/// address, or a device that will not be enrolled), with a reason.
pub async fn revoke_links(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<Reason>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Admin)?;
    let why = reason(&body.reason)?;
    member_here(&app, &staff, &name).await?;
    let n = staff.context(&app).revoke_links(&name, why).await?;
    Ok(Json(Done { changed: n }))
}
