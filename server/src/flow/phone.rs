//! SOA208 電話番号の確認: `POST /api/flow/phone` (電話番号の決定). The screen
//! shows the registered number masked (from `GET /api/flow`); deciding it
//! moves on to SOA209.

use super::extract::{RequestMeta, StepRequest};
use super::transition::Transition;
use crate::error::AppResult;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::api::{Step, StepDone};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(decide))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::PHONE_PATH,
    tag = "flow",
    description = "SOA208 電話番号の確認: the registered phone is the one to call from.",
    responses(
        (status = 200, description = "SOA208 accepted", body = renkei_shared::api::StepDone),
        crate::error::FlowErrors
    )
)]
pub async fn decide(
    app: Union,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
) -> AppResult<Json<StepDone>> {
    flow.expect(Step::PhoneConfirm)?;
    let next = flow
        .take(&app, &meta, Transition::to(Step::PhoneCall))
        .await?;
    Ok(Json(StepDone { next }))
}
