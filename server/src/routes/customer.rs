//! SOA202 お客様情報入力: `POST /api/flow/customer`. The shared rules first;
//! then the name (both sides in the same 全銀 normalisation), birth date and
//! registered phone must match the holder of the account chosen on SOA201.
//! Mismatches count toward the daily lockout.

use crate::clock::jst_date;
use crate::error::{ApiJson, AppError, AppResult};
use crate::lockout::Guard;
use crate::routes::flow::{RequestMeta, StepRequest};
use crate::state::AppState;
use crate::storage::AccountRow;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::api::{CustomerForm, CustomerInput, Step, StepDone};
use renkei_shared::kana::normalize_name;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/customer", post(submit))
}

async fn submit(
    State(app): State<AppState>,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
    ApiJson(form): ApiJson<CustomerForm>,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::Customer)?;
    let now = app.clock.now();
    let input = form.parse(jst_date(now)).map_err(AppError::Validation)?;
    let account = flow.account(&app).await?;
    let log = |outcome: &'static str| {
        let mut line = meta.log(&flow, "customer", outcome);
        // FAQ Q4: the kana name is kept here, in the operation log, only.
        line.kana_name = Some(input.name.as_str());
        line
    };
    let guard = Guard::new(&app, account.id);
    let outcome = match guard.check().await? {
        Err(code) => Err(code),
        Ok(()) if !holder_matches(&account, &input) => Err(guard.fail().await?),
        Ok(()) => {
            let email = Some(input.email.as_str());
            guard
                .pass(
                    &flow.row.id,
                    Step::Customer,
                    Step::PhoneConfirm,
                    email,
                    flow.now,
                )
                .await?
        }
    };
    if let Err(code) = outcome {
        app.storage.log_operation(log(code.code())).await?;
        return Err(code.into());
    }
    app.storage.log_operation(log("ok")).await?;
    Ok(Json(StepDone {
        next: Step::PhoneConfirm,
    }))
}

fn holder_matches(account: &AccountRow, input: &CustomerInput) -> bool {
    // Evaluate every part, so the time taken does not tell which one failed.
    let name = normalize_name(&account.holder_kana) == input.name.as_str();
    let born = account.birth_date == input.birth_date.to_string();
    let phone = account.phone == input.phone.as_str();
    name & born & phone
}
