//! The project's own FAPI 2.0 negative suite, modelled on the OpenID
//! Foundation's `fapi2-security-profile-final` test plan (variant
//! `private_key_jwt` + `dpop`, conformance suite package `fapi2spfinal`):
//! one test per module-like case, against a real server on its own port
//! over HTTP, under `RENKEI_PROFILE=fapi2` with server-provided DPoP nonces
//! on. The client here is written from the RFCs, not from the server's
//! code: it signs with ring keys through `jsonwebtoken`, and it handles a
//! nonce as oauth4webapi does — it keeps the last `DPoP-Nonce` it was given
//! and retries once when asked with `use_dpop_nonce`.
//!
//! Each test names the OIDF module it stands for (`fapi2-security-profile-
//! final-…`) in its doc comment; the README lists which modules have an
//! equivalent here and which do not, and why.

use crate::helpers::{ISSUER, TestApp, query, spawn_app_with};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use renkei_server::admin::clients::{ClientKeys, ClientOptions};
use renkei_server::clock::Clock;
use renkei_server::config::Profile;
use renkei_server::crypto::{pkce_challenge, random_token};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use std::sync::Mutex;

const REDIRECT: &str = "https://app.example/cb";
const VERIFIER: &str = "conformance-verifier-0123456789-0123456789-01234";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// An ES256 key pair: its signing key and public JWK.
struct Key {
    signing: EncodingKey,
    jwk: Value,
    pkcs8: Vec<u8>,
}

fn es256() -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let public = pair.public_key().as_ref();
    Key {
        signing: EncodingKey::from_ec_der(pkcs8.as_ref()),
        jwk: json!({
            "kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&public[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&public[33..65]),
        }),
        pkcs8: pkcs8.as_ref().to_vec(),
    }
}

/// A server as a certification run sees one: FAPI 2.0, PAR required,
/// server-provided DPoP nonces.
async fn fapi2_server() -> TestApp {
    spawn_app_with(|c| {
        c.oauth.profile = Profile::Fapi2;
        c.oauth.require_par = true;
        c.oauth.dpop_nonce = true;
    })
    .await
}

/// A registered FAPI 2.0 client: its assertion key, its DPoP key, and the
/// last nonce the server handed it.
struct Client<'a> {
    app: &'a TestApp,
    id: String,
    key: Key,
    dpop: Key,
    nonce: Mutex<Option<String>>,
}

