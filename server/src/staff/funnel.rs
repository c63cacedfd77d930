//! The funnel (supervisor and up): for a period of JST days and optionally
//! one app, how many flows reached each screen and where the others
//! stopped; errors by code and by hour; locks by day; phone-call outcomes;
//! consents granted and ended. All counted from the operation log (flows
//! themselves are forgotten an hour after they end) and the consents.

use super::audit::{jst_day_bounds, parse_day};
use super::{Staff, StaffUnion};
use crate::clock::jst_date;
use crate::error::AppResult;
use axum::Json;
use axum::extract::Query;
use jiff::ToSpan;
use jiff::civil::Date;
use renkei_shared::ErrorCode;
use renkei_shared::api::Step;
use renkei_shared::oplog::{LogStep, Outcome};
use renkei_shared::staff::{Count, Funnel, FunnelStep, StaffRole};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub struct FunnelQuery {
    from: Option<String>,
    to: Option<String>,
    app: Option<String>,
}

/// The screens in order, each with the log line that says a flow reached
/// it: a flow opened (SOA201), or the previous screen's step taken. Their
/// names are the operation log's (`LogStep::label`).
const SCREENS: [(Option<Step>, LogStep, Outcome); 7] = [
    (Some(Step::Account), LogStep::Authorize, Outcome::Started),
    (Some(Step::Customer), LogStep::Account, Outcome::Ok),
    (Some(Step::PhoneConfirm), LogStep::Customer, Outcome::Ok),
    (Some(Step::PhoneCall), LogStep::PhoneConfirm, Outcome::Ok),
    (Some(Step::Pin), LogStep::PhoneCall, Outcome::Ok),
    (Some(Step::Consent), LogStep::Pin, Outcome::Ok),
    (None, LogStep::Consent, Outcome::Granted),
];

pub async fn show(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Query(q): Query<FunnelQuery>,
) -> AppResult<Json<Funnel>> {
    staff.require(StaffRole::Supervisor)?;
    let today = jst_date(app.clock.now());
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => parse_day("to", d)?,
        None => today,
    };
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => parse_day("from", d)?,
        None => to.checked_sub(6.days()).map_err(anyhow::Error::from)?,
    };
    let client = q.app.as_deref().filter(|s| !s.is_empty());
    let (start, _) = jst_day_bounds(from)?;
    let (_, end) = jst_day_bounds(to)?;

    let per = app.tenant.step_outcomes(start, end, client).await?;
    let flows = |step: LogStep, outcome: Outcome| -> i64 {
        per.iter()
            .filter(|c| c.step == step && c.outcome == outcome)
            .map(|c| c.flows)
            .sum()
    };
    let reached: Vec<i64> = SCREENS.iter().map(|s| flows(s.1, s.2)).collect();
    let steps = SCREENS
        .iter()
        .enumerate()
        .map(|(i, (step, _, _))| {
            let at = step.map(LogStep::from).unwrap_or(LogStep::Completed);
            let label = at.label();
            let cancelled = flows(at, Outcome::Cancelled) + flows(at, Outcome::Denied);
            let locked =
                flows(at, ErrorCode::Locked.into()) + flows(at, ErrorCode::LockedB84.into());
            let next = reached.get(i + 1).copied().unwrap_or(reached[i]);
            FunnelStep {
                step: *step,
                label: label.to_owned(),
                reached: reached[i],
                cancelled,
                locked,
                left: (reached[i] - next - cancelled - locked).max(0),
            }
        })
        .collect();

    let timed = app.tenant.timed_outcomes(start, end, client).await?;
    let mut by_code: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_hour = [0i64; 24];
    let mut locks: BTreeMap<i64, i64> = BTreeMap::new();
    let mut calls: BTreeMap<String, i64> = BTreeMap::new();
    for t in &timed {
        if let Outcome::Call(call) = t.outcome {
            *calls.entry(call.label().to_owned()).or_default() += t.lines;
        } else if let Some(code) = t.outcome.refused() {
            *by_code.entry(code.label().to_owned()).or_default() += t.lines;
            by_hour[t.jst_hour.clamp(0, 23) as usize] += t.lines;
            if code == ErrorCode::Locked {
                *locks.entry(t.jst_day).or_default() += t.lines;
            }
        }
    }
    let epoch = Date::constant(1970, 1, 1);
    let mut locks_by_day = Vec::new();
    let mut day = from;
    while day <= to {
        // Days since 1970-01-01, as the log's grouping counts them.
        let n = i64::from(day.since(epoch).map_err(anyhow::Error::from)?.get_days());
        locks_by_day.push(Count {
            label: format!("{}月{}日", day.month(), day.day()),
            count: locks.get(&n).copied().unwrap_or(0),
        });
        day = day.tomorrow().map_err(anyhow::Error::from)?;
        if locks_by_day.len() > 400 {
            break;
        }
    }
    let (granted, ended) = app.tenant.consent_counts(start, end, client).await?;
    Ok(Json(Funnel {
        from: from.to_string(),
        to: to.to_string(),
        steps,
        errors_by_code: by_code
            .into_iter()
            .map(|(label, count)| Count { label, count })
            .collect(),
        errors_by_hour: by_hour
            .iter()
            .enumerate()
            .map(|(h, &count)| Count {
                label: format!("{h}時"),
                count,
            })
            .collect(),
        locks_by_day,
        calls: calls
            .into_iter()
            .map(|(label, count)| Count { label, count })
            .collect(),
        consents_granted: granted,
        consents_ended: ended,
    }))
}
