//! The account-information API the app is authorized for (the resource
//! server): the consented account's balance, its transactions and its
//! 定期預金. `access` checks the token on every request.

pub mod access;
pub mod accounts;
pub mod transactions;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(accounts::accounts))
        .routes(routes!(transactions::transactions))
        .routes(routes!(accounts::time_deposits))
}