impl<'a> Client<'a> {
    async fn register(app: &'a TestApp) -> Client<'a> {
        let key = es256();
        let options = ClientOptions {
            keys: Some(ClientKeys::Uploaded(json!({"keys": [key.jwk]}).to_string())),
            require_par: true,
            require_dpop: true,
        };
        let id = app
            .add_app("適合性試験アプリ", &[REDIRECT.into()], &options)
            .await
            .unwrap()
            .client_id;
        Client {
            app,
            id,
            key,
            dpop: es256(),
            nonce: Mutex::new(None),
        }
    }

    fn now(&self) -> i64 {
        self.app.clock.now().as_second()
    }

    /// The claims of a good assertion, for a test to spoil.
    fn assertion_claims(&self) -> Value {
        let now = self.now();
        json!({"iss": self.id, "sub": self.id, "aud": ISSUER, "iat": now, "exp": now + 60,
               "jti": random_token()})
    }

    fn sign(&self, key: &Key, header: Header, claims: &Value) -> String {
        encode(&header, claims, &key.signing).unwrap()
    }

    fn assertion_with(&self, claims: &Value) -> String {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some("k1".into());
        self.sign(&self.key, h, claims)
    }

    /// The claims of a good proof for `method` at `path` (with the nonce
    /// held and, for a token, its `ath`).
    fn proof_claims(&self, method: &str, path: &str, token: Option<&str>) -> Value {
        let mut c = json!({"htm": method, "htu": format!("{ISSUER}{path}"), "iat": self.now(),
                           "jti": random_token()});
        if let Some(n) = self.nonce.lock().unwrap().clone() {
            c["nonce"] = json!(n);
        }
        if let Some(t) = token {
            c["ath"] = json!(
                URL_SAFE_NO_PAD
                    .encode(ring::digest::digest(&ring::digest::SHA256, t.as_bytes()).as_ref())
            );
        }
        c
    }

    fn dpop_header(&self, key: &Key) -> Header {
        let mut h = Header::new(Algorithm::ES256);
        h.typ = Some("dpop+jwt".into());
        h.jwk = Some(serde_json::from_value(key.jwk.clone()).unwrap());
        h
    }

    fn proof_with(&self, claims: &Value) -> String {
        self.sign(&self.dpop, self.dpop_header(&self.dpop), claims)
    }

    fn proof(&self, method: &str, path: &str, token: Option<&str>) -> String {
        self.proof_with(&self.proof_claims(method, path, token))
    }

    /// POSTs `form` to `path` with a fresh assertion and `proof` (made
    /// anew on the retry), keeping any nonce the answer hands out and
    /// retrying once on `use_dpop_nonce`, as oauth4webapi does.
    async fn post_with(
        &self,
        path: &str,
        form: &[(&str, String)],
        proof: impl Fn(&Self) -> Option<String>,
    ) -> reqwest::Response {
        for attempt in 0..2 {
            let mut form = form.to_vec();
            form.push(("client_assertion_type", JWT_BEARER.into()));
            form.push((
                "client_assertion",
                self.assertion_with(&self.assertion_claims()),
            ));
            let resp = self.raw_post(path, &form, proof(self)).await;
            if resp.status() != 400 || attempt == 1 || resp.headers().get("dpop-nonce").is_none() {
                return resp;
            }
            let (status, headers) = (resp.status(), resp.headers().clone());
            let bytes = resp.bytes().await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if body["error"] != "use_dpop_nonce" {
                // Another refusal: the answer as it came.
                let mut again = axum::http::Response::new(bytes);
                *again.status_mut() = status;
                *again.headers_mut() = headers;
                return reqwest::Response::from(again);
            }
        }
        unreachable!()
    }

    async fn post(&self, path: &str, form: &[(&str, String)]) -> reqwest::Response {
        self.post_with(path, form, |c| Some(c.proof("POST", path, None)))
            .await
    }

    /// One request as given, no retry; keeps a nonce it hands out.
    async fn raw_post(
        &self,
        path: &str,
        form: &[(&str, String)],
        proof: Option<String>,
    ) -> reqwest::Response {
        let mut req = self.app.http.post(self.app.url(path)).form(form);
        if let Some(p) = proof {
            req = req.header("DPoP", p);
        }
        let resp = req.send().await.unwrap();
        if let Some(n) = resp.headers().get("dpop-nonce") {
            *self.nonce.lock().unwrap() = Some(n.to_str().unwrap().to_owned());
        }
        resp
    }

    /// A form with a good assertion, for a test that sends it as it is.
    fn authenticated(&self, form: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
        let mut form = form.to_vec();
        form.push(("client_assertion_type", JWT_BEARER.into()));
        form.push((
            "client_assertion",
            self.assertion_with(&self.assertion_claims()),
        ));
        form
    }

    /// Makes sure a nonce is held (the first request of a client learns it).
    async fn learn_nonce(&self) {
        if self.nonce.lock().unwrap().is_none() {
            let resp = self
                .raw_post(
                    renkei_shared::oauth::PAR_PATH,
                    &self.authenticated(&par_form()),
                    Some(self.proof("POST", renkei_shared::oauth::PAR_PATH, None)),
                )
                .await;
            assert_eq!(resp.status(), 400);
            assert!(self.nonce.lock().unwrap().is_some());
        }
    }

    /// PAR as a conforming client sends it: the `request_uri`.
    async fn push(&self) -> String {
        let resp = self.post(renkei_shared::oauth::PAR_PATH, &par_form()).await;
        assert_eq!(resp.status(), 201);
        let body: Value = resp.json().await.unwrap();
        body["request_uri"].as_str().unwrap().to_owned()
    }

    /// The browser at `/oauth/authorize` with the pushed request.
    async fn authorize(&self, request_uri: &str) -> reqwest::Response {
        self.app
            .authorize(&[
                ("client_id", self.id.clone()),
                ("request_uri", request_uri.to_owned()),
            ])
            .await
    }

    /// PAR, authorize, every step, consent: the authorization response.
    async fn authorization_response(&self) -> url::Url {
        let request_uri = self.push().await;
        assert_eq!(self.authorize(&request_uri).await.status(), 303);
        let csrf = self.app.flow().await.csrf_token;
        self.app.consent_from_soa201(&csrf).await
    }

    async fn code(&self) -> String {
        query(&self.authorization_response().await, "code").unwrap()
    }

    /// The code exchanged as a conforming client does: the tokens.
    async fn tokens(&self, code: &str) -> Value {
        let resp = self
            .post(renkei_shared::oauth::TOKEN_PATH, &code_form(code))
            .await;
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    /// A whole linkage: the access and refresh tokens.
    async fn linked(&self) -> (String, String) {
        let code = self.code().await;
        let t = self.tokens(&code).await;
        (
            t["access_token"].as_str().unwrap().to_owned(),
            t["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    /// GET on the account API with `authorization` and these proofs.
    async fn resource(&self, authorization: &str, proofs: &[String]) -> reqwest::Response {
        let mut req = self
            .app
            .http
            .get(self.app.url(renkei_shared::account::ACCOUNTS_PATH))
            .header("authorization", authorization);
        for p in proofs {
            req = req.header("DPoP", p);
        }
        req.send().await.unwrap()
    }
}

fn par_form() -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "account_info".into()),
        ("state", "conformance-state".into()),
        ("code_challenge", pkce_challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
    ]
}

fn code_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.into()),
        ("redirect_uri", REDIRECT.into()),
        ("code_verifier", VERIFIER.into()),
    ]
}

