//! The demo app as a FAPI 2.0 client: it pushes its authorization request
//! (PAR) authenticated with `private_key_jwt`, uses PKCE, and binds its
//! tokens with DPoP — exactly what a real app must do, over HTTP to
//! Renkei's public URL.

use crate::Demo;
use crate::store::Store;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use renkei_shared::oauth::{
    self, OAuthErrorBody, ParAnswer, ParForm, TokenForm, TokenOnlyForm, TokenResponse,
};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde::Serialize;
use serde_json::{Value, json};

/// The demo app's FAPI registration at the bank.
pub const CLIENT_ID: &str = "demo-creco-fapi";

struct EcKey {
    signing: EncodingKey,
    jwk: Value,
}

fn generate() -> String {
    let rng = SystemRandom::new();
    match EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng) {
        Ok(doc) => STANDARD.encode(doc.as_ref()),
        Err(_) => String::new(),
    }
}

fn load(pkcs8_b64: &str, kid: &str) -> anyhow::Result<EcKey> {
    let der = STANDARD.decode(pkcs8_b64)?;
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &SystemRandom::new())
            .map_err(|_| anyhow::anyhow!("demo key is not a P-256 PKCS#8 key"))?;
    let public = pair.public_key().as_ref();
    anyhow::ensure!(public.len() == 65, "unexpected public key length");
    Ok(EcKey {
        signing: EncodingKey::from_ec_der(&der),
        jwk: json!({
            "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&public[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&public[33..65]),
        }),
    })
}

pub struct FapiClient {
    auth: EcKey,
    dpop: EcKey,
    /// The authorization server's last `DPoP-Nonce` (RFC 9449 §8), put in
    /// every proof to it once seen.
    nonce: std::sync::Mutex<Option<String>>,
}

impl FapiClient {
    /// The app's keys, made once and kept in its own storage.
    pub async fn load(store: &Store) -> anyhow::Result<FapiClient> {
        let (auth, dpop) = store.keys(|| (generate(), generate())).await?;
        Ok(FapiClient {
            auth: load(&auth, "demo-auth")?,
            dpop: load(&dpop, "demo-dpop")?,
            nonce: std::sync::Mutex::default(),
        })
    }

    /// The public JWK Set the bank registers for the demo app.
    pub fn jwks(&self) -> String {
        json!({"keys": [self.auth.jwk]}).to_string()
    }

    /// A client assertion for the union's authorization server: its
    /// audience is that server's issuer.
    fn assertion(&self, app: &Demo, at: &Issuer) -> anyhow::Result<String> {
        let now = app.now_secs();
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("demo-auth".into());
        let claims = json!({
            "iss": CLIENT_ID, "sub": CLIENT_ID, "aud": at.issuer,
            "iat": now, "exp": now + 60, "jti": crate::random_token(),
        });
        Ok(encode(&header, &claims, &self.auth.signing)?)
    }

    /// A proof for POST `url` at an authorization server, with its nonce
    /// when one was handed out.
    fn proof(&self, app: &Demo, url: &str) -> anyhow::Result<String> {
        let mut proof = self.proof_claims(app, "POST", url, None);
        if let Some(n) = self.nonce.lock().ok().and_then(|n| n.clone()) {
            proof["nonce"] = json!(n);
        }
        self.sign_proof(&proof)
    }

    /// A DPoP proof for `method` `url`, with `ath` when presenting a token.
    fn proof_for(
        &self,
        app: &Demo,
        method: &str,
        url: &str,
        token: Option<&str>,
    ) -> anyhow::Result<String> {
        self.sign_proof(&self.proof_claims(app, method, url, token))
    }

    fn proof_claims(
        &self,
        app: &Demo,
        method: &str,
        url: &str,
        token: Option<&str>,
    ) -> serde_json::Value {
        let mut claims = json!({
            "htm": method, "htu": url, "iat": app.now_secs(),
            "jti": crate::random_token(),
        });
        if let Some(t) = token {
            claims["ath"] = json!(
                URL_SAFE_NO_PAD
                    .encode(ring::digest::digest(&ring::digest::SHA256, t.as_bytes()).as_ref())
            );
        }
        claims
    }

