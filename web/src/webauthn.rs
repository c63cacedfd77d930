//! The passkey ceremony, once for both of its uses (enrolment, sign-in):
//! ask the server to start one, let the browser's authenticator answer
//! (`navigator.credentials.create/get`), hand the credential back to the
//! server. The browser's own converters do the JSON
//! (`PublicKeyCredential.parseCreationOptionsFromJSON`,
//! `parseRequestOptionsFromJSON`, `toJSON`), so no base64 handling here.

use js_sys::{Function, JSON, Object, Promise, Reflect};
use renkei_shared::ErrorBody;
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Which ceremony.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Register a new passkey (`credentials.create`).
    Create,
    /// Sign in with one (`credentials.get`).
    Get,
}

/// Why a ceremony did not finish.
pub enum Failed {
    /// The server refused (its wire error).
    Server(ErrorBody),
    /// The browser did not finish it (cancelled, no authenticator, an
    /// old browser).
    Browser,
}

impl From<ErrorBody> for Failed {
    fn from(e: ErrorBody) -> Self {
        Failed::Server(e)
    }
}

/// What the server hands out to start a ceremony.
pub struct Started {
    /// The server's id of this ceremony, sent back with the credential.
    pub ceremony: String,
    /// WebAuthn's JSON options (`{"publicKey": …}`).
    pub options: serde_json::Value,
}

/// One whole ceremony: `start` on the server, the authenticator in the
/// browser, `finish` on the server with the ceremony's id and credential.
pub async fn run<S, F, FF, T>(kind: Kind, start: S, finish: F) -> Result<T, Failed>
where
    S: Future<Output = Result<Started, ErrorBody>>,
    F: FnOnce(String, serde_json::Value) -> FF,
    FF: Future<Output = Result<T, ErrorBody>>,
{
    let started = start.await?;
    let credential = match kind {
        Kind::Create => browser(&started.options, "parseCreationOptionsFromJSON", "create").await,
        Kind::Get => browser(&started.options, "parseRequestOptionsFromJSON", "get").await,
    }
    .map_err(|()| Failed::Browser)?;
    Ok(finish(started.ceremony, credential).await?)
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, ()> {
    Reflect::get(target, &JsValue::from_str(key)).map_err(|_| ())
}

fn function(target: &JsValue, key: &str) -> Result<Function, ()> {
    get(target, key)?.dyn_into::<Function>().map_err(|_| ())
}

async fn browser(
    options: &serde_json::Value,
    parse: &str,
    call: &str,
) -> Result<serde_json::Value, ()> {
    let window: JsValue = web_sys::window().ok_or(())?.into();
    let pkc = get(&window, "PublicKeyCredential")?;
    let json = serde_json::to_string(&options["publicKey"]).map_err(|_| ())?;
    let parsed = JSON::parse(&json).map_err(|_| ())?;
    let public_key = function(&pkc, parse)?
        .call1(&pkc, &parsed)
        .map_err(|_| ())?;
    let arg = Object::new();
    Reflect::set(&arg, &JsValue::from_str("publicKey"), &public_key).map_err(|_| ())?;
    let credentials = get(&get(&window, "navigator")?, "credentials")?;
    let promise: Promise = function(&credentials, call)?
        .call1(&credentials, &arg)
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    let credential = JsFuture::from(promise).await.map_err(|_| ())?;
    let out = function(&credential, "toJSON")?
        .call0(&credential)
        .map_err(|_| ())?;
    let text = JSON::stringify(&out).map_err(|_| ())?;
    serde_json::from_str(&String::from(text)).map_err(|_| ())
}
