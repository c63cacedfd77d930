//! Typed client of the staff API (`/staff/api/*`). Failures come back as
//! the server's wire error; a network failure or an unreadable answer is
//! `system_error`. Every change carries the session's CSRF token.

use gloo_net::http::{Request, Response};
use renkei_shared::staff::{
    AccountView, AuditPage, Ceremony, CeremonyDone, EndLinkages, EnrolStart, Funnel, Me, Reason,
    STAFF_CSRF_HEADER, SignInStart,
};
use renkei_shared::{ErrorBody, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub type ApiResult<T> = Result<T, ErrorBody>;

async fn read<T: DeserializeOwned>(resp: Result<Response, gloo_net::Error>) -> ApiResult<T> {
    let resp = resp.map_err(|_| ErrorBody::new(ErrorCode::SystemError))?;
    if resp.ok() {
        resp.json::<T>()
            .await
            .map_err(|_| ErrorBody::new(ErrorCode::SystemError))
    } else {
        let body = resp
            .json::<ErrorBody>()
            .await
            .unwrap_or_else(|_| ErrorBody::new(ErrorCode::SystemError));
        Err(ErrorBody {
            fields: body.fields,
            ..ErrorBody::new(body.code)
        })
    }
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, csrf: &str, body: &B) -> ApiResult<T> {
    let req = Request::post(path)
        .header(STAFF_CSRF_HEADER, csrf)
        .json(body)
        .map_err(|_| ErrorBody::new(ErrorCode::SystemError))?;
    read(req.send().await).await
}

/// Percent-encodes a query value.
fn q(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

pub async fn me() -> ApiResult<Me> {
    read(Request::get("/staff/api/me").send().await).await
}

pub async fn enrol_start(token: &str) -> ApiResult<Ceremony> {
    let body = EnrolStart {
        token: token.to_owned(),
    };
    post("/staff/api/enrol/start", "", &body).await
}

pub async fn enrol_finish(done: &CeremonyDone) -> ApiResult<Me> {
    post("/staff/api/enrol/finish", "", done).await
}

pub async fn sign_in_start(name: &str) -> ApiResult<Ceremony> {
    let body = SignInStart {
        name: name.to_owned(),
    };
    post("/staff/api/sign-in/start", "", &body).await
}

pub async fn sign_in_finish(done: &CeremonyDone) -> ApiResult<Me> {
    post("/staff/api/sign-in/finish", "", done).await
}

pub async fn sign_out(csrf: &str) -> ApiResult<()> {
    let req = Request::post("/staff/api/sign-out")
        .header(STAFF_CSRF_HEADER, csrf)
        .send()
        .await
        .map_err(|_| ErrorBody::new(ErrorCode::SystemError))?;
    if req.ok() {
        Ok(())
    } else {
        Err(ErrorBody::new(ErrorCode::StaffSignInRequired))
    }
}

fn account_path(branch: &str, kind: &str, number: &str) -> String {
    format!(
        "/staff/api/accounts/{}/{}/{}",
        q(branch),
        q(kind),
        q(number)
    )
}

pub async fn account(branch: &str, kind: &str, number: &str) -> ApiResult<AccountView> {
    read(
        Request::get(&account_path(branch, kind, number))
            .send()
            .await,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct Done {
    pub changed: u64,
}

pub async fn lift_lock(
    csrf: &str,
    (branch, kind, number): (&str, &str, &str),
    reason: &str,
) -> ApiResult<Done> {
    let path = format!("{}/lift-lock", account_path(branch, kind, number));
    let body = Reason {
        reason: reason.to_owned(),
    };
    post(&path, csrf, &body).await
}

pub async fn end_linkages(
    csrf: &str,
    (branch, kind, number): (&str, &str, &str),
    consent_id: Option<i64>,
    reason: &str,
) -> ApiResult<Done> {
    let path = format!("{}/end-linkages", account_path(branch, kind, number));
    let body = EndLinkages {
        consent_id,
        reason: reason.to_owned(),
    };
    post(&path, csrf, &body).await
}

/// The audit search's query string (also the CSV link's).
pub fn audit_query(filters: &[(&str, String)], before: Option<i64>) -> String {
    let mut parts: Vec<String> = filters
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", q(v.trim())))
        .collect();
    if let Some(b) = before {
        parts.push(format!("before={b}"));
    }
    parts.join("&")
}

pub async fn audit(query: &str) -> ApiResult<AuditPage> {
    read(
        Request::get(&format!("/staff/api/audit?{query}"))
            .send()
            .await,
    )
    .await
}

pub async fn funnel(from: &str, to: &str, app: &str) -> ApiResult<Funnel> {
    let path = format!(
        "/staff/api/funnel?from={}&to={}&app={}",
        q(from),
        q(to),
        q(app)
    );
    read(Request::get(&path).send().await).await
}

pub async fn maintenance() -> ApiResult<renkei_shared::staff::Maintenance> {
    read(Request::get("/staff/api/maintenance").send().await).await
}

pub async fn add_maintenance(
    csrf: &str,
    body: &renkei_shared::staff::NewMaintenance,
) -> ApiResult<renkei_shared::staff::MaintenanceWindow> {
    post("/staff/api/maintenance", csrf, body).await
}

pub async fn cancel_maintenance(csrf: &str, id: i64, reason: &str) -> ApiResult<serde_json::Value> {
    let body = Reason {
        reason: reason.to_owned(),
    };
    post(&format!("/staff/api/maintenance/{id}/cancel"), csrf, &body).await
}

pub async fn apps() -> ApiResult<Vec<renkei_shared::staff::AppView>> {
    read(Request::get("/staff/api/apps").send().await).await
}

pub async fn register_app(
    csrf: &str,
    body: &renkei_shared::staff::NewApp,
) -> ApiResult<renkei_shared::staff::AppRegistered> {
    post("/staff/api/apps", csrf, body).await
}

pub async fn set_app_enabled(
    csrf: &str,
    client_id: &str,
    enabled: bool,
    reason: &str,
) -> ApiResult<serde_json::Value> {
    let body = renkei_shared::staff::AppEnabled {
        enabled,
        reason: reason.to_owned(),
    };
    post(
        &format!("/staff/api/apps/{}/enabled", q(client_id)),
        csrf,
        &body,
    )
    .await
}

pub async fn staff_members() -> ApiResult<Vec<renkei_shared::staff::StaffMember>> {
    read(Request::get("/staff/api/staff").send().await).await
}

pub async fn add_staff(
    csrf: &str,
    body: &renkei_shared::staff::NewStaff,
) -> ApiResult<renkei_shared::staff::EnrolmentLink> {
    post("/staff/api/staff", csrf, body).await
}

pub async fn staff_link(csrf: &str, name: &str) -> ApiResult<renkei_shared::staff::EnrolmentLink> {
    post(
        &format!("/staff/api/staff/{}/link", q(name)),
        csrf,
        &serde_json::json!({}),
    )
    .await
}

pub async fn disable_staff(csrf: &str, name: &str, reason: &str) -> ApiResult<serde_json::Value> {
    let body = Reason {
        reason: reason.to_owned(),
    };
    post(
        &format!("/staff/api/staff/{}/disable", q(name)),
        csrf,
        &body,
    )
    .await
}

pub async fn staff_passkeys(name: &str) -> ApiResult<Vec<renkei_shared::staff::StaffPasskey>> {
    read(
        Request::get(&format!("/staff/api/staff/{}/passkeys", q(name)))
            .send()
            .await,
    )
    .await
}

pub async fn remove_passkey(
    csrf: &str,
    name: &str,
    id: i64,
    reason: &str,
) -> ApiResult<serde_json::Value> {
    let body = Reason {
        reason: reason.to_owned(),
    };
    post(
        &format!("/staff/api/staff/{}/passkeys/{id}/remove", q(name)),
        csrf,
        &body,
    )
    .await
}