fn with(form: &[(&'static str, String)], k: &'static str, v: &str) -> Vec<(&'static str, String)> {
    let mut f: Vec<_> = form.iter().filter(|(n, _)| *n != k).cloned().collect();
    f.push((k, v.to_owned()));
    f
}

fn without(form: &[(&'static str, String)], k: &str) -> Vec<(&'static str, String)> {
    form.iter().filter(|(n, _)| *n != k).cloned().collect()
}

/// The OAuth error of an answer, with its status.
async fn error(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or_default();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

fn claims_with(mut c: Value, k: &str, v: Value) -> Value {
    c[k] = v;
    c
}

fn claims_without(mut c: Value, k: &str) -> Value {
    c.as_object_mut().unwrap().remove(k);
    c
}

/// PAR with an assertion made from `claims` (and a good proof).
async fn par_with_assertion(c: &Client<'_>, jwt: String) -> (u16, String) {
    c.learn_nonce().await;
    let mut form = par_form();
    form.push(("client_assertion_type", JWT_BEARER.into()));
    form.push(("client_assertion", jwt));
    error(
        c.raw_post(
            renkei_shared::oauth::PAR_PATH,
            &form,
            Some(c.proof("POST", renkei_shared::oauth::PAR_PATH, None)),
        )
        .await,
    )
    .await
}

const INVALID_CLIENT: (u16, &str) = (401, "invalid_client");

fn is(got: (u16, String), want: (u16, &str), why: &str) {
    assert_eq!((got.0, got.1.as_str()), want, "{why}");
}

// ---- discovery -------------------------------------------------------

/// fapi2-security-profile-final-discovery-end-point-verification
#[tokio::test]
async fn discovery_metadata_says_what_fapi2_requires() {
    let app = fapi2_server().await;
    let m: Value = app
        .http
        .get(app.url(renkei_shared::oauth::METADATA_PATH))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["issuer"], ISSUER);
    assert_eq!(
        m["pushed_authorization_request_endpoint"],
        format!("{ISSUER}/oauth/par")
    );
    assert_eq!(m["require_pushed_authorization_requests"], true);
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        json!(["private_key_jwt"])
    );
    assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(m["response_types_supported"], json!(["code"]));
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
    for list in [
        "token_endpoint_auth_signing_alg_values_supported",
        "dpop_signing_alg_values_supported",
    ] {
        let algs = m[list].as_array().unwrap();
        assert!(!algs.is_empty(), "{list}");
        for alg in algs {
            let alg = alg.as_str().unwrap();
            assert!(["ES256", "PS256", "EdDSA"].contains(&alg), "{list}: {alg}");
        }
    }
}

// ---- PAR: client authentication ---------------------------------------

/// fapi2-security-profile-final-par-without-client-authentication (no
/// assertion at all).
#[tokio::test]
async fn par_without_client_authentication_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    c.learn_nonce().await;
    let mut form = par_form();
    form.push(("client_id", c.id.clone()));
    let got = error(
        c.raw_post(
            renkei_shared::oauth::PAR_PATH,
            &form,
            Some(c.proof("POST", renkei_shared::oauth::PAR_PATH, None)),
        )
        .await,
    )
    .await;
    is(got, INVALID_CLIENT, "no client authentication");
}

/// fapi2-security-profile-final-ensure-client-assertion-with-alg-none-fails
#[tokio::test]
async fn par_assertion_with_alg_none_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(c.assertion_claims().to_string())
    );
    is(
        par_with_assertion(&c, none).await,
        INVALID_CLIENT,
        "alg none",
    );
    let hs = encode(
        &Header::new(Algorithm::HS256),
        &c.assertion_claims(),
        &EncodingKey::from_secret(c.id.as_bytes()),
    )
    .unwrap();
    is(
        par_with_assertion(&c, hs).await,
        INVALID_CLIENT,
        "HS256 keyed with the client id",
    );
}

/// fapi2-security-profile-final-ensure-client-assertion-signed-by-unregistered-key-fails
#[tokio::test]
async fn par_assertion_signed_by_an_unregistered_key_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some("k1".into());
    let jwt = c.sign(&es256(), h, &c.assertion_claims());
    is(
        par_with_assertion(&c, jwt).await,
        INVALID_CLIENT,
        "another key named k1",
    );
}

/// fapi2-security-profile-final-ensure-client-assertion-with-exp-in-the-past-fails
#[tokio::test]
async fn par_assertion_expired_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let claims = claims_with(c.assertion_claims(), "exp", json!(c.now() - 70));
    is(
        par_with_assertion(&c, c.assertion_with(&claims)).await,
        INVALID_CLIENT,
        "exp past",
    );
    let claims = claims_without(c.assertion_claims(), "exp");
    is(
        par_with_assertion(&c, c.assertion_with(&claims)).await,
        INVALID_CLIENT,
        "no exp",
    );
}

/// fapi2-security-profile-final-ensure-client-assertion-with-nbf-in-the-future-fails
#[tokio::test]
async fn par_assertion_not_valid_yet_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    for ahead in [70, 300] {
        let claims = claims_with(c.assertion_claims(), "nbf", json!(c.now() + ahead));
        let claims = claims_with(claims, "exp", json!(c.now() + ahead + 60));
        is(
            par_with_assertion(&c, c.assertion_with(&claims)).await,
            INVALID_CLIENT,
            "nbf future",
        );
    }
    // A clock a few seconds apart is no reason to refuse.
    let claims = claims_with(c.assertion_claims(), "nbf", json!(c.now() + 5));
    assert_eq!(
        par_with_assertion(&c, c.assertion_with(&claims)).await.0,
        201
    );
}

