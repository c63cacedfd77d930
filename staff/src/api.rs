//! Typed client of the staff API, on the toolkit's JSON client: each call
//! is its path (declared once, in `renkei_shared::staff::paths`) and its
//! body. Every change carries the session's CSRF token.

use renkei_shared::staff::{
    AccountView, AppEnabled, AppRegistered, AppView, AuditPage, Ceremony, CeremonyDone, Done,
    EndLinkages, EnrolStart, EnrolmentLink, Funnel, InstitutionStateChange, InstitutionsPage,
    Maintenance, MaintenanceWindow, Me, NewApp, NewMaintenance, NewStaff, Reason,
    STAFF_CSRF_HEADER, SignInStart, StaffMember, StaffPasskey, path, paths,
};
pub use renkei_web::http::ApiResult;
use renkei_web::http::{self, Csrf, Empty, encode};
use renkei_web::webauthn::{self, Failed, Kind, Started};
use serde::Serialize;

fn csrf(token: &str) -> Csrf<'_> {
    Csrf {
        header: STAFF_CSRF_HEADER,
        token,
    }
}

fn reason(text: &str) -> Reason {
    Reason {
        reason: text.to_owned(),
    }
}

/// An account as the clerk typed it: 店番, 科目, 口座番号.
pub type AccountKey = (String, String, String);

pub async fn me() -> ApiResult<Me> {
    http::get(paths::ME).await
}

/// A passkey ceremony through the staff API: begun at `start` with
/// `body`, the browser's authenticator, finished at `finish`: signed in.
async fn passkey(
    kind: Kind,
    start: &str,
    body: &impl Serialize,
    finish: &str,
) -> Result<Me, Failed> {
    let begun = async {
        let c: Ceremony = http::post(start, csrf(""), body).await?;
        Ok(Started {
            ceremony: c.ceremony,
            options: c.options,
        })
    };
    webauthn::run(kind, begun, |ceremony, credential| async move {
        http::post(
            finish,
            csrf(""),
            &CeremonyDone {
                ceremony,
                credential,
            },
        )
        .await
    })
    .await
}

/// Registers a passkey with the one-time enrolment `token`, and signs in.
pub async fn enrol(token: String) -> Result<Me, Failed> {
    let body = EnrolStart { token };
    passkey(Kind::Create, paths::ENROL_START, &body, paths::ENROL_FINISH).await
}

/// Signs `name` in with their passkey.
pub async fn sign_in(name: String) -> Result<Me, Failed> {
    let body = SignInStart { name };
    passkey(
        Kind::Get,
        paths::SIGN_IN_START,
        &body,
        paths::SIGN_IN_FINISH,
    )
    .await
}

pub async fn sign_out(token: String) -> ApiResult<()> {
    http::post_for_status(paths::SIGN_OUT, csrf(&token)).await
}

pub async fn account((b, k, n): AccountKey) -> ApiResult<AccountView> {
    http::get(&path(paths::ACCOUNT, &[&b, &k, &n])).await
}

pub async fn lift_lock(token: String, (b, k, n): AccountKey, why: String) -> ApiResult<Done> {
    http::post(
        &path(paths::LIFT_LOCK, &[&b, &k, &n]),
        csrf(&token),
        &reason(&why),
    )
    .await
}

pub async fn end_linkages(
    token: String,
    (b, k, n): AccountKey,
    consent_id: Option<i64>,
    why: String,
) -> ApiResult<Done> {
    let body = EndLinkages {
        consent_id,
        reason: why,
    };
    http::post(
        &path(paths::END_LINKAGES, &[&b, &k, &n]),
        csrf(&token),
        &body,
    )
    .await
}

/// The audit search's query string (also the CSV link's).
pub fn audit_query(filters: &[(&str, String)], before: Option<i64>) -> String {
    let mut parts: Vec<String> = filters
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v.trim())))
        .collect();
    if let Some(b) = before {
        parts.push(format!("before={b}"));
    }
    parts.join("&")
}

