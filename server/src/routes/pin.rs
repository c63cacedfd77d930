//! SOA211 キャッシュカード暗証番号認証: `POST /api/flow/pin`. The PIN is
//! checked against its argon2id hash off the async workers, in constant
//! time, never logged or stored on the flow, and wiped after the check. A
//! wrong PIN counts in the same daily lockout as the identity step.

use crate::error::{ApiJson, AppError, AppResult};
use crate::lockout::Guard;
use crate::routes::flow::{RequestMeta, StepRequest};
use crate::security::verify_secret;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::api::{PinForm, Step, StepDone};
use renkei_shared::domain::Pin;
use renkei_shared::{ErrorCode, FieldErrors};
use zeroize::Zeroizing;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/pin", post(submit))
}

async fn submit(
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
    let account = flow.account(&app).await?;
    let guard = Guard::new(&app, account.id);
    let outcome = match guard.check().await? {
        Err(code) => Err(code),
        Ok(()) => {
            // Eligible accounts always have a card and so a PIN hash; a
            // missing one is refused like a wrong PIN, never let through.
            let right = match account.pin_hash {
                Some(hash) => verify_secret(Zeroizing::new(pin.expose().to_owned()), hash).await?,
                None => false,
            };
            drop(pin);
            if right {
                guard
                    .pass(&flow.row.id, Step::Pin, Step::Consent, None, flow.now)
                    .await?
            } else {
                Err(guard.fail().await?)
            }
        }
    };
    let code = outcome.err().map(ErrorCode::code).unwrap_or("ok");
    app.storage
        .log_operation(meta.log(&flow, "pin", code))
        .await?;
    match outcome {
        Ok(()) => Ok(Json(StepDone {
            next: Step::Consent,
        })),
        Err(c) => Err(c.into()),
    }
}
