//! The account-information API the app is authorized for (the resource
//! server): the consented account's balance, its transactions and its
//! 定期預金. `access` checks the token on every request.

pub mod access;
pub mod accounts;
pub mod transactions;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", get(accounts::accounts))
        .route(
            "/api/v1/accounts/{id}/transactions",
            get(transactions::transactions),
        )
        .route("/api/v1/time-deposits", get(accounts::time_deposits))
}
