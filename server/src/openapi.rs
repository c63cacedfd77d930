//! The OpenAPI 3.1 contract, generated from the handlers' `#[utoipa::path]`
//! attributes and the shared wire types, served at `/openapi.json` and kept
//! in the repo as `docs/openapi.json` (a unit test fails when the two
//! differ: `renkei-server openapi > docs/openapi.json` writes it again).
//! The test command runs schemathesis against a live server with it.
//!
//! Most types below only describe answers the handlers build as JSON
//! values, and the forms the OAuth endpoints take; the fuzzer checks every
//! answer against them.

#![allow(dead_code)]

use axum::Json;
use axum::response::IntoResponse;
use renkei_shared::ErrorBody;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Renkei API連携認証",
        description = "The credit union's API linkage authentication: the customer's screens' JSON API (`/api/flow/*`, an HttpOnly flow cookie and the `x-renkei-csrf` header), the OAuth 2.0 / FAPI 2.0 endpoints for fintech apps, the account-information API, the carrier's call webhook and the health endpoints. Every error of the flow and account APIs is `{code, message, fields}` with one stable code; the OAuth endpoints answer RFC 6749 errors."
    ),
    paths(
        crate::institution::institution,
        crate::flow::view::current,
        crate::flow::view::cancel,
        crate::flow::account::submit,
        crate::flow::customer::submit,
        crate::flow::phone::decide,
        crate::flow::call::open,
        crate::flow::call::status,
        crate::flow::call::confirm,
        crate::flow::pin::submit,
        crate::flow::consent::allow,
        crate::flow::consent::deny,
        crate::oauth::metadata::metadata,
        crate::oauth::authorize::authorize,
        crate::oauth::par::push,
        crate::oauth::token::token,
        crate::oauth::revoke::revoke,
        crate::oauth::introspect::introspect,
        crate::resource::accounts::accounts,
        crate::resource::accounts::time_deposits,
        crate::resource::transactions::transactions,
        crate::telephony::webhook::inbound_call,
        crate::telephony::webhook::twilio_voice,
        crate::http::health::healthz,
        crate::http::health::readyz,
    ),
    components(schemas(renkei_shared::ErrorCode, renkei_shared::FieldCode)),
    modifiers(&Security),
    tags(
        (name = "flow", description = "The customer's screens (SOA201 → SOA206)"),
        (name = "oauth", description = "For fintech apps"),
        (name = "accounts", description = "The account-information API"),
        (name = "telephony", description = "The carrier's webhooks"),
        (name = "operations", description = "Health")
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "client_secret_basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        c.add_security_scheme(
            "private_key_jwt",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        c.add_security_scheme(
            "dpop",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document as JSON (what `/openapi.json` serves and the repo keeps).
pub fn json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// `GET /openapi.json`.
pub async fn serve() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

/// Every error a call of the flow API can answer: the wire error format
/// with one stable code (its `code` lists them all).
#[derive(IntoResponses)]
pub enum FlowErrors {
    /// `invalid_input`: a body that is not the JSON asked for.
    #[response(status = 400)]
    Malformed(ErrorBody),
    /// `flow_not_found`: no linkage in this browser (the HttpOnly flow cookie).
    #[response(status = 401)]
    NoFlow(ErrorBody),
    /// `csrf_rejected` (no or a wrong `x-renkei-csrf` header); `locked` (this
    /// attempt locked API linkage until 0:00 JST, B84); `locked_b84`.
    #[response(status = 403)]
    Refused(ErrorBody),
    /// `flow_out_of_order`: the linkage is at another step;
    /// `callback_pending`: the call has not come yet.
    #[response(status = 409)]
    OutOfOrder(ErrorBody),
    /// `flow_expired`, `callback_expired`.
    #[response(status = 410)]
    Expired(ErrorBody),
    /// `required_missing` or `invalid_input` with `fields`;
    /// `account_not_eligible`, `identity_mismatch`, `consent_required`.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// `system_error`.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// `busy` (混雑, `Retry-After: 1`), `out_of_service_hours`,
    /// `service_unavailable` (maintenance, or the app disabled;
    /// `Retry-After: 30`).
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The account-information API's errors.
#[derive(IntoResponses)]
pub enum ResourceErrors {
    /// `invalid_token`, `consent_expired`, `invalid_dpop_proof` (with
    /// `WWW-Authenticate`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// `insufficient_scope`, `account_moved`.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// `system_error`.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// `busy`, `service_unavailable`.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The OAuth endpoints' errors (RFC 6749 §5.2).
#[derive(IntoResponses)]
pub enum OAuthErrors {
    /// `invalid_request`, `invalid_grant`, `unsupported_grant_type`,
    /// `invalid_scope`, `invalid_dpop_proof`; `use_dpop_nonce` (RFC 9449
    /// §8) with the nonce to use in `DPoP-Nonce`.
    #[response(
        status = 400,
        headers(("dpop-nonce" = String, description = "The DPoP nonce to use (PAR and token, when `RENKEI_DPOP_NONCE` is on)"))
    )]
    BadRequest(OAuthErrorBody),
    /// `invalid_client`.
    #[response(status = 401)]
    InvalidClient(OAuthErrorBody),
    /// `server_error`.
    #[response(status = 500)]
    Internal(OAuthErrorBody),
    /// `temporarily_unavailable`.
    #[response(status = 503)]
    Unavailable(OAuthErrorBody),
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(ToSchema)]
pub struct OAuthErrorBody {
    pub error: String,
    pub error_description: Option<String>,
}

#[derive(ToSchema)]
pub struct ParAnswer {
    pub request_uri: String,
    pub expires_in: i64,
}

/// RFC 7662; only `active` when the token is not the caller's or not live.
#[derive(ToSchema)]
pub struct Introspection {
    pub active: bool,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    pub token_type: Option<String>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub iss: Option<String>,
    pub cnf: Option<Cnf>,
    pub consent_expires_at: Option<i64>,
}

#[derive(ToSchema)]
pub struct Cnf {
    pub jkt: String,
}

/// `/oauth/par`'s form: the authorization request, plus client
/// authentication (`client_id`, `client_assertion*`) when not Basic.
#[derive(ToSchema)]
pub struct ParForm {
    pub response_type: String,
    pub client_id: Option<String>,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub client_assertion_type: Option<String>,
    pub client_assertion: Option<String>,
}

/// `/oauth/token`'s form.
#[derive(ToSchema)]
pub struct TokenForm {
    /// `authorization_code` or `refresh_token`.
    pub grant_type: String,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub client_id: Option<String>,
    pub client_assertion_type: Option<String>,
    pub client_assertion: Option<String>,
}

/// `/oauth/revoke`'s and `/oauth/introspect`'s form.
#[derive(ToSchema)]
pub struct TokenOnlyForm {
    pub token: String,
    pub token_type_hint: Option<String>,
    pub client_id: Option<String>,
    pub client_assertion_type: Option<String>,
    pub client_assertion: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransactionsQuery {
    /// `YYYY-MM-DD`, not before the retention (default: its start).
    pub from: Option<String>,
    /// `YYYY-MM-DD` (default: today).
    pub to: Option<String>,
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// 1–200 (default 50).
    pub limit: Option<String>,
}

#[derive(ToSchema)]
pub struct Accounts {
    pub accounts: Vec<Account>,
}

#[derive(ToSchema)]
pub struct Account {
    pub id: String,
    pub branch: String,
    pub kind: renkei_shared::domain::AccountKind,
    /// The last four digits.
    pub masked_number: String,
    pub currency: String,
    pub balance: i64,
    pub available_balance: i64,
    pub as_of: String,
}

#[derive(ToSchema)]
pub struct TimeDeposits {
    pub account_id: String,
    pub time_deposits: Vec<TimeDeposit>,
}

#[derive(ToSchema)]
pub struct TimeDeposit {
    pub principal: i64,
    pub currency: String,
    pub rate_basis_points: i64,
    pub rate_percent: String,
    pub start_date: String,
    pub maturity_date: String,
}

#[derive(ToSchema)]
pub struct Transactions {
    pub account_id: String,
    pub from: String,
    pub to: String,
    pub retained_from: String,
    pub transactions: Vec<Transaction>,
    pub next_cursor: Option<String>,
}

#[derive(ToSchema)]
pub struct Transaction {
    pub id: i64,
    pub date: String,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

/// The carrier's report of one call.
#[derive(ToSchema)]
pub struct InboundCall {
    pub call_id: String,
    /// The caller's number, or empty when withheld (非通知).
    pub from: String,
    /// The toll-free number called.
    pub to: String,
    pub received_at: String,
}

/// The parameters of Twilio's voice webhook that Renkei reads (Twilio
/// sends more; every one is covered by the signature).
#[derive(ToSchema)]
#[allow(non_snake_case)]
pub struct TwilioCall {
    pub CallSid: String,
    /// E.164 caller, or `anonymous` when withheld.
    pub From: String,
    /// The toll-free number called.
    pub To: String,
}

#[derive(ToSchema)]
pub struct CallAnswer {
    /// `verified`, `already_verified`, `too_late`, `no_matching_challenge`,
    /// `withheld` or `duplicate`.
    pub result: String,
}

#[derive(ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `not_ready`.
    pub status: String,
    /// Why not ready.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    /// The committed contract is the one the code generates.
    #[test]
    fn docs_openapi_json_is_current() {
        let committed = include_str!("../../docs/openapi.json");
        assert!(
            committed.trim_end() == super::json().trim_end(),
            "docs/openapi.json is stale: run `cargo run -p renkei-server -- openapi > docs/openapi.json`"
        );
    }
}
