//! `GET /api/v1/accounts` (the consented account, its balance) and
//! `GET /api/v1/time-deposits` (its 定期預金).

use super::access::Access;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use renkei_shared::ErrorCode;
use serde_json::{Value, json};

fn masked_number(n: &str) -> String {
    format!("***{}", &n[n.len().saturating_sub(4)..])
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    description = "The linked account and its balances.",
    security(("bearer" = []), ("dpop" = [])),
    responses(
        (status = 200, description = "The linked account", body = crate::openapi::Accounts),
        crate::openapi::ResourceErrors
    )
)]
pub async fn accounts(State(app): State<AppState>, Access(g): Access) -> AppResult<Json<Value>> {
    let b = app
        .records
        .balance(&g.account())
        .await?
        .ok_or(ErrorCode::InsufficientScope)?;
    Ok(Json(json!({
        "accounts": [{
            "id": g.public_id,
            "branch": g.branch,
            "kind": g.account_kind.code(),
            "masked_number": masked_number(&g.number),
            "currency": "JPY",
            "balance": b.balance,
            "available_balance": b.available_balance,
            "as_of": app.clock.now().to_string(),
        }]
    })))
}

#[utoipa::path(
    get,
    path = "/api/v1/time-deposits",
    tag = "accounts",
    description = "定期預金 of the linked account.",
    security(("bearer" = []), ("dpop" = [])),
    responses(
        (status = 200, description = "Time deposits", body = crate::openapi::TimeDeposits),
        crate::openapi::ResourceErrors
    )
)]
pub async fn time_deposits(
    State(app): State<AppState>,
    Access(g): Access,
) -> AppResult<Json<Value>> {
    let rows = app.records.time_deposits(&g.account()).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|t| {
            json!({
                "principal": t.principal,
                "currency": "JPY",
                "rate_basis_points": t.rate_bp,
                "rate_percent": format!("{}.{:02}", t.rate_bp / 100, t.rate_bp % 100),
                "start_date": t.start_on.to_string(),
                "maturity_date": t.maturity_on.to_string(),
            })
        })
        .collect();
    Ok(Json(
        json!({"account_id": g.public_id, "time_deposits": items}),
    ))
}