/// fapi2-security-profile-final-ensure-client-assertion-with-iat-in-the-future-fails
#[tokio::test]
async fn par_assertion_issued_in_the_future_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let claims = claims_with(c.assertion_claims(), "iat", json!(c.now() + 3600));
    let claims = claims_with(claims, "exp", json!(c.now() + 3660));
    is(
        par_with_assertion(&c, c.assertion_with(&claims)).await,
        INVALID_CLIENT,
        "iat future",
    );
}

/// fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails,
/// -with-aud-as-array-fails (FAPI 2.0 final: the issuer as one string),
/// and the PAR endpoint's URL as `aud`.
#[tokio::test]
async fn par_assertion_with_another_audience_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    for aud in [
        json!("https://elsewhere.example"),
        json!([ISSUER]),
        json!([ISSUER, "https://elsewhere.example"]),
        json!(format!("{ISSUER}/oauth/par")),
        json!(format!("{ISSUER}/oauth/token")),
        json!(format!("{ISSUER}/")),
    ] {
        let claims = claims_with(c.assertion_claims(), "aud", aud.clone());
        is(
            par_with_assertion(&c, c.assertion_with(&claims)).await,
            INVALID_CLIENT,
            &aud.to_string(),
        );
    }
}

/// fapi2-security-profile-final-ensure-client-assertion-without-sub-fails
/// (and one whose `sub` is another client).
#[tokio::test]
async fn par_assertion_without_the_client_as_sub_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let claims = claims_without(c.assertion_claims(), "sub");
    is(
        par_with_assertion(&c, c.assertion_with(&claims)).await,
        INVALID_CLIENT,
        "no sub",
    );
    let claims = claims_with(c.assertion_claims(), "sub", json!("demo-creco"));
    is(
        par_with_assertion(&c, c.assertion_with(&claims)).await,
        INVALID_CLIENT,
        "another sub",
    );
    let claims = claims_without(c.assertion_claims(), "jti");
    is(
        par_with_assertion(&c, c.assertion_with(&claims)).await,
        INVALID_CLIENT,
        "no jti",
    );
}

/// fapi2-security-profile-final-ensure-client-assertion-jti-reuse-fails
#[tokio::test]
async fn par_assertion_replayed_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let jwt = c.assertion_with(&c.assertion_claims());
    assert_eq!(par_with_assertion(&c, jwt.clone()).await.0, 201);
    is(
        par_with_assertion(&c, jwt).await,
        INVALID_CLIENT,
        "the same jti",
    );
}

// ---- PAR: the request -------------------------------------------------

/// PAR with a good assertion and proof, `form` as given.
async fn par_form_answer(c: &Client<'_>, form: &[(&'static str, String)]) -> (u16, String) {
    c.learn_nonce().await;
    error(
        c.raw_post(
            renkei_shared::oauth::PAR_PATH,
            &c.authenticated(form),
            Some(c.proof("POST", renkei_shared::oauth::PAR_PATH, None)),
        )
        .await,
    )
    .await
}

/// fapi2-security-profile-final-par-attempt-without-pkce /
/// -ensure-pkce-plain-fails (FAPI 2.0: S256 only).
#[tokio::test]
async fn par_without_pkce_or_with_plain_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let no_pkce = without(
        &without(&par_form(), "code_challenge"),
        "code_challenge_method",
    );
    is(
        par_form_answer(&c, &no_pkce).await,
        (400, "invalid_request"),
        "no PKCE",
    );
    let plain = with(
        &with(&par_form(), "code_challenge_method", "plain"),
        "code_challenge",
        VERIFIER,
    );
    is(
        par_form_answer(&c, &plain).await,
        (400, "invalid_request"),
        "plain",
    );
    let no_method = without(&par_form(), "code_challenge_method");
    is(
        par_form_answer(&c, &no_method).await,
        (400, "invalid_request"),
        "method missing",
    );
}

/// fapi2-security-profile-final-par-attempt-to-use-request-uri-in-par
#[tokio::test]
async fn par_with_a_request_uri_inside_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let request_uri = c.push().await;
    let form = with(&par_form(), "request_uri", &request_uri);
    is(
        par_form_answer(&c, &form).await,
        (400, "invalid_request"),
        "request_uri in PAR",
    );
}

/// fapi2-security-profile-final-ensure-response-type-code-idtoken-fails and
/// other response types.
#[tokio::test]
async fn par_with_another_response_type_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    for rt in ["token", "code id_token", "code token", "none"] {
        let form = with(&par_form(), "response_type", rt);
        is(
            par_form_answer(&c, &form).await,
            (400, "unsupported_response_type"),
            rt,
        );
    }
    let form = without(&par_form(), "response_type");
    let got = par_form_answer(&c, &form).await;
    assert_eq!(got.0, 400, "no response_type: {got:?}");
}

