//! The staff console's API (`/staff/api/*`) over HTTP: sessions, roles,
//! CSRF, and what an operator and a supervisor do. Sessions are made with
//! `testkit::staff_session` (what a passkey sign-in stores); the passkey
//! ceremonies are tested in Chromium (`end2end/tests/staff.spec.ts`).

use crate::helpers::{
    TestApp, authorize_params, code_of, happy_customer, spawn_app, spawn_app_with,
};

use renkei_shared::ErrorCode;
use renkei_shared::api::Empty;
use renkei_shared::oplog::Outcome;
use renkei_shared::staff::{
    AppEnabled, AppRegistered, EndLinkages, EnrolStart, NewApp, NewMaintenance, NewStaff, Reason,
    STAFF_CSRF_HEADER, SignInStart, StaffRole, path, paths,
};
use serde_json::{Value, json};

/// The happy-path customer's account, as the console names it.
const HAPPY_KEY: [&str; 3] = ["115", "ordinary", "1100026"];

fn happy() -> String {
    path(paths::ACCOUNT, &HAPPY_KEY)
}

/// A staff member's own HTTP client, signed in.
struct StaffClient {
    http: reqwest::Client,
    cookie: String,
    csrf: String,
    base: String,
}

impl StaffClient {
    async fn sign_in(app: &TestApp, name: &str, role: StaffRole) -> StaffClient {
        let first = Some(crate::helpers::SEED_UNION);
        Self::sign_in_at(app, first, name, role).await
    }