/// The CSV export of the lines `query` selects.
pub fn audit_csv_href(query: &str) -> String {
    format!("{}?{query}", paths::AUDIT_CSV)
}

pub async fn audit(query: String) -> ApiResult<AuditPage> {
    http::get(&format!("{}?{query}", paths::AUDIT)).await
}

pub async fn funnel(from: String, to: String, app: String) -> ApiResult<Funnel> {
    let query = format!(
        "from={}&to={}&app={}",
        encode(&from),
        encode(&to),
        encode(&app)
    );
    http::get(&format!("{}?{query}", paths::FUNNEL)).await
}

pub async fn maintenance() -> ApiResult<Maintenance> {
    http::get(paths::MAINTENANCE).await
}

pub async fn add_maintenance(token: String, body: NewMaintenance) -> ApiResult<MaintenanceWindow> {
    http::post(paths::MAINTENANCE, csrf(&token), &body).await
}

pub async fn cancel_maintenance(token: String, id: i64, why: String) -> ApiResult<Done> {
    let id = id.to_string();
    http::post(
        &path(paths::MAINTENANCE_CANCEL, &[&id]),
        csrf(&token),
        &reason(&why),
    )
    .await
}

pub async fn apps() -> ApiResult<Vec<AppView>> {
    http::get(paths::APPS).await
}

pub async fn register_app(token: String, body: NewApp) -> ApiResult<AppRegistered> {
    http::post(paths::APPS, csrf(&token), &body).await
}

pub async fn set_app_enabled(
    token: String,
    client_id: String,
    enabled: bool,
    why: String,
) -> ApiResult<Done> {
    let body = AppEnabled {
        enabled,
        reason: why,
    };
    http::post(
        &path(paths::APP_ENABLED, &[&client_id]),
        csrf(&token),
        &body,
    )
    .await
}

/// A page of the platform's unions (platform staff).
pub async fn institutions(search: String, after: Option<String>) -> ApiResult<InstitutionsPage> {
    let mut query = format!("search={}", encode(search.trim()));
    if let Some(after) = after {
        query.push_str(&format!("&after={}", encode(&after)));
    }
    http::get(&format!("{}?{query}", paths::INSTITUTIONS)).await
}

/// Suspends or resumes a union (platform admin).
pub async fn set_institution_state(
    token: String,
    code: String,
    suspended: bool,
    why: String,
) -> ApiResult<Done> {
    let body = InstitutionStateChange {
        suspended,
        reason: why,
    };
    http::post(
        &path(paths::INSTITUTION_STATE, &[&code]),
        csrf(&token),
        &body,
    )
    .await
}

pub async fn staff_members() -> ApiResult<Vec<StaffMember>> {
    http::get(paths::STAFF).await
}

pub async fn add_staff(token: String, body: NewStaff) -> ApiResult<EnrolmentLink> {
    http::post(paths::STAFF, csrf(&token), &body).await
}

pub async fn staff_link(token: String, name: String) -> ApiResult<EnrolmentLink> {
    http::post(&path(paths::STAFF_LINK, &[&name]), csrf(&token), &Empty {}).await
}

pub async fn disable_staff(token: String, name: String, why: String) -> ApiResult<Done> {
    http::post(
        &path(paths::STAFF_DISABLE, &[&name]),
        csrf(&token),
        &reason(&why),
    )
    .await
}

pub async fn staff_passkeys(name: String) -> ApiResult<Vec<StaffPasskey>> {
    http::get(&path(paths::STAFF_PASSKEYS, &[&name])).await
}

pub async fn remove_passkey(token: String, name: String, id: i64, why: String) -> ApiResult<Done> {
    let id = id.to_string();
    http::post(
        &path(paths::STAFF_PASSKEY_REMOVE, &[&name, &id]),
        csrf(&token),
        &reason(&why),
    )
    .await
}
