//! A call verifies only its own flow: each challenge of a phone gets a
//! number of the pool (`RENKEI_CALLBACK_NUMBERS`) that no other flow of
//! that phone holds; SOA209 shows it; the (caller, number) pair stays bound
//! to that flow until its window and a quiet period after it
//! (`RENKEI_CALLBACK_QUIET_SECS`, default the window) have passed, so a
//! redial or a late call is answered for that flow and verifies nothing
//! else. With no number free the new challenge is refused as 混雑 — never
//! by taking one over.

use crate::helpers::wire;
use crate::helpers::{Browser, TELEPHONY_SECRET, TestApp, code_of, happy_customer, spawn_app_with};
use renkei_server::clock::Clock;
use renkei_shared::api::CallChallenge;
use renkei_shared::api::Empty;

const POOL: [&str; 2] = ["0120000111", "0120000222"];
const TARO: &str = "09011113333";

async fn app_with_pool(pool: &[&str]) -> TestApp {
    let numbers: Vec<String> = pool.iter().map(|n| n.to_string()).collect();
    spawn_app_with(move |c| {
        c.telephony.callback_number = numbers[0].clone();
        c.telephony.callback_numbers = numbers;
    })
    .await
}

/// Taro's flow in browser `b` at SOA208 → SOA209; returns the CSRF token.
async fn at_call_step(b: &Browser<'_>) -> String {
    let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
    for (path, body) in [
        (renkei_shared::api::CUSTOMER_PATH, wire(&happy_customer())),
        (renkei_shared::api::PHONE_PATH, wire(&Empty {})),
    ] {
        assert_eq!(b.post(path, &csrf, &body).await.status(), 200, "{path}");
    }
    csrf
}

/// SOA209 shown: the challenge, or the refusal.
async fn open(b: &Browser<'_>, csrf: &str) -> reqwest::Response {
    b.post(renkei_shared::api::CALL_PATH, csrf, &Empty {}).await
}

