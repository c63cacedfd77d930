//! `spawn_app()` and the few helpers every test uses.

use jiff::Timestamp;
use renkei_fixture::Customer;
use renkei_server::admin::{AccountRef, Context};
use renkei_server::clock::{Clock, ManualClock};
use renkei_server::config::Config;
use renkei_server::crypto::pkce_challenge;
use renkei_server::db::Storage;
use renkei_server::startup::Application;
use renkei_shared::api::{
    AccountForm, CSRF_HEADER, ConsentForm, CustomerForm, Empty, FlowView, PinForm,
};
use renkei_shared::oauth::TokenResponse;
use renkei_shared::telephony::InboundCall;
use serde_json::Value as Json;
use std::sync::Arc;

pub const ISSUER: &str = "http://renkei.test";
/// The union the database was created with: the demo's しんくみ信用組合
/// (2999), the root alias's by default.
pub const SEED_UNION: i64 = 1;
pub const DEMO_CLIENT: &str = "demo-creco";
pub const DEMO_REDIRECT: &str = "http://renkei.test/demo/callback";
pub const DEMO_CREDS: (&str, &str) = ("demo-creco", "renkei-demo-client-secret");
pub const CALLBACK_NUMBER: &str = "0120000111";
/// The test servers' callback numbers, `CALLBACK_NUMBER` first.
pub const TEST_POOL: [&str; 4] = [CALLBACK_NUMBER, "0120000112", "0120000113", "0120000114"];
pub const TELEPHONY_SECRET: &str = "renkei-demo-telephony-secret";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

pub struct TestApp {
    /// Where this view's requests go: the server, and under it a credit
    /// union's prefix (`at`).
    pub base: String,
    /// The server itself (the platform's paths: the carrier's webhook).
    pub root: String,
    /// `""`, or `/institutions/{code}` for a view of that union (`at`).
    pub prefix: String,
    /// The staff console's own address (`RENKEI_STAFF_LISTEN`), if set.
    pub staff_base: Option<String>,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub storage: Storage,
    /// The test's folder (database, outbox); shared by a restarted server.
    dir: Arc<tempfile::TempDir>,
    /// The bank's database (in `dir`, or on the test PostgreSQL).
    pub database_url: String,
}

/// Thursday 2026-11-26 10:00 JST: inside service hours.
pub fn default_start() -> Timestamp {
    "2026-11-26T10:00:00+09:00".parse().expect("valid instant")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let db = test_database(dir.path()).await;
    spawn_in(dir, db, tweak).await
}

/// Where the test command runs the suite on PostgreSQL: the throwaway
/// cluster's socket folder (`scripts/with-postgres.sh`).
pub fn test_postgres() -> Option<String> {
    std::env::var("RENKEI_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A fresh, empty bank database for one test: a SQLite file in `dir`, or,
/// when the suite runs on PostgreSQL, a database of its own there.
pub async fn test_database(dir: &std::path::Path) -> String {
    match test_postgres() {
        None => format!("sqlite://{}", dir.join("renkei.db").display()),
        Some(socket_dir) => {
            use sqlx::Connection;
            let name = format!("renkei_{}", hex_id());
            let admin = format!("postgres://postgres@localhost/postgres?host={socket_dir}");
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("the test PostgreSQL answers");
            // Renkei runs as an ordinary role, as in production: a
            // superuser would pass PostgreSQL's row-level security by.
            sqlx::raw_sql(
                "DO $$ BEGIN CREATE ROLE renkei_app LOGIN NOSUPERUSER NOBYPASSRLS;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
            )
            .execute(&mut conn)
            .await
            .expect("the application role");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {name} OWNER renkei_app"
            )))
            .execute(&mut conn)
            .await
            .expect("a test database");
            format!("postgres://renkei_app@localhost/{name}?host={socket_dir}")
        }
    }
}

