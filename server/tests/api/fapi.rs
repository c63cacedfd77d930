//! FAPI 2.0 shape: PAR, private_key_jwt, DPoP-bound tokens. Client keys,
//! assertions and proofs are made with ring and jsonwebtoken (JOSE), not by
//! hand.

use crate::helpers::{TestApp, error_of, get_json, query, spawn_app, spawn_app_with};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use renkei_server::admin::clients::{ClientKeys, ClientOptions};
use renkei_server::clock::Clock;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

const REDIRECT: &str = "http://127.0.0.1/fapi-cb";
const VERIFIER: &str = "fapi-verifier-0123456789-0123456789-0123456789";

/// An ES256 key pair: signing key and public JWK.
struct Key {
    signing: EncodingKey,
    jwk: Value,
    kid: String,
}

fn es256_key(kid: &str) -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let public = pair.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
        "x": URL_SAFE_NO_PAD.encode(&public[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&public[33..65]),
    });
    Key {
        signing: EncodingKey::from_ec_der(pkcs8.as_ref()),
        jwk,
        kid: kid.into(),
    }
}

struct Client {
    id: String,
    key: Key,
    dpop: Key,
}

impl Client {
    fn assertion(&self, app: &TestApp, jti: &str) -> String {
        let now = app.clock.now().as_second();
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some(self.key.kid.clone());
        let claims = json!({"iss": self.id, "sub": self.id, "aud": app.issuer(), "iat": now, "exp": now + 60, "jti": jti});
        encode(&h, &claims, &self.key.signing).unwrap()
    }

    fn proof_with(&self, key: &Key, app: &TestApp, path: &str, jti: &str) -> String {
        let mut h = Header::new(Algorithm::ES256);
        h.typ = Some("dpop+jwt".into());
        h.jwk = Some(serde_json::from_value(key.jwk.clone()).unwrap());
        let claims = json!({"htm": "POST", "htu": format!("{}{path}", app.issuer()), "iat": app.clock.now().as_second(), "jti": jti});
        encode(&h, &claims, &key.signing).unwrap()
    }

    fn proof(&self, app: &TestApp, path: &str) -> String {
        self.proof_with(
            &self.dpop,
            app,
            path,
            &renkei_server::crypto::random_token(),
        )
    }

    fn auth_form<'a>(
        &self,
        app: &TestApp,
        mut form: Vec<(&'a str, String)>,
    ) -> Vec<(&'a str, String)> {
        form.push((
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
        ));
        form.push((
            "client_assertion",
            self.assertion(app, &renkei_server::crypto::random_token()),
        ));
        form
    }

    async fn post(
        &self,
        app: &TestApp,
        path: &str,
        form: Vec<(&str, String)>,
        dpop: Option<String>,
    ) -> reqwest::Response {
        let mut req = app
            .http
            .post(app.url(path))
            .form(&self.auth_form(app, form));
        if let Some(p) = dpop {
            req = req.header("DPoP", p);
        }
        req.send().await.unwrap()
    }
}

async fn register(app: &TestApp, require_par: bool, require_dpop: bool) -> Client {
    let key = es256_key("k1");
    let jwks = json!({"keys": [key.jwk]}).to_string();
    let options = ClientOptions {
        keys: Some(ClientKeys::Uploaded(jwks)),
        require_par,
        require_dpop,
    };
    let id = app
        .add_app("FAPIアプリ", &[REDIRECT.into()], &options)
        .await
        .unwrap()
        .client_id;
    Client {
        id,
        key,
        dpop: es256_key("dpop"),
    }
}

fn par_form() -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "account_info".into()),
        ("state", "fapi-state".into()),
        (
            "code_challenge",
            renkei_server::crypto::pkce_challenge(VERIFIER),
        ),
        ("code_challenge_method", "S256".into()),
    ]
}

