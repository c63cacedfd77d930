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
pub mod institutions;
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
        .route(paths::INSTITUTIONS, get(institutions::list))
        .route(paths::INSTITUTION_STATE, post(institutions::set_state))
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
    /// The member's union (`None`: platform staff, who act for the union a
    /// request names, or the first).
    pub institution: Option<i64>,
    /// The state for the union this request acts for (see [`StaffUnion`]).
    union: AppState,
}

/// The header (or `institution` query parameter) by which a request names
/// the credit union (its 金融機関コード) it is about: platform staff choose
/// one; a union's staff may name only their own.
pub const INSTITUTION_HEADER: &str = "x-renkei-institution";

/// The state for the union a staff request acts for: its records, log,
/// apps, maintenance and staff. Taken after [`Staff`] (which decides it).
pub struct StaffUnion(pub AppState);

impl FromRequestParts<AppState> for StaffUnion {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<StaffUnion> {
        let staff = match parts.extensions.get::<UnionOf>() {
            Some(u) => return Ok(StaffUnion(u.0.clone())),
            None => Staff::from_request_parts(parts, app).await?,
        };
        Ok(StaffUnion(staff.union))
    }
}

#[derive(Clone)]
struct UnionOf(AppState);

/// The 金融機関コード a request names, if any.
fn named_institution(parts: &Parts) -> Option<String> {
    let header = parts
        .headers
        .get(INSTITUTION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    header.or_else(|| {
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(k, _)| k == "institution")
            .map(|(_, v)| v.into_owned())
    })
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

    /// The staff tools' context, acting as this staff member for the union
    /// this request is about.
    pub fn context(&self, app: &AppState) -> Context {
        Context {
            tenant: self.union.tenant.clone(),
            ..Context::as_staff(app.storage.clone(), app.clock.now(), &self.name)
                .configured(&app.config)
        }
    }

    /// Refuses (`staff_forbidden`, logged at the member's own union) a
    /// request about another union's staff member, account or data.
    pub async fn refuse_other_union(&self, app: &AppState, what: &str) -> AppError {
        refuse_other_union(app, &self.name, self.institution, what).await
    }

    /// The name of the union this request acts for.
    pub fn union_name(&self) -> String {
        self.union.institution.profile.public.name.clone()
    }

    /// Whether the union this request acts for is `institution`.
    pub fn acts_for(&self, institution: Option<i64>) -> bool {
        institution == Some(self.union.tenant.institution())
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
        // The union it acts for: the member's own; for platform staff the
        // one the request names (else the first). A union's staff naming
        // another union is refused and logged.
        let named = match named_institution(parts) {
            Some(code) => Some(
                app.storage
                    .institution_by_code(&code)
                    .await?
                    .ok_or(ErrorCode::NotFound)?,
            ),
            None => None,
        };
        let union_id = row.institution_id.unwrap_or(crate::db::FIRST_INSTITUTION);
        let union_row = match (row.institution_id, named) {
            (Some(own), Some(asked)) if asked.id != own => {
                return Err(refuse_other_union(app, &row.name, Some(own), "data").await);
            }
            (_, Some(asked)) => asked,
            (_, None) => app
                .storage
                .institution_by_id(union_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("staff member's union {union_id} is missing"))?,
        };
        let base = crate::tenancy::base_of(&union_row);
        let union = crate::tenancy::state_for(app, union_row, base)?;
        parts.extensions.insert(UnionOf(union.clone()));
        Ok(Staff {
            staff_id: row.staff_id,
            name: row.name,
            role: row.role,
            csrf_token: row.csrf_token,
            session_hash,
            institution: row.institution_id,
            union,
        })
    }
}

/// Refuses (`staff_forbidden`) staff member `name` of union `institution`
/// (`None`: the platform's) a request about another union's `what`, and
/// logs it at the member's own union.
async fn refuse_other_union(
    app: &AppState,
    name: &str,
    institution: Option<i64>,
    what: &str,
) -> AppError {
    let union = institution.unwrap_or(crate::db::FIRST_INSTITUTION);
    let detail = format!("another credit union's {what}");
    let log = crate::db::OpLog {
        staff: Some(name),
        detail: Some(&detail),
        ..crate::db::OpLog::new(
            app.now_secs(),
            crate::db::LogStep::Staff,
            crate::db::Outcome::Refused(ErrorCode::StaffForbidden),
        )
    };
    tracing::warn!(staff = %name, what, "a request for another credit union's data refused");
    if let Err(e) = app.storage.tenant(union).log_operation(log).await {
        return e.into();
    }
    ErrorCode::StaffForbidden.into()
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