    /// A member of union `institution` (`None`: platform staff).
    async fn sign_in_at(
        app: &TestApp,
        institution: Option<i64>,
        name: &str,
        role: StaffRole,
    ) -> StaffClient {
        let now = renkei_server::clock::Clock::now(&*app.clock).as_second();
        let (token, csrf) =
            renkei_server::testkit::staff_session_of(&app.storage, institution, name, role, now)
                .await
                .unwrap();
        StaffClient {
            http: reqwest::Client::new(),
            cookie: format!("renkei_staff={token}"),
            csrf,
            base: app.base.clone(),
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        self.post_with(path, body, &self.csrf).await
    }

    async fn post_with(
        &self,
        path: &str,
        body: &impl serde::Serialize,
        csrf: &str,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header(STAFF_CSRF_HEADER, csrf)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Five wrong identity attempts lock the happy customer's account today.
async fn lock_happy_account(app: &TestApp) {
    let b = app.other_browser();
    let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
    let mut wrong = happy_customer();
    wrong.birth_year = "1999".into();
    for _ in 0..5 {
        b.post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong)
            .await;
    }
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(code_of(resp).await, "locked_b84");
}

#[tokio::test]
async fn an_operator_finds_a_locked_account_lifts_the_lock_and_the_customer_goes_on() {
    let app = spawn_app().await;
    lock_happy_account(&app).await;
    let op = StaffClient::sign_in(&app, "窓口 花子", StaffRole::Operator).await;

    let view: Value = op.get(&happy()).await.json().await.unwrap();
    assert_eq!(view["status"], "active");
    assert_eq!(view["can_link"], true);
    assert_eq!(view["failures_today"], 5);
    assert_eq!(view["locked"], true);
    // Masked phone only; never the PIN hash, the number or an e-mail.
    assert_eq!(view["masked_phone"], "*****3333");
    let text = view.to_string();
    for secret in ["09011113333", "argon2", "@example"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    // The flow that was locked, from the log.
    assert_eq!(view["recent_flows"][0]["last_outcome"], "locked_b84");
    assert_eq!(view["recent_flows"][0]["last_step"], "customer");

    // A change without a reason is refused and changes nothing.
    let resp = op
        .post(
            &path(paths::LIFT_LOCK, &HAPPY_KEY),
            &Reason {
                reason: "  ".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(code_of(resp).await, "staff_reason_required");
    let resp = op
        .post(
            &path(paths::LIFT_LOCK, &HAPPY_KEY),
            &Reason {
                reason: "窓口で本人確認済み".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let view: Value = op.get(&happy()).await.json().await.unwrap();
    assert_eq!(view["locked"], false);

    // The customer passes SOA201 and お客様情報入力 now.
    let b = app.other_browser();
    let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);

    // The log says who lifted it and why.
    let log = app.storage.operation_log().await.unwrap();
    let lifted = log
        .iter()
        .find(|l| l.outcome == Outcome::LockLifted)
        .unwrap();
    assert_eq!(lifted.staff.as_deref(), Some("窓口 花子"));
    assert!(
        lifted
            .detail
            .as_deref()
            .unwrap()
            .ends_with("reason: 窓口で本人確認済み"),
        "{lifted:?}"
    );
}

#[tokio::test]
async fn ending_a_linkage_in_the_console_stops_the_apps_token_at_once() {
    let app = spawn_app().await;
    let linked = app.other_browser().link(&renkei_fixture::HAPPY).await;
    let token = linked.access_token.as_str();
    let read = || async {
        app.http
            .get(app.url(renkei_shared::account::ACCOUNTS_PATH))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(read().await, 200);
    let op = StaffClient::sign_in(&app, "op", StaffRole::Operator).await;
    let view: Value = op.get(&happy()).await.json().await.unwrap();
    let consent = view["consents"][0]["id"].as_i64().unwrap();
    assert_eq!(view["consents"][0]["revoked_at"], Value::Null);
    let resp = op
        .post(
            &path(paths::END_LINKAGES, &HAPPY_KEY),
            &EndLinkages {
                consent_id: Some(consent),
                reason: "お客様から電話で解除依頼".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(read().await, 401);
    let view: Value = op.get(&happy()).await.json().await.unwrap();
    assert_eq!(view["consents"][0]["revoked_by"], "staff");
    // Ending it again finds nothing live.
    let resp = op
        .post(
            &path(paths::END_LINKAGES, &HAPPY_KEY),
            &EndLinkages {
                consent_id: Some(consent),
                reason: "二度目".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn an_operator_cannot_reach_supervisor_apis() {
    let app = spawn_app().await;
    let op = StaffClient::sign_in(&app, "op", StaffRole::Operator).await;
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    for path in [
        renkei_shared::staff::paths::AUDIT,
        renkei_shared::staff::paths::AUDIT_CSV,
        renkei_shared::staff::paths::FUNNEL,
    ] {
        let resp = op.get(path).await;
        assert_eq!(resp.status(), 403, "{path}");
        assert_eq!(code_of(resp).await, "staff_forbidden", "{path}");
        assert_eq!(sv.get(path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn no_session_another_csrf_token_or_a_customer_cookie_is_refused() {
    let app = spawn_app().await;
    let op = StaffClient::sign_in(&app, "op", StaffRole::Operator).await;
    let other = StaffClient::sign_in(&app, "other", StaffRole::Operator).await;
    let lift = path(paths::LIFT_LOCK, &HAPPY_KEY);
    let body = Reason {
        reason: "テスト".into(),
    };

    // No session at all.
    let resp = reqwest::Client::new()
        .get(app.url(&happy()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(code_of(resp).await, "staff_sign_in_required");
    // Another staff member's CSRF token, or none.
    for csrf in [other.csrf.as_str(), ""] {
        let resp = op.post_with(&lift, &body, csrf).await;
        assert_eq!(resp.status(), 403);
        assert_eq!(code_of(resp).await, "staff_csrf_rejected");
    }
    // A customer's flow cookie means nothing here.
    let customer = app.browser();
    customer
        .at_customer_step("115", "ordinary", "1100026")
        .await;
    let resp = app.http.get(app.url(&happy())).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    // And the staff cookie nothing to the flow API.
    let resp = op.get(renkei_shared::api::FLOW_PATH).await;
    assert_eq!(code_of(resp).await, "flow_not_found");
    // A disabled staff member's session ends at once.
    app.staff().disable_staff("op", "退職").await.unwrap();
    assert_eq!(op.get(&happy()).await.status(), 401);
    assert_eq!(other.get(&happy()).await.status(), 200);
}

#[tokio::test]
async fn sessions_end_after_15_idle_minutes_and_after_8_hours() {
    let app = spawn_app().await;
    let op = StaffClient::sign_in(&app, "op", StaffRole::Operator).await;
    // Active every 14 minutes: alive for 8 hours, not a minute more.
    for _ in 0..34 {
        app.clock.advance(jiff::SignedDuration::from_mins(14));
        assert_eq!(op.get(&happy()).await.status(), 200);
    }
    app.clock.advance(jiff::SignedDuration::from_mins(4));
    assert_eq!(op.get(&happy()).await.status(), 401);

    let idle = StaffClient::sign_in(&app, "idle", StaffRole::Operator).await;
    app.clock.advance(jiff::SignedDuration::from_mins(15));
    assert_eq!(idle.get(&happy()).await.status(), 401);
}

#[tokio::test]
async fn the_audit_export_is_utf8_with_a_bom_and_names_the_staff_member() {
    let app = spawn_app().await;
    lock_happy_account(&app).await;
    let sv = StaffClient::sign_in(&app, "監督 一郎", StaffRole::Supervisor).await;
    let resp = sv
        .post(
            &path(paths::LIFT_LOCK, &HAPPY_KEY),
            &Reason {
                reason: "電話で本人確認、解除".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let resp = sv
        .get(&format!(
            "{}?day=2026-11-26&staff=監督 一郎",
            paths::AUDIT_CSV
        ))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "日時(JST),フロー,アプリ,ステップ,結果,操作者,職員,詳細"
    );
    assert_eq!(lines.len(), 3, "{text}"); // signed_in and lock_lifted
    assert!(
        lines[1].starts_with("2026年11月26日 10:00:00,,,職員の操作,ロック解除,職員,監督 一郎,"),
        "{text}"
    );
    assert!(lines[1].ends_with("reason: 電話で本人確認、解除"), "{text}");

    // The same search as a page.
    let page: Value = sv
        .get(&format!(
            "{}?day=2026-11-26&outcome=lock_lifted",
            paths::AUDIT
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["lines"].as_array().unwrap().len(), 1);
    assert_eq!(page["lines"][0]["staff"], "監督 一郎");
}

#[tokio::test]
async fn the_funnel_counts_what_the_customers_did() {
    let app = spawn_app().await;
    // Three whole linkages.
    for _ in 0..3 {
        app.other_browser().link(&renkei_fixture::HAPPY).await;
    }
    // Two stop at お客様情報入力, one never gets past SOA201's screen, one
    // cancels there.
    for _ in 0..2 {
        app.other_browser()
            .at_customer_step("115", "ordinary", "1100026")
            .await;
    }
    app.other_browser().start_flow().await;
    let b = app.other_browser();
    let view = b.start_flow().await;
    let resp = b
        .post(renkei_shared::api::CANCEL_PATH, &view.csrf_token, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    // One is locked out at お客様情報入力 (four mismatches, then the lock).
    let jiro = renkei_fixture::CUSTOMERS
        .iter()
        .find(|c| c.number == "2222222")
        .unwrap();
    let b = app.other_browser();
    let csrf = b
        .at_customer_step(jiro.branch, jiro.kind, jiro.number)
        .await;
    let mut wrong = happy_customer();
    wrong.birth_year = "1999".into();
    for _ in 0..5 {
        b.post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong)
            .await;
    }

    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    let f: Value = sv
        .get(&format!("{}?from=2026-11-26&to=2026-11-26", paths::FUNNEL))
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<(i64, i64, i64, i64)> = f["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let n = |k: &str| s[k].as_i64().unwrap();
            (n("reached"), n("cancelled"), n("locked"), n("left"))
        })
        .collect();
    // (reached, cancelled, locked, left) per screen, SOA201 … 完了.
    let completed = 3;
    let at_customer = 2;
    let opened = completed + at_customer + 1 + 1 + 1;
    assert_eq!(
        steps,
        [
            (opened, 1, 0, 1),
            (completed + at_customer + 1, 0, 1, at_customer),
            (completed, 0, 0, 0),
            (completed, 0, 0, 0),
            (completed, 0, 0, 0),
            (completed, 0, 0, 0),
            (completed, 0, 0, 0),
        ]
    );
    assert_eq!(f["consents_granted"], completed);
    assert_eq!(f["consents_ended"], 0);
    let count = |list: &str, label: &str| -> i64 {
        f[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["label"] == label)
            .map(|c| c["count"].as_i64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(count("errors_by_code", "本人認証情報の誤り"), 4);
    assert_eq!(count("errors_by_code", "ロック（回数超過）"), 1);
    assert_eq!(count("errors_by_hour", "10時"), 5);
    assert_eq!(count("locks_by_day", "11月26日"), 1);
    assert_eq!(count("calls", "認証済み"), completed);
    // Another day saw nothing.
    let f: Value = sv
        .get(&format!("{}?from=2026-11-25&to=2026-11-25", paths::FUNNEL))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(f["steps"][0]["reached"], 0);
}

#[tokio::test]
async fn on_its_own_listen_address_the_console_is_nowhere_else() {
    let app = spawn_app_with(|c| {
        c.staff.listen = Some("127.0.0.1:0".parse().unwrap());
        c.staff.url = "http://localhost:9999".parse().unwrap();
    })
    .await;
    let staff_base = app.staff_base.clone().expect("a staff listener");
    let get = |url: String| async move { reqwest::get(url).await.unwrap() };
    // The customer's address has no console, not even its page.
    for path in ["/staff", "/staff/sign-in", renkei_shared::staff::paths::ME] {
        let resp = get(app.url(path)).await;
        assert_eq!(resp.status(), 404, "{path}");
    }
    // The console's address has no customer service.
    let resp = get(format!(
        "{staff_base}{}",
        renkei_shared::api::INSTITUTION_PATH
    ))
    .await;
    assert_eq!(resp.status(), 404);
    let resp = get(format!("{staff_base}{}", renkei_shared::staff::paths::ME)).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(code_of(resp).await, "staff_sign_in_required");
    // The customer's service goes on where it is.
    assert_eq!(
        get(app.url(renkei_shared::api::INSTITUTION_PATH))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_supervisor_sets_and_cancels_a_maintenance_window_beside_the_fixed_calendar() {
    let app = spawn_app().await;
    let op = StaffClient::sign_in(&app, "op", StaffRole::Operator).await;
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    assert_eq!(
        op.get(renkei_shared::staff::paths::MAINTENANCE)
            .await
            .status(),
        403
    );
    let window = NewMaintenance {
        from: "2026-11-26T10:30:00+09:00".into(),
        to: "2026-11-26T11:00:00+09:00".into(),
        reason: "臨時保守".into(),
    };
    let resp = op
        .post(renkei_shared::staff::paths::MAINTENANCE, &window)
        .await;
    assert_eq!(resp.status(), 403);
    let resp = sv
        .post(renkei_shared::staff::paths::MAINTENANCE, &window)
        .await;
    assert_eq!(resp.status(), 200);
    let added: Value = resp.json().await.unwrap();
    let id = added["id"].as_i64().unwrap();
    let list: Value = sv
        .get(renkei_shared::staff::paths::MAINTENANCE)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["windows"][0]["starts_at"], "2026-11-26T10:30:00+09:00");
    assert_eq!(list["windows"][0]["cancelled"], false);
    // The fixed calendar's next closure from Thursday 10:00: 0:00–0:01 on Friday.
    assert_eq!(
        list["calendar"][0]["starts_at"],
        "2026-11-27T00:00:00+09:00"
    );
    assert_eq!(list["calendar"][0]["ends_at"], "2026-11-27T00:01:00+09:00");

    // Inside the window no linkage starts: the service is closed.
    app.clock.set(crate::helpers::jst("2026-11-26T10:45:00"));
    let resp = app.authorize(&authorize_params()).await;
    assert_eq!(resp.status(), 503);
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    let resp = sv
        .post(
            &path(paths::MAINTENANCE_CANCEL, &[&id.to_string()]),
            &Reason {
                reason: "作業中止".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app.authorize(&authorize_params()).await;
    assert_eq!(resp.status(), 303);
}

#[tokio::test]
async fn a_platform_admin_registers_an_app_and_a_supervisor_disables_it() {
    let app = spawn_app().await;
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    let operator = StaffClient::sign_in_at(&app, None, "platform-op", StaffRole::Operator).await;
    let admin = StaffClient::sign_in_at(&app, None, "admin", StaffRole::Admin).await;
    let new_app = NewApp {
        name: "家計簿アプリ".into(),
        redirect_uris: vec!["https://kakeibo.example/cb".into()],
        jwks: None,
        jwks_uri: None,
        require_par: true,
        require_dpop: false,
    };
    // The platform's admin only: not its operator, not a union's staff.
    for refused in [&sv, &operator] {
        let resp = refused.post(paths::PLATFORM_APPS, &new_app).await;
        assert_eq!(resp.status(), 403);
    }
    let resp = admin.post(paths::PLATFORM_APPS, &new_app).await;
    assert_eq!(resp.status(), 200);
    let added: Value = resp.json().await.unwrap();
    let id = added["client_id"].as_str().unwrap().to_owned();
    assert_eq!(added["secret"].as_str().unwrap().len(), 43);
    // A plain-http redirect URI is refused, and nothing is added.
    let bad = NewApp {
        name: "x".into(),
        redirect_uris: vec!["http://evil.example/cb".into()],
        require_par: false,
        ..new_app.clone()
    };
    let resp = admin.post(paths::PLATFORM_APPS, &bad).await;
    assert_eq!(resp.status(), 422);
    // Keys uploaded and at a URL at once: which would count? Neither.
    let both = NewApp {
        name: "y".into(),
        jwks: Some(
            r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#.into(),
        ),
        jwks_uri: Some("https://kakeibo.example/jwks.json".into()),
        require_par: false,
        ..new_app.clone()
    };
    let resp = admin.post(paths::PLATFORM_APPS, &both).await;
    assert_eq!(resp.status(), 422);
    let apps: Value = sv
        .get(renkei_shared::staff::paths::APPS)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"家計簿アプリ") && !names.contains(&"x") && !names.contains(&"y"),
        "{names:?}"
    );

    // The demo app disabled: no linkage starts for it.
    let resp = sv
        .post(
            &path(paths::APP_ENABLED, &["demo-creco"]),
            &AppEnabled {
                enabled: false,
                reason: "不正利用の疑い".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app.authorize(&authorize_params()).await;
    assert_eq!(resp.status(), 503);
    let log = app.storage.operation_log().await.unwrap();
    let off = log
        .iter()
        .find(|l| l.outcome == Outcome::ClientDisabled)
        .unwrap();
    assert_eq!(off.staff.as_deref(), Some("sv"));
    assert_eq!(
        off.detail.as_deref(),
        Some("at this credit union; reason: 不正利用の疑い")
    );
    // The console lists it as stopped here, with when and why.
    let apps: Value = sv
        .get(renkei_shared::staff::paths::APPS)
        .await
        .json()
        .await
        .unwrap();
    let demo = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["client_id"] == "demo-creco")
        .unwrap();
    assert_eq!(demo["enabled"], false);
    assert_eq!(demo["switch_reason"], "不正利用の疑い");
    assert_eq!(demo["switched_at"], off.at);
    let _ = id;
}

#[tokio::test]
async fn an_admin_adds_and_disables_staff_and_only_an_admin() {
    let app = spawn_app().await;
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    let admin = StaffClient::sign_in(&app, "admin", StaffRole::Admin).await;
    let new = NewStaff {
        name: "窓口 次郎".into(),
        role: StaffRole::Operator,
    };
    assert_eq!(
        sv.get(renkei_shared::staff::paths::STAFF).await.status(),
        403
    );
    assert_eq!(
        sv.post(renkei_shared::staff::paths::STAFF, &new)
            .await
            .status(),
        403
    );
    let resp = admin.post(renkei_shared::staff::paths::STAFF, &new).await;
    assert_eq!(resp.status(), 200);
    let link: Value = resp.json().await.unwrap();
    let link = link["link"].as_str().unwrap();
    let token = link
        .strip_prefix("http://renkei.test/staff/enrol#")
        .unwrap();
    // The link opens a passkey registration for that member.
    let resp = reqwest::Client::new()
        .post(app.url(renkei_shared::staff::paths::ENROL_START))
        .json(&EnrolStart {
            token: token.into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ceremony: Value = resp.json().await.unwrap();
    assert_eq!(
        ceremony["options"]["publicKey"]["user"]["name"],
        "窓口 次郎"
    );
    assert_eq!(
        ceremony["options"]["publicKey"]["authenticatorSelection"]["userVerification"],
        "required"
    );
    // The same name twice is refused.
    assert_eq!(
        admin
            .post(renkei_shared::staff::paths::STAFF, &new)
            .await
            .status(),
        422
    );
    let list: Value = admin
        .get(renkei_shared::staff::paths::STAFF)
        .await
        .json()
        .await
        .unwrap();
    let jiro = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "窓口 次郎")
        .unwrap();
    assert_eq!(
        (jiro["role"].as_str(), jiro["passkeys"].as_i64()),
        (Some("operator"), Some(0))
    );

    // Disabling a member ends their session at once and needs a reason.
    let disable = path(paths::STAFF_DISABLE, &["sv"]);
    assert_eq!(
        admin
            .post(&disable, &Reason { reason: "".into() })
            .await
            .status(),
        422
    );
    assert_eq!(sv.get(&happy()).await.status(), 200);
    assert_eq!(
        admin
            .post(
                &disable,
                &Reason {
                    reason: "異動".into()
                }
            )
            .await
            .status(),
        200
    );
    assert_eq!(sv.get(&happy()).await.status(), 401);
    // A disabled member's enrolment links stop working too.
    let resp = admin
        .post(&path(paths::STAFF_LINK, &["sv"]), &Empty {})
        .await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn only_an_admin_lists_and_removes_a_members_passkeys_and_with_a_reason() {
    let app = spawn_app().await;
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    let admin = StaffClient::sign_in(&app, "admin", StaffRole::Admin).await;
    assert_eq!(
        sv.get(&path(paths::STAFF_PASSKEYS, &["sv"])).await.status(),
        403
    );
    let keys: Value = admin
        .get(&path(paths::STAFF_PASSKEYS, &["sv"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(keys, json!([]), "signed in by the test kit: no passkey");
    assert_eq!(
        admin
            .get(&path(paths::STAFF_PASSKEYS, &["nobody"]))
            .await
            .status(),
        404
    );
    let remove = path(paths::STAFF_PASSKEY_REMOVE, &["sv", "1"]);
    let why = Reason {
        reason: "端末紛失".into(),
    };
    assert_eq!(sv.post(&remove, &why).await.status(), 403);
    assert_eq!(
        admin
            .post(&remove, &Reason { reason: " ".into() })
            .await
            .status(),
        422
    );
    // No such passkey: nothing ends, nothing is logged.
    assert_eq!(admin.post(&remove, &why).await.status(), 404);
    assert_eq!(sv.get(&happy()).await.status(), 200);
    let log = app.storage.operation_log().await.unwrap();
    assert!(!log.iter().any(|l| l.outcome == Outcome::PasskeyRemoved));
}

#[tokio::test]
async fn audit_csv_cells_that_would_start_a_formula_are_neutralised() {
    let app = spawn_app().await;
    lock_happy_account(&app).await;
    let sv = StaffClient::sign_in(&app, "=HYPERLINK(\"http://x\")", StaffRole::Supervisor).await;
    let resp = sv
        .post(
            &path(paths::LIFT_LOCK, &HAPPY_KEY),
            &Reason {
                reason: "@SUM(1+1)".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let text = sv
        .get(&format!(
            "{}?day=2026-11-26&outcome=lock_lifted",
            paths::AUDIT_CSV
        ))
        .await
        .text()
        .await
        .unwrap();
    let row = text.lines().nth(1).expect("the lift's row");
    assert!(
        row.contains(r#","'=HYPERLINK(""http://x"")","#),
        "the staff name is text, not a formula: {row}"
    );
    assert!(!row.contains(",=") && !row.contains(",@"), "{row}");
}

#[tokio::test]
async fn no_console_answer_may_be_stored_by_the_browser() {
    let app = spawn_app().await;
    let sv = StaffClient::sign_in(&app, "sv", StaffRole::Supervisor).await;
    let anonymous = reqwest::Client::new();
    for resp in [
        sv.get(renkei_shared::staff::paths::ME).await,
        sv.get(&happy()).await,
        sv.get(renkei_shared::staff::paths::STAFF).await,
        anonymous
            .get(format!("{}{}", app.base, renkei_shared::staff::paths::ME))
            .send()
            .await
            .unwrap(),
    ] {
        let status = resp.status();
        assert_eq!(
            resp.headers()["cache-control"],
            "no-store",
            "{} {status}",
            resp.url()
        );
    }
}

async fn sign_in_start(app: &TestApp, name: &str, from: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(renkei_shared::staff::paths::SIGN_IN_START))
        .header("x-forwarded-for", from)
        .json(&SignInStart { name: name.into() })
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sign_in_start_for_an_unknown_name_does_the_same_work_and_gives_a_stable_answer() {
    use renkei_server::testkit::ceremony_count;
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    // A member without a passkey and a name nobody has: both store a
    // ceremony (the same database work as a member's sign-in).
    StaffClient::sign_in(&app, "窓口 花子", StaffRole::Operator).await;
    let mut lists = Vec::new();
    for (i, name) in ["窓口 花子", "窓口 次郎", "窓口 次郎"].iter().enumerate() {
        let resp = sign_in_start(&app, name, "192.0.2.1").await;
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        let options = &body["options"]["publicKey"];
        assert_eq!(options["userVerification"], "required");
        assert_eq!(options["timeout"], 300000);
        assert_eq!(options["rpId"], "renkei.test");
        let list = options["allowCredentials"].as_array().unwrap().clone();
        assert!((1..=3).contains(&list.len()), "{list:?}");
        // Shaped like a member's: ids of 32 bytes (43 base64url
        // characters), as the authenticators enrolled here give.
        assert!(
            list.iter()
                .all(|c| c["type"] == "public-key" && c["id"].as_str().map(str::len) == Some(43)),
            "{list:?}"
        );
        lists.push(list);
        assert_eq!(ceremony_count(&app.storage).await.unwrap(), i as i64 + 1);
    }
    assert_eq!(lists[1], lists[2], "the same name, the same credentials");
    assert_ne!(lists[0], lists[1], "another name, others");
    // Finishing one finishes for no one.
    let body: Value = sign_in_start(&app, "窓口 次郎", "192.0.2.1")
        .await
        .json()
        .await
        .unwrap();
    let resp = reqwest::Client::new()
        .post(app.url(renkei_shared::staff::paths::SIGN_IN_FINISH))
        .json(&json!({"ceremony": body["ceremony"], "credential": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(resp).await, "staff_sign_in_failed");
    // Unfinished ceremonies go when they expire: the next start purges them.
    app.clock.advance(jiff::SignedDuration::from_secs(301));
    sign_in_start(&app, "窓口 次郎", "192.0.2.1").await;
    assert_eq!(ceremony_count(&app.storage).await.unwrap(), 1);
}

#[tokio::test]
async fn sign_in_starts_are_throttled_per_address_and_per_name() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        c.staff.throttle_sign_in = std::num::NonZeroU32::new(3).unwrap();
    })
    .await;
    // One name from many addresses.
    for i in 1..=3 {
        let resp = sign_in_start(&app, "窓口 花子", &format!("192.0.2.{i}")).await;
        assert_eq!(resp.status(), 200, "try {i}");
    }
    let resp = sign_in_start(&app, "窓口 花子", "192.0.2.9").await;
    assert_eq!(code_of(resp).await, "busy");
    // Many names from one address (an IPv6 client by its /64).
    for i in 1..=3 {
        let from = format!("2001:db8:1:2::{i}");
        let resp = sign_in_start(&app, &format!("name {i}"), &from).await;
        assert_eq!(resp.status(), 200, "name {i}");
    }
    let resp = sign_in_start(&app, "name 4", "2001:db8:1:2:ffff::4").await;
    assert_eq!(code_of(resp).await, "busy");
    let resp = sign_in_start(&app, "name 5", "2001:db8:1:3::5").await;
    assert_eq!(resp.status(), 200, "another /64");
}

/// Issue #31: each enrolment start stores a ceremony, so it is throttled
/// like a sign-in start — per address and per link.
#[tokio::test]
async fn enrolment_starts_are_throttled_per_link() {
    let app = spawn_app_with(|c| {
        c.staff.throttle_sign_in = std::num::NonZeroU32::new(3).unwrap();
    })
    .await;
    let token = link_token(
        &app,
        &["staff", "add", "--name", "窓口 三郎", "--role", "operator"],
        &[],
    )
    .await;
    for i in 1..=3 {
        assert_eq!(enrol_start(&app, &token).await.status(), 200, "try {i}");
    }
    assert_eq!(code_of(enrol_start(&app, &token).await).await, "busy");
    assert_eq!(
        renkei_server::testkit::ceremony_count(&app.storage)
            .await
            .unwrap(),
        3
    );
}

/// `staff add` or `staff link` as run on the server's host; the token of
/// the link it printed.
async fn link_token(app: &TestApp, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = app.cli(args);
    cmd.envs(env.iter().copied());
    let out = crate::helpers::output_of(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim().rsplit('#').next().unwrap().to_owned()
}

async fn enrol_start(app: &TestApp, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(renkei_shared::staff::paths::ENROL_START))
        .json(&EnrolStart {
            token: token.into(),
        })
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn enrolment_links_expire_and_a_newer_link_or_an_admin_revokes_them() {
    let app = spawn_app().await;
    let ten_minutes = [("RENKEI_STAFF_ENROLMENT_SECS", "600")];
    let add = ["staff", "add", "--name", "窓口 花子", "--role", "operator"];
    let first = link_token(&app, &add, &ten_minutes).await;
    assert_eq!(enrol_start(&app, &first).await.status(), 200);
    app.clock.advance(jiff::SignedDuration::from_secs(600));
    assert_eq!(
        code_of(enrol_start(&app, &first).await).await,
        "staff_enrolment_invalid",
        "expired after the setting's 10 minutes"
    );
    // The default is 24 hours; a newer link revokes the one before.
    let link = ["staff", "link", "--name", "窓口 花子"];
    let second = link_token(&app, &link, &[]).await;
    let third = link_token(&app, &link, &[]).await;
    assert_eq!(
        code_of(enrol_start(&app, &second).await).await,
        "staff_enrolment_invalid"
    );
    app.clock
        .advance(jiff::SignedDuration::from_secs(24 * 3600 - 1));
    assert_eq!(enrol_start(&app, &third).await.status(), 200);
    // An admin revokes the open link, with a reason.
    let admin = StaffClient::sign_in(&app, "admin", StaffRole::Admin).await;
    let revoke = path(paths::STAFF_LINKS_REVOKE, &["窓口 花子"]);
    let resp = admin.post(&revoke, &Reason { reason: "".into() }).await;
    assert_eq!(resp.status(), 422, "a reason is required");
    let resp = admin
        .post(
            &revoke,
            &Reason {
                reason: "宛先誤り".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let done: renkei_shared::staff::Done = resp.json().await.unwrap();
    assert_eq!(done.changed, 1, "the one open link");
    assert_eq!(
        code_of(enrol_start(&app, &third).await).await,
        "staff_enrolment_invalid"
    );
}

/// A union's staff (issue #22) see and change only their union: its
/// accounts, log, apps and staff. Naming another union, or acting on
/// another union's staff member, is refused (403) and logged; platform
/// staff choose the union a request is about.
#[tokio::test]
async fn a_unions_staff_act_only_for_their_union_and_platform_staff_choose_one() {
    let app = spawn_app().await;
    let mirai = app.institution_id(renkei_fixture::SECOND_CODE).await;
    let theirs = StaffClient::sign_in_at(&app, Some(mirai), "mirai-admin", StaffRole::Admin).await;
    let ours = StaffClient::sign_in(&app, "shinkumi-admin", StaffRole::Admin).await;
    let c = renkei_fixture::SECOND_CUSTOMERS[0];
    let mirai_key = path(paths::ACCOUNT, &[c.branch, c.kind, c.number]);

    // Each union's staff find its own customers only.
    assert_eq!(theirs.get(&mirai_key).await.status(), 200);
    assert_eq!(theirs.get(&happy()).await.status(), 404);
    assert_eq!(ours.get(&happy()).await.status(), 200);
    assert_eq!(ours.get(&mirai_key).await.status(), 404);

    // Naming the other union: refused, and the refusal is in the asking
    // staff member's union's log.
    let resp = theirs.get(&format!("{}?institution=2999", happy())).await;
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "staff_forbidden");
    let resp = theirs
        .http
        .get(format!("{}{}", theirs.base, paths::AUDIT))
        .header("cookie", &theirs.cookie)
        .header(renkei_server::staff::INSTITUTION_HEADER, "2999")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let refusals = |t: renkei_server::db::Tenant| async move {
        t.audit(&Default::default(), None, 500)
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.outcome == Outcome::Refused(renkei_shared::ErrorCode::StaffForbidden))
            .collect::<Vec<_>>()
    };
    let logged = refusals(app.storage.tenant(mirai)).await;
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert!(
        logged
            .iter()
            .all(|l| l.staff.as_deref() == Some("mirai-admin"))
    );
    assert!(
        refusals(app.storage.tenant(crate::helpers::SEED_UNION))
            .await
            .is_empty()
    );

    // The staff list is the union's; another union's member cannot be
    // touched (and keeps working).
    let names = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let listed = names(theirs.get(paths::STAFF).await.json().await.unwrap());
    assert_eq!(listed, ["mirai-admin"]);
    assert!(
        !names(ours.get(paths::STAFF).await.json().await.unwrap())
            .contains(&"mirai-admin".to_owned())
    );
    let resp = theirs
        .post(
            &path(paths::STAFF_DISABLE, &["shinkumi-admin"]),
            &Reason { reason: "x".into() },
        )
        .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(ours.get(paths::ME).await.status(), 200);
    assert_eq!(refusals(app.storage.tenant(mirai)).await.len(), 3);

    // Its audit log holds none of the first union's lines.
    let audit: Value = theirs.get(paths::AUDIT).await.json().await.unwrap();
    let text = audit.to_string();
    assert!(!text.contains("shinkumi-admin"), "{text}");
    let ours_audit: Value = ours.get(paths::AUDIT).await.json().await.unwrap();
    assert!(ours_audit.to_string().contains("shinkumi-admin"));

    // Its app switch is its union's: the demo app stops there only.
    let resp = theirs
        .post(
            &path(paths::APP_ENABLED, &["demo-creco"]),
            &AppEnabled {
                enabled: false,
                reason: "当組合では提供終了".into(),
            },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let second = app.at(renkei_fixture::SECOND_CODE);
    assert_eq!(second.authorize(&authorize_params()).await.status(), 503);
    assert_eq!(app.authorize(&authorize_params()).await.status(), 303);

    // Platform staff name the union a request is about.
    let platform = StaffClient::sign_in_at(&app, None, "platform-op", StaffRole::Admin).await;
    assert_eq!(
        platform.get(&happy()).await.status(),
        200,
        "the first by default"
    );
    assert_eq!(
        platform
            .get(&format!(
                "{mirai_key}?institution={}",
                renkei_fixture::SECOND_CODE
            ))
            .await
            .status(),
        200
    );
    assert_eq!(
        platform
            .get(&format!("{}?institution=9999", happy()))
            .await
            .status(),
        404
    );
}

/// Platform staff see every union, paged and searchable, each with its
/// linkages beside the others', and a platform admin suspends one; a
/// union's staff are refused the list (logged).
#[tokio::test]
async fn platform_staff_list_search_and_suspend_unions_and_union_staff_cannot() {
    let app = spawn_app().await;
    // A linkage begun at the second union counts there.
    let second = app.at(renkei_fixture::SECOND_CODE);
    assert_eq!(second.authorize(&authorize_params()).await.status(), 303);
    let admin = StaffClient::sign_in_at(&app, None, "platform-admin", StaffRole::Admin).await;
    let page: Value = admin.get(paths::INSTITUTIONS).await.json().await.unwrap();
    let rows = page["institutions"].as_array().unwrap();
    let codes: Vec<&str> = rows.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["2998", "2999"]);
    assert_eq!(rows[0]["name"], renkei_fixture::SECOND_NAME);
    assert_eq!(rows[0]["started"], 1);
    assert_eq!(rows[0]["granted"], 0);
    assert_eq!(rows[1]["started"], 0);
    assert_eq!(page["next"], Value::Null);
    let found: Value = admin
        .get(&format!(
            "{}?search={}",
            paths::INSTITUTIONS,
            "%E3%81%BF%E3%82%89%E3%81%84"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["institutions"].as_array().unwrap().len(), 1);
    assert_eq!(found["institutions"][0]["code"], "2998");
    let me: Value = admin.get(paths::ME).await.json().await.unwrap();
    assert_eq!(me["platform"], true);

    // A union's admin is refused the list and the switch.
    let mirai = app.institution_id(renkei_fixture::SECOND_CODE).await;
    let theirs = StaffClient::sign_in_at(&app, Some(mirai), "mirai-admin", StaffRole::Admin).await;
    assert_eq!(theirs.get(paths::INSTITUTIONS).await.status(), 403);
    let me: Value = theirs.get(paths::ME).await.json().await.unwrap();
    assert_eq!(me["platform"], false);
    assert_eq!(me["institution"], renkei_fixture::SECOND_NAME);
    let suspend = renkei_shared::staff::InstitutionStateChange {
        suspended: true,
        reason: "システム移行".into(),
    };
    let state_path = path(paths::INSTITUTION_STATE, &["2998"]);
    assert_eq!(theirs.post(&state_path, &suspend).await.status(), 403);
    // A platform operator may look, not suspend.
    let operator = StaffClient::sign_in_at(&app, None, "platform-op", StaffRole::Operator).await;
    assert_eq!(operator.get(paths::INSTITUTIONS).await.status(), 200);
    assert_eq!(operator.post(&state_path, &suspend).await.status(), 403);

    // The platform admin suspends it: its customers are turned away.
    let resp = admin.post(&state_path, &suspend).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["changed"], 1);
    assert_eq!(second.authorize(&authorize_params()).await.status(), 503);
    assert_eq!(app.authorize(&authorize_params()).await.status(), 303);
    let page: Value = admin.get(paths::INSTITUTIONS).await.json().await.unwrap();
    assert_eq!(page["institutions"][0]["suspended"], true);
    assert_eq!(page["institutions"][0]["state_reason"], "システム移行");
}

/// The union list's counts are the last 30 JST days: the days that are
/// over from their roll-up (made the first time the list asks for them,
/// once), today from the log; a linkage begun before the window counts
/// no more.
#[tokio::test]
async fn the_union_list_counts_the_last_30_days_each_day_once() {
    let app = spawn_app().await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    let now = renkei_server::clock::Clock::now(&*app.clock);
    let days = |n: i64| jiff::SignedDuration::from_hours(24 * n);
    // Begun 40 days ago, linked 3 days ago, begun today.
    app.clock.set(now - days(40));
    assert_eq!(second.authorize(&authorize_params()).await.status(), 303);
    app.clock.set(now - days(3));
    second
        .other_browser()
        .link(&renkei_fixture::SECOND_CUSTOMERS[0])
        .await;
    app.clock.set(now);
    assert_eq!(second.authorize(&authorize_params()).await.status(), 303);

    let counts = |staff: StaffClient| async move {
        let page: Value = staff.get(paths::INSTITUTIONS).await.json().await.unwrap();
        let row = page["institutions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == renkei_fixture::SECOND_CODE)
            .cloned()
            .unwrap();
        (
            row["started"].as_i64().unwrap(),
            row["granted"].as_i64().unwrap(),
        )
    };
    let admin = || StaffClient::sign_in_at(&app, None, "platform-admin", StaffRole::Admin);
    assert_eq!(counts(admin().await).await, (2, 1));
    // Asked again, each rolled-up day counts once.
    assert_eq!(counts(admin().await).await, (2, 1));
    // 27 days on, the day linked is 30 days back: out of the window.
    app.clock.set(now + days(27));
    assert_eq!(counts(admin().await).await, (1, 0));
}

/// Issue #31: registering an app is the platform's. A union's admin is
/// refused (logged at its union); a platform admin's app is off at every
/// union until that union switches it on, and then only there; a union's
/// admin cannot switch it at another union. Both backends.
#[tokio::test]
async fn apps_are_the_platforms_and_each_union_switches_one_on_for_itself() {
    let app = spawn_app().await;
    let mirai = app.institution_id(renkei_fixture::SECOND_CODE).await;
    let mirai_admin =
        StaffClient::sign_in_at(&app, Some(mirai), "mirai-admin", StaffRole::Admin).await;
    let platform = StaffClient::sign_in_at(&app, None, "platform-admin", StaffRole::Admin).await;
    let new_app = |name: &str| NewApp {
        name: name.into(),
        redirect_uris: vec!["https://kakeibo.example/cb".into()],
        jwks: None,
        jwks_uri: None,
        require_par: false,
        require_dpop: false,
    };

    // A union's admin cannot register an app for the platform: 403, in
    // its own union's log; nothing registered.
    let resp = mirai_admin
        .post(paths::PLATFORM_APPS, &new_app("しんくみ公式アプリ"))
        .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(error_code(resp).await, ErrorCode::StaffForbidden);
    // …nor by the union's own apps path (there is no POST there).
    let resp = mirai_admin
        .post(paths::APPS, &new_app("しんくみ公式アプリ"))
        .await;
    assert_eq!(resp.status(), 405);
    let refused: Vec<_> = app
        .storage
        .tenant(mirai)
        .audit(&Default::default(), None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.outcome == Outcome::Refused(ErrorCode::StaffForbidden))
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].staff.as_deref(), Some("mirai-admin"));
    assert!(
        app.storage
            .list_clients()
            .await
            .unwrap()
            .iter()
            .all(|c| c.display_name != "しんくみ公式アプリ")
    );

    // The platform's admin registers it: logged in the platform's log, in
    // no union's.
    let resp = platform
        .post(paths::PLATFORM_APPS, &new_app("家計簿アプリ"))
        .await;
    assert_eq!(resp.status(), 200);
    let added: AppRegistered = resp.json().await.unwrap();
    let creds = (added.client_id.as_str(), added.secret.as_deref().unwrap());
    let registered = |l: &renkei_server::db::OpLogRow| {
        l.outcome == Outcome::ClientRegistered
            && l.client_id.as_deref() == Some(added.client_id.as_str())
    };
    let everywhere = app.storage.operation_log().await.unwrap();
    assert_eq!(everywhere.iter().filter(|l| registered(l)).count(), 1);
    assert_eq!(
        everywhere
            .iter()
            .find(|l| registered(l))
            .unwrap()
            .staff
            .as_deref(),
        Some("platform-admin")
    );
    for union in [crate::helpers::SEED_UNION, mirai] {
        let lines = app
            .storage
            .tenant(union)
            .audit(&Default::default(), None, 100)
            .await
            .unwrap();
        assert!(!lines.iter().any(|l| l.outcome == Outcome::ClientRegistered));
    }

    // Off at every union: no client of either, and listed off in each
    // union's console.
    let second = app.at(renkei_fixture::SECOND_CODE);
    let probe = [
        ("grant_type", "refresh_token"),
        ("refresh_token", "nothing"),
    ];
    for at in [&app, &second] {
        let resp = at.token(creds, &probe).await;
        assert_eq!(resp.status(), 401);
        assert_eq!(crate::helpers::error_of(resp).await, "invalid_client");
    }
    let listed = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|a| a["client_id"] == added.client_id.as_str())
            .map(|a| a["enabled"].as_bool().unwrap())
    };
    assert_eq!(
        listed(mirai_admin.get(paths::APPS).await.json().await.unwrap()),
        Some(false)
    );

    // みらい's admin switches it on for みらい: a client there, still not
    // at the seed's union.
    let enabled = path(paths::APP_ENABLED, &[&added.client_id]);
    let on = json!({"enabled": true, "reason": "提携開始"});
    assert_eq!(mirai_admin.post(&enabled, &on).await.status(), 200);
    let resp = second.token(creds, &probe).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(crate::helpers::error_of(resp).await, "invalid_grant");
    let resp = app.token(creds, &probe).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(
        listed(mirai_admin.get(paths::APPS).await.json().await.unwrap()),
        Some(true)
    );

    // …and cannot switch it at another union, existing or not: the same
    // 403, logged.
    for code in ["2999", "9999"] {
        let resp = mirai_admin
            .http
            .post(format!("{}{enabled}?institution={code}", mirai_admin.base))
            .header("cookie", &mirai_admin.cookie)
            .header(STAFF_CSRF_HEADER, &mirai_admin.csrf)
            .json(&on)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{code}");
        assert_eq!(error_code(resp).await, ErrorCode::StaffForbidden);
    }
    assert_eq!(app.token(creds, &probe).await.status(), 401);

    // Platform staff switch it on for the union they choose.
    let resp = platform
        .http
        .post(format!("{}{enabled}?institution=2999", platform.base))
        .header("cookie", &platform.cookie)
        .header(STAFF_CSRF_HEADER, &platform.csrf)
        .json(&on)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(app.token(creds, &probe).await.status(), 400);
}

/// A union's staff are refused every platform route (the union list, a
/// union's suspension, registering), each refusal logged at their union.
#[tokio::test]
async fn a_unions_admin_is_refused_every_platform_action() {
    let app = spawn_app().await;
    let ours = StaffClient::sign_in(&app, "shinkumi-admin", StaffRole::Admin).await;
    assert_eq!(ours.get(paths::INSTITUTIONS).await.status(), 403);
    let suspend = path(paths::INSTITUTION_STATE, &[renkei_fixture::SECOND_CODE]);
    let resp = ours
        .post(&suspend, &json!({"suspended": true, "reason": "x"}))
        .await;
    assert_eq!(resp.status(), 403);
    let lines = app
        .storage
        .tenant(crate::helpers::SEED_UNION)
        .audit(&Default::default(), None, 100)
        .await
        .unwrap();
    let refused: Vec<_> = lines
        .iter()
        .filter(|l| l.outcome == Outcome::Refused(ErrorCode::StaffForbidden))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused.iter().all(|l| {
        l.detail
            .as_deref()
            .unwrap_or("")
            .starts_with("the platform's action: ")
    }));
}

/// The body's stable error code.
async fn error_code(resp: reqwest::Response) -> ErrorCode {
    let body: Value = resp.json().await.unwrap();
    serde_json::from_value(body["code"].clone()).unwrap()
}
