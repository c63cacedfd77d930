//! Throttles on the steps that probe the bank's records: per flow and per
//! client IP, the address taken from `X-Forwarded-For` only when a
//! configured trusted proxy sent it.

use crate::helpers::account_body;
use crate::helpers::{code_of, spawn_app_with};
use renkei_shared::oplog::LogStep;
use serde_json::json;
use std::num::NonZeroU32;

fn limit(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// An account number no customer has: each try is account_not_eligible.
fn probe(n: u32) -> serde_json::Value {
    json!({"branch": "115", "kind": "ordinary", "number": format!("{:07}", 9_000_000 + n)})
}

#[tokio::test]
async fn one_flow_cannot_walk_through_account_numbers() {
    let app = spawn_app_with(|c| c.throttle_per_flow = limit(3)).await;
    let csrf = app.start_flow().await.csrf_token;
    for n in 0..3 {
        let resp = app
            .post(renkei_shared::api::ACCOUNT_PATH, &csrf, &probe(n))
            .await;
        assert_eq!(code_of(resp).await, "account_not_eligible", "try {n}");
    }
    let resp = app
        .post(renkei_shared::api::ACCOUNT_PATH, &csrf, &probe(3))
        .await;
    assert_eq!(resp.status(), 503);
    assert_eq!(code_of(resp).await, "busy");
    // Even the right account waits: the throttle does not tell.
    let real = account_body("115", "ordinary", "1100026");
    let resp = app
        .post(renkei_shared::api::ACCOUNT_PATH, &csrf, &real)
        .await;
    assert_eq!(code_of(resp).await, "busy");
    // Another flow is not held back by this one.
    let other = app.other_browser();
    let (_, resp) = other.account_attempt(&real).await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn one_address_cannot_walk_through_them_with_fresh_flows() {
    let app = spawn_app_with(|c| c.throttle_per_ip = limit(3)).await;
    for n in 0..3 {
        let (_, resp) = app.other_browser().account_attempt(&probe(n)).await;
        assert_eq!(code_of(resp).await, "account_not_eligible", "flow {n}");
    }
    let (_, resp) = app.other_browser().account_attempt(&probe(3)).await;
    assert_eq!(code_of(resp).await, "busy");
}

/// A new flow's SOA201 probe `n` with `X-Forwarded-For: forwarded`: the
/// answer's code.
async fn forwarded_attempt(app: &crate::helpers::TestApp, forwarded: &str, n: u32) -> String {
    let b = app.other_browser();
    let csrf = b.start_flow().await.csrf_token;
    let resp = b
        .http
        .post(app.url(renkei_shared::api::ACCOUNT_PATH))
        .header(renkei_shared::api::CSRF_HEADER, &csrf)
        .header("x-forwarded-for", forwarded)
        .json(&probe(n))
        .send()
        .await
        .unwrap();
    code_of(resp).await
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let proxied = spawn_app_with(|c| {
        c.throttle_per_ip = limit(1);
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    // Behind the trusted proxy, two browsers are two addresses.
    for (i, from) in ["203.0.113.7", "203.0.113.8"].into_iter().enumerate() {
        let forwarded = format!("198.51.100.1, {from}");
        let code = forwarded_attempt(&proxied, &forwarded, i as u32).await;
        assert_eq!(code, "account_not_eligible", "{from}");
    }
    let log = proxied.storage.operation_log().await.unwrap();
    let ips: Vec<_> = log
        .iter()
        .filter(|l| l.step == LogStep::Account)
        .filter_map(|l| l.client_ip.clone())
        .collect();
    assert_eq!(
        ips,
        ["203.0.113.7", "203.0.113.8"],
        "the browser's, not the proxy's"
    );

    // Without trust, a client's own X-Forwarded-For is ignored: the second
    // attempt from the same peer is over the limit of one.
    let direct = spawn_app_with(|c| c.throttle_per_ip = limit(1)).await;
    for (i, expected) in ["account_not_eligible", "busy"].into_iter().enumerate() {
        let code = forwarded_attempt(&direct, &format!("203.0.113.{i}"), i as u32).await;
        assert_eq!(code, expected, "attempt {i}");
    }
}