async fn shown(b: &Browser<'_>, csrf: &str) -> CallChallenge {
    let resp = open(b, csrf).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Taro phones `to`; the carrier's answer.
async fn call(app: &TestApp, id: &str, to: &str) -> String {
    let ts = app.clock.now().as_second();
    let resp = app.signed_call_at(id, TARO, to, ts, TELEPHONY_SECRET).await;
    let body: serde_json::Value = resp.json().await.unwrap();
    body["result"].as_str().unwrap().to_owned()
}

async fn confirm(b: &Browser<'_>, csrf: &str) -> reqwest::Response {
    b.post(renkei_shared::api::CALL_CONFIRM_PATH, csrf, &Empty {})
        .await
}

#[tokio::test]
async fn two_flows_of_one_customer_show_different_numbers_and_each_call_verifies_its_own() {
    let app = app_with_pool(&POOL).await;
    let (a, b) = (app.other_browser(), app.other_browser());
    let (csrf_a, csrf_b) = (at_call_step(&a).await, at_call_step(&b).await);
    let number_a = shown(&a, &csrf_a).await.callback_number;
    let number_b = shown(&b, &csrf_b).await.callback_number;
    assert_ne!(number_a, number_b);
    assert!(POOL.contains(&number_a.as_str()) && POOL.contains(&number_b.as_str()));
    // A reload shows the same number again.
    assert_eq!(shown(&a, &csrf_a).await.callback_number, number_a);

    assert_eq!(call(&app, "to-a", &number_a).await, "verified");
    assert_eq!(confirm(&a, &csrf_a).await.status(), 200);
    assert_eq!(
        code_of(confirm(&b, &csrf_b).await).await,
        "callback_pending"
    );

    assert_eq!(call(&app, "to-b", &number_b).await, "verified");
    assert_eq!(confirm(&b, &csrf_b).await.status(), 200);
}

#[tokio::test]
async fn with_every_number_taken_a_new_challenge_is_busy_not_a_takeover() {
    let app = app_with_pool(&POOL[..1]).await;
    let (a, b) = (app.other_browser(), app.other_browser());
    let (csrf_a, csrf_b) = (at_call_step(&a).await, at_call_step(&b).await);
    let number = shown(&a, &csrf_a).await.callback_number;
    let refused = open(&b, &csrf_b).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(code_of(refused).await, "busy");
    // The call still verifies the flow whose screen showed the number.
    assert_eq!(call(&app, "to-a", &number).await, "verified");
    assert_eq!(confirm(&a, &csrf_a).await.status(), 200);
    // Verified, the pair is still A's until its window and quiet period
    // (120 + 120 s from SOA209) are over.
    app.clock.advance(jiff::SignedDuration::from_secs(239));
    assert_eq!(code_of(open(&b, &csrf_b).await).await, "busy");
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    assert_eq!(shown(&b, &csrf_b).await.callback_number, number);
    assert_eq!(call(&app, "to-b", &number).await, "verified");
    assert_eq!(confirm(&b, &csrf_b).await.status(), 200);
}

#[tokio::test]
async fn a_redial_after_verification_never_verifies_another_flow_of_the_phone() {
    let app = app_with_pool(&POOL).await;
    let (mine, stranger) = (app.other_browser(), app.other_browser());
    let csrf = at_call_step(&mine).await;
    let number = shown(&mine, &csrf).await.callback_number;
    assert_eq!(call(&app, "first", &number).await, "verified");
    // Someone who knows the customer's data opens SOA209 for the same phone:
    // they get the other number, never the one the customer just called.
    let csrf_s = at_call_step(&stranger).await;
    let theirs = shown(&stranger, &csrf_s).await.callback_number;
    assert_ne!(theirs, number);
    // The customer redials (the call was hung up without a word).
    assert_eq!(call(&app, "redial", &number).await, "already_verified");
    assert!(!shown(&stranger, &csrf_s).await.verified);
    assert_eq!(
        code_of(confirm(&stranger, &csrf_s).await).await,
        "callback_pending"
    );
    // With one number only, the stranger's SOA209 is 混雑 instead.
    let single = app_with_pool(&POOL[..1]).await;
    let (mine, stranger) = (single.other_browser(), single.other_browser());
    let csrf = at_call_step(&mine).await;
    let number = shown(&mine, &csrf).await.callback_number;
    assert_eq!(call(&single, "first", &number).await, "verified");
    let csrf_s = at_call_step(&stranger).await;
    assert_eq!(code_of(open(&stranger, &csrf_s).await).await, "busy");
    assert_eq!(call(&single, "redial", &number).await, "already_verified");
}

#[tokio::test]
async fn a_late_call_is_too_late_and_verifies_nothing_else() {
    let app = app_with_pool(&POOL).await;
    let (mine, stranger) = (app.other_browser(), app.other_browser());
    let csrf = at_call_step(&mine).await;
    let number = shown(&mine, &csrf).await.callback_number;
    // The window ends; the stranger's new challenge takes the other number.
    app.clock.advance(jiff::SignedDuration::from_secs(120));
    let csrf_s = at_call_step(&stranger).await;
    let theirs = shown(&stranger, &csrf_s).await.callback_number;
    assert_ne!(theirs, number);
    // The customer's call lands just after their deadline.
    assert_eq!(call(&app, "late", &number).await, "too_late");
    assert!(!shown(&stranger, &csrf_s).await.verified);
    assert_eq!(
        code_of(confirm(&mine, &csrf).await).await,
        "callback_expired"
    );
    // Through the whole quiet period (120 s after the window) the number
    // still answers for the customer's flow, even once it restarted.
    app.clock.advance(jiff::SignedDuration::from_secs(119));
    assert_eq!(call(&app, "later", &number).await, "too_late");
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    assert_eq!(
        call(&app, "unbound", &number).await,
        "no_matching_challenge"
    );
}

#[tokio::test]
async fn the_quiet_period_is_a_setting() {
    let app = spawn_app_with(|c| {
        c.telephony.callback_numbers = vec![POOL[0].into()];
        c.telephony.quiet_secs = 600;
    })
    .await;
    let (mine, stranger) = (app.other_browser(), app.other_browser());
    let csrf = at_call_step(&mine).await;
    let number = shown(&mine, &csrf).await.callback_number;
    let csrf_s = at_call_step(&stranger).await;
    app.clock
        .advance(jiff::SignedDuration::from_secs(120 + 599));
    assert_eq!(code_of(open(&stranger, &csrf_s).await).await, "busy");
    assert_eq!(call(&app, "late", &number).await, "too_late");
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    assert_eq!(shown(&stranger, &csrf_s).await.callback_number, number);
}

#[tokio::test]
async fn a_cancelled_or_abandoned_flow_keeps_its_number_through_the_quiet_period() {
    let app = app_with_pool(&POOL[..1]).await;
    let (a, b, c) = (
        app.other_browser(),
        app.other_browser(),
        app.other_browser(),
    );
    let csrf_a = at_call_step(&a).await;
    shown(&a, &csrf_a).await;
    // 中止する voids A's challenge, but the number stays A's: a call the
    // customer was already making must not reach another flow.
    assert_eq!(
        a.post(renkei_shared::api::CANCEL_PATH, &csrf_a, &Empty {})
            .await
            .status(),
        200
    );
    let csrf_b = at_call_step(&b).await;
    assert_eq!(code_of(open(&b, &csrf_b).await).await, "busy");
    assert_eq!(call(&app, "to-a", POOL[0]).await, "too_late");
    app.clock.advance(jiff::SignedDuration::from_secs(240));
    shown(&b, &csrf_b).await;
    // B walks away from SOA209; C waits for the number until B's window
    // and quiet period are over.
    let csrf_c = at_call_step(&c).await;
    assert_eq!(code_of(open(&c, &csrf_c).await).await, "busy");
    app.clock.advance(jiff::SignedDuration::from_secs(239));
    assert_eq!(code_of(open(&c, &csrf_c).await).await, "busy");
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    let number = shown(&c, &csrf_c).await.callback_number;
    assert_eq!(call(&app, "to-c", &number).await, "verified");
    assert_eq!(confirm(&c, &csrf_c).await.status(), 200);
    // B's late 確定する finds its window over: back to SOA201.
    assert_eq!(
        code_of(confirm(&b, &csrf_b).await).await,
        "callback_expired"
    );
}
