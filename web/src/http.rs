//! The JSON client of both bundles. Every failure comes back as the
//! server's wire error (`ErrorBody`); a network failure or an unreadable
//! answer is `system_error`, the seed's message for "could not reach us".
//! A change carries its CSRF token in the header its API names.

use gloo_net::http::Request;
use renkei_shared::{ErrorBody, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

pub type ApiResult<T> = Result<T, ErrorBody>;

/// The CSRF header a change carries and its token (none before a session).
#[derive(Clone, Copy)]
pub struct Csrf<'a> {
    pub header: &'static str,
    pub token: &'a str,
}

fn system_error() -> ErrorBody {
    ErrorBody::new(ErrorCode::SystemError)
}

/// Sends `req`: the answer's body when the server accepted, else its
/// refusal. Not generic, so that each answer type adds only its parsing to
/// a bundle (the one request path is compiled once).
fn send(req: Result<Request, gloo_net::Error>) -> Pin<Box<dyn Future<Output = ApiResult<String>>>> {
    Box::pin(async move {
        let resp = req
            .map_err(|_| system_error())?
            .send()
            .await
            .map_err(|_| system_error())?;
        if resp.ok() {
            return resp.text().await.map_err(|_| system_error());
        }
        let body = resp
            .json::<ErrorBody>()
            .await
            .unwrap_or_else(|_| system_error());
        // Branch on the code, never the text: the code is shown with the
        // shared table's (the seed's) message; an unknown code did not parse.
        Err(ErrorBody {
            fields: body.fields,
            ..ErrorBody::new(body.code)
        })
    })
}

/// `path` under the credit union the page is for: a page served under
/// `/institutions/{code}/` talks to that union's API (issue #22); the root
/// pages (and the staff console) to the root.
fn at_page_institution(path: &str) -> String {
    let page = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    match renkei_shared::api::institution_of(&page) {
        Some((code, _)) => format!("{}{code}{path}", renkei_shared::api::INSTITUTIONS_PREFIX),
        None => path.to_owned(),
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|_| system_error())
}

/// `GET path` → `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    parse(&send(Request::get(&at_page_institution(path)).build()).await?)
}

/// `POST path` with `body` as JSON → `T`.
pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    csrf: Csrf<'_>,
    body: &B,
) -> ApiResult<T> {
    let json = serde_json::to_string(body).map_err(|_| system_error())?;
    parse(&send(post_request(path, csrf, Some(json))).await?)
}

fn post_request(
    path: &str,
    csrf: Csrf<'_>,
    json: Option<String>,
) -> Result<Request, gloo_net::Error> {
    let req = Request::post(&at_page_institution(path)).header(csrf.header, csrf.token);
    match json {
        Some(json) => req.header("content-type", "application/json").body(json),
        None => req.build(),
    }
}

/// `POST path` with an empty body, for a change whose answer is only its
/// status (signing out).
pub async fn post_for_status(path: &str, csrf: Csrf<'_>) -> ApiResult<()> {
    send(post_request(path, csrf, None)).await.map(|_| ())
}

pub use renkei_shared::api::Empty;

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