fn hex_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A server on `database_url` (a fresh one, or one a previous server
/// left), its files in `dir`, its clock at [`default_start`].
async fn spawn_in(
    dir: Arc<tempfile::TempDir>,
    database_url: String,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = Config::from_lookup(|k| match k {
        "RENKEI_LISTEN" => Some("127.0.0.1:0".into()),
        "RENKEI_PUBLIC_URL" => Some(ISSUER.into()),
        "RENKEI_DEMO" => Some("1".into()),
        "RENKEI_DIST" => Some(dir.path().join("no-dist").display().to_string()),
        "DATABASE_URL" => Some(database_url.clone()),
        "RENKEI_DEMO_APP_DB" => Some(format!(
            "sqlite://{}",
            dir.path().join("demo-app.db").display()
        )),
        "RENKEI_OUTBOX_DIR" => Some(dir.path().join("outbox").display().to_string()),
        // A pool, as production should have: a number stays bound to its
        // flow through its window and quiet period, so a test that links
        // one customer again soon after gets the next number.
        "RENKEI_CALLBACK_NUMBERS" => Some(TEST_POOL.join(",")),
        // Tests make many attempts from one address; `throttle.rs` sets
        // the limits it tests.
        "RENKEI_THROTTLE_IP_PER_MIN" | "RENKEI_THROTTLE_FLOW_PER_MIN" => Some("1000".into()),
        _ => None,
    })
    .expect("test config");
    tweak(&mut config);
    let clock = ManualClock::new(default_start());
    let app = Application::build(config, clock.clone())
        .await
        .expect("app builds");
    let addr = app.local_addr().expect("bound");
    let staff_base = app.staff_addr().map(|a| format!("http://{a}"));
    let storage = app.state().storage.clone();
    tokio::spawn(app.run_forever());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        base: format!("http://{addr}"),
        root: format!("http://{addr}"),
        prefix: String::new(),
        staff_base,
        http,
        clock,
        storage,
        dir,
        database_url,
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

/// The happy-path customer's お客様情報入力, as a customer might type it.
pub fn happy_customer() -> CustomerForm {
    CustomerForm {
        name: "でーた　たろう".into(),
        birth_year: "1980".into(),
        birth_month: "01".into(),
        birth_day: "01".into(),
        phone: "09011113333".into(),
        email: "taro@example.jp".into(),
        email_confirm: "taro@example.jp".into(),
    }
}

/// SOA201 for one of the demo accounts.
pub fn account_body(branch: &str, kind: &str, number: &str) -> AccountForm {
    AccountForm {
        branch: branch.into(),
        kind: kind.into(),
        number: number.into(),
    }
}

/// A body as it goes on the wire, for a list of steps of several kinds.
pub fn wire(body: &impl serde::Serialize) -> Json {
    serde_json::to_value(body).expect("a wire type serializes")
}

/// A second browser: its own cookie jar, so its own flow.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

/// The happy-path customer's account as staff name it.
pub fn happy_account() -> AccountRef {
    let c = renkei_fixture::HAPPY;
    AccountRef::parse(c.branch, c.kind, c.number).expect("fixture account")
}

impl TestApp {
    /// Another server process's worth on this one's database (as after a
    /// restart with other settings); the same browser keeps its cookies.
    pub async fn restart_with(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let mut next = spawn_in(self.dir.clone(), self.database_url.clone(), tweak).await;
        next.http = self.http.clone();
        next
    }

    /// The staff's tools (`renkei-server` subcommands) on this server's
    /// database, at the test clock's now.
    /// The `renkei-server` binary run as staff would run it, on this
    /// server's database, in demo mode at the test clock's instant (same
    /// pepper, same "today").
    pub fn cli(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_renkei-server"));
        cmd.args(args)
            .env_clear()
            .env("RENKEI_DEMO", "1")
            .env("RENKEI_NOW", Clock::now(&*self.clock).to_string())
            .env("DATABASE_URL", &self.database_url)
            .env("RENKEI_LOG", "warn");
        cmd
    }

    /// A file in this test's folder.
    pub fn write_file(&self, name: &str, text: &str) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    /// As the demo-mode server's own console would act (an app's
    /// `jwks_uri` may be on this machine).
    pub fn staff(&self) -> Context {
        Context::new(
            self.storage.clone(),
            self.storage.tenant(SEED_UNION),
            Clock::now(&*self.clock),
        )
        .with_jwks_loopback(true)
    }

    /// Registers an app as the platform does (`client add`), then switches
    /// it on at the demo's two unions (a new app is off everywhere).
    pub async fn add_app(
        &self,
        name: &str,
        redirect_uris: &[String],
        options: &renkei_server::admin::clients::ClientOptions,
    ) -> anyhow::Result<renkei_server::admin::clients::Registered> {
        let staff = self.staff();
        let added = staff.add_client(name, redirect_uris, options).await?;
        for code in ["2999", renkei_fixture::SECOND_CODE] {
            staff
                .switch_app_at(code, &added.client_id, true, "テスト用に提携")
                .await?;
        }
        Ok(added)
    }

    /// `client enable --client-id CLIENT --institution CODE` as the
    /// platform's operator runs it: a new union has no app on.
    pub async fn enable_app_at(&self, client_id: &str, code: &str) {
        let out = output_of(self.cli(&[
            "client",
            "enable",
            "--client-id",
            client_id,
            "--institution",
            code,
            "--reason",
            "提携開始",
        ]))
        .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A new TestApp view on the same server with its own browser.
    pub fn other_browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            http: browser(),
        }
    }

    /// This app's own browser (the same cookie jar as `self.http`).
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            http: self.http.clone(),
        }
    }

    /// Starts a flow and sends SOA201 with `body` (see `Browser`).
    pub async fn account_attempt(
        &self,
        body: &impl serde::Serialize,
    ) -> (String, reqwest::Response) {
        self.browser().account_attempt(body).await
    }

    /// Starts a flow and passes SOA201 for the given account; returns the
    /// CSRF token.
    pub async fn at_customer_step(&self, branch: &str, kind: &str, number: &str) -> String {
        self.browser().at_customer_step(branch, kind, number).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The row id of the credit union with 金融機関コード `code`.
    pub async fn institution_id(&self, code: &str) -> i64 {
        self.storage
            .institution_by_code(code)
            .await
            .expect("read")
            .expect("the union")
            .id
    }

    /// The issuer this view's union has: the public URL and its prefix.
    pub fn issuer(&self) -> String {
        format!("{ISSUER}{}", self.prefix)
    }

    /// The same server and browser as the credit union `code` serves them
    /// (`/institutions/{code}/…`).
    pub fn at(&self, code: &str) -> TestApp {
        let prefix = format!("{}{code}", renkei_shared::api::INSTITUTIONS_PREFIX);
        TestApp {
            base: format!("{}{prefix}", self.root),
            root: self.root.clone(),
            prefix,
            staff_base: self.staff_base.clone(),
            http: self.http.clone(),
            clock: self.clock.clone(),
            storage: self.storage.clone(),
            dir: self.dir.clone(),
            database_url: self.database_url.clone(),
        }
    }

    pub async fn authorize(&self, params: &[(&str, String)]) -> reqwest::Response {
        self.http
            .get(self.url(renkei_shared::oauth::AUTHORIZE_PATH))
            .query(params)
            .send()
            .await
            .expect("authorize answers")
    }

    /// Starts a flow the way the demo app would and returns its view.
    pub async fn start_flow(&self) -> FlowView {
        self.browser().start_flow().await
    }

    pub async fn flow(&self) -> FlowView {
        self.flow_of(&self.http).await
    }

    /// Where the flow of the browser `http` stands.
    pub async fn flow_of(&self, http: &reqwest::Client) -> FlowView {
        let resp = http
            .get(self.url(renkei_shared::api::FLOW_PATH))
            .send()
            .await
            .expect("flow");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("flow json")
    }

    /// Passes stage 1 for the happy-path customer and decides the phone
    /// number (SOA208): the flow stands at SOA209. Returns the CSRF token.
    pub async fn at_call_step(&self) -> String {
        let csrf = self.at_customer_step("115", "ordinary", "1100026").await;
        let resp = self
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
            .await;
        assert_eq!(resp.status(), 200);
        let resp = self
            .post(renkei_shared::api::PHONE_PATH, &csrf, &Empty {})
            .await;
        assert_eq!(resp.status(), 200);
        csrf
    }

    /// SOA209 shown: opens (or re-reads) the phone challenge.
    pub async fn open_call(&self, csrf: &str) -> renkei_shared::api::CallChallenge {
        let resp = self
            .post(renkei_shared::api::CALL_PATH, csrf, &Empty {})
            .await;
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("challenge json")
    }

    /// The carrier reports a call to `CALLBACK_NUMBER` (what the first
    /// flow of a phone is shown), signed with the demo secret at the
    /// server's current time.
    pub async fn signed_call(&self, call_id: &str, from: &str) -> reqwest::Response {
        self.signed_call_to(call_id, from, CALLBACK_NUMBER).await
    }

    /// The same, to the number `to` (the one SOA209 showed).
    pub async fn signed_call_to(&self, call_id: &str, from: &str, to: &str) -> reqwest::Response {
        let ts = Clock::now(&*self.clock).as_second();
        self.signed_call_at(call_id, from, to, ts, TELEPHONY_SECRET)
            .await
    }

    pub async fn signed_call_at(
        &self,
        call_id: &str,
        from: &str,
        to: &str,
        ts: i64,
        secret: &str,
    ) -> reqwest::Response {
        let body = serde_json::to_string(&InboundCall {
            call_id: call_id.into(),
            from: from.into(),
            to: to.into(),
            received_at: "2026-11-26T10:00:00+09:00".into(),
        })
        .expect("json");
        self.http
            .post(format!("{}{}", self.root, renkei_shared::telephony::PATH))
            .header("content-type", "application/json")
            .header("x-renkei-timestamp", ts.to_string())
            .header("x-renkei-signature", hmac_v1(secret, ts, &body))
            .body(body)
            .send()
            .await
            .expect("webhook answers")
    }

    /// All three stages passed for the happy-path customer: SOA206.
    pub async fn at_consent_step(&self) -> String {
        let csrf = self.at_call_step().await;
        let shown = self.open_call(&csrf).await;
        let call_id = renkei_server::crypto::random_token();
        let resp = self
            .signed_call_to(&call_id, "09011113333", &shown.callback_number)
            .await;
        assert_eq!(resp.status(), 200);
        assert_eq!(
            self.post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
                .await
                .status(),
            200
        );
        assert_eq!(
            self.post(
                renkei_shared::api::PIN_PATH,
                &csrf,
                &PinForm { pin: "1234".into() }
            )
            .await
            .status(),
            200
        );
        csrf
    }

    /// The happy-path customer, in this app's browser, through every screen
    /// of the flow standing at SOA201 (whichever app started it), calling
    /// the number SOA209 shows, to 許可する: the redirect back to the app.
    pub async fn consent_from_soa201(&self, csrf: &str) -> url::Url {
        for (path, body) in [
            (
                renkei_shared::api::ACCOUNT_PATH,
                wire(&account_body("115", "ordinary", "1100026")),
            ),
            (renkei_shared::api::CUSTOMER_PATH, wire(&happy_customer())),
            (renkei_shared::api::PHONE_PATH, wire(&Empty {})),
        ] {
            assert_eq!(self.post(path, csrf, &body).await.status(), 200, "{path}");
        }
        let shown = self.open_call(csrf).await.callback_number;
        let call_id = renkei_server::crypto::random_token();
        let resp = self.signed_call_to(&call_id, "09011113333", &shown).await;
        assert_eq!(resp.status(), 200);
        for (path, body) in [
            (renkei_shared::api::CALL_CONFIRM_PATH, wire(&Empty {})),
            (
                renkei_shared::api::PIN_PATH,
                wire(&PinForm { pin: "1234".into() }),
            ),
            (
                renkei_shared::api::CONSENT_PATH,
                wire(&ConsentForm { agree: true }),
            ),
        ] {
            let resp = self.post(path, csrf, &body).await;
            assert_eq!(resp.status(), 200, "{path}");
            if path == renkei_shared::api::CONSENT_PATH {
                let done: renkei_shared::api::Finished = resp.json().await.expect("json");
                return url::Url::parse(&done.return_to).expect("url");
            }
        }
        unreachable!("the loop ends at 許可する")
    }

    /// 許可する; returns the code from the redirect back to the app.
    pub async fn consent_and_get_code(&self) -> String {
        let csrf = self.at_consent_step().await;
        let resp = self
            .post(
                renkei_shared::api::CONSENT_PATH,
                &csrf,
                &ConsentForm { agree: true },
            )
            .await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        let url = url::Url::parse(body["return_to"].as_str().expect("return_to")).expect("url");
        query(&url, "code").expect("code")
    }

    /// The token endpoint with client_secret_basic.
    pub async fn token(&self, client: (&str, &str), form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(renkei_shared::oauth::TOKEN_PATH))
            .basic_auth(client.0, Some(client.1))
            .form(form)
            .send()
            .await
            .expect("token endpoint answers")
    }

    pub async fn exchange(&self, code: &str) -> reqwest::Response {
        self.token(
            DEMO_CREDS,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", DEMO_REDIRECT),
                ("code_verifier", VERIFIER),
            ],
        )
        .await
    }

    pub async fn introspect(&self, token: &str) -> serde_json::Value {
        self.http
            .post(self.url(renkei_shared::oauth::INTROSPECT_PATH))
            .basic_auth(DEMO_CREDS.0, Some(DEMO_CREDS.1))
            .form(&[("token", token)])
            .send()
            .await
            .expect("introspection answers")
            .json()
            .await
            .expect("json")
    }

    /// POSTs JSON to a flow endpoint with the CSRF token.
    pub async fn post(
        &self,
        path: &str,
        csrf: &str,
        body: &impl serde::Serialize,
    ) -> reqwest::Response {
        self.browser().post(path, csrf, body).await
    }
}

