//! The extractors every step handler uses: this browser's flow, found by
//! its cookie ([`Flow`]); the same with its anti-CSRF token checked
//! ([`FlowForWrite`]); and a request to take a step, also inside service
//! hours for an enabled app ([`StepRequest`]). [`RequestMeta`] is who is
//! asking, for the operation log.

use crate::crypto::{constant_time_eq, sha256_hex};
use crate::db::{AccountRow, FlowRow, OpLog, Outcome};
use crate::error::{AppError, AppResult};
use crate::http::security::flow_cookie_name;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use renkei_shared::ErrorCode;
use renkei_shared::api::{CSRF_HEADER, Step};
use std::net::SocketAddr;

/// This browser's flow, found by the cookie and not expired. Read-only use.
pub struct Flow {
    pub row: FlowRow,
    pub step: Step,
    pub now: i64,
    /// The app's name, as the screens show it.
    pub client_name: String,
    /// Whether staff left the app enabled.
    pub client_enabled: bool,
    /// Whether a staff maintenance window is open now.
    pub in_maintenance: bool,
    /// The account chosen on SOA201, read with the flow.
    account: Option<AccountRow>,
}

impl FromRequestParts<AppState> for Flow {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<Flow> {
        // The flow is looked for at the request's union only.
        let app = &crate::tenancy::Union::of_request(parts, app).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let name = flow_cookie_name(app.config.secure_cookies());
        let token = jar.get(name).ok_or(ErrorCode::FlowNotFound)?.value();
        let id = sha256_hex(token);
        let now = app.now_secs();
        let found = app
            .tenant
            .find_flow(&id, now)
            .await?
            .ok_or(ErrorCode::FlowNotFound)?;
        let step = found.row.step;
        if now >= found.row.expires_at && step.is_open() {
            return Err(ErrorCode::FlowExpired.into());
        }
        Ok(Flow {
            row: found.row,
            step,
            now,
            client_name: found.client_name,
            client_enabled: found.client_enabled,
            in_maintenance: found.in_maintenance,
            account: found.account,
        })
    }
}

impl Flow {
    /// The account chosen on SOA201. Every step after it has one; a flow
    /// without it (or whose account row vanished) is a bug, not a customer
    /// error, so it is an internal error.
    pub fn account(&self) -> AppResult<&AccountRow> {
        Ok(self
            .account
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("flow at {:?} without an account", self.step))?)
    }

    /// The account chosen on SOA201, if one has been.
    pub fn chosen_account(&self) -> Option<&AccountRow> {
        self.account.as_ref()
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
        // The flow's own read said whether a window is open and the app enabled.
        let union = crate::tenancy::Union::of_request(parts, app).await?;
        open_at(&union, flow.in_maintenance)?;
        if !flow.client_enabled || union.institution.suspended {
            return Err(ErrorCode::ServiceUnavailable.into());
        }
        Ok(StepRequest(flow))
    }
}

/// `out_of_service_hours` in a fixed closed window, the union's own or a
/// staff maintenance window (for a request without a flow yet; a flow's
/// read carries it). `app`: the union's state.
pub async fn ensure_open(app: &Union) -> AppResult<()> {
    let now = app.clock.now();
    open_at(app, app.tenant.in_maintenance(now.as_second()).await?)
}

/// The one rule: closed now in a fixed window of the seed, in one of the
/// union's own calendar (`app`: the union's state) or while a staff
/// maintenance window (`in_maintenance`) is open.
fn open_at(app: &Union, in_maintenance: bool) -> AppResult<()> {
    let calendar = &app.institution.profile.calendar;
    if in_maintenance || super::service_hours::closure(calendar, app.clock.now()).is_some() {
        return Err(ErrorCode::OutOfServiceHours.into());
    }
    Ok(())
}

/// Who is asking, for the operation log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<std::net::IpAddr>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip());
        let ip = peer.map(|peer| client_ip(peer, &parts.headers, &app.config.trusted_proxies));
        let client_ip = ip.map(|ip| ip.to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect());
        Ok(RequestMeta {
            ip,
            client_ip,
            user_agent,
        })
    }
}

/// The browser's address: the peer's, unless the peer is a trusted proxy
/// (`RENKEI_TRUSTED_PROXIES`); then the nearest `X-Forwarded-For` entry
/// that is not one of them. A client's own `X-Forwarded-For` is never
/// believed: only what trusted proxies appended counts.
fn client_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

impl RequestMeta {
    /// An operation-log line for `flow`, at the step it stands at, with
    /// `outcome`.
    pub fn log<'a>(&'a self, flow: &'a Flow, outcome: Outcome) -> OpLog<'a> {
        OpLog {
            flow_id: Some(&flow.row.id),
            client_id: Some(&flow.row.client_id),
            client_ip: self.client_ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            account_id: flow.row.account_id,
            ..OpLog::new(flow.now, flow.step.into(), outcome)
        }
    }
}
