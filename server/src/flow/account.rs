//! SOA201 ご利用口座情報入力: `POST /api/flow/account`. The shared rules
//! decide what is well-formed; the bank's records decide what qualifies:
//! an active 普通預金 or 貯蓄預金 account with a cash card issued
//! (`records::port::Holder::can_link`).

use super::extract::{RequestMeta, StepRequest};
use super::lockout::Guard;
use super::transition::Transition;
use crate::db::AccountChange;
use crate::error::{ApiJson, AppError, AppResult};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::ErrorCode;
use renkei_shared::api::{AccountForm, Step, StepDone};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/account", post(submit))
}

#[utoipa::path(
    post,
    path = "/api/flow/account",
    tag = "flow",
    request_body = renkei_shared::api::AccountForm,
    description = "SOA201 ご利用口座情報入力: 店番, 科目, 口座番号.",
    responses(
        (status = 200, description = "SOA201 accepted", body = renkei_shared::api::StepDone),
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
    ApiJson(form): ApiJson<AccountForm>,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::Account)?;
    let input = form.parse().map_err(AppError::Validation)?;
    // Only well-formed attempts probe the records, so only they count.
    if let Err(code) = app.throttles.attempt(meta.ip, &flow.row.id) {
        return Err(flow.refuse(&app, &meta, code, None).await);
    }
    let account = app
        .records
        .find_linkable(&input.branch, input.kind, &input.number)
        .await?;
    let Some(account) = account else {
        return Err(flow
            .refuse(&app, &meta, ErrorCode::AccountNotEligible, None)
            .await);
    };
    // A locked account is refused here already (seed: B84 for any attempt
    // on a locked account that day).
    let guard = Guard::new(&app, account.id);
    if let Err(code) = guard.check().await? {
        return Err(flow.refuse(&app, &meta, code, None).await);
    }
    let next = flow
        .take(
            &app,
            &meta,
            Transition {
                account: AccountChange::Set(account.id),
                guard: Some(&guard),
                ..Transition::to(Step::Customer)
            },
        )
        .await?;
    Ok(Json(StepDone { next }))
}
