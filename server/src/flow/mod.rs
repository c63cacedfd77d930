//! The customer's side of a linkage: one module per step, each with its
//! own route, plus what they share.
//!
//! | file | step |
//! |---|---|
//! | `account` | SOA201 ご利用口座情報入力 |
//! | `customer` | お客様情報入力 (SOA202): the identity match |
//! | `phone` | SOA208 電話番号の確認 |
//! | `call` | SOA209 電話番号認証: the server-owned 120-second window |
//! | `pin` | SOA211 キャッシュカード暗証番号認証 |
//! | `consent` | SOA206 情報連携認可: 許可する / 拒否する |
//! | `view` | `GET /api/flow` (where the flow stands) and 中止する |
//!
//! Shared: `extract` (finding the flow, CSRF, service hours), `transition`
//! (the one way a flow moves), `lockout` (the daily lock), `throttle`
//! (per-IP and per-flow limits), `service_hours` (the seed's fixed
//! closures).

pub mod account;
pub mod call;
pub mod consent;
pub mod customer;
pub mod extract;
pub mod lockout;
pub mod phone;
pub mod pin;
pub mod service_hours;
pub mod throttle;
pub mod transition;
pub mod view;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(view::router())
        .merge(account::router())
        .merge(customer::router())
        .merge(phone::router())
        .merge(call::router())
        .merge(pin::router())
        .merge(consent::router())
}
