//! Typed client of the flow API. Every failure comes back as the server's
//! wire error (`ErrorBody`); a network failure or an unreadable answer is
//! shown as `system_error`, the seed's message for "could not reach us".

use gloo_net::http::{Request, Response};
use renkei_shared::api::{AccountForm, CSRF_HEADER, Cancelled, CustomerForm, FlowView, StepDone};
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
        // Branch on the code, never the text: a known code is shown with the
        // shared table's (the seed's) message.
        Err(match body.error_code() {
            Some(code) => ErrorBody {
                fields: body.fields,
                ..ErrorBody::new(code)
            },
            None => ErrorBody::new(ErrorCode::SystemError),
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

pub async fn flow() -> ApiResult<FlowView> {
    read(Request::get("/api/flow").send().await).await
}

pub async fn submit_account(csrf: &str, form: &AccountForm) -> ApiResult<StepDone> {
    post("/api/flow/account", csrf, form).await
}

pub async fn submit_customer(csrf: &str, form: &CustomerForm) -> ApiResult<StepDone> {
    post("/api/flow/customer", csrf, form).await
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
