//! Crash safety: the real server killed with SIGKILL again and again while
//! linkages and wrong attempts run — some kills aimed right after a consent
//! or a token exchange was sent — and started again on the same database
//! each time. Afterwards nothing half-written may be left: no code or
//! token without its consent, every consent the browser was told about
//! still there, each completion mail sent once, and the lockout count
//! within what the attempts could have done.
//!
//! During the kills mail cannot go out (the relay is a closed port), so a
//! kill between the relay's "250" and the outbox marking the row sent —
//! SMTP's one unavoidable duplicate window, see the README — cannot make
//! this test flaky; the last start, with a live relay and the clock two
//! hours on (every retry due), then sends what the outbox holds.

use crate::helpers::account_body;
use crate::helpers::{
    DEMO_CREDS, DEMO_REDIRECT, ISSUER, ServerProcess, TELEPHONY_SECRET, VERIFIER, authorize_params,
    default_start, failures_on_test_day, hmac_v1, query, smtp_listener, test_database, try_post,
};
use rand::Rng;
use renkei_server::db::Storage;
use renkei_shared::api::CallChallenge;
use renkei_shared::api::ConsentForm;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// What the browsers and the app were told, and what they sent unanswered.
#[derive(Default)]
struct Facts {
    /// Consents answered 200: (code, e-mail).
    acknowledged: Vec<(String, String)>,
    /// Wrong attempts answered `identity_mismatch`, and sent unanswered.
    mismatches: usize,
    unanswered_mismatches: usize,
}

/// Where a round's kill is aimed.
#[derive(Clone, Copy, PartialEq)]
enum Aim {
    Consent,
    Token,
    Anywhere,
}

