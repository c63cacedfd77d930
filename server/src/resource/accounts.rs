//! `GET /api/v1/accounts` (the consented account, its balance) and
//! `GET /api/v1/time-deposits` (its 定期預金).

use super::access::Access;
use crate::error::AppResult;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::ErrorCode;
use renkei_shared::account::{Account, Accounts, TimeDeposit, TimeDeposits};

fn masked_number(n: &str) -> String {
    format!("***{}", &n[n.len().saturating_sub(4)..])
}

#[utoipa::path(
    get,
    path = renkei_shared::account::ACCOUNTS_PATH,
    tag = "accounts",
    description = "The linked account and its balances.",
    security(("bearer" = []), ("dpop" = [])),
    responses(
        (status = 200, description = "The linked account", body = renkei_shared::account::Accounts),
        crate::error::ResourceErrors
    )
)]
pub async fn accounts(app: Union, Access(g): Access) -> AppResult<Json<Accounts>> {
    let b = app
        .records
        .balance(&g.account())
        .await?
        .ok_or(ErrorCode::InsufficientScope)?;
    Ok(Json(Accounts {
        accounts: vec![Account {
            masked_number: masked_number(&g.number),
            id: g.public_id,
            branch: g.branch,
            kind: g.account_kind,
            currency: "JPY".into(),
            balance: b.balance,
            available_balance: b.available_balance,
            as_of: app.clock.now().to_string(),
        }],
    }))
}

#[utoipa::path(
    get,
    path = renkei_shared::account::TIME_DEPOSITS_PATH,
    tag = "accounts",
    description = "定期預金 of the linked account.",
    security(("bearer" = []), ("dpop" = [])),
    responses(
        (status = 200, description = "Time deposits", body = renkei_shared::account::TimeDeposits),
        crate::error::ResourceErrors
    )
)]
pub async fn time_deposits(app: Union, Access(g): Access) -> AppResult<Json<TimeDeposits>> {
    let rows = app.records.time_deposits(&g.account()).await?;
    let time_deposits = rows
        .iter()
        .map(|t| TimeDeposit {
            principal: t.principal,
            currency: "JPY".into(),
            rate_basis_points: t.rate_bp,
            rate_percent: format!("{}.{:02}", t.rate_bp / 100, t.rate_bp % 100),
            start_date: t.start_on.to_string(),
            maturity_date: t.maturity_on.to_string(),
        })
        .collect();
    Ok(Json(TimeDeposits {
        account_id: g.public_id,
        time_deposits,
    }))
}
