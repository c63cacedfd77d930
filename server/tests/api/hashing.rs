//! PIN hashing under load and across restarts: a bounded pool answers 混雑
//! at once when full (and a refused attempt counts nothing), and a PIN hash
//! is bound to the pepper its key id names.

use crate::helpers::wire;
use crate::helpers::{TestApp, code_of, spawn_app_with};
use renkei_shared::api::Empty;
use serde_json::json;

/// A browser of `app` whose flow stands at SOA211, and its CSRF token.
async fn at_pin<'a>(app: &'a TestApp, call_id: &str) -> (crate::helpers::Browser<'a>, String) {
    let b = app.other_browser();
    let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
    let empty = Empty {};
    for (path, body) in [
        (
            renkei_shared::api::CUSTOMER_PATH,
            wire(&crate::helpers::happy_customer()),
        ),
        (renkei_shared::api::PHONE_PATH, wire(&empty)),
    ] {
        assert_eq!(b.post(path, &csrf, &body).await.status(), 200, "{path}");
    }
    let resp = b.post(renkei_shared::api::CALL_PATH, &csrf, &empty).await;
    assert_eq!(resp.status(), 200);
    let shown: renkei_shared::api::CallChallenge = resp.json().await.unwrap();
    let resp = app
        .signed_call_to(call_id, "09011113333", &shown.callback_number)
        .await;
    assert_eq!(resp.status(), 200);
    let confirmed = b
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &empty)
        .await;
    assert_eq!(confirmed.status(), 200);
    (b, csrf)
}

#[tokio::test]
async fn a_full_hashing_pool_answers_busy_at_once_and_counts_nothing() {
    // One worker, room for one more job, and a hash slow enough (tens of
    // MiB, three passes) that six requests sent together all arrive while
    // the first is still running.
    let app = spawn_app_with(|c| {
        c.hashing.workers = 1;
        c.hashing.queue = 1;
        c.hashing.m_kib = 64 * 1024;
        c.hashing.t = 3;
        // Six flows of one phone at once: a number each.
        c.telephony.callback_numbers = (1..=6).map(|i| format!("012000020{i}")).collect();
    })
    .await;
    let mut flows = Vec::new();
    for i in 0..6 {
        flows.push(at_pin(&app, &format!("call-{i}")).await);
    }
    let pin = json!({"pin": "1234"});
    let answers = futures::future::join_all(
        flows
            .iter()
            .map(|(b, csrf)| b.post(renkei_shared::api::PIN_PATH, csrf, &pin)),
    )
    .await;
    let mut busy = Vec::new();
    for (i, resp) in answers.into_iter().enumerate() {
        match resp.status().as_u16() {
            200 => {}
            503 => {
                assert!(resp.headers().contains_key("retry-after"));
                assert_eq!(code_of(resp).await, "busy");
                busy.push(i);
            }
            other => panic!("flow {i}: {other}"),
        }
    }
    assert!(
        busy.len() >= 3,
        "at most 2 of 6 fit one worker and one queue slot: {busy:?}"
    );
    // A refused attempt was never checked: it counts nothing, and the same
    // right PIN passes once the pool has room.
    for i in busy {
        let (b, csrf) = &flows[i];
        let resp = b.post(renkei_shared::api::PIN_PATH, csrf, &pin).await;
        assert_eq!(resp.status(), 200, "flow {i} after the burst");
    }
}

#[tokio::test]
async fn a_pin_hash_needs_the_pepper_its_key_id_names() {
    // Seeded under demo mode's pepper ("demo").
    let first = spawn_app_with(|_| {}).await;
    let (b, csrf) = at_pin(&first, "pepper-call").await;
    let pin = json!({"pin": "1234"});
    // The same database under a server that has only another pepper: the
    // stored hash cannot be checked — an internal error, not a wrong PIN.
    let other = "p9 YW5vdGhlci1zaXh0ZWVuLWJ5dGVz";
    let without = first
        .restart_with(|c| c.hashing.peppers = peppers(other))
        .await;
    // The browser's right PIN, sent to `server`.
    let right_pin_at = |server: &TestApp| {
        b.http
            .post(server.url(renkei_shared::api::PIN_PATH))
            .header(renkei_shared::api::CSRF_HEADER, &csrf)
            .json(&pin)
            .send()
    };
    let resp = right_pin_at(&without).await.unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(code_of(resp).await, "system_error");
    // Rotated: a new pepper first, the old one kept for the old hashes.
    let demo = renkei_server::config::Config::from_lookup(|k| {
        (k == "RENKEI_DEMO").then(|| "1".to_owned())
    })
    .unwrap()
    .hashing
    .peppers;
    let rotated = first
        .restart_with(|c| {
            c.hashing.peppers = peppers(other);
            c.hashing.peppers.extend(demo);
        })
        .await;
    let resp = right_pin_at(&rotated).await.unwrap();
    assert_eq!(resp.status(), 200, "no failure was counted by the refusal");
}

fn peppers(lines: &str) -> Vec<renkei_server::config::Pepper> {
    renkei_server::config::Config::from_lookup(|k| match k {
        "RENKEI_DEMO" => Some("1".into()),
        "RENKEI_PIN_PEPPER" => Some(lines.into()),
        _ => None,
    })
    .unwrap()
    .hashing
    .peppers
}

#[tokio::test]
async fn the_benchmark_population_is_seeded_in_demo_mode_and_links_like_any_customer() {
    let app = spawn_app_with(|c| c.demo_customers = 3).await;
    // The third synthetic customer, typed in as the benchmark does.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let s = renkei_fixture::synthetic(2);
    let customer = renkei_fixture::Customer {
        branch: s.branch,
        kind: s.kind,
        number: leak(s.number.clone()),
        kana: s.kana,
        birth_date: s.birth_date,
        phone: leak(s.phone.clone()),
        pin: Some(leak(s.pin.clone())),
        opening_balance: s.opening_balance,
        time_deposit: false,
        moved_to: None,
    };
    let token = app.other_browser().link(&customer).await;
    assert!(!token.access_token.is_empty(), "{token:?}");
    // Only the first three were seeded.
    let fourth = renkei_fixture::synthetic(3);
    let (_, resp) = app
        .other_browser()
        .account_attempt(
            &json!({"branch": fourth.branch, "kind": "ordinary", "number": fourth.number}),
        )
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(code_of(resp).await, "account_not_eligible");
}
