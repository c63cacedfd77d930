//! Several instances on one PostgreSQL, as behind a load balancer without
//! stickiness: two real `renkei-server` processes on one database, each
//! request of a customer, an app or the carrier going to either.
//!
//! These run in the PostgreSQL pass of the test command (`make unit` runs
//! the suite again under `scripts/with-postgres.sh`); on SQLite, which is
//! one instance's database, they return at once.

use crate::helpers::{
    CALLBACK_NUMBER, DEMO_CREDS, DEMO_REDIRECT, ISSUER, ServerProcess, TELEPHONY_SECRET, VERIFIER,
    authorize_params, browser, default_start, failures_on_test_day, happy_customer, hmac_v1, query,
    smtp_listener, test_database, test_postgres, try_post,
};
use crate::helpers::{account_body, wire};
use futures::future::join_all;
use renkei_server::db::{AuditFilter, Storage};
use renkei_shared::ErrorCode;
use renkei_shared::api::ConsentForm;
use renkei_shared::api::Empty;
use renkei_shared::api::{CallChallenge, FlowView};
use renkei_shared::oplog::Outcome;
use serde_json::{Value, json};

/// Two instances, A and B, on one fresh database, one public address.
struct Pair {
    a: ServerProcess,
    b: ServerProcess,
    storage: Storage,
    _dir: tempfile::TempDir,
}

struct Bases<'a> {
    a: &'a str,
    b: &'a str,
}

impl Bases<'_> {
    /// The instance for the `i`-th request: A, B, A, B…
    fn at(&self, i: usize) -> &str {
        if i.is_multiple_of(2) { self.a } else { self.b }
    }
}

impl Pair {
    fn bases(&self) -> Bases<'_> {
        Bases {
            a: &self.a.base,
            b: &self.b.base,
        }
    }
}

async fn two_instances(env_given: &[(&str, &str)]) -> Option<Pair> {
    test_postgres()?;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = test_database(dir.path()).await;
    // Eight numbers: a test links one customer up to six times in a row,
    // and a number stays bound to its flow through its quiet period. A
    // test's own pool comes after, and wins.
    let pool = std::iter::once(CALLBACK_NUMBER.to_owned())
        .chain((1..=7).map(|i| format!("012000030{i}")))
        .collect::<Vec<_>>()
        .join(",");
    let mut env = [("RENKEI_CALLBACK_NUMBERS", pool.as_str())].to_vec();
    env.extend_from_slice(env_given);
    // The load balancer's address: both instances issue the same `iss`
    // and know the demo app by the same redirect URI.
    env.extend([
        ("RENKEI_PUBLIC_URL", ISSUER),
        ("RENKEI_THROTTLE_IP_PER_MIN", "10000"),
        ("RENKEI_THROTTLE_FLOW_PER_MIN", "10000"),
    ]);
    // One after the other: each applies the migrations and the demo seed
    // at start, and B finds them done.
    let a = ServerProcess::start_on(Some(&db), &env).await;
    let b = ServerProcess::start_on(Some(&db), &env).await;
    let storage = Storage::connect(&db).await.expect("the shared database");
    Some(Pair {
        a,
        b,
        storage,
        _dir: dir,
    })
}

async fn start_flow(http: &reqwest::Client, base: &str) -> FlowView {
    start_flow_for(http, base, DEMO_REDIRECT).await
}