/// Runs `cmd` to its end off the test's runtime. A `#[tokio::test]` runs
/// on one thread that also drives the in-process server: blocking it on a
/// child process would stop the server mid-transaction, holding SQLite's
/// write lock, and a child that writes (`records import`, `staff link`)
/// would then wait out its busy timeout and fail with "database is locked".
pub async fn output_of(mut cmd: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("the command runs"))
        .await
        .expect("joined")
}

/// Parses a Location header into (path-with-host, query pairs).
/// The `error` of an OAuth error answer (RFC 6749 §5.2).
pub async fn error_of(resp: reqwest::Response) -> String {
    let body: serde_json::Value = resp.json().await.expect("json error body");
    body["error"].as_str().unwrap_or_default().to_owned()
}

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

/// Another browser on the same server.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub http: reqwest::Client,
}

impl Browser<'_> {
    /// Starts a flow in this browser as the demo app would; returns its view.
    pub async fn start_flow(&self) -> FlowView {
        let resp = self
            .http
            .get(self.app.url(renkei_shared::oauth::AUTHORIZE_PATH))
            .query(&authorize_params())
            .send()
            .await
            .expect("authorize");
        assert_eq!(resp.status(), 303, "authorize should redirect to SOA201");
        self.app.flow_of(&self.http).await
    }

    /// A whole linkage of `c` in this browser, typed in as the customer
    /// would, then the code exchanged by the demo client: the token answer.
    pub async fn link(&self, c: &Customer) -> TokenResponse {
        let csrf = self.at_consent(c).await;
        let done: renkei_shared::api::Finished = self
            .post(
                renkei_shared::api::CONSENT_PATH,
                &csrf,
                &ConsentForm { agree: true },
            )
            .await
            .json()
            .await
            .expect("json");
        let back = url::Url::parse(&done.return_to).expect("url");
        let code = query(&back, "code").expect("code");
        self.app
            .exchange(&code)
            .await
            .json()
            .await
            .expect("token json")
    }

    /// `c` through every screen to SOA206, in a new flow of this browser:
    /// the flow's CSRF token.
    pub async fn at_consent(&self, c: &Customer) -> String {
        let csrf = self.at_customer_step(c.branch, c.kind, c.number).await;
        let (y, m, d) = c.birth_parts();
        let email = "link@example.jp";
        let customer = CustomerForm {
            name: c.kana.into(),
            birth_year: y.to_string(),
            birth_month: m.to_string(),
            birth_day: d.to_string(),
            phone: c.phone.into(),
            email: email.into(),
            email_confirm: email.into(),
        };
        for (path, body) in [
            (renkei_shared::api::CUSTOMER_PATH, wire(&customer)),
            (renkei_shared::api::PHONE_PATH, wire(&Empty {})),
        ] {
            assert_eq!(self.post(path, &csrf, &body).await.status(), 200, "{path}");
        }
        let resp = self
            .post(renkei_shared::api::CALL_PATH, &csrf, &Empty {})
            .await;
        assert_eq!(resp.status(), 200, "{}", renkei_shared::api::CALL_PATH);
        let shown: renkei_shared::api::CallChallenge = resp.json().await.expect("challenge");
        let call_id = renkei_server::crypto::random_token();
        let resp = self
            .app
            .signed_call_to(&call_id, c.phone, &shown.callback_number)
            .await;
        assert_eq!(resp.status(), 200);
        let pin = PinForm {
            pin: c.pin.expect("a linkable customer").into(),
        };
        for (path, body) in [
            (renkei_shared::api::CALL_CONFIRM_PATH, wire(&Empty {})),
            (renkei_shared::api::PIN_PATH, wire(&pin)),
        ] {
            assert_eq!(self.post(path, &csrf, &body).await.status(), 200, "{path}");
        }
        csrf
    }

    /// Starts a flow in this browser and passes SOA201; returns the CSRF token.
    pub async fn at_customer_step(&self, branch: &str, kind: &str, number: &str) -> String {
        let (csrf, resp) = self
            .account_attempt(&account_body(branch, kind, number))
            .await;
        assert_eq!(resp.status(), 200, "SOA201 for {branch}-{number}");
        csrf
    }

    /// Starts a flow in this browser and sends SOA201 with `body`: the CSRF
    /// token and the answer.
    pub async fn account_attempt(
        &self,
        body: &impl serde::Serialize,
    ) -> (String, reqwest::Response) {
        let csrf = self.start_flow().await.csrf_token;
        let resp = self
            .post(renkei_shared::api::ACCOUNT_PATH, &csrf, body)
            .await;
        (csrf, resp)
    }

    pub async fn post(
        &self,
        path: &str,
        csrf: &str,
        body: &impl serde::Serialize,
    ) -> reqwest::Response {
        self.http
            .post(self.app.url(path))
            .header(CSRF_HEADER, csrf)
            .json(body)
            .send()
            .await
            .expect("post answers")
    }
}

