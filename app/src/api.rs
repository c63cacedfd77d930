//! Typed client of the flow API. Every failure comes back as the server's
//! wire error (`ErrorBody`); a network failure or an unreadable answer is
//! shown as `system_error`, the seed's message for "could not reach us".

use gloo_net::http::{Request, Response};
use renkei_shared::api::{
    AccountForm, CSRF_HEADER, CallChallenge, Cancelled, ConsentForm, CustomerForm, Finished,
    FlowView, Institution, PinForm, StepDone,
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
        // Branch on the code, never the text: the code is shown with the
        // shared table's (the seed's) message; an unknown code did not parse.
        Err(ErrorBody {
            fields: body.fields,
            ..ErrorBody::new(body.code)
        })
    }
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, csrf: &str, body: &B) -> ApiResult<T> {
    let req = Request::post(path)
        .header(CSRF_HEADER, csrf)
        .json(body)
        .map_err(|_| ErrorBody::new(ErrorCode::SystemError))?;
    read(req.send().await).await
}

/// The credit union's profile (name, contact, links, brand colour).
pub async fn institution() -> ApiResult<Institution> {
    read(Request::get("/api/institution").send().await).await
}

pub async fn flow() -> ApiResult<FlowView> {
    read(Request::get("/api/flow").send().await).await
}

pub async fn submit_account(csrf: &str, form: &AccountForm) -> ApiResult<StepDone> {
    post("/api/flow/account", csrf, form).await
}

pub async fn submit_customer(csrf: &str, form: &CustomerForm) -> ApiResult<StepDone> {
    post("/api/flow/customer", csrf, form).await
}

/// SOA208 電話番号の決定.
pub async fn decide_phone(csrf: &str) -> ApiResult<StepDone> {
    post("/api/flow/phone", csrf, &serde_json::json!({})).await
}

/// SOA209 shown: opens the phone challenge (or gets the open one back).
pub async fn open_call(csrf: &str) -> ApiResult<CallChallenge> {
    post("/api/flow/call", csrf, &serde_json::json!({})).await
}

pub async fn call_status() -> ApiResult<CallChallenge> {
    read(Request::get("/api/flow/call").send().await).await
}

/// 確定する.
pub async fn confirm_call(csrf: &str) -> ApiResult<StepDone> {
    post("/api/flow/call/confirm", csrf, &serde_json::json!({})).await
}

pub async fn submit_pin(csrf: &str, form: &PinForm) -> ApiResult<StepDone> {
    post("/api/flow/pin", csrf, form).await
}

/// 許可する.
pub async fn allow(csrf: &str, agree: bool) -> ApiResult<Finished> {
    post("/api/flow/consent", csrf, &ConsentForm { agree }).await
}

/// 拒否する.
pub async fn deny(csrf: &str) -> ApiResult<Finished> {
    post("/api/flow/deny", csrf, &serde_json::json!({})).await
}

/// Leaves the SPA for the app (a full navigation, not a route change).
pub fn leave_for(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

/// The browser's clock in unix milliseconds.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Today in JST from the browser's clock: only for instant feedback on the
/// birth date; the server decides with its own clock.
pub fn today_jst() -> jiff::civil::Date {
    let ms = js_sys::Date::now() as i64;
    jiff::Timestamp::from_millisecond(ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)))
        .date()
}

pub async fn cancel(csrf: &str) -> ApiResult<Cancelled> {
    post("/api/flow/cancel", csrf, &serde_json::json!({})).await
}
