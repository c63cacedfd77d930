//! `GET /api/flow`, so a reloaded screen resumes where the server says, and
//! 中止する (`POST /api/flow/cancel`), which works at every open step.

use super::extract::{Flow, FlowForWrite, RequestMeta};
use super::transition::Transition;
use crate::db::Outcome;
use crate::error::AppResult;
use crate::oauth::authorize::app_return_url;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::api::{AccountSummary, Cancelled, FlowView, Step};
use renkei_shared::domain::mask_phone;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current))
        .routes(routes!(cancel))
}

#[utoipa::path(
    get,
    path = renkei_shared::api::FLOW_PATH,
    tag = "flow",
    description = "The linkage of this browser (its HttpOnly flow cookie): the step, the CSRF token for the next request, the app's name.",
    responses(
        (status = 200, description = "Where this browser's linkage stands", body = renkei_shared::api::FlowView),
        crate::error::FlowErrors
    )
)]
pub async fn current(app: Union, flow: Flow) -> AppResult<Json<FlowView>> {
    let client_name = flow.client_name.clone();
    let row = flow.chosen_account();
    // Only the phone steps show the (masked) registered number, read from
    // the bank's records.
    let masked_phone = match row {
        Some(a) if matches!(flow.step, Step::PhoneConfirm | Step::PhoneCall) => {
            app.records.holder(a).await?.map(|h| mask_phone(&h.phone))
        }
        _ => None,
    };
    let account = row.map(|a| AccountSummary {
        branch: a.branch.clone(),
        kind: a.kind,
        number: a.number.clone(),
    });
    let return_to = (flow.step == Step::Cancelled).then(|| return_url(&app, &flow));
    Ok(Json(FlowView {
        step: flow.step,
        csrf_token: flow.row.csrf_token.clone(),
        client_name,
        account,
        return_to,
        masked_phone,
    }))
}

/// 中止する: ends the flow and tells the SPA where 連携元画面へ goes (the
/// app's redirect URI with `error=access_denied`). Repeating it is harmless;
/// after consent there is nothing left to cancel.
#[utoipa::path(
    post,
    path = renkei_shared::api::CANCEL_PATH,
    tag = "flow",
    description = "中止する: ends the linkage; the app gets `error=access_denied`.",
    responses(
        (status = 200, description = "中止する accepted: back to the app", body = renkei_shared::api::Cancelled),
        crate::error::FlowErrors
    )
)]
pub async fn cancel(
    app: Union,
    meta: RequestMeta,
    FlowForWrite(flow): FlowForWrite,
) -> AppResult<Json<Cancelled>> {
    if flow.step != Step::Cancelled {
        flow.take(
            &app,
            &meta,
            Transition {
                outcome: Outcome::Cancelled,
                ..Transition::to(Step::Cancelled)
            },
        )
        .await?;
    }
    Ok(Json(Cancelled {
        return_to: return_url(&app, &flow),
    }))
}

/// 連携元画面へ: the app's redirect URI with `error=access_denied`.
fn return_url(app: &Union, flow: &Flow) -> String {
    app_return_url(
        app,
        &flow.row.redirect_uri,
        "access_denied",
        None,
        Some(&flow.row.state),
    )
}