/// The `code` of a wire error answer.
pub async fn code_of(resp: reqwest::Response) -> String {
    let body: serde_json::Value = resp.json().await.expect("json body");
    body["code"].as_str().unwrap_or_default().to_owned()
}

/// An instant written in JST.
pub fn jst(s: &str) -> Timestamp {
    format!("{s}+09:00").parse().expect("valid JST instant")
}

/// The carrier's signature, written here from the scheme's definition
/// (HMAC-SHA256 over "<timestamp>.<raw body>", hex, "v1=" prefix).
pub fn hmac_v1(secret: &str, ts: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{ts}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// A real SMTP listener on a free port, speaking just enough SMTP for one
/// client to hand over messages; each message's raw DATA arrives on the
/// channel.
pub async fn smtp_listener() -> (u16, tokio::sync::mpsc::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 test.invalid ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            let _ = tx.send(std::mem::take(buf)).await;
                            data = None;
                            let _ = w.write_all(b"250 OK queued\r\n").await;
                        } else {
                            buf.push_str(line.strip_prefix('.').unwrap_or(&line));
                            buf.push_str("\r\n");
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-test.invalid\r\n250 8BITMIME\r\n",
                        "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"502 not implemented\r\n",
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, rx)
}

/// GETs `url` with `http` and reads the JSON answer.
pub async fn get_json(http: &reqwest::Client, url: impl reqwest::IntoUrl) -> serde_json::Value {
    http.get(url)
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json")
}

