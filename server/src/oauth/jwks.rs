//! An app's public keys: a JWK Set uploaded at registration, or a URL the
//! app publishes it at (`jwks_uri`). For a URL the database keeps the copy
//! fetched last (`clients.jwks`, what assertions are verified with) and
//! when the URL was last asked; the copy is fetched again when it is older
//! than [`MAX_AGE_SECS`] — so a key the app removes stops working within
//! that time — or when an assertion fails against it (a key the app just
//! added), never more than once per [`MIN_INTERVAL_SECS`] per app, so
//! unauthenticated requests cannot make Renkei hammer an app's server.

use std::time::Duration;
use url::Url;

/// A fetched copy older than this is fetched again before it is used.
pub const MAX_AGE_SECS: i64 = 300;
/// The URL is asked at most this often per app, answered or not.
pub const MIN_INTERVAL_SECS: i64 = 60;
/// A JWK Set larger than this is refused (a handful of keys is ~1 KiB).
const MAX_BYTES: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(3);

/// A JWK Set fit to register: parses, has keys, holds no private part.
pub fn check(jwks: &str) -> Result<(), String> {
    let set: jsonwebtoken::jwk::JwkSet =
        serde_json::from_str(jwks).map_err(|e| format!("not a JWK Set: {e}"))?;
    if set.keys.is_empty() {
        return Err("no keys".into());
    }
    let value: serde_json::Value = serde_json::from_str(jwks).map_err(|e| e.to_string())?;
    let private = value["keys"]
        .as_array()
        .is_some_and(|keys| keys.iter().any(|k| k.get("d").is_some()));
    if private {
        return Err("private key material; register public keys only".into());
    }
    Ok(())
}

/// A `jwks_uri` fit to register: absolute https (http only on loopback,
/// for development), no credentials, no fragment.
pub fn check_uri(uri: &str) -> Result<Url, String> {
    let u = Url::parse(uri).map_err(|e| e.to_string())?;
    let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if !(u.scheme() == "https" || (u.scheme() == "http" && loopback)) {
        return Err("must be https (http only for loopback)".into());
    }
    if u.fragment().is_some() || !u.username().is_empty() || u.password().is_some() {
        return Err("no fragment or credentials allowed".into());
    }
    Ok(u)
}

/// The client the fetches go through: short timeouts, no redirects (the
/// registered URL is the one asked).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("renkei/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a client with these settings builds")
}

/// Fetches the JWK Set at `uri` and checks it as a registration would.
pub async fn fetch(http: &reqwest::Client, uri: &str) -> Result<String, String> {
    let url = check_uri(uri)?;
    let mut resp = http.get(url).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("answered {}", resp.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(format!("larger than {MAX_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(body).map_err(|_| "not UTF-8".to_owned())?;
    check(&text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_key_sets_and_https_urls_register() {
        let public = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
        assert_eq!(check(public), Ok(()));
        assert!(check(r#"{"keys":[]}"#).is_err());
        assert!(check("[]").is_err());
        let private = public.replace(
            "\"x\"",
            "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"x\"",
        );
        assert!(check(&private).unwrap_err().contains("private"));

        assert!(check_uri("https://app.example/jwks.json").is_ok());
        assert!(check_uri("http://127.0.0.1:8080/jwks.json").is_ok());
        assert!(check_uri("http://app.example/jwks.json").is_err());
        assert!(check_uri("https://u:p@app.example/jwks.json").is_err());
        assert!(check_uri("https://app.example/jwks.json#k").is_err());
        assert!(check_uri("/jwks.json").is_err());
    }
}