/// fapi2-security-profile-final-par-attempt-invalid-redirect-uri /
/// -ensure-registered-redirect-uri
#[tokio::test]
async fn par_with_an_unregistered_redirect_uri_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    for uri in [
        "https://attacker.example/cb",
        "https://app.example/cb/",
        "https://app.example/cb?x=1",
        "http://app.example/cb",
    ] {
        let form = with(&par_form(), "redirect_uri", uri);
        is(
            par_form_answer(&c, &form).await,
            (400, "invalid_request"),
            uri,
        );
    }
    let form = without(&par_form(), "redirect_uri");
    is(
        par_form_answer(&c, &form).await,
        (400, "invalid_request"),
        "none",
    );
}

/// The PAR endpoint takes POST only (RFC 9126 §2.1), and each parameter
/// once (RFC 6749 §3.1).
#[tokio::test]
async fn par_by_get_or_with_a_duplicate_parameter_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let resp = app
        .http
        .get(app.url(renkei_shared::oauth::PAR_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let mut form = par_form();
    form.push(("state", "second".into()));
    is(
        par_form_answer(&c, &form).await,
        (400, "invalid_request"),
        "state twice",
    );
    let mut form = par_form();
    form.push(("redirect_uri", "https://attacker.example/cb".into()));
    is(
        par_form_answer(&c, &form).await,
        (400, "invalid_request"),
        "redirect_uri twice",
    );
}

// ---- authorize ----------------------------------------------------------

/// fapi2-security-profile-final-ensure-authorization-request-without-par-fails
#[tokio::test]
async fn authorize_without_par_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let mut params = par_form();
    params.push(("client_id", c.id.clone()));
    let resp = app.authorize(&params).await;
    // An error back to the app (its redirect URI is registered), no flow.
    assert_eq!(resp.status(), 303);
    let loc = crate::helpers::location(&resp);
    assert!(loc.as_str().starts_with(REDIRECT), "{loc}");
    assert_eq!(query(&loc, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&loc, "iss").as_deref(), Some(ISSUER));
}

/// fapi2-security-profile-final-par-attempt-to-use-request-uri-for-different-client
#[tokio::test]
async fn a_request_uri_of_another_client_is_refused() {
    let app = fapi2_server().await;
    let (a, b) = (Client::register(&app).await, Client::register(&app).await);
    let request_uri = a.push().await;
    let resp = b.authorize(&request_uri).await;
    assert_eq!(resp.status(), 400);
    // Still good for its own client (the failed try did not use it up).
    assert_eq!(a.authorize(&request_uri).await.status(), 303);
}

/// fapi2-security-profile-final-par-attempt-reuse-request-uri
#[tokio::test]
async fn a_request_uri_is_used_once() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let request_uri = c.push().await;
    assert_eq!(c.authorize(&request_uri).await.status(), 303);
    let again = app
        .other_browser()
        .http
        .get(app.url(renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&[
            ("client_id", c.id.as_str()),
            ("request_uri", request_uri.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
}

/// fapi2-security-profile-final-par-ensure-request-uri-expires (90 s here).
#[tokio::test]
async fn a_request_uri_expires() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let request_uri = c.push().await;
    app.clock.advance(jiff::SignedDuration::from_secs(90));
    assert_eq!(c.authorize(&request_uri).await.status(), 400);
}

/// fapi2-security-profile-final (happy path): the authorization response
/// carries `iss` (RFC 9207) and the state.
#[tokio::test]
async fn the_authorization_response_names_the_issuer() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let response = c.authorization_response().await;
    assert!(response.as_str().starts_with(REDIRECT));
    assert_eq!(query(&response, "iss").as_deref(), Some(ISSUER));
    assert_eq!(
        query(&response, "state").as_deref(),
        Some("conformance-state")
    );
    assert!(query(&response, "code").is_some());
}

// ---- token ---------------------------------------------------------------

/// The token endpoint with a good assertion, `form` as given, `proof` as
/// given: the error.
async fn token_answer(
    c: &Client<'_>,
    form: &[(&'static str, String)],
    proof: Option<String>,
) -> (u16, String) {
    error(
        c.raw_post(
            renkei_shared::oauth::TOKEN_PATH,
            &c.authenticated(form),
            proof,
        )
        .await,
    )
    .await
}

/// fapi2-security-profile-final-ensure-token-endpoint-fails-without-dpop
#[tokio::test]
async fn a_code_without_a_dpop_proof_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let code = c.code().await;
    is(
        token_answer(&c, &code_form(&code), None).await,
        (400, "invalid_dpop_proof"),
        "no proof",
    );
    // The code survives the refusal: the right request still gets tokens.
    c.tokens(&code).await;
}

/// fapi2-security-profile-final-ensure-pkce-verifier-required /
/// -incorrect-pkce-code-verifier-rejected
#[tokio::test]
async fn a_code_with_a_wrong_or_no_verifier_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let code = c.code().await;
    let proof = || Some(c.proof("POST", renkei_shared::oauth::TOKEN_PATH, None));
    let wrong = with(
        &code_form(&code),
        "code_verifier",
        "another-verifier-0123456789-0123456789-012345",
    );
    is(
        token_answer(&c, &wrong, proof()).await,
        (400, "invalid_grant"),
        "wrong verifier",
    );
    let none = without(&code_form(&code), "code_verifier");
    is(
        token_answer(&c, &none, proof()).await,
        (400, "invalid_request"),
        "no verifier",
    );
}

/// fapi2-security-profile-final-ensure-authorization-code-is-bound-to-client
#[tokio::test]
async fn a_code_of_another_client_is_refused() {
    let app = fapi2_server().await;
    let (a, b) = (Client::register(&app).await, Client::register(&app).await);
    let code = a.code().await;
    b.learn_nonce().await;
    let proof = Some(b.proof("POST", renkei_shared::oauth::TOKEN_PATH, None));
    is(
        token_answer(&b, &code_form(&code), proof).await,
        (400, "invalid_grant"),
        "b with a's code",
    );
    // b naming a as client_id beside its own assertion.
    let form = with(&code_form(&code), "client_id", &a.id);
    let proof = Some(b.proof("POST", renkei_shared::oauth::TOKEN_PATH, None));
    is(
        token_answer(&b, &form, proof).await,
        INVALID_CLIENT,
        "another client's client_id",
    );
}

/// fapi2-security-profile-final-attempt-reuse-authorization-code-after-one-second:
/// the second use is refused and what the first gave is revoked.
#[tokio::test]
async fn a_code_used_twice_revokes_what_it_gave() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let code = c.code().await;
    let t = c.tokens(&code).await;
    let access = t["access_token"].as_str().unwrap().to_owned();
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    let resp = c
        .post(renkei_shared::oauth::TOKEN_PATH, &code_form(&code))
        .await;
    is(error(resp).await, (400, "invalid_grant"), "reused");
    let resp = c
        .resource(
            &format!("DPoP {access}"),
            &[c.proof("GET", renkei_shared::account::ACCOUNTS_PATH, Some(&access))],
        )
        .await;
    assert_eq!(resp.status(), 401, "the access token died with the grant");
}

