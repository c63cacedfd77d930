//! `spawn_app()` and the few helpers every test uses.

use jiff::Timestamp;
use renkei_server::clock::ManualClock;
use renkei_server::config::Config;
use renkei_server::security::pkce_challenge;
use renkei_server::startup::Application;
use renkei_shared::api::{CSRF_HEADER, FlowView};
use std::sync::Arc;

pub const ISSUER: &str = "http://renkei.test";
pub const DEMO_CLIENT: &str = "demo-creco";
pub const DEMO_REDIRECT: &str = "http://renkei.test/demo/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// Thursday 2026-11-26 10:00 JST: inside service hours.
pub fn default_start() -> Timestamp {
    "2026-11-26T10:00:00+09:00".parse().expect("valid instant")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("renkei.db");
    let mut config = Config::from_lookup(|k| match k {
        "RENKEI_LISTEN" => Some("127.0.0.1:0".into()),
        "RENKEI_PUBLIC_URL" => Some(ISSUER.into()),
        "RENKEI_DEMO" => Some("1".into()),
        "RENKEI_DIST" => Some(dir.path().join("no-dist").display().to_string()),
        "DATABASE_URL" => Some(format!("sqlite://{}", db.display())),
        _ => None,
    })
    .expect("test config");
    tweak(&mut config);
    let clock = ManualClock::new(default_start());
    let app = Application::build(config, clock.clone())
        .await
        .expect("app builds");
    let addr = app.local_addr().expect("bound");
    tokio::spawn(app.run_forever());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        base: format!("http://{addr}"),
        http,
        clock,
        _dir: dir,
    }
}

/// A valid authorize query for the demo client, as pairs.
pub fn authorize_params() -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", DEMO_CLIENT.into()),
        ("redirect_uri", DEMO_REDIRECT.into()),
        ("scope", "account_info".into()),
        ("state", "st-123".into()),
        ("code_challenge", pkce_challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
    ]
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn authorize(&self, params: &[(&str, String)]) -> reqwest::Response {
        self.http
            .get(self.url("/oauth/authorize"))
            .query(params)
            .send()
            .await
            .expect("authorize answers")
    }

    /// Starts a flow the way the demo app would and returns its view.
    pub async fn start_flow(&self) -> FlowView {
        let resp = self.authorize(&authorize_params()).await;
        assert_eq!(resp.status(), 303, "authorize should redirect to SOA201");
        self.flow().await
    }

    pub async fn flow(&self) -> FlowView {
        let resp = self
            .http
            .get(self.url("/api/flow"))
            .send()
            .await
            .expect("flow");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("flow json")
    }

    /// POSTs JSON to a flow endpoint with the CSRF token.
    pub async fn post(
        &self,
        path: &str,
        csrf: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header(CSRF_HEADER, csrf)
            .json(body)
            .send()
            .await
            .expect("post answers")
    }
}

/// Parses a Location header into (path-with-host, query pairs).
pub fn location(resp: &reqwest::Response) -> url::Url {
    let loc = resp
        .headers()
        .get("location")
        .expect("has Location")
        .to_str()
        .expect("ascii");
    url::Url::parse(loc)
        .or_else(|_| url::Url::parse("http://relative.invalid").and_then(|b| b.join(loc)))
        .expect("parsable Location")
}

pub fn query(url: &url::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}
