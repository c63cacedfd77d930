//! Typed client of the flow API, on the toolkit's JSON client: each call
//! is its path (declared once, in `renkei_shared::api`) and its body.

use renkei_shared::api::{
    ACCOUNT_PATH, AccountForm, CALL_CONFIRM_PATH, CALL_PATH, CANCEL_PATH, CONSENT_PATH,
    CSRF_HEADER, CUSTOMER_PATH, CallChallenge, Cancelled, ConsentForm, CustomerForm, DENY_PATH,
    FLOW_PATH, Finished, FlowView, INSTITUTION_PATH, Institution, PHONE_PATH, PIN_PATH, PinForm,
    StepDone,
};
use renkei_web::http::{self, Csrf, Empty};
pub use renkei_web::http::{ApiResult, leave_for};

fn csrf(token: &str) -> Csrf<'_> {
    Csrf {
        header: CSRF_HEADER,
        token,
    }
}

/// The credit union's profile (name, contact, links, brand colour).
pub async fn institution() -> ApiResult<Institution> {
    http::get(INSTITUTION_PATH).await
}

pub async fn flow() -> ApiResult<FlowView> {
    http::get(FLOW_PATH).await
}

pub async fn submit_account(token: &str, form: &AccountForm) -> ApiResult<StepDone> {
    http::post(ACCOUNT_PATH, csrf(token), form).await
}

pub async fn submit_customer(token: &str, form: &CustomerForm) -> ApiResult<StepDone> {
    http::post(CUSTOMER_PATH, csrf(token), form).await
}

/// SOA208 電話番号の決定.
pub async fn decide_phone(token: &str) -> ApiResult<StepDone> {
    http::post(PHONE_PATH, csrf(token), &Empty {}).await
}

/// SOA209 shown: opens the phone challenge (or gets the open one back).
pub async fn open_call(token: &str) -> ApiResult<CallChallenge> {
    http::post(CALL_PATH, csrf(token), &Empty {}).await
}

pub async fn call_status() -> ApiResult<CallChallenge> {
    http::get(CALL_PATH).await
}

/// 確定する.
pub async fn confirm_call(token: &str) -> ApiResult<StepDone> {
    http::post(CALL_CONFIRM_PATH, csrf(token), &Empty {}).await
}

pub async fn submit_pin(token: &str, form: &PinForm) -> ApiResult<StepDone> {
    http::post(PIN_PATH, csrf(token), form).await
}

/// 許可する.
pub async fn allow(token: &str, agree: bool) -> ApiResult<Finished> {
    http::post(CONSENT_PATH, csrf(token), &ConsentForm { agree }).await
}

/// 拒否する.
pub async fn deny(token: &str) -> ApiResult<Finished> {
    http::post(DENY_PATH, csrf(token), &Empty {}).await
}

pub async fn cancel(token: &str) -> ApiResult<Cancelled> {
    http::post(CANCEL_PATH, csrf(token), &Empty {}).await
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