/// fapi2-security-profile-final-ensure-expired-authorization-code-fails
/// (a code lives 60 s).
#[tokio::test]
async fn a_code_older_than_sixty_seconds_is_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let code = c.code().await;
    app.clock.advance(jiff::SignedDuration::from_secs(60));
    let resp = c
        .post(renkei_shared::oauth::TOKEN_PATH, &code_form(&code))
        .await;
    is(error(resp).await, (400, "invalid_grant"), "expired");
}

/// fapi2-security-profile-final-dpop-negative-tests at the token endpoint:
/// every claim of the proof missing or wrong, `alg: none`, a private key in
/// `jwk`, a bad signature, a key other than PAR's.
#[tokio::test]
async fn token_endpoint_dpop_proofs_missing_or_wrong_claims_are_refused() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let code = c.code().await;
    let good = || c.proof_claims("POST", renkei_shared::oauth::TOKEN_PATH, None);
    let now = c.now();
    let mut cases: Vec<(&str, String)> = Vec::new();
    for k in ["htm", "htu", "iat", "jti"] {
        cases.push((k, c.proof_with(&claims_without(good(), k))));
    }
    cases.push((
        "htm GET",
        c.proof_with(&claims_with(good(), "htm", json!("GET"))),
    ));
    cases.push((
        "htu PAR",
        c.proof_with(&claims_with(
            good(),
            "htu",
            json!(format!("{ISSUER}/oauth/par")),
        )),
    ));
    cases.push((
        "htu elsewhere",
        c.proof_with(&claims_with(
            good(),
            "htu",
            json!("https://elsewhere.example/oauth/token"),
        )),
    ));
    cases.push((
        "iat past",
        c.proof_with(&claims_with(good(), "iat", json!(now - 600))),
    ));
    cases.push((
        "iat future",
        c.proof_with(&claims_with(good(), "iat", json!(now + 600))),
    ));
    let mut no_typ = c.dpop_header(&c.dpop);
    no_typ.typ = None;
    cases.push(("no typ", c.sign(&c.dpop, no_typ, &good())));
    let mut jwt_typ = c.dpop_header(&c.dpop);
    jwt_typ.typ = Some("JWT".into());
    cases.push(("typ JWT", c.sign(&c.dpop, jwt_typ, &good())));
    let mut no_jwk = c.dpop_header(&c.dpop);
    no_jwk.jwk = None;
    cases.push(("no jwk", c.sign(&c.dpop, no_jwk, &good())));
    let header_none = json!({"typ": "dpop+jwt", "alg": "none", "jwk": c.dpop.jwk});
    cases.push((
        "alg none",
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(header_none.to_string()),
            URL_SAFE_NO_PAD.encode(good().to_string())
        ),
    ));
    // The private key in the header (its `d` from the PKCS#8 the key was
    // made from: the last 32 bytes of its ECPrivateKey part).
    let d = URL_SAFE_NO_PAD.encode(&c.dpop.pkcs8[36..68]);
    let mut private = c.dpop.jwk.clone();
    private["d"] = json!(d);
    let mut with_private = c.dpop_header(&c.dpop);
    with_private.jwk = None;
    let signed = c.sign(&c.dpop, with_private, &good());
    let mut head: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signed.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    head["jwk"] = private;
    let parts: Vec<&str> = signed.split('.').collect();
    cases.push((
        "private key in jwk",
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(head.to_string()),
            parts[1],
            parts[2]
        ),
    ));
    let good_proof = c.proof_with(&good());
    let mut parts: Vec<String> = good_proof.split('.').map(str::to_owned).collect();
    let mut sig = URL_SAFE_NO_PAD.decode(&parts[2]).unwrap();
    sig[10] ^= 1;
    parts[2] = URL_SAFE_NO_PAD.encode(sig);
    cases.push(("bad signature", parts.join(".")));
    let other = es256();
    cases.push((
        "another key than PAR's",
        c.sign(&other, c.dpop_header(&other), &good()),
    ));
    for (why, proof) in cases {
        is(
            token_answer(&c, &code_form(&code), Some(proof)).await,
            (400, "invalid_dpop_proof"),
            why,
        );
    }
    // Two proofs at once.
    let form = c.authenticated(&code_form(&code));
    let resp = app
        .http
        .post(app.url(renkei_shared::oauth::TOKEN_PATH))
        .header(
            "DPoP",
            c.proof("POST", renkei_shared::oauth::TOKEN_PATH, None),
        )
        .header(
            "DPoP",
            c.proof("POST", renkei_shared::oauth::TOKEN_PATH, None),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    is(error(resp).await, (400, "invalid_dpop_proof"), "two proofs");
    // None of that spent the code.
    c.tokens(&code).await;
}