/// The demo app's authorization request with `redirect_uri`.
async fn start_flow_for(http: &reqwest::Client, base: &str, redirect_uri: &str) -> FlowView {
    let mut params = authorize_params();
    for (k, v) in params.iter_mut() {
        if *k == "redirect_uri" {
            *v = redirect_uri.to_owned();
        }
    }
    let resp = http
        .get(format!("{base}{}", renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&params)
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), 303, "authorize at {base}");
    let resp = http
        .get(format!("{base}{}", renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .expect("flow");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("flow json")
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    csrf: &str,
    body: &impl serde::Serialize,
) -> reqwest::Response {
    try_post(http, base, path, csrf, body)
        .await
        .expect("answers")
}

async fn signed_call(
    http: &reqwest::Client,
    base: &str,
    call_id: &str,
    from: &str,
    to: &str,
) -> reqwest::Response {
    // The servers' clocks start at `default_start` (RENKEI_NOW) and run.
    let ts = default_start().as_second();
    let body = json!({
        "call_id": call_id, "from": from, "to": to, "received_at": "2026-11-26T10:00:00+09:00"
    })
    .to_string();
    http.post(format!("{base}{}", renkei_shared::telephony::PATH))
        .header("content-type", "application/json")
        .header("x-renkei-timestamp", ts.to_string())
        .header("x-renkei-signature", hmac_v1(TELEPHONY_SECRET, ts, &body))
        .body(body)
        .send()
        .await
        .expect("webhook answers")
}

/// One whole linkage of the happy-path customer whose every request goes
/// to the other instance than the one before; the token answer.
async fn link_across(pair: &Pair, email: &str) -> Value {
    link_over(&pair.a.base, &pair.b.base, ISSUER, email, &browser()).await
}

/// The same over instances `a` and `b` (the same one twice for one
/// instance) whose public address is `public`, in the browser `http`
/// (which also plays the carrier and the app).
pub async fn link_over(
    a: &str,
    b: &str,
    public: &str,
    email: &str,
    http: &reqwest::Client,
) -> Value {
    let pair = Bases { a, b };
    let pair = &pair;
    let redirect = format!("{public}/demo/callback");
    let csrf = start_flow_for(http, pair.at(0), &redirect).await.csrf_token;
    let account = wire(&account_body("115", "ordinary", "1100026"));
    let mut customer = happy_customer();
    customer.email = email.into();
    customer.email_confirm = email.into();
    let customer = wire(&customer);
    let empty = wire(&Empty {});
    for (i, (path, body)) in [
        (renkei_shared::api::ACCOUNT_PATH, &account),
        (renkei_shared::api::CUSTOMER_PATH, &customer),
        (renkei_shared::api::PHONE_PATH, &empty),
    ]
    .into_iter()
    .enumerate()
    {
        let resp = post(http, pair.at(i + 1), path, &csrf, body).await;
        assert_eq!(resp.status(), 200, "{path} at {}", pair.at(i + 1));
    }
    // SOA209 opens the challenge on A; the carrier's webhook reaches B.
    let resp = post(http, pair.a, renkei_shared::api::CALL_PATH, &csrf, &empty).await;
    assert_eq!(resp.status(), 200);
    let challenge: CallChallenge = resp.json().await.expect("challenge");
    let call_id = renkei_server::crypto::random_token();
    let resp = signed_call(
        http,
        pair.b,
        &call_id,
        "09011113333",
        &challenge.callback_number,
    )
    .await;
    assert_eq!(resp.status(), 200);
    let pin = json!({"pin": "1234"});
    for (i, (path, body)) in [
        (renkei_shared::api::CALL_CONFIRM_PATH, &empty),
        (renkei_shared::api::PIN_PATH, &pin),
    ]
    .into_iter()
    .enumerate()
    {
        let resp = post(http, pair.at(i), path, &csrf, body).await;
        assert_eq!(resp.status(), 200, "{path} at {}", pair.at(i));
    }
    let resp = post(
        http,
        pair.b,
        renkei_shared::api::CONSENT_PATH,
        &csrf,
        &ConsentForm { agree: true },
    )
    .await;
    assert_eq!(resp.status(), 200);
    let done: Value = resp.json().await.expect("json");
    let back = url::Url::parse(done["return_to"].as_str().expect("return_to")).expect("url");
    let code = query(&back, "code").expect("code");
    let resp = http
        .post(format!("{}{}", pair.a, renkei_shared::oauth::TOKEN_PATH))
        .basic_auth(DEMO_CREDS.0, Some(DEMO_CREDS.1))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("token json")
}

#[tokio::test]
async fn a_linkage_continues_on_the_other_instance_at_every_step() {
    let Some(pair) = two_instances(&[]).await else {
        return;
    };
    let token = link_across(&pair, "across@example.jp").await;
    let access = token["access_token"].as_str().expect("access token");
    // The token A issued reads the account on B.
    let resp = reqwest::Client::new()
        .get(format!(
            "{}{}",
            pair.b.base,
            renkei_shared::account::ACCOUNTS_PATH
        ))
        .bearer_auth(access)
        .send()
        .await
        .expect("accounts");
    assert_eq!(resp.status(), 200);
    let accounts: Value = resp.json().await.expect("json");
    assert_eq!(accounts["accounts"].as_array().map(Vec::len), Some(1));
    // And revoked on B, it stops working on A at once.
    let resp = reqwest::Client::new()
        .post(format!(
            "{}{}",
            pair.b.base,
            renkei_shared::oauth::REVOKE_PATH
        ))
        .basic_auth(DEMO_CREDS.0, Some(DEMO_CREDS.1))
        .form(&[("token", access)])
        .send()
        .await
        .expect("revoke");
    assert_eq!(resp.status(), 200);
    let resp = reqwest::Client::new()
        .get(format!(
            "{}{}",
            pair.a.base,
            renkei_shared::account::ACCOUNTS_PATH
        ))
        .bearer_auth(access)
        .send()
        .await
        .expect("accounts");
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn a_hundred_wrong_attempts_over_both_instances_lock_once_with_exactly_the_threshold() {
    let Some(pair) = two_instances(&[]).await else {
        return;
    };
    // Ten browsers at お客様情報入力 for one account, ten wrong attempts
    // each, all at once, alternating between the instances.
    let bases = pair.bases();
    let mut browsers = Vec::new();
    for i in 0..10 {
        let http = browser();
        let csrf = start_flow(&http, bases.at(i)).await.csrf_token;
        let account = account_body("115", "ordinary", "1100026");
        let resp = post(
            &http,
            bases.at(i + 1),
            renkei_shared::api::ACCOUNT_PATH,
            &csrf,
            &account,
        )
        .await;
        assert_eq!(resp.status(), 200);
        browsers.push((http, csrf));
    }
    let mut wrong = happy_customer();
    wrong.birth_year = "1999".into();
    let attempts = (0..100).map(|i| {
        let (http, csrf) = &browsers[i % 10];
        let wrong = &wrong;
        let bases = &bases;
        async move {
            let resp = post(
                http,
                bases.at(i / 10),
                renkei_shared::api::CUSTOMER_PATH,
                csrf,
                wrong,
            )
            .await;
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.expect("json error");
            (status, body["code"].as_str().unwrap_or("").to_owned())
        }
    });
    let answers = join_all(attempts).await;
    assert!(answers.iter().all(|(s, _)| *s < 500), "{answers:?}");
    // The default threshold is five: four mismatches, then the lock.
    let mismatches = answers
        .iter()
        .filter(|(_, c)| c == "identity_mismatch")
        .count();
    assert_eq!(mismatches, 4, "{answers:?}");
    let counted = failures_on_test_day(&pair.storage, "115", "ordinary", "1100026").await;
    assert_eq!(counted, 5);
    let filter = AuditFilter {
        outcome: Some(Outcome::Refused(ErrorCode::Locked)),
        ..AuditFilter::default()
    };
    let locks = pair
        .storage
        .tenant(crate::helpers::SEED_UNION)
        .audit(&filter, None, 1000)
        .await
        .expect("read");
    assert_eq!(locks.len(), 1, "{locks:?}");
}

#[tokio::test]
async fn completion_mails_go_out_exactly_once_with_both_outbox_workers_running() {
    let (port, mut mails) = smtp_listener().await;
    let smtp = format!("smtp://127.0.0.1:{port}");
    let Some(pair) = two_instances(&[
        ("RENKEI_SMTP_URL", smtp.as_str()),
        ("RENKEI_MAIL_POLL_SECS", "1"),
    ])
    .await
    else {
        return;
    };
    let addresses: Vec<String> = (0..6).map(|i| format!("twice{i}@example.jp")).collect();
    for address in &addresses {
        link_across(&pair, address).await;
    }
    let mut seen = Vec::new();
    while seen.len() < addresses.len() {
        let mail = tokio::time::timeout(std::time::Duration::from_secs(20), mails.recv())
            .await
            .expect("every mail arrives")
            .expect("listener open");
        let to = addresses
            .iter()
            .find(|a| mail.contains(a.as_str()))
            .expect("a mail to one of the customers")
            .clone();
        seen.push(to);
    }
    seen.sort();
    let mut want = addresses.clone();
    want.sort();
    assert_eq!(seen, want, "one mail to each, none twice");
    // Both workers poll every second; after a few more rounds, still no
    // second mail, and every row is marked sent without a failed attempt.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(mails.try_recv().is_err(), "a mail went out twice");
    let rows = renkei_server::testkit::outbox(&pair.storage)
        .await
        .expect("read");
    assert_eq!(rows.len(), addresses.len());
    assert!(
        rows.iter()
            .all(|(_, sent, attempts)| sent.is_some() && *attempts == 0),
        "{rows:?}"
    );
}

#[tokio::test]
async fn the_carriers_webhook_at_b_verifies_the_challenge_opened_at_a() {
    let Some(pair) = two_instances(&[]).await else {
        return;
    };
    let http = browser();
    let csrf = start_flow(&http, &pair.a.base).await.csrf_token;
    let account = wire(&account_body("115", "ordinary", "1100026"));
    let empty = wire(&Empty {});
    for (path, body) in [
        (renkei_shared::api::ACCOUNT_PATH, &account),
        (renkei_shared::api::CUSTOMER_PATH, &wire(&happy_customer())),
        (renkei_shared::api::PHONE_PATH, &empty),
        (renkei_shared::api::CALL_PATH, &empty),
    ] {
        let resp = post(&http, &pair.a.base, path, &csrf, body).await;
        assert_eq!(resp.status(), 200, "{path}");
    }
    let resp = signed_call(
        &reqwest::Client::new(),
        &pair.b.base,
        &renkei_server::crypto::random_token(),
        "09011113333",
        CALLBACK_NUMBER,
    )
    .await;
    assert_eq!(resp.status(), 200);
    // A sees it verified.
    let resp = post(
        &http,
        &pair.a.base,
        renkei_shared::api::CALL_PATH,
        &csrf,
        &empty,
    )
    .await;
    let challenge: CallChallenge = resp.json().await.expect("challenge");
    assert!(challenge.verified);
}

/// Taro's flow opened at `base` up to SOA209 shown; the CSRF token and the
/// answer to showing SOA209.
async fn at_soa209(http: &reqwest::Client, base: &str) -> (String, reqwest::Response) {
    let csrf = start_flow(http, base).await.csrf_token;
    let account = wire(&account_body("115", "ordinary", "1100026"));
    let empty = wire(&Empty {});
    for (path, body) in [
        (renkei_shared::api::ACCOUNT_PATH, &account),
        (renkei_shared::api::CUSTOMER_PATH, &wire(&happy_customer())),
        (renkei_shared::api::PHONE_PATH, &empty),
    ] {
        let resp = post(http, base, path, &csrf, body).await;
        assert_eq!(resp.status(), 200, "{path}");
    }
    let shown = post(http, base, renkei_shared::api::CALL_PATH, &csrf, &empty).await;
    (csrf, shown)
}

async fn call_result(base: &str, to: &str) -> String {
    let id = renkei_server::crypto::random_token();
    let resp = signed_call(&reqwest::Client::new(), base, &id, "09011113333", to).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["result"].as_str().expect("result").to_owned()
}

#[tokio::test]
async fn across_instances_a_redial_or_a_late_call_verifies_no_other_flow() {
    // A window of 2 s so that the real clocks can pass one.
    let Some(pair) = two_instances(&[
        ("RENKEI_CALLBACK_NUMBERS", "0120000111,0120000222"),
        ("RENKEI_CALLBACK_WINDOW_SECS", "2"),
        ("RENKEI_CALLBACK_QUIET_SECS", "600"),
    ])
    .await
    else {
        return;
    };
    let (mine, stranger) = (browser(), browser());
    let (_, shown) = at_soa209(&mine, &pair.a.base).await;
    assert_eq!(shown.status(), 200);
    let number = shown
        .json::<CallChallenge>()
        .await
        .expect("json")
        .callback_number;
    assert_eq!(call_result(&pair.b.base, &number).await, "verified");
    // Redial: the stranger's flow at B gets the other number; the redial
    // at either instance verifies nothing.
    let (csrf_s, shown) = at_soa209(&stranger, &pair.b.base).await;
    let theirs = shown
        .json::<CallChallenge>()
        .await
        .expect("json")
        .callback_number;
    assert_ne!(theirs, number);
    assert_eq!(call_result(&pair.a.base, &number).await, "already_verified");
    assert_eq!(call_result(&pair.b.base, &number).await, "already_verified");
    let empty = json!({});
    let resp = post(
        &stranger,
        &pair.a.base,
        renkei_shared::api::CALL_PATH,
        &csrf_s,
        &empty,
    )
    .await;
    assert!(!resp.json::<CallChallenge>().await.expect("json").verified);

    // Late call: the stranger's window ends, a third flow takes no number
    // (both are bound), and a call to either lands too late.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (_, refused) = at_soa209(&browser(), &pair.a.base).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(call_result(&pair.b.base, &theirs).await, "too_late");
    assert_eq!(call_result(&pair.a.base, &number).await, "already_verified");
}

/// No global write lock: a records import holding another account's row
/// in an open transaction (as a long import does until its commit) does
/// not hold up a whole linkage of the happy-path customer over both
/// instances; the import then commits what it wrote.
#[tokio::test]
async fn an_open_import_of_one_account_does_not_hold_up_a_linkage_of_another() {
    use renkei_server::db::{ImportCounts, ImportMode};
    use renkei_server::records::rows::{AccountRecord, RecordKind, RecordStatus};
    use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber, KanaName, PhoneNumber};
    let Some(pair) = two_instances(&[]).await else {
        return;
    };
    let (branch, number) = ("005", "0000123");
    let record = AccountRecord {
        branch: BranchNumber::parse(branch).unwrap(),
        kind: RecordKind::Linkable(AccountKind::Savings),
        number: AccountNumber::parse(number).unwrap(),
        holder_kana: KanaName::parse("ﾔﾏﾀﾞ ﾊﾅｺ").unwrap(),
        birth_date: "1975-04-15".parse().unwrap(),
        phone: PhoneNumber::parse("0272345678").unwrap(),
        cash_card: true,
        status: RecordStatus::Active,
        moved_to: None,
        balance: 777_000,
        available_balance: 777_000,
        pin_hash: None,
    };
    let now = default_start().as_second();
    let mut run = pair
        .storage
        .tenant(crate::helpers::SEED_UNION)
        .begin_import(ImportMode::Delta, now)
        .await
        .unwrap();
    run.upsert_account(&record).await.unwrap();
    // The account's row is now locked by the open import.
    let linked = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        link_across(&pair, "taro@example.jp"),
    )
    .await;
    let counts = ImportCounts {
        accounts: 1,
        ..ImportCounts::default()
    };
    run.commit(ImportMode::Delta, &counts).await.unwrap();
    let token = linked.expect("the linkage completes while the import is open");
    assert!(token["access_token"].is_string(), "{token}");
    let status = pair
        .storage
        .tenant(crate::helpers::SEED_UNION)
        .records_status()
        .await
        .unwrap();
    assert_eq!(
        status.newest_import.map(|(_, mode, c)| (mode, c)),
        Some((ImportMode::Delta, counts)),
        "the import committed after the linkage"
    );
}
