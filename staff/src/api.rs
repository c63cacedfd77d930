//! Typed client of the staff API, on the toolkit's JSON client: each call
//! is its path (declared once, in `renkei_shared::staff::paths`) and its
//! body. Every change carries the session's CSRF token, and every request
//! names the union platform staff chose to act for, if they chose one.

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

/// Where the tab keeps the union platform staff act for (「この組合を操作」
/// on 信用組合): its code, named on every request as `?institution=` (the
/// server decides whether this staff member may; a union's own staff can
/// only name theirs). The tab's life: a reload keeps it, a new tab starts
/// without.
const ACTING_KEY: &str = "renkei-staff-acting";

fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The union platform staff chose to act for, if any.
pub fn acting() -> Option<String> {
    tab_storage()?.get_item(ACTING_KEY).ok()?
}

/// Acts for union `code` from now on (`None`: the default, the
/// deployment's first union).
pub fn act_for(code: Option<&str>) {
    if let Some(store) = tab_storage() {
        let _ = match code {
            Some(code) => store.set_item(ACTING_KEY, code),
            None => store.remove_item(ACTING_KEY),
        };
    }
}

/// `path` naming the union acted for.
fn at(path: &str) -> String {
    match acting() {
        Some(code) => {
            let join = if path.contains('?') { '&' } else { '?' };
            format!("{path}{join}institution={}", encode(&code))
        }
        None => path.to_owned(),
    }
}

async fn get<T: serde::de::DeserializeOwned>(path: &str) -> ApiResult<T> {
    http::get(&at(path)).await
}

async fn post<B: Serialize, T: serde::de::DeserializeOwned>(
    path: &str,
    csrf: Csrf<'_>,
    body: &B,
) -> ApiResult<T> {
    http::post(&at(path), csrf, body).await
}

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
    get(paths::ME).await
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
        let c: Ceremony = post(start, csrf(""), body).await?;
        Ok(Started {
            ceremony: c.ceremony,
            options: c.options,
        })
    };
    webauthn::run(kind, begun, |ceremony, credential| async move {
        post(
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
    http::post_for_status(&at(paths::SIGN_OUT), csrf(&token)).await
}

pub async fn account((b, k, n): AccountKey) -> ApiResult<AccountView> {
    get(&path(paths::ACCOUNT, &[&b, &k, &n])).await
}

pub async fn lift_lock(token: String, (b, k, n): AccountKey, why: String) -> ApiResult<Done> {
    post(
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
    post(
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
    at(&format!("{}?{query}", paths::AUDIT_CSV))
}

pub async fn audit(query: String) -> ApiResult<AuditPage> {
    get(&format!("{}?{query}", paths::AUDIT)).await
}

pub async fn funnel(from: String, to: String, app: String) -> ApiResult<Funnel> {
    let query = format!(
        "from={}&to={}&app={}",
        encode(&from),
        encode(&to),
        encode(&app)
    );
    get(&format!("{}?{query}", paths::FUNNEL)).await
}

pub async fn maintenance() -> ApiResult<Maintenance> {
    get(paths::MAINTENANCE).await
}

pub async fn add_maintenance(token: String, body: NewMaintenance) -> ApiResult<MaintenanceWindow> {
    post(paths::MAINTENANCE, csrf(&token), &body).await
}

pub async fn cancel_maintenance(token: String, id: i64, why: String) -> ApiResult<Done> {
    let id = id.to_string();
    post(
        &path(paths::MAINTENANCE_CANCEL, &[&id]),
        csrf(&token),
        &reason(&why),
    )
    .await
}

pub async fn apps() -> ApiResult<Vec<AppView>> {
    get(paths::APPS).await
}

pub async fn register_app(token: String, body: NewApp) -> ApiResult<AppRegistered> {
    post(paths::PLATFORM_APPS, csrf(&token), &body).await
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
    post(
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
    get(&format!("{}?{query}", paths::INSTITUTIONS)).await
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
    post(
        &path(paths::INSTITUTION_STATE, &[&code]),
        csrf(&token),
        &body,
    )
    .await
}

pub async fn staff_members() -> ApiResult<Vec<StaffMember>> {
    get(paths::STAFF).await
}

pub async fn add_staff(token: String, body: NewStaff) -> ApiResult<EnrolmentLink> {
    post(paths::STAFF, csrf(&token), &body).await
}

pub async fn staff_link(token: String, name: String) -> ApiResult<EnrolmentLink> {
    post(&path(paths::STAFF_LINK, &[&name]), csrf(&token), &Empty {}).await
}

pub async fn disable_staff(token: String, name: String, why: String) -> ApiResult<Done> {
    post(
        &path(paths::STAFF_DISABLE, &[&name]),
        csrf(&token),
        &reason(&why),
    )
    .await
}

pub async fn staff_passkeys(name: String) -> ApiResult<Vec<StaffPasskey>> {
    get(&path(paths::STAFF_PASSKEYS, &[&name])).await
}

pub async fn remove_passkey(token: String, name: String, id: i64, why: String) -> ApiResult<Done> {
    let id = id.to_string();
    post(
        &path(paths::STAFF_PASSKEY_REMOVE, &[&name, &id]),
        csrf(&token),
        &reason(&why),
    )
    .await
}