/// RFC 9449 §8, as the suite's DPoP-nonce cases try it: without the
/// server's nonce, with a made-up one, or with one past its time, the
/// answer is `use_dpop_nonce` with the nonce to use; a nonce one instance
/// handed out is good at another; a client that retries once links.
#[tokio::test]
async fn dpop_nonces_are_required_rotate_and_hold_across_instances() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let send = |claims: Value| {
        let c = &c;
        async move {
            c.raw_post(
                renkei_shared::oauth::PAR_PATH,
                &c.authenticated(&par_form()),
                Some(c.proof_with(&claims)),
            )
            .await
        }
    };
    let no_nonce = claims_without(
        c.proof_claims("POST", renkei_shared::oauth::PAR_PATH, None),
        "nonce",
    );
    let resp = send(no_nonce).await;
    assert_eq!(resp.status(), 400);
    let nonce = resp.headers()["dpop-nonce"].to_str().unwrap().to_owned();
    assert_eq!(error(resp).await.1, "use_dpop_nonce");
    let made_up = claims_with(
        c.proof_claims("POST", renkei_shared::oauth::PAR_PATH, None),
        "nonce",
        json!("bm9uY2U"),
    );
    is(
        error(send(made_up).await).await,
        (400, "use_dpop_nonce"),
        "made up",
    );
    let good = claims_with(
        c.proof_claims("POST", renkei_shared::oauth::PAR_PATH, None),
        "nonce",
        json!(nonce),
    );
    assert_eq!(send(good).await.status(), 201);
    // Still good in the next period; stale after it.
    app.clock.advance(jiff::SignedDuration::from_secs(300));
    let later = claims_with(
        c.proof_claims("POST", renkei_shared::oauth::PAR_PATH, None),
        "nonce",
        json!(nonce),
    );
    let resp = send(later).await;
    assert_eq!(resp.status(), 201);
    let rotated = resp.headers()["dpop-nonce"].to_str().unwrap().to_owned();
    assert_ne!(rotated, nonce, "the nonce handed out rotates");
    app.clock.advance(jiff::SignedDuration::from_secs(300));
    let stale = claims_with(
        c.proof_claims("POST", renkei_shared::oauth::PAR_PATH, None),
        "nonce",
        json!(nonce),
    );
    is(
        error(send(stale).await).await,
        (400, "use_dpop_nonce"),
        "stale",
    );
    // Another instance on the same database takes this one's nonce.
    let other = app
        .restart_with(|cfg| {
            cfg.oauth.profile = Profile::Fapi2;
            cfg.oauth.require_par = true;
            cfg.oauth.dpop_nonce = true;
        })
        .await;
    other.clock.advance(jiff::SignedDuration::from_secs(600));
    let c2 = Client {
        app: &other,
        id: c.id.clone(),
        key: Key {
            signing: c.key.signing.clone(),
            jwk: c.key.jwk.clone(),
            pkcs8: c.key.pkcs8.clone(),
        },
        dpop: es256(),
        nonce: Mutex::new(Some(rotated)),
    };
    let resp = c2
        .raw_post(
            renkei_shared::oauth::PAR_PATH,
            &c2.authenticated(&par_form()),
            Some(c2.proof("POST", renkei_shared::oauth::PAR_PATH, None)),
        )
        .await;
    assert_eq!(resp.status(), 201, "a nonce from the other instance");
    // And the whole linkage, retrying once where asked, works.
    let fresh = Client::register(&app).await;
    fresh.linked().await;
}

