//! SOA208 電話番号の確認: `POST /api/flow/phone` (電話番号の決定). The screen
//! shows the registered number masked (from `GET /api/flow`); deciding it
//! moves on to SOA209.

use super::extract::{RequestMeta, StepRequest};
use super::transition::Transition;
use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::api::{Step, StepDone};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/phone", post(decide))
}

#[utoipa::path(
    post,
    path = "/api/flow/phone",
    tag = "flow",
    description = "SOA208 電話番号の確認: the registered phone is the one to call from.",
    responses(
        (status = 200, description = "SOA208 accepted", body = renkei_shared::api::StepDone),
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
pub async fn decide(
    State(app): State<AppState>,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::PhoneConfirm)?;
    let next = flow
        .take(&app, &meta, Transition::to(Step::PhoneCall))
        .await?;
    Ok(Json(StepDone { next }))
}
