//! The flow as a whole: the extractors every step handler uses to find this
//! browser's flow (and check its anti-CSRF token), `GET /api/flow` so a
//! reloaded screen resumes where the server says, and 中止する.

use crate::error::{AppError, AppResult};
use crate::routes::authorize::app_return_url;
use crate::security::{constant_time_eq, flow_cookie_name};
use crate::state::AppState;
use crate::storage::{AccountRow, FlowRow, OpLog};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use renkei_shared::ErrorCode;
use renkei_shared::api::{AccountSummary, CSRF_HEADER, Cancelled, FlowView, Step};
use renkei_shared::domain::{AccountKind, mask_phone};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/flow", get(current))
        .route("/api/flow/cancel", post(cancel))
}

/// This browser's flow, found by the cookie and not expired. Read-only use.
pub struct Flow {
    pub row: FlowRow,
    pub step: Step,
    pub now: i64,
}

impl FromRequestParts<AppState> for Flow {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<Flow> {
        let jar = CookieJar::from_headers(&parts.headers);
        let name = flow_cookie_name(app.config.secure_cookies());
        let token = jar.get(name).ok_or(ErrorCode::FlowNotFound)?.value();
        let id = crate::security::sha256_hex(token);
        let row = app
            .storage
            .find_flow(&id)
            .await?
            .ok_or(ErrorCode::FlowNotFound)?;
        let now = app.now_secs();
        let step = row
            .step()
            .ok_or_else(|| anyhow::anyhow!("flow has unknown step {:?}", row.step))?;
        if now >= row.expires_at && step.is_open() {
            return Err(ErrorCode::FlowExpired.into());
        }
        Ok(Flow { row, step, now })
    }
}

impl Flow {
    /// The account chosen on SOA201. Every step after it has one; a flow
    /// without it (or whose account row vanished) is a bug, not a customer
    /// error, so it is an internal error.
    pub async fn account(&self, app: &AppState) -> AppResult<AccountRow> {
        let id = self
            .row
            .account_id
            .ok_or_else(|| anyhow::anyhow!("flow at {:?} without an account", self.step))?;
        Ok(app
            .storage
            .account_by_id(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("flow's account {id} is gone"))?)
    }

    /// Refuses the request unless the flow stands at `step`.
    pub fn expect(&self, step: Step) -> AppResult<()> {
        if self.step == step {
            Ok(())
        } else {
            Err(ErrorCode::FlowOutOfOrder.into())
        }
    }
}

/// A flow for a state-changing request: also requires the flow's anti-CSRF
/// token in the `x-renkei-csrf` header. A cross-site page can neither read
/// the token nor set that header without a CORS preflight we never allow.
pub struct FlowForWrite(pub Flow);

impl FromRequestParts<AppState> for FlowForWrite {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<Self> {
        let flow = Flow::from_request_parts(parts, app).await?;
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !constant_time_eq(sent, &flow.row.csrf_token) {
            return Err(ErrorCode::CsrfRejected.into());
        }
        Ok(FlowForWrite(flow))
    }
}

/// A request to take a flow step: the flow with its CSRF token checked,
/// inside service hours, for an app staff have not disabled.
pub struct StepRequest(pub Flow);

impl FromRequestParts<AppState> for StepRequest {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<Self> {
        let FlowForWrite(flow) = FlowForWrite::from_request_parts(parts, app).await?;
        ensure_open(app).await?;
        let enabled = app
            .storage
            .find_client(&flow.row.client_id)
            .await?
            .is_some_and(|c| c.enabled);
        if !enabled {
            return Err(ErrorCode::ServiceUnavailable.into());
        }
        Ok(StepRequest(flow))
    }
}

/// `out_of_service_hours` in a fixed closed window or a staff maintenance
/// window.
pub async fn ensure_open(app: &AppState) -> AppResult<()> {
    let now = app.clock.now();
    if crate::service_hours::fixed_closure(now).is_some()
        || app.storage.in_maintenance(now.as_second()).await?
    {
        return Err(ErrorCode::OutOfServiceHours.into());
    }
    Ok(())
}

/// Who is asking, for the operation log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let client_ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect());
        Ok(RequestMeta {
            client_ip,
            user_agent,
        })
    }
}

impl RequestMeta {
    /// An operation-log line for `flow` at `step` with `outcome`.
    pub fn log<'a>(&'a self, flow: &'a Flow, step: &'a str, outcome: &'a str) -> OpLog<'a> {
        OpLog {
            at: flow.now,
            flow_id: Some(&flow.row.id),
            client_id: Some(&flow.row.client_id),
            step,
            outcome,
            client_ip: self.client_ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            ..Default::default()
        }
    }
}

async fn current(State(app): State<AppState>, flow: Flow) -> AppResult<Json<FlowView>> {
    let client_name = app
        .storage
        .find_client(&flow.row.client_id)
        .await?
        .map(|c| c.display_name)
        .unwrap_or_default();
    let row = match flow.row.account_id {
        Some(id) => app.storage.account_by_id(id).await?,
        None => None,
    };
    // Only the phone steps show the (masked) registered number.
    let masked_phone = row
        .as_ref()
        .filter(|_| matches!(flow.step, Step::PhoneConfirm | Step::PhoneCall))
        .map(|a| mask_phone(&a.phone));
    let account = row.map(|a| AccountSummary {
        branch: a.branch,
        kind: AccountKind::parse(&a.kind).unwrap_or(AccountKind::Ordinary),
        number: a.number,
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
/// app's redirect URI with `error=access_denied`). Repeating it is harmless.
async fn cancel(
    State(app): State<AppState>,
    meta: RequestMeta,
    FlowForWrite(flow): FlowForWrite,
) -> AppResult<Json<Cancelled>> {
    if flow.step == Step::Completed {
        return Err(ErrorCode::FlowOutOfOrder.into());
    }
    if app.storage.cancel_flow(&flow.row.id, flow.now).await? {
        let step = flow.step.code();
        app.storage
            .log_operation(meta.log(&flow, step, "cancelled"))
            .await?;
    }
    Ok(Json(Cancelled {
        return_to: return_url(&app, &flow),
    }))
}

/// 連携元画面へ: the app's redirect URI with `error=access_denied`.
fn return_url(app: &AppState, flow: &Flow) -> String {
    app_return_url(
        app,
        &flow.row.redirect_uri,
        "access_denied",
        None,
        Some(&flow.row.state),
    )
}
