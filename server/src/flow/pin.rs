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
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::ErrorCode;
use renkei_shared::FieldErrors;
use renkei_shared::api::{PinForm, Step, StepDone};
use renkei_shared::domain::Pin;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(submit))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::PIN_PATH,
    tag = "flow",
    request_body = renkei_shared::api::PinForm,
    description = "SOA211 キャッシュカード暗証番号認証: the 4-digit PIN, checked in constant time; never logged or stored.",
    responses(
        (status = 200, description = "The PIN is right", body = renkei_shared::api::StepDone),
        crate::error::FlowErrors
    )
)]
pub async fn submit(
    app: Union,
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
        return Err(guard
            .fail(meta.log(&flow, ErrorCode::IdentityMismatch.into()))
            .await?
            .into());
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
