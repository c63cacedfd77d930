//! お客様情報入力 (SOA202): `POST /api/flow/customer`. The shared rules
//! first; then the name (both sides in the same 全銀 normalisation: the
//! bank's when it was written, the customer's by the parse), birth date and
//! registered phone must match the holder of the account chosen on SOA201.
//! Mismatches count toward the daily lockout.

use super::extract::{RequestMeta, StepRequest};
use super::lockout::Guard;
use super::transition::Transition;
use crate::clock::jst_date;
use crate::db::EmailChange;
use crate::error::{ApiJson, AppError, AppResult};
use crate::records::port::Holder;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::ErrorCode;
use renkei_shared::api::{CustomerForm, CustomerInput, Step, StepDone};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(submit))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::CUSTOMER_PATH,
    tag = "flow",
    request_body = renkei_shared::api::CustomerForm,
    description = "お客様情報入力: half-width kana name, birth date, registered phone, e-mail twice, checked against the bank's records.",
    responses(
        (status = 200, description = "お客様情報入力 matched the bank's records", body = renkei_shared::api::StepDone),
        crate::error::FlowErrors
    )
)]
pub async fn submit(
    app: Union,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
    ApiJson(form): ApiJson<CustomerForm>,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::Customer)?;
    let input = form
        .parse(jst_date(app.clock.now()))
        .map_err(AppError::Validation)?;
    if let Err(code) = app.throttles.attempt(meta.ip, &flow.row.id) {
        return Err(flow.refuse(&app, &meta, code, None).await);
    }
    let account = flow.account()?;
    // FAQ Q4: the kana name is kept in the operation log, and only there.
    let kana = Some(input.name.as_str());
    let guard = Guard::new(&app, account.id);
    if let Err(code) = guard.check().await? {
        return Err(flow.refuse(&app, &meta, code, kana).await);
    }
    // Read now from the bank's records (a gone account matches no one).
    let holder = app.records.holder(account).await?;
    if !holder.is_some_and(|h| holder_matches(&h, &input)) {
        let mut log = meta.log(&flow, ErrorCode::IdentityMismatch.into());
        log.kana_name = kana;
        return Err(guard.fail(log).await?.into());
    }
    let next = flow
        .take(
            &app,
            &meta,
            Transition {
                email: EmailChange::Set(input.email.as_str()),
                kana_name: kana,
                guard: Some(&guard),
                ..Transition::to(Step::PhoneConfirm)
            },
        )
        .await?;
    Ok(Json(StepDone { next }))
}

fn holder_matches(holder: &Holder, input: &CustomerInput) -> bool {
    // Evaluate every part, so the time taken does not tell which one failed.
    let name = holder.holder_kana == input.name.as_str();
    let born = holder.birth_date == input.birth_date.date();
    let phone = holder.phone == input.phone.as_str();
    name & born & phone
}