/// PAR → authorize → all steps → consent; returns the code.
async fn linkage(app: &TestApp, client: &Client) -> String {
    let resp = client
        .post(
            app,
            renkei_shared::oauth::PAR_PATH,
            par_form(),
            Some(client.proof(app, renkei_shared::oauth::PAR_PATH)),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let pushed: Value = resp.json().await.unwrap();
    assert_eq!(pushed["expires_in"], 90);
    let request_uri = pushed["request_uri"].as_str().unwrap().to_owned();
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    let resp = app
        .authorize(&[
            ("client_id", client.id.clone()),
            ("request_uri", request_uri.clone()),
        ])
        .await;
    assert_eq!(resp.status(), 303);
    // One use only.
    let again = app
        .other_browser()
        .http
        .get(app.url(renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&[
            ("client_id", client.id.as_str()),
            ("request_uri", request_uri.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);

    let view = app.flow().await;
    assert_eq!(view.client_name, "FAPIアプリ");
    let url = app.consent_from_soa201(&view.csrf_token).await;
    assert!(url.as_str().starts_with(REDIRECT));
    assert_eq!(query(&url, "state").as_deref(), Some("fapi-state"));
    query(&url, "code").unwrap()
}

/// The code exchanged with a DPoP proof: the token answer (DPoP-bound).
async fn dpop_tokens(app: &TestApp, client: &Client, code: &str) -> Value {
    let proof = Some(client.proof(app, renkei_shared::oauth::TOKEN_PATH));
    let resp = client
        .post(
            app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(code),
            proof,
        )
        .await;
    assert_eq!(resp.status(), 200);
    let t: Value = resp.json().await.unwrap();
    assert_eq!(t["token_type"], "DPoP");
    t
}

fn code_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.into()),
        ("redirect_uri", REDIRECT.into()),
        ("code_verifier", VERIFIER.into()),
    ]
}

#[tokio::test]
async fn par_private_key_jwt_and_dpop_end_to_end() {
    let app = spawn_app().await;
    let client = register(&app, true, true).await;
    let code = linkage(&app, &client).await;
    let t = dpop_tokens(&app, &client, &code).await;
    let access = t["access_token"].as_str().unwrap().to_owned();
    let refresh = t["refresh_token"].as_str().unwrap().to_owned();

    // Introspection names the key the token is bound to (RFC 7638 thumbprint).
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(client.dpop.jwk.clone()).unwrap();
    let jkt = renkei_server::oauth::jose::thumbprint(&jwk).unwrap();
    let info: Value = client
        .post(
            &app,
            renkei_shared::oauth::INTROSPECT_PATH,
            vec![("token", access.clone())],
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["active"], true);
    assert_eq!(info["token_type"], "DPoP");
    assert_eq!(info["cnf"]["jkt"], jkt);

    // A DPoP-bound refresh token is not rotated, and only its key may use it.
    let form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect::<Vec<_>>();
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            form.clone(),
            Some(client.proof(&app, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let t2: Value = resp.json().await.unwrap();
    assert_eq!(t2["refresh_token"], refresh);
    let other_key = es256_key("other");
    let proof = client.proof_with(
        &other_key,
        &app,
        renkei_shared::oauth::TOKEN_PATH,
        "other-jti",
    );
    let resp = client
        .post(&app, renkei_shared::oauth::TOKEN_PATH, form, Some(proof))
        .await;
    assert_eq!(error_of(resp).await, "invalid_dpop_proof");
}

#[tokio::test]
async fn a_client_that_must_use_par_is_refused_a_plain_request() {
    let app = spawn_app().await;
    let client = register(&app, true, false).await;
    let mut params: Vec<(&str, String)> = par_form();
    params.push(("client_id", client.id.clone()));
    let resp = app.authorize(&params).await;
    assert_eq!(resp.status(), 303);
    let loc = crate::helpers::location(&resp);
    assert!(loc.as_str().starts_with(REDIRECT));
    assert_eq!(query(&loc, "error").as_deref(), Some("invalid_request"));
}

#[tokio::test]
async fn par_is_required_server_wide_outside_demo_mode() {
    let app = spawn_app_with(|c| c.oauth.require_par = true).await;
    let resp = app.authorize(&crate::helpers::authorize_params()).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        query(&crate::helpers::location(&resp), "error").as_deref(),
        Some("invalid_request")
    );
    let m: Value = get_json(&app.http, app.url(renkei_shared::oauth::METADATA_PATH)).await;
    assert_eq!(m["require_pushed_authorization_requests"], true);
}

#[tokio::test]
async fn bad_client_assertions_are_invalid_client() {
    let app = spawn_app().await;
    let client = register(&app, false, false).await;
    let now = app.clock.now().as_second();
    let claims = |aud: &str, exp: i64, jti: &str| json!({"iss": client.id, "sub": client.id, "aud": aud, "iat": now, "exp": exp, "jti": jti});
    let mut kid = Header::new(Algorithm::ES256);
    kid.kid = Some("k1".into());
    let hs = encode(
        &Header::new(Algorithm::HS256),
        &claims(crate::helpers::ISSUER, now + 60, "hs"),
        &EncodingKey::from_secret(b"secret"),
    )
    .unwrap();
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims(crate::helpers::ISSUER, now + 60, "none").to_string())
    );
    let wrong_aud = encode(
        &kid,
        &claims("https://elsewhere.example", now + 60, "aud"),
        &client.key.signing,
    )
    .unwrap();
    let expired = encode(
        &kid,
        &claims(crate::helpers::ISSUER, now - 120, "exp"),
        &client.key.signing,
    )
    .unwrap();
    let other_key = encode(
        &kid,
        &claims(crate::helpers::ISSUER, now + 60, "key"),
        &es256_key("k1").signing,
    )
    .unwrap();
    let good = encode(
        &kid,
        &claims(crate::helpers::ISSUER, now + 60, "once"),
        &client.key.signing,
    )
    .unwrap();
    let send = |jwt: String| {
        app.http
            .post(app.url(renkei_shared::oauth::PAR_PATH))
            .form(&[
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
                ),
                ("client_assertion", jwt),
                ("response_type", "code".into()),
                ("redirect_uri", REDIRECT.into()),
                ("scope", "account_info".into()),
                ("state", "s".into()),
                (
                    "code_challenge",
                    renkei_server::crypto::pkce_challenge(VERIFIER),
                ),
                ("code_challenge_method", "S256".into()),
            ])
            .send()
    };
    for (why, jwt) in [
        ("HS256", hs),
        ("alg none", none),
        ("wrong aud", wrong_aud),
        ("expired", expired),
        ("another key", other_key),
    ] {
        let resp = send(jwt).await.unwrap();
        assert_eq!(resp.status(), 401, "{why}");
        assert_eq!(error_of(resp).await, "invalid_client", "{why}");
    }
    assert_eq!(send(good.clone()).await.unwrap().status(), 201);
    let replay = send(good).await.unwrap();
    assert_eq!(replay.status(), 401, "a jti is single-use");
}

