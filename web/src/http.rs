//! The JSON client of both bundles. Every failure comes back as the
//! server's wire error (`ErrorBody`); a network failure or an unreadable
//! answer is `system_error`, the seed's message for "could not reach us".
//! A change carries its CSRF token in the header its API names.

use gloo_net::http::{Request, Response};
use renkei_shared::{ErrorBody, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub type ApiResult<T> = Result<T, ErrorBody>;

/// The CSRF header a change carries and its token (none before a session).
#[derive(Clone, Copy)]
pub struct Csrf<'a> {
    pub header: &'static str,
    pub token: &'a str,
}

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

/// `GET path` → `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    read(Request::get(path).send().await).await
}

/// `POST path` with `body` as JSON → `T`.
pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    csrf: Csrf<'_>,
    body: &B,
) -> ApiResult<T> {
    let req = Request::post(path)
        .header(csrf.header, csrf.token)
        .json(body)
        .map_err(|_| ErrorBody::new(ErrorCode::SystemError))?;
    read(req.send().await).await
}

/// An empty JSON object: the body of a decision that carries nothing else.
#[derive(Serialize)]
pub struct Empty {}

/// `s` percent-encoded for a query value or a path segment.
pub fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// Leaves the SPA for `url` (a full navigation, not a route change).
pub fn leave_for(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}