const WORKERS: usize = 3;
const ROUNDS: usize = 12;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// A flow of a fresh browser at お客様情報入力 for `account`, or `None` if
/// the server went away.
async fn at_customer(
    http: &reqwest::Client,
    base: &str,
    account: &impl serde::Serialize,
) -> Option<String> {
    let resp = http
        .get(format!("{base}{}", renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&authorize_params())
        .send()
        .await
        .ok()?;
    (resp.status() == 303).then_some(())?;
    let view: Value = http
        .get(format!("{base}{}", renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let csrf = view["csrf_token"].as_str()?.to_owned();
    let resp = try_post(http, base, renkei_shared::api::ACCOUNT_PATH, &csrf, account).await?;
    (resp.status() == 200).then_some(csrf)
}

/// Linkages of synthetic customer `who`, one after another, until the
/// server goes away; with `aim`, the kill is triggered as the consent (or
/// the token exchange) is sent.
async fn linkages(
    base: String,
    who: usize,
    round: usize,
    aim: Aim,
    kill: Arc<Notify>,
    facts: Arc<Mutex<Facts>>,
) -> &'static str {
    let c = renkei_fixture::synthetic(who);
    let (y, m, d) = c.birth_parts();
    for n in 0.. {
        let http = browser();
        let account = json!({"branch": c.branch, "kind": c.kind, "number": c.number});
        let Some(csrf) = at_customer(&http, &base, &account).await else {
            return "stopped before お客様情報入力";
        };
        let email = format!("r{round}w{who}n{n}@example.jp");
        let customer = json!({"name": c.kana, "birth_year": y, "birth_month": m, "birth_day": d,
                              "phone": c.phone, "email": email, "email_confirm": email});
        let empty = json!({});
        for (path, body) in [
            (renkei_shared::api::CUSTOMER_PATH, &customer),
            (renkei_shared::api::PHONE_PATH, &empty),
        ] {
            match try_post(&http, &base, path, &csrf, body).await {
                Some(r) if r.status() == 200 => {}
                _ => return "stopped at お客様情報入力 or SOA208",
            }
        }
        let Some(resp) = try_post(&http, &base, renkei_shared::api::CALL_PATH, &csrf, &empty).await
        else {
            return "stopped opening SOA209";
        };
        let Ok(challenge) = resp.json::<CallChallenge>().await else {
            return "stopped reading SOA209";
        };
        let ts = default_start().as_second();
        let call = json!({"call_id": renkei_server::crypto::random_token(), "from": c.phone,
                          "to": challenge.callback_number, "received_at": "2026-11-26T10:00:00+09:00"})
        .to_string();
        let Ok(resp) = http
            .post(format!("{base}{}", renkei_shared::telephony::PATH))
            .header("content-type", "application/json")
            .header("x-renkei-timestamp", ts.to_string())
            .header("x-renkei-signature", hmac_v1(TELEPHONY_SECRET, ts, &call))
            .body(call)
            .send()
            .await
        else {
            return "stopped at the webhook";
        };
        if resp.status() != 200 {
            return "stopped at the webhook's answer";
        }
        let pin = json!({"pin": c.pin});
        for (path, body) in [
            (renkei_shared::api::CALL_CONFIRM_PATH, &empty),
            (renkei_shared::api::PIN_PATH, &pin),
        ] {
            match try_post(&http, &base, path, &csrf, body).await {
                Some(r) if r.status() == 200 => {}
                _ => return "stopped at SOA209's confirm or SOA211",
            }
        }
        if aim == Aim::Consent {
            kill.notify_one();
        }
        let Some(resp) = try_post(
            &http,
            &base,
            renkei_shared::api::CONSENT_PATH,
            &csrf,
            &ConsentForm { agree: true },
        )
        .await
        else {
            return "stopped at the consent";
        };
        if resp.status() != 200 {
            return "stopped at the consent's answer";
        }
        let Ok(done) = resp.json::<Value>().await else {
            return "stopped reading the consent's answer";
        };
        let Some(code) = done["return_to"]
            .as_str()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| query(&u, "code"))
        else {
            return "stopped reading the code";
        };
        facts
            .lock()
            .expect("facts")
            .acknowledged
            .push((code.clone(), email));
        if aim == Aim::Token {
            kill.notify_one();
        }

        let sent = reqwest::Client::new()
            .post(format!("{base}{}", renkei_shared::oauth::TOKEN_PATH))
            .basic_auth(DEMO_CREDS.0, Some(DEMO_CREDS.1))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", DEMO_REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await;
        if sent.is_err() {
            return "stopped at the token exchange";
        }
    }
    "ran out of numbers"
}

/// Up to seven wrong identity attempts on the 店番 005 account, 20 ms
/// apart, until the server goes away (twelve rounds stay under the
/// largest lockout threshold, 100).
async fn wrong_attempts(base: String, facts: Arc<Mutex<Facts>>) {
    let http = browser();
    let account = account_body("005", "savings", "123");
    let Some(csrf) = at_customer(&http, &base, &account).await else {
        return;
    };
    let wrong = json!({"name": "ﾔﾏﾀﾞ ﾊﾅｺ", "birth_year": "1999", "birth_month": "04", "birth_day": "15",
                       "phone": "0272345678", "email": "w@example.jp", "email_confirm": "w@example.jp"});
    for _ in 0..7 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let answered = try_post(
            &http,
            &base,
            renkei_shared::api::CUSTOMER_PATH,
            &csrf,
            &wrong,
        )
        .await;
        let code = match answered {
            Some(r) => r
                .json::<Value>()
                .await
                .ok()
                .and_then(|b| b["code"].as_str().map(str::to_owned)),
            None => None,
        };
        let mut f = facts.lock().expect("facts");
        match code.as_deref() {
            Some("identity_mismatch") => f.mismatches += 1,
            Some(other) => panic!("a wrong attempt answered {other}"),
            None => {
                f.unanswered_mismatches += 1;
                return;
            }
        }
    }
}