    fn sign_proof(&self, claims: &serde_json::Value) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(serde_json::from_value(self.dpop.jwk.clone())?);
        Ok(encode(&header, claims, &self.dpop.signing)?)
    }

    /// GET on the union's account-information API (under its issuer) with
    /// a DPoP-bound token.
    pub async fn get(
        &self,
        app: &Demo,
        issuer: &str,
        path_and_query: &str,
        token: &str,
    ) -> anyhow::Result<reqwest::Response> {
        let path = path_and_query.split('?').next().unwrap_or(path_and_query);
        let htu = format!("{issuer}{path}");
        Ok(app
            .0
            .http
            .get(format!("{issuer}{path_and_query}"))
            .header("authorization", format!("DPoP {token}"))
            .header("DPoP", self.proof_for(app, "GET", &htu, Some(token))?)
            .send()
            .await?)
    }

    /// A new access token for a DPoP-bound refresh token.
    pub async fn refresh(
        &self,
        app: &Demo,
        at: &Issuer,
        refresh_token: &str,
    ) -> anyhow::Result<TokenResponse> {
        let form = TokenForm {
            grant_type: "refresh_token".into(),
            refresh_token: Some(refresh_token.into()),
            ..Default::default()
        };
        let resp = self.post(app, at, &at.token_endpoint, &form).await?;
        Ok(resp.json().await?)
    }

    /// RFC 7009: ends the whole grant.
    pub async fn revoke(&self, app: &Demo, at: &Issuer, token: &str) -> anyhow::Result<()> {
        let form = TokenOnlyForm {
            token: token.into(),
            ..Default::default()
        };
        self.post(app, at, &at.revocation_endpoint, &form).await?;
        Ok(())
    }

    /// POSTs a client-authenticated form with a DPoP proof; a non-2xx
    /// answer is an error naming the endpoint. Asked for a DPoP nonce
    /// (`use_dpop_nonce`), it retries once with the nonce it was given, as
    /// RFC 9449 §8 and oauth4webapi do.
    async fn post<F: Serialize>(
        &self,
        app: &Demo,
        at: &Issuer,
        url: &str,
        form: &F,
    ) -> anyhow::Result<reqwest::Response> {
        let mut retried = false;
        let resp = loop {
            let form = Authenticated {
                form,
                client_assertion_type: JWT_BEARER,
                client_assertion: self.assertion(app, at)?,
            };
            let resp = app
                .0
                .http
                .post(url)
                .header("DPoP", self.proof(app, url)?)
                .form(&form)
                .send()
                .await?;
            let fresh = resp
                .headers()
                .get("dpop-nonce")
                .and_then(|v| v.to_str().ok());
            if let (Some(n), Ok(mut kept)) = (fresh, self.nonce.lock()) {
                *kept = Some(n.to_owned());
            }
            if resp.status() != reqwest::StatusCode::BAD_REQUEST || retried || fresh.is_none() {
                break resp;
            }
            let body: Option<OAuthErrorBody> = resp.json().await.ok();
            let error = body.map(|b| b.error).unwrap_or_default();
            anyhow::ensure!(error == "use_dpop_nonce", "{url} answered 400 {error}");
            retried = true;
        };
        anyhow::ensure!(
            resp.status().is_success(),
            "{url} answered {}",
            resp.status()
        );
        Ok(resp)
    }

    /// Pushes the authorization request; returns the `request_uri`.
    pub async fn push(
        &self,
        app: &Demo,
        at: &Issuer,
        redirect_uri: &str,
        state: &str,
        challenge: &str,
    ) -> anyhow::Result<String> {
        let form = ParForm {
            response_type: "code".into(),
            redirect_uri: redirect_uri.into(),
            scope: "account_info".into(),
            state: state.into(),
            code_challenge: challenge.into(),
            code_challenge_method: "S256".into(),
            ..Default::default()
        };
        let resp = self
            .post(app, at, &at.pushed_authorization_request_endpoint, &form)
            .await?;
        Ok(resp.json::<ParAnswer>().await?.request_uri)
    }

    /// Exchanges the code for DPoP-bound tokens.
    pub async fn exchange(
        &self,
        app: &Demo,
        at: &Issuer,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
    ) -> anyhow::Result<TokenResponse> {
        let form = TokenForm {
            grant_type: "authorization_code".into(),
            code: Some(code.into()),
            redirect_uri: Some(redirect_uri.into()),
            code_verifier: Some(verifier.into()),
            ..Default::default()
        };
        let resp = self.post(app, at, &at.token_endpoint, &form).await?;
        Ok(resp.json().await?)
    }
}

/// A credit union's authorization server as discovery (RFC 8414) told the
/// app: its issuer and the endpoints its metadata names.
pub type Issuer = oauth::Metadata;

/// RFC 7523's client assertion type.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// An endpoint's form with the app's `private_key_jwt` authentication.
#[derive(Serialize)]
struct Authenticated<'a, F> {
    #[serde(flatten)]
    form: &'a F,
    client_assertion_type: &'static str,
    client_assertion: String,
}