/// The lockout's count for an account on the tests' JST day
/// (2026-11-26, [`default_start`]).
pub async fn failures_on_test_day(
    storage: &Storage,
    branch: &str,
    kind: &str,
    number: &str,
) -> i64 {
    use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
    let account = storage
        .tenant(crate::helpers::SEED_UNION)
        .find_account(
            &BranchNumber::parse(branch).expect("branch"),
            AccountKind::parse(kind).expect("kind"),
            &AccountNumber::parse(number).expect("number"),
        )
        .await
        .expect("read")
        .expect("the account");
    storage
        .tenant(crate::helpers::SEED_UNION)
        .failures(renkei_server::db::LockKey {
            account_id: account.id,
            jst_day: "2026-11-26",
        })
        .await
        .expect("read")
}

/// A flow API call with the CSRF token: the answer, or `None` when the
/// server did not give one (gone, killed).
pub async fn try_post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    csrf: &str,
    body: &impl serde::Serialize,
) -> Option<reqwest::Response> {
    http.post(format!("{base}{path}"))
        .header(CSRF_HEADER, csrf)
        .json(body)
        .send()
        .await
        .ok()
}

/// A loopback port nobody listens on (now).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("bound").port()
}

/// The real `renkei-server` binary on a port and database of its own, in
/// demo mode at [`default_start`], its output in a file (a pipe nobody
/// reads would fill up and stall it); killed when dropped.
pub struct ServerProcess {
    pub base: String,
    pub child: tokio::process::Child,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    /// Starts it with `env` on top of the defaults (an empty value unsets
    /// one), and waits until it answers `/healthz`.
    pub async fn start(env: &[(&str, &str)]) -> ServerProcess {
        Self::start_on(None, env).await
    }