#[tokio::test]
async fn sigkill_during_linkages_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = test_database(dir.path()).await;
    // Fresh customers each round: a killed flow's open call challenge
    // keeps its phone's numbers taken (each start's clock begins again at
    // the same instant, so the window never passes).
    let customers = (WORKERS * ROUNDS).to_string();
    let during = [
        ("RENKEI_PUBLIC_URL", ISSUER),
        ("RENKEI_DEMO_CUSTOMERS", customers.as_str()),
        // Near-free hashing (demo mode): each start seeds every PIN.
        ("RENKEI_ARGON2_M_KIB", "8"),
        ("RENKEI_ARGON2_T", "1"),
        ("RENKEI_LOCKOUT_THRESHOLD", "100"),
        ("RENKEI_THROTTLE_IP_PER_MIN", "100000"),
        ("RENKEI_THROTTLE_FLOW_PER_MIN", "100000"),
        // A closed port: no mail leaves while the server is being killed.
        ("RENKEI_SMTP_URL", "smtp://127.0.0.1:9"),
        ("RENKEI_MAIL_POLL_SECS", "1"),
    ];
    let facts = Arc::new(Mutex::new(Facts::default()));
    let aims = [Aim::Consent, Aim::Token, Aim::Anywhere];
    for round in 0..ROUNDS {
        let aim = aims[round % 3];
        let mut server = ServerProcess::start_on(Some(&db), &during).await;
        let kill = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        for w in 0..WORKERS {
            // One worker per round carries the aim (and, should its flow
            // stop early, fires the kill as it ends); the others run freely.
            let aim = if w == 0 { aim } else { Aim::Anywhere };
            let (base, kill, facts) = (server.base.clone(), kill.clone(), facts.clone());
            tasks.push(tokio::spawn(async move {
                let stopped =
                    linkages(base, round * WORKERS + w, round, aim, kill.clone(), facts).await;
                if aim != Aim::Anywhere {
                    eprintln!("crash: round {round}: the aimed worker {stopped}");
                    kill.notify_one();
                }
            }));
        }
        tasks.push(tokio::spawn(wrong_attempts(
            server.base.clone(),
            facts.clone(),
        )));
        let wait = if aim == Aim::Anywhere {
            Duration::from_millis(rand::thread_rng().gen_range(50..500))
        } else {
            let _ = tokio::time::timeout(Duration::from_secs(20), kill.notified()).await;
            Duration::from_micros(rand::thread_rng().gen_range(0..4000))
        };
        tokio::time::sleep(wait).await;
        server.child.start_kill().expect("SIGKILL");
        server.child.wait().await.expect("killed");
        for t in tasks {
            t.await.expect("a driver task");
        }
    }

    let storage = Storage::connect(&db).await.expect("the database");
    let (codes, tokens) = renkei_server::testkit::orphan_codes_and_tokens(&storage)
        .await
        .expect("read");
    assert_eq!(
        (codes, tokens),
        (0, 0),
        "codes and tokens without a consent"
    );
    let facts = std::mem::take(&mut *facts.lock().expect("facts"));
    eprintln!(
        "crash: {} consents acknowledged, {} wrong attempts answered, {} unanswered",
        facts.acknowledged.len(),
        facts.mismatches,
        facts.unanswered_mismatches
    );
    // Each token-aimed round's worker had its consent answered first.
    assert!(
        facts.acknowledged.len() >= ROUNDS / 3,
        "{} consents only",
        facts.acknowledged.len()
    );
    for (code, email) in &facts.acknowledged {
        let consent = renkei_server::testkit::consent_of_code(&storage, code)
            .await
            .expect("read");
        assert!(
            consent.is_some(),
            "the consent acknowledged to {email} is gone"
        );
    }
    // Every counted failure was sent; every answered one was counted.
    let counted = failures_on_test_day(&storage, "005", "savings", "123").await as usize;
    assert!(
        facts.mismatches <= counted && counted <= facts.mismatches + facts.unanswered_mismatches,
        "{counted} counted for {} answered and {} unanswered",
        facts.mismatches,
        facts.unanswered_mismatches
    );

    // The last start: a live relay, the clock two hours on. Every consent
    // ever committed gets its mail, once.
    let consents = renkei_server::testkit::consent_count(&storage)
        .await
        .expect("read") as usize;
    let (port, mut mails) = smtp_listener().await;
    let smtp = format!("smtp://127.0.0.1:{port}");
    let later = (default_start() + jiff::SignedDuration::from_hours(2)).to_string();
    let mut after = during.to_vec();
    after.retain(|(k, _)| *k != "RENKEI_SMTP_URL");
    after.extend([
        ("RENKEI_SMTP_URL", smtp.as_str()),
        ("RENKEI_NOW", later.as_str()),
    ]);
    let server = ServerProcess::start_on(Some(&db), &after).await;
    let mut received = Vec::new();
    while received.len() < consents {
        let mail = tokio::time::timeout(Duration::from_secs(30), mails.recv())
            .await
            .unwrap_or_else(|_| panic!("{} of {consents} mails arrived", received.len()))
            .expect("listener open");
        received.push(mail);
    }
    // A few more passes of the worker: nothing more.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(mails.try_recv().is_err(), "more mails than consents");
    drop(server);
    for (_, email) in &facts.acknowledged {
        let n = received
            .iter()
            .filter(|m| m.contains(&format!("To: {email}")))
            .count();
        assert_eq!(n, 1, "mails to {email}");
    }
}