#[tokio::test]
async fn dpop_proofs_are_checked() {
    let app = spawn_app().await;
    let client = register(&app, false, true).await;
    let code = linkage(&app, &client).await;
    // Required but missing.
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            None,
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_dpop_proof");
    // For another endpoint.
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(client.proof(&app, renkei_shared::oauth::PAR_PATH)),
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_dpop_proof");
    // Replayed.
    let proof = client.proof_with(
        &client.dpop,
        &app,
        renkei_shared::oauth::TOKEN_PATH,
        "same-jti",
    );
    let _ = client
        .post(
            &app,
            renkei_shared::oauth::INTROSPECT_PATH,
            vec![("token", "x".into())],
            None,
        )
        .await;
    let first = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(proof.clone()),
        )
        .await;
    assert_eq!(first.status(), 200);
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(proof),
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_dpop_proof");
}

#[tokio::test]
async fn a_secret_client_cannot_use_an_assertion_and_vice_versa() {
    let app = spawn_app().await;
    let client = register(&app, false, false).await;
    // A private_key_jwt client may not authenticate with a secret.
    let resp = app
        .token(
            (&client.id, "anything"),
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(resp.status(), 401);
    // A secret client may not authenticate with an assertion, even one
    // signed by a key registered elsewhere.
    let now = app.clock.now().as_second();
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some("k1".into());
    let claims = json!({"iss": "demo-creco", "sub": "demo-creco", "aud": app.issuer(), "iat": now, "exp": now + 60, "jti": "x"});
    let jwt = encode(&h, &claims, &client.key.signing).expect("signs");
    let resp = app
        .http
        .post(app.url(renkei_shared::oauth::TOKEN_PATH))
        .form(&[
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
            ),
            ("client_assertion", jwt),
            ("grant_type", "refresh_token".into()),
            ("refresh_token", "x".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn dpop_bound_tokens_at_the_account_api() {
    let app = spawn_app().await;
    let client = register(&app, true, true).await;
    let code = linkage(&app, &client).await;
    let t: Value = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(client.proof(&app, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await
        .json()
        .await
        .unwrap();
    let access = t["access_token"].as_str().unwrap().to_owned();
    let proof_for = |ath: &str, jti: &str| {
        let mut h = Header::new(Algorithm::ES256);
        h.typ = Some("dpop+jwt".into());
        h.jwk = Some(serde_json::from_value(client.dpop.jwk.clone()).unwrap());
        let claims = json!({"htm": "GET", "htu": format!("{}{}", crate::helpers::ISSUER, renkei_shared::account::ACCOUNTS_PATH),
                            "iat": app.clock.now().as_second(), "jti": jti, "ath": ath});
        encode(&h, &claims, &client.dpop.signing).unwrap()
    };
    let ath = URL_SAFE_NO_PAD
        .encode(ring::digest::digest(&ring::digest::SHA256, access.as_bytes()).as_ref());
    let send = |scheme: &'static str, proof: Option<String>| {
        let mut req = app
            .http
            .get(app.url(renkei_shared::account::ACCOUNTS_PATH))
            .header("authorization", format!("{scheme} {access}"));
        if let Some(p) = proof {
            req = req.header("DPoP", p);
        }
        req.send()
    };
    let ok = send("DPoP", Some(proof_for(&ath, "a1"))).await.unwrap();
    assert_eq!(ok.status(), 200);
    // The same token as Bearer: refused.
    let resp = send("Bearer", None).await.unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("DPoP")
    );
    // A proof with the wrong ath: refused.
    let resp = send("DPoP", Some(proof_for("d3JvbmctYXRo", "a2")))
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "invalid_dpop_proof");
    // No proof at all, and a replayed one.
    assert_eq!(send("DPoP", None).await.unwrap().status(), 401);
    assert_eq!(
        send("DPoP", Some(proof_for(&ath, "a1")))
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn a_code_pushed_with_a_dpop_proof_is_bound_to_that_key() {
    let app = spawn_app().await;
    // The client does not require DPoP, but used it at PAR: the code is bound.
    let client = register(&app, false, false).await;
    let code = linkage(&app, &client).await;
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            None,
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_dpop_proof", "no proof");
    let other = es256_key("other");
    let proof = client.proof_with(&other, &app, renkei_shared::oauth::TOKEN_PATH, "other-key");
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(proof),
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_dpop_proof", "another key");
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(client.proof(&app, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await;
    assert_eq!(resp.status(), 200, "the key it was pushed with");
}

#[tokio::test]
async fn eddsa_client_assertions_are_accepted() {
    use ring::signature::Ed25519KeyPair;
    let app = spawn_app().await;
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref())});
    let options = ClientOptions {
        keys: Some(ClientKeys::Uploaded(json!({"keys": [jwk]}).to_string())),
        require_par: false,
        require_dpop: false,
    };
    let id = app
        .add_app("Ed25519アプリ", &[REDIRECT.into()], &options)
        .await
        .unwrap()
        .client_id;
    let now = app.clock.now().as_second();
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = Some("ed".into());
    let claims = json!({"iss": id, "sub": id, "aud": app.issuer(), "iat": now, "exp": now + 60, "jti": "ed-1"});
    let jwt = encode(&h, &claims, &EncodingKey::from_ed_der(pkcs8.as_ref())).unwrap();
    let mut form = par_form();
    form.push((
        "client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
    ));
    form.push(("client_assertion", jwt));
    let resp = app
        .http
        .post(app.url(renkei_shared::oauth::PAR_PATH))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
}

#[tokio::test]
async fn the_fapi2_profile_allows_only_par_private_key_jwt_and_dpop() {
    use renkei_server::config::Profile;
    let app = spawn_app_with(|c| {
        c.oauth.profile = Profile::Fapi2;
        c.oauth.require_par = true;
    })
    .await;
    let m: Value = get_json(&app.http, app.url(renkei_shared::oauth::METADATA_PATH)).await;
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        json!(["private_key_jwt"])
    );
    assert_eq!(m["require_pushed_authorization_requests"], true);

    // A registered secret no longer authenticates anyone.
    let resp = app
        .token(
            crate::helpers::DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_client");

    // A private_key_jwt client registered without require_dpop must still
    // send a proof.
    let client = register(&app, false, false).await;
    let resp = client
        .post(&app, renkei_shared::oauth::PAR_PATH, par_form(), None)
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(error_of(resp).await, "invalid_dpop_proof");

    // The assertion's aud must be the issuer as one string.
    let now = app.clock.now().as_second();
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some(client.key.kid.clone());
    let listed = json!({"iss": client.id, "sub": client.id, "aud": [crate::helpers::ISSUER],
                        "iat": now, "exp": now + 60, "jti": "aud-as-list"});
    let mut form = par_form();
    form.push((
        "client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
    ));
    form.push((
        "client_assertion",
        encode(&h, &listed, &client.key.signing).unwrap(),
    ));
    let resp = app
        .http
        .post(app.url(renkei_shared::oauth::PAR_PATH))
        .header("DPoP", client.proof(&app, renkei_shared::oauth::PAR_PATH))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(resp).await, "invalid_client");

    // A client_id beside the assertion must be the assertion's iss.
    let mut form = code_form("any-code");
    form.push(("client_id", "someone-else".into()));
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            form,
            Some(client.proof(&app, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_client");

    // Done the FAPI way, the whole linkage works.
    let code = linkage(&app, &client).await;
    dpop_tokens(&app, &client, &code).await;
}

/// An app's JWK Set server: serves what the test puts in it and counts
/// how often it was asked.
struct JwksServer {
    url: String,
    body: std::sync::Arc<std::sync::Mutex<(u16, String)>>,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl JwksServer {
    async fn start() -> JwksServer {
        use std::sync::atomic::Ordering;
        let body = std::sync::Arc::new(std::sync::Mutex::new((404, String::new())));
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (b, h) = (body.clone(), hits.clone());
        let router = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                h.fetch_add(1, Ordering::SeqCst);
                let (status, text) = b.lock().unwrap().clone();
                async move { (axum::http::StatusCode::from_u16(status).unwrap(), text) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        JwksServer { url, body, hits }
    }

    fn serve(&self, keys: &[&Key]) {
        let keys: Vec<&Value> = keys.iter().map(|k| &k.jwk).collect();
        *self.body.lock().unwrap() = (200, json!({ "keys": keys }).to_string());
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test]
async fn keys_at_a_jwks_uri_are_fetched_at_registration_and_refreshed_as_they_rotate() {
    let app = spawn_app().await;
    let jwks = JwksServer::start().await;
    let register = |uri: String| {
        let app = &app;
        async move {
            let options = ClientOptions {
                keys: Some(ClientKeys::Url(uri)),
                ..ClientOptions::default()
            };
            app.add_app("鍵URLアプリ", &[REDIRECT.into()], &options)
                .await
        }
    };
    // A URL that serves no JWK Set, or a private key, registers nothing.
    let refused = register(jwks.url.clone())
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(refused.contains("404"), "{refused}");
    let (k1, k2, k3) = (es256_key("k1"), es256_key("k2"), es256_key("k3"));
    let mut private = k1.jwk.clone();
    private["d"] = json!("c2VjcmV0");
    *jwks.body.lock().unwrap() = (200, json!({ "keys": [private] }).to_string());
    let refused = register(jwks.url.clone())
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(refused.contains("private"), "{refused}");
    let refused = register("http://jwks.example/jwks.json".into())
        .await
        .err()
        .expect("refused");
    assert!(refused.to_string().contains("https"), "{refused}");
    assert_eq!(jwks.hits(), 2);

    jwks.serve(&[&k1]);
    let id = register(jwks.url.clone()).await.unwrap().client_id;
    assert_eq!(jwks.hits(), 3, "fetched once, at registration");
    let with_key = |key: Key| Client {
        id: id.clone(),
        key,
        dpop: es256_key("dpop"),
    };
    let par = |client: Client| {
        let app = &app;
        async move {
            client
                .post(app, renkei_shared::oauth::PAR_PATH, par_form(), None)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        par(with_key(es256_key("k1"))).await,
        401,
        "another key named k1"
    );
    let c1 = with_key(k1);
    assert_eq!(par(c1).await, 201);
    assert_eq!(jwks.hits(), 3, "a fresh copy is used as it is");

    // The app rotates to k2. Within a minute of the last fetch the URL is
    // not asked again, however many assertions fail.
    jwks.serve(&[&k2]);
    let copy = |k: &Key| Key {
        signing: k.signing.clone(),
        jwk: k.jwk.clone(),
        kid: k.kid.clone(),
    };
    assert_eq!(par(with_key(copy(&k2))).await, 401);
    assert_eq!(jwks.hits(), 3);
    // After it, the unknown key makes one fetch, and the new set counts.
    app.clock.advance(jiff::SignedDuration::from_secs(61));
    assert_eq!(par(with_key(copy(&k2))).await, 201);
    assert_eq!(jwks.hits(), 4);
    assert_eq!(par(with_key(copy(&k2))).await, 201);
    assert_eq!(jwks.hits(), 4);

    // A copy five minutes old is fetched again before it is used: a key
    // the app removed stops working then, though it verified before.
    jwks.serve(&[&k3]);
    app.clock.advance(jiff::SignedDuration::from_secs(301));
    assert_eq!(par(with_key(copy(&k2))).await, 401);
    assert_eq!(jwks.hits(), 5, "one fetch for the stale copy, none after");
    assert_eq!(par(with_key(copy(&k3))).await, 201);
    assert_eq!(jwks.hits(), 5);

    // The URL down: it is asked once more, and the last copy stays in use.
    *jwks.body.lock().unwrap() = (500, String::new());
    app.clock.advance(jiff::SignedDuration::from_secs(301));
    assert_eq!(par(with_key(copy(&k3))).await, 201);
    assert_eq!(jwks.hits(), 6);
    assert_eq!(
        par(with_key(es256_key("k3"))).await,
        401,
        "another key named k3"
    );
    assert_eq!(jwks.hits(), 6);
}

/// `client add --jwks-uri` run as staff run it (off the test's runtime,
/// which serves the JWK Set meanwhile).
async fn register_by_url(app: &TestApp, uri: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = app.cli(&[
        "client",
        "add",
        "--name",
        "鍵URLアプリ",
        "--redirect-uri",
        REDIRECT,
        "--jwks-uri",
        uri,
    ]);
    cmd.envs(env.iter().copied());
    crate::helpers::output_of(cmd).await
}

#[tokio::test]
async fn a_jwks_uri_on_an_internal_address_is_refused() {
    let app = spawn_app().await;
    let jwks = JwksServer::start().await;
    jwks.serve(&[&es256_key("k1")]);
    let port = jwks
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let no_loopback = [("RENKEI_JWKS_ALLOW_LOOPBACK", "0")];
    for (uri, why) in [
        (format!("https://localhost:{port}/jwks.json"), "loopback"),
        (format!("https://127.0.0.1:{port}/jwks.json"), "loopback"),
        (format!("https://[::1]:{port}/jwks.json"), "loopback"),
        ("https://10.1.2.3/jwks.json".into(), "private"),
        ("https://192.168.0.10/jwks.json".into(), "private"),
        (
            "https://169.254.169.254/latest/meta-data/".into(),
            "link-local",
        ),
        ("https://100.64.1.1/jwks.json".into(), "carrier-grade NAT"),
        ("https://[fd00:ec2::254]/jwks.json".into(), "unique-local"),
        ("https://[fe80::1]/jwks.json".into(), "link-local"),
        ("https://[::ffff:10.0.0.1]/jwks.json".into(), "private"),
        (jwks.url.clone(), "https"),
    ] {
        let out = register_by_url(&app, &uri, &no_loopback).await;
        assert!(!out.status.success(), "{uri}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{uri}: {err}");
    }
    assert_eq!(jwks.hits(), 0, "no request left Renkei");
    // The development setting opens this machine, and only it.
    let out = register_by_url(&app, &jwks.url, &[("RENKEI_JWKS_ALLOW_LOOPBACK", "1")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(jwks.hits(), 1);
    let out = register_by_url(
        &app,
        "https://10.1.2.3/jwks.json",
        &[("RENKEI_JWKS_ALLOW_LOOPBACK", "1")],
    )
    .await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("private"));
}

/// One FAPI client, registered once on the platform, at two credit unions
/// (issue #22): each union's PAR, code, DPoP-bound tokens and client
/// assertions are its own. What was made for one union — a `request_uri`,
/// a code, an access or refresh token, an assertion whose audience is its
/// issuer, a DPoP proof for its endpoint — is refused at the other.
#[tokio::test]
async fn what_a_fapi_client_was_given_at_one_union_is_refused_at_another() {
    let app = spawn_app().await;
    let second = crate::platform::second_union(&app).await;
    let client = register(&app, true, true).await;
    // On at the second union too (a new app is off at every union).
    app.enable_app_at(&client.id, "2011").await;

    // A pushed request at the first union is no request at the second.
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::PAR_PATH,
            par_form(),
            Some(client.proof(&app, renkei_shared::oauth::PAR_PATH)),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let pushed: Value = resp.json().await.unwrap();
    let request_uri = pushed["request_uri"].as_str().unwrap().to_owned();
    let resp = second
        .authorize(&[
            ("client_id", client.id.clone()),
            ("request_uri", request_uri.clone()),
        ])
        .await;
    assert_eq!(resp.status(), 400);
    // (It stays unused at its own union.)
    let resp = app
        .authorize(&[
            ("client_id", client.id.clone()),
            ("request_uri", request_uri),
        ])
        .await;
    assert_eq!(resp.status(), 303);

    // An assertion for the first union's issuer, and a DPoP proof for its
    // token endpoint, are refused at the second's.
    let form = client.auth_form(&app, par_form());
    let resp = second
        .http
        .post(second.url(renkei_shared::oauth::PAR_PATH))
        .header(
            "DPoP",
            client.proof(&second, renkei_shared::oauth::PAR_PATH),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(error_of(resp).await, "invalid_client");
    let resp = second
        .http
        .post(second.url(renkei_shared::oauth::PAR_PATH))
        .header("DPoP", client.proof(&app, renkei_shared::oauth::PAR_PATH))
        .form(&client.auth_form(&second, par_form()))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(resp).await, "invalid_dpop_proof");

    // The whole FAPI linkage at the second union, by its own issuer.
    let code = linkage(&second, &client).await;
    // Its code at the first union: invalid_grant (with a good assertion
    // and proof for the first).
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            code_form(&code),
            Some(client.proof(&app, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    let t = dpop_tokens(&second, &client, &code).await;
    let access = t["access_token"].as_str().unwrap().to_owned();
    let refresh = t["refresh_token"].as_str().unwrap().to_owned();

    // The DPoP-bound access token reads at the second union only.
    let read = |at: &TestApp| {
        let url = at.url(renkei_shared::account::ACCOUNTS_PATH);
        let mut h = Header::new(Algorithm::ES256);
        h.typ = Some("dpop+jwt".into());
        h.jwk = Some(serde_json::from_value(client.dpop.jwk.clone()).unwrap());
        let ath = URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            access.as_bytes(),
        ));
        let claims = json!({"htm": "GET", "htu": format!("{}{}", at.issuer(), renkei_shared::account::ACCOUNTS_PATH),
            "iat": at.clock.now().as_second(), "jti": renkei_server::crypto::random_token(), "ath": ath});
        let proof = encode(&h, &claims, &client.dpop.signing).unwrap();
        at.http
            .get(url)
            .header("Authorization", format!("DPoP {access}"))
            .header("DPoP", proof)
            .send()
    };
    assert_eq!(read(&second).await.unwrap().status(), 200);
    assert_eq!(read(&app).await.unwrap().status(), 401);

    // Its refresh token at the first union: invalid_grant.
    let refresh_form = vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh),
    ];
    let resp = client
        .post(
            &app,
            renkei_shared::oauth::TOKEN_PATH,
            refresh_form.clone(),
            Some(client.proof(&app, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    let resp = client
        .post(
            &second,
            renkei_shared::oauth::TOKEN_PATH,
            refresh_form,
            Some(client.proof(&second, renkei_shared::oauth::TOKEN_PATH)),
        )
        .await;
    assert_eq!(resp.status(), 200);
}
