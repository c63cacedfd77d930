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
pub mod platform;

use crate::admin::Context;
use crate::crypto::{constant_time_eq, sha256_hex};
use crate::db::SessionLimits;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::tenancy::Union;
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

/// The console's API: signing in, then two kinds of action, each its own
/// router. A union's actions (`union_router`) take a [`StaffUnion`] — the
/// member's own union, or the one platform staff chose — and change that
/// union's rows only. The platform's (`platform::router`) take a
/// [`platform::PlatformStaff`]: registering apps, the list of unions,
/// suspending one — anything that takes effect at more than one union;
/// a union's staff are refused them (403, logged).
pub fn router() -> Router<AppState> {
    sign_in_router()
        .merge(union_router())
        .merge(platform::router())
}

fn sign_in_router() -> Router<AppState> {
    Router::new()
        .route(paths::ENROL_START, post(passkeys::enrol_start))
        .route(paths::ENROL_FINISH, post(passkeys::enrol_finish))
        .route(paths::SIGN_IN_START, post(passkeys::sign_in_start))
        .route(paths::SIGN_IN_FINISH, post(passkeys::sign_in_finish))
        .route(paths::SIGN_OUT, post(passkeys::sign_out))
        .route(paths::ME, get(passkeys::me))
}

/// What a union's staff do for their union (and platform staff for the
/// union they chose).
fn union_router() -> Router<AppState> {
    Router::new()
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
        .route(paths::APPS, get(apps::list))
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
/// the session's CSRF token (`staff_csrf_rejected`). Holds nothing of a
/// union: what a union's action changes comes from [`StaffUnion`].
#[derive(Clone)]
pub struct Staff {
    pub staff_id: i64,
    pub name: String,
    pub role: StaffRole,
    pub csrf_token: String,
    pub session_hash: String,
    /// The member's union (`None`: platform staff).
    pub institution: Option<i64>,
}

/// The header (or `institution` query parameter) by which a request names
/// the credit union (its 金融機関コード) it is about: platform staff choose
/// one; a union's staff may name only their own.
pub const INSTITUTION_HEADER: &str = "x-renkei-institution";

/// The union a staff request acts for: its records, log, apps,
/// maintenance and staff. The member's own union; for platform staff the
/// one the request names, else the root alias's (the union the console
/// opens on). A union's member naming any other code, a union's or not,
/// is refused alike (`staff_forbidden`, logged).
pub struct StaffUnion(pub Union);

impl FromRequestParts<AppState> for StaffUnion {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<StaffUnion> {
        if let Some(union) = parts.extensions.get::<ActsFor>() {
            return Ok(StaffUnion(union.0.clone()));
        }
        let staff = Staff::from_request_parts(parts, app).await?;
        let named = named_institution(parts);
        let union = match (staff.institution, named) {
            (Some(own), named) => {
                let union = Union::by_id(app, own).await?;
                if named.is_some_and(|code| code != union.institution.code) {
                    return Err(staff.refuse_other_union(app, "data").await);
                }
                union
            }
            (None, Some(code)) => {
                let row = app
                    .storage
                    .institution_by_code(&code)
                    .await?
                    .ok_or(ErrorCode::NotFound)?;
                Union::of(app, row)?
            }
            (None, None) => Union::by_id(app, app.root.0).await?,
        };
        parts.extensions.insert(ActsFor(union.clone()));
        Ok(StaffUnion(union))
    }
}

#[derive(Clone)]
struct ActsFor(Union);

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

    /// The staff tools' context, acting as this staff member for `union`
    /// (the request's [`StaffUnion`]).
    pub fn context(&self, union: &Union) -> Context {
        Context::as_staff(
            union.storage.clone(),
            union.tenant.clone(),
            union.clock.now(),
            &self.name,
        )
        .configured(&union.config)
    }

    /// The staff tools' context for a platform action: no union's rows
    /// (its `tenant` is the root alias's, which a platform action does not
    /// write: what it changes it logs at the platform and the unions it
    /// reaches).
    pub fn platform_context(&self, app: &AppState) -> Context {
        Context::as_staff(
            app.storage.clone(),
            app.storage.tenant(app.root.0),
            app.clock.now(),
            &self.name,
        )
        .configured(&app.config)
    }

    /// Refuses (`staff_forbidden`, logged at the member's own union) a
    /// request about another union's staff member, account or data.
    pub async fn refuse_other_union(&self, app: &AppState, what: &str) -> AppError {
        let detail = format!("another credit union's {what}");
        refuse_logged(app, &self.name, self.institution, &detail).await
    }

    /// Refuses (`staff_forbidden`, logged at the member's union) a union's
    /// member a platform action.
    pub async fn refuse_platform_action(&self, app: &AppState, what: &str) -> AppError {
        let detail = format!("the platform's action: {what}");
        refuse_logged(app, &self.name, self.institution, &detail).await
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> AppResult<Staff> {
        // Several extractors of one request ask: read the session once.
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }
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
        let staff = Staff {
            staff_id: row.staff_id,
            name: row.name,
            role: row.role,
            csrf_token: row.csrf_token,
            session_hash,
            institution: row.institution_id,
        };
        parts.extensions.insert(staff.clone());
        Ok(staff)
    }
}

/// Refuses (`staff_forbidden`) staff member `name` of union `institution`
/// (`None`: the platform's) a request, and logs it (`detail`) at the
/// member's own union, or at the platform.
async fn refuse_logged(
    app: &AppState,
    name: &str,
    institution: Option<i64>,
    detail: &str,
) -> AppError {
    let log = crate::db::OpLog {
        staff: Some(name),
        detail: Some(detail),
        ..crate::db::OpLog::new(
            app.now_secs(),
            crate::db::LogStep::Staff,
            crate::db::Outcome::Refused(ErrorCode::StaffForbidden),
        )
    };
    tracing::warn!(staff = %name, detail, "a staff request refused: not this member's to make");
    // At the member's union; a platform member's refusals at the platform.
    let logged = match institution {
        Some(union) => app.storage.tenant(union).log_operation(log).await,
        None => app.storage.log_platform(log).await,
    };
    if let Err(e) = logged {
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
