//! A call verifies only its own flow: each open challenge of a phone holds
//! a number of the pool (`RENKEI_CALLBACK_NUMBERS`) no other open
//! challenge of that phone holds; SOA209 shows it; a call verifies only the
//! challenge with exactly that (caller, number) pair. With no number free
//! the new challenge is refused as 混雑 — never by taking one over.

use crate::helpers::{Browser, TELEPHONY_SECRET, TestApp, code_of, happy_customer, spawn_app_with};
use renkei_server::clock::Clock;
use renkei_shared::api::CallChallenge;
use serde_json::json;

const POOL: [&str; 2] = ["0120000111", "0120000222"];
const TARO: &str = "09011113333";

async fn app_with_pool(pool: &[&str]) -> TestApp {
    let numbers: Vec<String> = pool.iter().map(|n| n.to_string()).collect();
    spawn_app_with(move |c| {
        c.callback_number = numbers[0].clone();
        c.callback_numbers = numbers;
    })
    .await
}

/// Taro's flow in browser `b` at SOA208 → SOA209; returns the CSRF token.
async fn at_call_step(b: &Browser<'_>) -> String {
    let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
    for (path, body) in [
        ("/api/flow/customer", happy_customer()),
        ("/api/flow/phone", json!({})),
    ] {
        assert_eq!(b.post(path, &csrf, &body).await.status(), 200, "{path}");
    }
    csrf
}

/// SOA209 shown: the challenge, or the refusal.
async fn open(b: &Browser<'_>, csrf: &str) -> reqwest::Response {
    b.post("/api/flow/call", csrf, &json!({})).await
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
    b.post("/api/flow/call/confirm", csrf, &json!({})).await
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
    // Verified, A's challenge holds nothing any more: B gets the number.
    assert_eq!(shown(&b, &csrf_b).await.callback_number, number);
    assert_eq!(call(&app, "to-b", &number).await, "verified");
    assert_eq!(confirm(&b, &csrf_b).await.status(), 200);
}

#[tokio::test]
async fn cancel_and_an_abandoned_window_free_the_number() {
    let app = app_with_pool(&POOL[..1]).await;
    let (a, b, c) = (
        app.other_browser(),
        app.other_browser(),
        app.other_browser(),
    );
    let csrf_a = at_call_step(&a).await;
    shown(&a, &csrf_a).await;
    // 中止する voids A's challenge at once.
    assert_eq!(
        a.post("/api/flow/cancel", &csrf_a, &json!({}))
            .await
            .status(),
        200
    );
    let csrf_b = at_call_step(&b).await;
    shown(&b, &csrf_b).await;
    // B walks away from SOA209; C waits for the number no longer than B's
    // window.
    let csrf_c = at_call_step(&c).await;
    assert_eq!(code_of(open(&c, &csrf_c).await).await, "busy");
    app.clock.advance(jiff::SignedDuration::from_secs(121));
    let number = shown(&c, &csrf_c).await.callback_number;
    assert_eq!(call(&app, "to-c", &number).await, "verified");
    assert_eq!(confirm(&c, &csrf_c).await.status(), 200);
    // B's late 確定する finds its window over: back to SOA201.
    assert_eq!(
        code_of(confirm(&b, &csrf_b).await).await,
        "callback_expired"
    );
}
