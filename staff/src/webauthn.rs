//! The browser's side of a passkey ceremony: WebAuthn's JSON options in,
//! `navigator.credentials.create/get`, the credential's JSON out. Uses the
//! browser's own converters (`PublicKeyCredential.parseCreationOptionsFromJSON`,
//! `parseRequestOptionsFromJSON`, `toJSON`), so no base64 handling here.

use js_sys::{Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a ceremony did not finish in the browser (cancelled, no
/// authenticator, an old browser).
pub struct Refused;

fn get(target: &JsValue, key: &str) -> Result<JsValue, Refused> {
    Reflect::get(target, &JsValue::from_str(key)).map_err(|_| Refused)
}

fn function(target: &JsValue, key: &str) -> Result<Function, Refused> {
    get(target, key)?
        .dyn_into::<Function>()
        .map_err(|_| Refused)
}

async fn ceremony(
    options: &serde_json::Value,
    parse: &str,
    call: &str,
) -> Result<serde_json::Value, Refused> {
    let window: JsValue = web_sys::window().ok_or(Refused)?.into();
    let pkc = get(&window, "PublicKeyCredential")?;
    let json = serde_json::to_string(&options["publicKey"]).map_err(|_| Refused)?;
    let parsed = JSON::parse(&json).map_err(|_| Refused)?;
    let public_key = function(&pkc, parse)?
        .call1(&pkc, &parsed)
        .map_err(|_| Refused)?;
    let arg = Object::new();
    Reflect::set(&arg, &JsValue::from_str("publicKey"), &public_key).map_err(|_| Refused)?;
    let credentials = get(&get(&window, "navigator")?, "credentials")?;
    let promise: Promise = function(&credentials, call)?
        .call1(&credentials, &arg)
        .map_err(|_| Refused)?
        .dyn_into()
        .map_err(|_| Refused)?;
    let credential = JsFuture::from(promise).await.map_err(|_| Refused)?;
    let out = function(&credential, "toJSON")?
        .call0(&credential)
        .map_err(|_| Refused)?;
    let text = JSON::stringify(&out).map_err(|_| Refused)?;
    serde_json::from_str(&String::from(text)).map_err(|_| Refused)
}

/// Registers a new passkey.
pub async fn create(options: &serde_json::Value) -> Result<serde_json::Value, Refused> {
    ceremony(options, "parseCreationOptionsFromJSON", "create").await
}

/// Signs in with a passkey.
pub async fn get_assertion(options: &serde_json::Value) -> Result<serde_json::Value, Refused> {
    ceremony(options, "parseRequestOptionsFromJSON", "get").await
}
