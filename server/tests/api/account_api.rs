//! The account-information API (resource server).

use crate::helpers::{DEMO_CREDS, TestApp, happy_account, spawn_app};
use renkei_server::admin::AccountRef;
use renkei_server::clock::Clock;
use serde_json::Value;
use std::collections::HashSet;

/// A linked happy-path customer: (access token, refresh token).
async fn linked(app: &TestApp) -> (String, String) {
    let code = app.consent_and_get_code().await;
    let t: Value = app.exchange(&code).await.json().await.unwrap();
    (
        t["access_token"].as_str().unwrap().to_owned(),
        t["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// The bank's calendar day on the test clock.
fn today(app: &TestApp) -> jiff::civil::Date {
    renkei_server::clock::jst_date(app.clock.now())
}

async fn code_of(resp: reqwest::Response) -> String {
    let v: Value = resp.json().await.unwrap();
    v["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn accounts_show_the_consented_account_only_in_integer_yen() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    let resp = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await.unwrap();
    let list = body["accounts"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let a = &list[0];
    assert_eq!(a["branch"], "115");
    assert_eq!(a["kind"], "ordinary");
    assert_eq!(a["masked_number"], "***0026");
    assert!(a["id"].as_str().unwrap().starts_with("acc_"));
    // The fixture the server was seeded with, on the test clock's day.
    let seeded = renkei_fixture::HAPPY.balance(today(&app));
    assert_eq!(a["balance"].as_i64(), Some(seeded));
    assert!(a["balance"].is_i64() && a["available_balance"].is_i64());
}

#[tokio::test]
async fn paging_returns_every_transaction_once_newest_first() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    let accounts: Value = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH)
        .await
        .json()
        .await
        .unwrap();
    let id = accounts["accounts"][0]["id"].as_str().unwrap().to_owned();
    let first: Value = get(&app, &token, &format!("/api/v1/accounts/{id}/transactions"))
        .await
        .json()
        .await
        .unwrap();
    let retained_from = first["retained_from"].as_str().unwrap().to_owned();
    let retained_from: jiff::civil::Date = retained_from.parse().unwrap();
    let expected = renkei_fixture::HAPPY
        .history(today(&app))
        .iter()
        .filter(|t| t.booked_on >= retained_from)
        .count();
    assert!(expected > 20, "enough history to page through");

    let mut seen = HashSet::new();
    let mut last: Option<(String, String)> = None;
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/api/v1/accounts/{id}/transactions?limit=7");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = get(&app, &token, &path).await.json().await.unwrap();
        for t in page["transactions"].as_array().unwrap() {
            let key = (
                t["date"].as_str().unwrap().to_owned(),
                t["id"].as_str().unwrap().to_owned(),
            );
            assert!(seen.insert(key.1.clone()), "each exactly once");
            if let Some(prev) = &last {
                assert!(key.0 <= prev.0, "newest first: {} after {}", key.0, prev.0);
            }
            assert!(
                t["amount_in"].is_i64() && t["amount_out"].is_i64() && t["balance_after"].is_i64()
            );
            last = Some(key);
        }
        pages += 1;
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), expected);
    assert!(pages > 1);
}

#[tokio::test]
async fn the_retained_range_boundary_is_a_clear_400() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    let accounts: Value = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH)
        .await
        .json()
        .await
        .unwrap();
    let id = accounts["accounts"][0]["id"].as_str().unwrap().to_owned();
    // Today is 2026-11-26 JST in the tests: three months back is 2026-08-26.
    let ok = get(
        &app,
        &token,
        &format!("/api/v1/accounts/{id}/transactions?from=2026-08-26"),
    )
    .await;
    assert_eq!(ok.status(), 200);
    let early = get(
        &app,
        &token,
        &format!("/api/v1/accounts/{id}/transactions?from=2026-08-25"),
    )
    .await;
    assert_eq!(early.status(), 400);
    assert_eq!(code_of(early).await, "out_of_retention");
    let bad = get(
        &app,
        &token,
        &format!("/api/v1/accounts/{id}/transactions?from=yesterday"),
    )
    .await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn time_deposits_of_the_happy_path_customer() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    let body: Value = get(&app, &token, renkei_shared::account::TIME_DEPOSITS_PATH)
        .await
        .json()
        .await
        .unwrap();
    let list = body["time_deposits"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["principal"], 1_000_000);
    assert_eq!(list[0]["rate_percent"], "0.20");
}

#[tokio::test]
async fn missing_or_unknown_tokens_are_401_with_a_challenge() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(app.url(renkei_shared::account::ACCOUNTS_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_eq!(code_of(resp).await, "invalid_token");
    let resp = get(&app, "not-a-token", renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn another_accounts_id_is_403() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    // Another customer (the savings account) links in another browser; the
    // first token must not reach that account's id.
    let theirs = app
        .other_browser()
        .link(&renkei_fixture::CUSTOMERS[1])
        .await;
    let their_token = theirs.access_token.as_str();
    let accounts: Value = get(&app, their_token, renkei_shared::account::ACCOUNTS_PATH)
        .await
        .json()
        .await
        .unwrap();
    let other = accounts["accounts"][0]["id"].as_str().unwrap().to_owned();
    let resp = get(
        &app,
        &token,
        &format!("/api/v1/accounts/{other}/transactions"),
    )
    .await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn revocation_by_the_app_or_by_staff_ends_access_at_once() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    assert_eq!(
        get(&app, &token, renkei_shared::account::ACCOUNTS_PATH)
            .await
            .status(),
        200
    );
    app.http
        .post(app.url(renkei_shared::oauth::REVOKE_PATH))
        .basic_auth(DEMO_CREDS.0, Some(DEMO_CREDS.1))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(&app, &token, renkei_shared::account::ACCOUNTS_PATH)
            .await
            .status(),
        401
    );

    let (token2, refresh2) = linked(&app).await;
    assert_eq!(
        get(&app, &token2, renkei_shared::account::ACCOUNTS_PATH)
            .await
            .status(),
        200
    );
    let n = app
        .staff()
        .revoke_consents(&happy_account(), "お客様の申出")
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        get(&app, &token2, renkei_shared::account::ACCOUNTS_PATH)
            .await
            .status(),
        401
    );
    let resp = app
        .token(
            DEMO_CREDS,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh2),
            ],
        )
        .await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn a_moved_account_ends_its_grants() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    let to = AccountRef::parse("022", "ordinary", "2222222").unwrap();
    app.staff()
        .move_account(&happy_account(), &to, "店舗統合")
        .await
        .unwrap();
    let resp = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(resp.status(), 403);
    assert_eq!(code_of(resp).await, "account_moved");
}

#[tokio::test]
async fn after_thirty_days_the_api_answers_consent_expired() {
    let app = spawn_app().await;
    let (token, _) = linked(&app).await;
    app.clock
        .advance(jiff::SignedDuration::from_secs(30 * 24 * 3600));
    let resp = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    assert_eq!(code_of(resp).await, "consent_expired");
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_as_a_client_must() {
    let app = spawn_app().await;
    let (token, refresh) = linked(&app).await;
    app.clock.advance(jiff::SignedDuration::from_secs(601));
    let resp = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(code_of(resp).await, "invalid_token");
    let t: Value = app
        .token(
            DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        get(
            &app,
            t["access_token"].as_str().unwrap(),
            renkei_shared::account::ACCOUNTS_PATH
        )
        .await
        .status(),
        200
    );
}