    /// The same on `database_url` (another instance's, say), or on a fresh
    /// database of its own.
    pub async fn start_on(database_url: Option<&str>, env: &[(&str, &str)]) -> ServerProcess {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let database_url = match database_url {
            Some(url) => url.to_owned(),
            None => test_database(dir.path()).await,
        };
        let base = format!("http://127.0.0.1:{port}");
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_renkei-server"));
        cmd.env_clear()
            .env("RENKEI_LISTEN", format!("127.0.0.1:{port}"))
            .env("RENKEI_PUBLIC_URL", &base)
            .env("RENKEI_DEMO", "1")
            .env("RENKEI_NOW", default_start().to_string())
            .env("RENKEI_DIST", dir.path().join("none"))
            .env("DATABASE_URL", database_url)
            .env(
                "RENKEI_DEMO_APP_DB",
                format!("sqlite://{}/demo-app.db", dir.path().display()),
            )
            .env("RENKEI_OUTBOX_DIR", dir.path().join("outbox"))
            .env("RENKEI_LOG", "warn");
        for (k, v) in env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        let child = cmd
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .expect("renkei-server starts");
        let http = reqwest::Client::new();
        let started = std::time::Instant::now();
        while http
            .get(format!("{base}{}", renkei_shared::api::HEALTHZ_PATH))
            .send()
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the server did not start:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        ServerProcess {
            base,
            child,
            log,
            _dir: dir,
        }
    }

    /// Everything it wrote so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).expect("log file")
    }
}
