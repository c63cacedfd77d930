//! SOA211 キャッシュカード暗証番号認証: `POST /api/flow/pin`. The records
//! port checks the PIN: against its peppered argon2id hash on the bounded
//! hashing pool (混雑 when it is full), in constant time, or by the host
//! gateway. It is never logged or stored on the flow, and wiped after the
//! check. A wrong PIN counts in the same
//! daily lockout as the identity step.

use super::extract::{RequestMeta, StepRequest};
use super::lockout::Guard;
use super::transition::Transition;
use crate::error::{ApiJson, AppError, AppResult};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::FieldErrors;
use renkei_shared::api::{PinForm, Step, StepDone};
use renkei_shared::domain::Pin;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/pin", post(submit))
}

#[utoipa::path(
    post,
    path = "/api/flow/pin",
    tag = "flow",
    request_body = renkei_shared::api::PinForm,
    description = "SOA211 キャッシュカード暗証番号認証: the 4-digit PIN, checked in constant time; never logged or stored.",
    responses(
        (status = 200, description = "The PIN is right", body = renkei_shared::api::StepDone),
        (status = 400, description = "`invalid_input`: a body that is not the JSON asked for", body = renkei_shared::ErrorBody),
        (status = 401, description = "`flow_not_found`: no linkage in this browser (the HttpOnly flow cookie)", body = renkei_shared::ErrorBody),
        (status = 403, description = "`csrf_rejected` (no or a wrong `x-renkei-csrf` header), `locked` (this attempt locked API linkage until 0:00 JST, B84), `locked_b84`", body = renkei_shared::ErrorBody),
        (status = 409, description = "`flow_out_of_order`: the linkage is at another step; `callback_pending`: the call has not come yet", body = renkei_shared::ErrorBody),
        (status = 410, description = "`flow_expired`, `callback_expired`", body = renkei_shared::ErrorBody),
        (status = 422, description = "`required_missing` or `invalid_input` with `fields`; `account_not_eligible`, `identity_mismatch`, `consent_required`", body = renkei_shared::ErrorBody),
        (status = 500, description = "`system_error`", body = renkei_shared::ErrorBody),
        (status = 503, description = "`busy` (混雑, `Retry-After: 1`), `out_of_service_hours`, `service_unavailable` (maintenance, or the app disabled)", body = renkei_shared::ErrorBody, headers(("Retry-After" = String, description = "seconds")))
    )
)]
pub async fn submit(
    State(app): State<AppState>,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
    ApiJson(form): ApiJson<PinForm>,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::Pin)?;
    let pin = Pin::parse(&form.pin).map_err(|code| {
        let mut f = FieldErrors::new();
        f.insert("pin".into(), vec![code]);
        AppError::Validation(f)
    })?;
    drop(form);
    let account = flow.account()?;
    let guard = Guard::new(&app, account.id);
    if let Err(code) = guard.check().await? {
        return Err(flow.refuse(&app, &meta, code, None).await);
    }
    let right = app.records.check_pin(account, pin).await?;
    if !right {
        return Err(guard.fail(meta.log(&flow, "")).await?.into());
    }
    let next = flow
        .take(
            &app,
            &meta,
            Transition {
                guard: Some(&guard),
                ..Transition::to(Step::Consent)
            },
        )
        .await?;
    Ok(Json(StepDone { next }))
}
