//! A customer's account in the console: its eligibility (from the records
//! port), today's failures and lock, every consent and the recent flows;
//! lifting today's lock and ending linkages (operator and up, each with a
//! reason). The PIN, the full phone number and e-mail addresses are never
//! shown.

use super::{Staff, StaffUnion, instant, reason};
use crate::admin::AccountRef;
use crate::clock::jst_date;
use crate::db::AccountRow;
use crate::error::{ApiJson, AppError, AppResult};
use crate::tenancy::Union;
use axum::Json;
use axum::extract::Path;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber, mask_phone};
use renkei_shared::staff::{
    AccountView, ConsentView, Done, EndLinkages, FlowSummary, Reason, StaffRole,
};
use renkei_shared::{ErrorCode, FieldErrors};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Key {
    branch: String,
    kind: String,
    number: String,
}

impl Key {
    /// The account, by the screen's rules for the three fields.
    fn parse(&self) -> AppResult<AccountRef> {
        let mut f = FieldErrors::new();
        let branch =
            BranchNumber::parse(&self.branch).map_err(|c| f.insert("branch".into(), vec![c]));
        let kind = AccountKind::parse(&self.kind).map_err(|c| f.insert("kind".into(), vec![c]));
        let number =
            AccountNumber::parse(&self.number).map_err(|c| f.insert("number".into(), vec![c]));
        match (branch, kind, number) {
            (Ok(branch), Ok(kind), Ok(number)) => Ok(AccountRef {
                branch,
                kind,
                number,
            }),
            _ => Err(AppError::Validation(f)),
        }
    }

    /// The account Renkei knows (it has a row once it was loaded, or once
    /// a flow chose it at the host gateway).
    async fn account(&self, app: &Union) -> AppResult<(AccountRef, AccountRow)> {
        let a = self.parse()?;
        let row = app
            .tenant
            .find_account(&a.branch, a.kind, &a.number)
            .await?
            .ok_or(ErrorCode::StaffNotFound)?;
        Ok((a, row))
    }
}

pub async fn show(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(key): Path<Key>,
) -> AppResult<Json<AccountView>> {
    staff.require(StaffRole::Operator)?;
    let (_, account) = key.account(&app).await?;
    let holder = app.records.holder(&account).await?;
    let today = jst_date(app.clock.now()).to_string();
    let failures = app.tenant.failures_on(account.id, &today).await?;
    let consents = app
        .tenant
        .account_consents(account.id)
        .await?
        .into_iter()
        .map(|c| ConsentView {
            id: c.id,
            app: c.app,
            granted_at: instant(c.granted_at),
            expires_at: instant(c.expires_at),
            revoked_at: c.revoked_at.map(instant),
            revoked_by: c.revoked_by.map(|b| <&str>::from(b).to_owned()),
        })
        .collect();
    let recent_flows = app
        .tenant
        .account_flows(account.id, 20)
        .await?
        .into_iter()
        .map(|f| FlowSummary {
            flow: f.flow_id.chars().take(12).collect(),
            app: f.app,
            started_at: instant(f.started_at),
            last_at: instant(f.last_at),
            last_step: f.last_step,
            last_outcome: f.last_outcome,
        })
        .collect();
    let threshold = app.lockout_threshold();
    Ok(Json(AccountView {
        branch: account.branch.clone(),
        kind: account.kind,
        number: account.number.clone(),
        status: holder
            .as_ref()
            .map(|h| format!("{:?}", h.status).to_lowercase())
            .unwrap_or_else(|| "unknown".into()),
        cash_card: holder.as_ref().is_some_and(|h| h.cash_card),
        can_link: holder.as_ref().is_some_and(|h| h.can_link()),
        masked_phone: holder.as_ref().map(|h| mask_phone(&h.phone)),
        failures_today: failures,
        lockout_threshold: threshold,
        locked: failures >= threshold,
        consents,
        recent_flows,
    }))
}

pub async fn lift_lock(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(key): Path<Key>,
    ApiJson(body): ApiJson<Reason>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Operator)?;
    let why = reason(&body.reason)?;
    let (a, _) = key.account(&app).await?;
    let lifted = staff.context(&app).lift_lock(&a, why).await?;
    Ok(Json(Done {
        changed: u64::from(lifted),
    }))
}

pub async fn end_linkages(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Path(key): Path<Key>,
    ApiJson(body): ApiJson<EndLinkages>,
) -> AppResult<Json<Done>> {
    staff.require(StaffRole::Operator)?;
    let why = reason(&body.reason)?;
    let (a, _) = key.account(&app).await?;
    let ended = staff
        .context(&app)
        .end_linkages(&a, body.consent_id, why)
        .await?;
    if body.consent_id.is_some() && ended == 0 {
        return Err(ErrorCode::StaffNotFound.into());
    }
    Ok(Json(Done { changed: ended }))
}
