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
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::ErrorCode;
use renkei_shared::api::{AccountForm, Step, StepDone};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(submit))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::ACCOUNT_PATH,
    tag = "flow",
    request_body = renkei_shared::api::AccountForm,
    description = "SOA201 ご利用口座情報入力: 店番, 科目, 口座番号.",
    responses(
        (status = 200, description = "SOA201 accepted", body = renkei_shared::api::StepDone),
        crate::error::FlowErrors
    )
)]
pub async fn submit(
    app: Union,
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
