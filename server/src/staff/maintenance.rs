//! Maintenance windows (supervisor and up): the windows staff set that
//! have not ended, beside the seed's fixed calendar for the coming 14
//! days; add one, cancel one, each with a reason.

use super::{Staff, StaffUnion, reason};
use crate::clock::jst;
use crate::config::institution::Calendar;
use crate::error::{ApiJson, AppResult};
use crate::flow::service_hours::closure;
use axum::Json;
use axum::extract::Path;
use jiff::{SignedDuration, Timestamp};
use renkei_shared::staff::Done;
use renkei_shared::staff::{
    FixedClosure, Maintenance, MaintenanceWindow, NewMaintenance, Reason, StaffRole,
};
use renkei_shared::{ErrorCode, FieldCode, FieldErrors};

fn jst_text(t: Timestamp) -> String {
    t.to_zoned(jst().clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn at(secs: i64) -> String {
    Timestamp::from_second(secs)
        .map(jst_text)
        .unwrap_or_default()
}

/// The calendar's closures — the platform's fixed windows and the union's
/// own (`calendar`) — from `now` over `days`, minute by minute (every
/// window starts and ends on a whole minute), each run of one label merged
/// into one closure.
pub fn fixed_calendar(calendar: &Calendar, now: Timestamp, days: i64) -> Vec<FixedClosure> {
    let start = now.as_second() - now.as_second().rem_euclid(60);
    let mut out: Vec<FixedClosure> = Vec::new();
    let mut open: Option<(Timestamp, &'static str)> = None;
    for minute in 0..=days * 24 * 60 {
        let Ok(t) = Timestamp::from_second(start + minute * 60) else {
            break;
        };
        let here = closure(calendar, t);
        match (open, here) {
            (Some((_, a)), Some(b)) if a == b => {}
            (current, here) => {
                if let Some((from, label)) = current {
                    out.push(FixedClosure {
                        starts_at: jst_text(from),
                        ends_at: jst_text(t),
                        label: label.to_owned(),
                    });
                }
                open = here.map(|l| (t, l));
            }
        }
    }
    if let Some((from, label)) = open {
        let end = Timestamp::from_second(start + (days * 24 * 60 + 1) * 60).unwrap_or(from);
        out.push(FixedClosure {
            starts_at: jst_text(from),
            ends_at: jst_text(end),
            label: label.to_owned(),
        });
    }
    out
}

pub async fn list(staff: Staff, StaffUnion(app): StaffUnion) -> AppResult<Json<Maintenance>> {
    staff.require(StaffRole::Supervisor)?;
    let now = app.clock.now();
    let windows = app
        .tenant
        .maintenance_from(now.as_second())
        .await?
        .into_iter()
        .map(|w| MaintenanceWindow {
            id: w.id,
            starts_at: at(w.starts_at),
            ends_at: at(w.ends_at),
            reason: w.reason,
            cancelled: w.cancelled_at.is_some(),
        })
        .collect();
    Ok(Json(Maintenance {
        windows,
        calendar: fixed_calendar(&app.institution.profile.calendar, now, 14),
    }))
}

pub async fn add(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    ApiJson(body): ApiJson<NewMaintenance>,
) -> AppResult<Json<MaintenanceWindow>> {
    staff.require(StaffRole::Supervisor)?;
    let why = reason(&body.reason)?;
    let mut f = FieldErrors::new();
    let from = body.from.parse::<Timestamp>();
    let to = body.to.parse::<Timestamp>();
    if from.is_err() {
        f.insert("from".into(), vec![FieldCode::DateInvalid]);
    }
    match (&from, &to) {
        (_, Err(_)) => {
            f.insert("to".into(), vec![FieldCode::DateInvalid]);
        }
        (Ok(a), Ok(b)) if b <= a || b.duration_since(*a) > SignedDuration::from_hours(24 * 7) => {
            f.insert("to".into(), vec![FieldCode::DateInvalid]);
        }
        _ => {}
    }
    let (Ok(from), Ok(to)) = (from, to) else {
        return Err(crate::error::AppError::Validation(f));
    };
    if !f.is_empty() {
        return Err(crate::error::AppError::Validation(f));
    }
    let id = staff
        .context(&app)
        .add_maintenance(&from.to_string(), &to.to_string(), why)
        .await?;
    Ok(Json(MaintenanceWindow {
        id,
        starts_at: jst_text(from),
        ends_at: jst_text(to),
        reason: why.to_owned(),
        cancelled: false,
    }))
}

pub async fn cancel(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Reason>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Supervisor)?;
    let why = reason(&body.reason)?;
    if !staff.context(&app).cancel_maintenance(id, why).await? {
        return Err(ErrorCode::StaffNotFound.into());
    }
    Ok(Json(Done { changed: 1 }))
}
