//! SOA209 電話番号認証. The server owns the 120-second window:
//! - `POST /api/flow/call` opens the challenge the first time the screen is
//!   shown (a reload gets the same one back, never a fresh window);
//! - `GET /api/flow/call` is what the screen polls;
//! - `POST /api/flow/call/confirm` is 確定する: verified → SOA211; not yet →
//!   `callback_pending`; past the deadline → `callback_expired`, the
//!   challenge is void and the flow goes back to SOA201.

use super::extract::{Flow, RequestMeta, StepRequest};
use super::transition::Transition;
use crate::db::{AccountChange, ChallengeRow, EmailChange, Outcome};
use crate::error::AppResult;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::ErrorCode;
use renkei_shared::api::{CallChallenge, Step, StepDone};
use renkei_shared::domain::mask_phone;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status, open))
        .routes(routes!(confirm))
}

/// What SOA209 shows: the number this flow's challenge was given, and the
/// masked phone it expects the call from (polled every few seconds: no
/// read of the records).
fn view(app: &AppState, c: &ChallengeRow) -> CallChallenge {
    CallChallenge {
        deadline_ms: c.deadline * 1000,
        server_now_ms: app.clock.now().as_millisecond(),
        callback_number: c.called_number.clone(),
        masked_phone: mask_phone(&c.expected_caller),
        verified: c.verified_at.is_some(),
    }
}

#[utoipa::path(
    post,
    path = renkei_shared::api::CALL_PATH,
    tag = "flow",
    description = "SOA209 電話番号認証: opens (or reads again) this linkage's phone challenge.",
    responses(
        (status = 200, description = "SOA209's challenge: the number to call and the 120-second deadline", body = renkei_shared::api::CallChallenge),
        crate::error::FlowErrors
    )
)]
pub async fn open(
    app: Union,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
) -> AppResult<Json<CallChallenge>> {
    flow.expect(Step::PhoneCall)?;
    let challenge = match app.tenant.current_challenge(&flow.row.id).await? {
        Some(c) => c,
        // A number of the pool that no other flow of this phone has held
        // within its window and quiet period, so a call (a redial, a late
        // one) can only ever reach this flow; none free: 混雑. The phone is
        // read now from the bank's records.
        None => app
            .tenant
            .create_challenge(
                &app.records
                    .holder(flow.account()?)
                    .await?
                    .ok_or(ErrorCode::AccountNotEligible)?
                    .phone,
                app.callback_numbers(),
                flow.now + app.config.telephony.window_secs,
                flow.now + app.config.telephony.window_secs + app.config.telephony.quiet_secs,
                meta.log(&flow, Outcome::ChallengeOpened),
            )
            .await?
            .ok_or(ErrorCode::Busy)?,
    };
    Ok(Json(view(&app, &challenge)))
}

#[utoipa::path(
    get,
    path = renkei_shared::api::CALL_PATH,
    tag = "flow",
    description = "SOA209: the open challenge, polled until the carrier reports the call.",
    responses(
        (status = 200, description = "The challenge, and whether the call came", body = renkei_shared::api::CallChallenge),
        crate::error::FlowErrors
    )
)]
pub async fn status(app: Union, flow: Flow) -> AppResult<Json<CallChallenge>> {
    flow.expect(Step::PhoneCall)?;
    let challenge = app
        .tenant
        .current_challenge(&flow.row.id)
        .await?
        .ok_or(ErrorCode::FlowOutOfOrder)?;
    Ok(Json(view(&app, &challenge)))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::CALL_CONFIRM_PATH,
    tag = "flow",
    description = "SOA209 次へ: the call came from the registered phone within 120 s.",
    responses(
        (status = 200, description = "The call was verified", body = renkei_shared::api::StepDone),
        crate::error::FlowErrors
    )
)]
pub async fn confirm(
    app: Union,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::PhoneCall)?;
    let challenge = app
        .tenant
        .current_challenge(&flow.row.id)
        .await?
        .ok_or(ErrorCode::FlowOutOfOrder)?;
    // A call verified inside the window counts even if 確定する comes late:
    // the screen moves on by itself as soon as the call lands.
    if challenge.verified_at.is_some() {
        let next = flow.take(&app, &meta, Transition::to(Step::Pin)).await?;
        return Ok(Json(StepDone { next }));
    }
    if flow.now < challenge.deadline {
        return Err(flow
            .refuse(&app, &meta, ErrorCode::CallbackPending, None)
            .await);
    }
    // Past the deadline: back to SOA201, account and e-mail forgotten, the
    // challenge void (seed section 7: start again from the beginning).
    flow.take(
        &app,
        &meta,
        Transition {
            outcome: ErrorCode::CallbackExpired.into(),
            account: AccountChange::Clear,
            email: EmailChange::Erase,
            ..Transition::to(Step::Account)
        },
    )
    .await?;
    Err(ErrorCode::CallbackExpired.into())
}
