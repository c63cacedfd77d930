//! SOA208 電話番号の確認: `POST /api/flow/phone` (電話番号の決定). The screen
//! shows the registered number masked (from `GET /api/flow`); deciding it
//! moves on to SOA209.

use crate::error::AppResult;
use crate::routes::flow::{RequestMeta, StepRequest};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use renkei_shared::ErrorCode;
use renkei_shared::api::{Step, StepDone};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/flow/phone", post(decide))
}

async fn decide(
    State(app): State<AppState>,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::PhoneConfirm)?;
    let moved = app
        .storage
        .advance_flow(
            &flow.row.id,
            Step::PhoneConfirm,
            Step::PhoneCall,
            None,
            flow.now,
        )
        .await?;
    if !moved {
        return Err(ErrorCode::FlowOutOfOrder.into());
    }
    app.storage
        .log_operation(meta.log(&flow, "phone_confirm", "ok"))
        .await?;
    Ok(Json(StepDone {
        next: Step::PhoneCall,
    }))
}