// ---- resource --------------------------------------------------------------

/// fapi2-security-profile-final-dpop-negative-tests at the resource server,
/// and what must be accepted there.
#[tokio::test]
async fn resource_requests_need_one_good_proof_and_accept_what_the_rfcs_allow() {
    let app = fapi2_server().await;
    let c = Client::register(&app).await;
    let (access, _) = c.linked().await;
    let auth = format!("DPoP {access}");
    let good = || c.proof_claims("GET", renkei_shared::account::ACCOUNTS_PATH, Some(&access));
    let proof = |claims: Value| c.proof_with(&claims);
    let refused = |resp: reqwest::Response, why: &str| {
        assert_eq!(resp.status(), 401, "{why}");
        let challenge = resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(challenge.starts_with("DPoP "), "{why}: {challenge}");
    };
    refused(
        c.resource(&format!("Bearer {access}"), &[]).await,
        "Bearer for a DPoP token",
    );
    refused(
        c.resource(&format!("Bearer {access}"), &[proof(good())])
            .await,
        "Bearer with a proof",
    );
    refused(c.resource(&auth, &[]).await, "no proof");
    refused(
        c.resource(&auth, &[proof(good()), proof(good())]).await,
        "two proofs",
    );
    refused(
        c.resource(
            &auth,
            &[proof(claims_with(good(), "ath", json!("d3Jvbmc")))],
        )
        .await,
        "wrong ath",
    );
    refused(
        c.resource(&auth, &[proof(claims_without(good(), "ath"))])
            .await,
        "no ath",
    );
    refused(
        c.resource(
            &auth,
            &[proof(claims_with(
                good(),
                "htu",
                json!(format!("{ISSUER}/api/v1/time-deposits")),
            ))],
        )
        .await,
        "wrong htu",
    );
    refused(
        c.resource(&auth, &[proof(claims_with(good(), "htm", json!("POST")))])
            .await,
        "wrong htm",
    );
    refused(
        c.resource(
            &auth,
            &[proof(claims_with(good(), "iat", json!(c.now() - 600)))],
        )
        .await,
        "iat old",
    );
    refused(
        c.resource(
            &auth,
            &[proof(claims_with(good(), "iat", json!(c.now() + 600)))],
        )
        .await,
        "iat ahead",
    );
    let other = es256();
    refused(
        c.resource(&auth, &[c.sign(&other, c.dpop_header(&other), &good())])
            .await,
        "another key",
    );
    let once = proof(good());
    assert_eq!(
        c.resource(&auth, std::slice::from_ref(&once))
            .await
            .status(),
        200
    );
    refused(c.resource(&auth, &[once]).await, "replayed");

    // Accepted: the scheme in any case (RFC 9110 §11.1), `htu` as RFC 3986
    // normalises it, and claims the server does not know.
    for scheme in ["dpop", "DPOP", "DPoP"] {
        let resp = c
            .resource(&format!("{scheme} {access}"), &[proof(good())])
            .await;
        assert_eq!(resp.status(), 200, "scheme {scheme}");
    }
    let host = ISSUER.trim_start_matches("http://");
    for htu in [
        format!("HTTP://{}/api/v1/accounts", host.to_uppercase()),
        format!("http://{host}:80/api/v1/accounts"),
        format!("http://{host}/api/v1/%61ccounts"),
        format!("http://{host}/api/v1/accounts?ignored=1"),
    ] {
        let resp = c
            .resource(&auth, &[proof(claims_with(good(), "htu", json!(htu)))])
            .await;
        assert_eq!(resp.status(), 200, "htu {htu}");
    }
    let extra = claims_with(good(), "x-extra", json!({"any": "thing"}));
    assert_eq!(
        c.resource(&auth, &[proof(extra)]).await.status(),
        200,
        "extra claims"
    );
}

// ---- refresh -----------------------------------------------------------------

/// fapi2-security-profile-final-refresh-token (negative parts): no client
/// authentication, no proof, another client's token.
#[tokio::test]
async fn refresh_needs_the_client_its_key_and_its_own_token() {
    let app = fapi2_server().await;
    let (a, b) = (Client::register(&app).await, Client::register(&app).await);
    let (_, refresh) = a.linked().await;
    let form = vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh.clone()),
    ];
    let resp = a
        .raw_post(
            renkei_shared::oauth::TOKEN_PATH,
            &form,
            Some(a.proof("POST", renkei_shared::oauth::TOKEN_PATH, None)),
        )
        .await;
    is(
        error(resp).await,
        INVALID_CLIENT,
        "no client authentication",
    );
    is(
        token_answer(&a, &form, None).await,
        (400, "invalid_dpop_proof"),
        "no proof",
    );
    b.learn_nonce().await;
    let resp = b.post(renkei_shared::oauth::TOKEN_PATH, &form).await;
    is(
        error(resp).await,
        (400, "invalid_grant"),
        "another client's refresh token",
    );
    let resp = a.post(renkei_shared::oauth::TOKEN_PATH, &form).await;
    assert_eq!(resp.status(), 200, "its own client, its own key");
}
