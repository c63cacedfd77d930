//! The staff console's API (`/staff/api/*`): passkey enrolment and sign-in,
//! staff sessions, and what staff do — look up an account, lift its lock,
//! end its linkages, read the audit log, see the funnel, set maintenance
//! windows, manage apps and staff accounts. Every change needs
//! a reason and writes the operation log with the staff member's name
//! (through `admin::Context`, the same code as the command line).
//!
//! A staff session is its own cookie (`__Host-renkei_staff` over TLS, path
//! `/` then; `renkei_staff` with path `/staff` otherwise), HttpOnly,
//! SameSite=Strict, with an idle limit of 15 minutes and an absolute one of
//! 8 hours kept by the server; every change also needs the session's CSRF
//! token in a header. The customer's flow cookie means nothing here and the
//! staff cookie nothing to the flow API.

pub mod accounts;
pub mod apps;
pub mod audit;
pub mod funnel;
pub mod maintenance;
pub mod members;
pub mod passkeys;

use crate::admin::Context;
use crate::crypto::{constant_time_eq, sha256_hex};
use crate::db::SessionLimits;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use renkei_shared::ErrorCode;
use renkei_shared::staff::{STAFF_CSRF_HEADER, StaffRole, paths};

pub const SESSION_LIMITS: SessionLimits = SessionLimits {
    idle_secs: 15 * 60,
    absolute_secs: 8 * 60 * 60,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::ENROL_START, post(passkeys::enrol_start))
        .route(paths::ENROL_FINISH, post(passkeys::enrol_finish))
        .route(paths::SIGN_IN_START, post(passkeys::sign_in_start))
        .route(paths::SIGN_IN_FINISH, post(passkeys::sign_in_finish))
        .route(paths::SIGN_OUT, post(passkeys::sign_out))
        .route(paths::ME, get(passkeys::me))
        .route(paths::ACCOUNT, get(accounts::show))
        .route(paths::LIFT_LOCK, post(accounts::lift_lock))
        .route(paths::END_LINKAGES, post(accounts::end_linkages))
        .route(paths::AUDIT, get(audit::search))
        .route(paths::AUDIT_CSV, get(audit::export))
        .route(paths::FUNNEL, get(funnel::show))
        .route(
            paths::MAINTENANCE,
            get(maintenance::list).post(maintenance::add),
        )
        .route(paths::MAINTENANCE_CANCEL, post(maintenance::cancel))
        .route(paths::APPS, get(apps::list).post(apps::register))
        .route(paths::APP_ENABLED, post(apps::set_enabled))
        .route(paths::STAFF, get(members::list).post(members::add))
        .route(paths::STAFF_LINK, post(members::new_link))
        .route(paths::STAFF_LINKS_REVOKE, post(members::revoke_links))
        .route(paths::STAFF_DISABLE, post(members::disable))
        .route(paths::STAFF_PASSKEYS, get(members::passkeys))
        .route(paths::STAFF_PASSKEY_REMOVE, post(members::remove_passkey))
}

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-renkei_staff"
    } else {
        "renkei_staff"
    }
}

/// The session cookie (no Max-Age: the server's limits are what count).
pub fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((cookie_name(secure), value))
        // `__Host-` requires path `/`; without TLS the cookie stays on /staff.
        .path(if secure { "/" } else { "/staff" })
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

/// A signed-in staff member. As an extractor it refuses a request without
/// a live session (`staff_sign_in_required`), and a state change without
/// the session's CSRF token (`staff_csrf_rejected`).
pub struct Staff {
    pub staff_id: i64,
    pub name: String,
    pub role: StaffRole,
    pub csrf_token: String,
    pub session_hash: String,
}

impl Staff {
    /// Refuses with `staff_forbidden` unless the role is at least `min`.
    pub fn require(&self, min: StaffRole) -> AppResult<()> {
        if self.role >= min {
            Ok(())
        } else {
            Err(ErrorCode::StaffForbidden.into())
        }
    }

    /// The staff tools' context, acting as this staff member.
    pub fn context(&self, app: &AppState) -> Context {
        Context::as_staff(app.storage.clone(), app.clock.now(), &self.name).configured(&app.config)
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<Staff> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(cookie_name(app.config.secure_cookies()))
            .ok_or(ErrorCode::StaffSignInRequired)?
            .value();
        let session_hash = sha256_hex(token);
        let row = app
            .storage
            .staff_session(&session_hash, app.now_secs(), SESSION_LIMITS)
            .await?
            .ok_or(ErrorCode::StaffSignInRequired)?;
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let sent = parts
                .headers
                .get(STAFF_CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &row.csrf_token) {
                return Err(ErrorCode::StaffCsrfRejected.into());
            }
        }
        Ok(Staff {
            staff_id: row.staff_id,
            name: row.name,
            role: row.role,
            csrf_token: row.csrf_token,
            session_hash,
        })
    }
}

/// A stored instant (unix seconds) as a clerk reads it, in JST
/// (`2026年11月30日 9:31`).
pub fn instant(secs: i64) -> String {
    renkei_shared::staff::clerk_time(secs, false)
}

/// The reason every change needs, trimmed; empty is refused.
pub fn reason(r: &str) -> AppResult<&str> {
    let r = r.trim();
    if r.is_empty() || r.chars().count() > 500 {
        return Err(ErrorCode::StaffReasonRequired.into());
    }
    Ok(r)
}
