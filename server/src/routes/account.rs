//! SOA201 ご利用口座情報入力: `POST /api/flow/account`. The shared rules
//! decide what is well-formed; the bank's records decide what qualifies:
//! an active 普通預金 or 貯蓄預金 account with a cash card issued.

use crate::error::{AppError, AppResult};
use crate::lockout::Guard;
use crate::routes::flow::{RequestMeta, StepRequest};
use crate::state::AppState;
use crate::storage::AccountRow;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::ErrorCode;
use renkei_shared::api::{AccountForm, Step, StepDone};

use crate::error::ApiJson;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/account", post(submit))
}

async fn submit(
    State(app): State<AppState>,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
    ApiJson(form): ApiJson<AccountForm>,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::Account)?;
    let input = form.parse().map_err(AppError::Validation)?;
    let account = app
        .storage
        .find_account(&input.branch, input.kind, &input.number)
        .await?;
    let Some(account) = account.filter(is_eligible) else {
        app.storage
            .log_operation(meta.log(&flow, "account", ErrorCode::AccountNotEligible.code()))
            .await?;
        return Err(ErrorCode::AccountNotEligible.into());
    };
    // A locked account is refused here already (seed: B84 for any attempt
    // on a locked account that day).
    if let Err(code) = Guard::new(&app, account.id).check().await? {
        app.storage
            .log_operation(meta.log(&flow, "account", code.code()))
            .await?;
        return Err(code.into());
    }
    let moved = app
        .storage
        .advance_flow(
            &flow.row.id,
            Step::Account,
            Step::Customer,
            Some(account.id),
            flow.now,
        )
        .await?;
    if !moved {
        return Err(ErrorCode::FlowOutOfOrder.into());
    }
    app.storage
        .log_operation(meta.log(&flow, "account", "ok"))
        .await?;
    Ok(Json(StepDone {
        next: Step::Customer,
    }))
}

/// Seed section 3: only active ordinary/savings accounts with a cash card.
/// A moved account's old number no longer qualifies (FAQ 3 Q4).
fn is_eligible(a: &AccountRow) -> bool {
    a.status == "active" && a.has_cash_card && matches!(a.kind.as_str(), "ordinary" | "savings")
}
