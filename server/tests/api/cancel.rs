//! 中止する.

use crate::helpers::account_body;
use crate::helpers::{DEMO_REDIRECT, ISSUER, query, spawn_app};
use renkei_shared::api::Empty;
use renkei_shared::api::Step;
use serde_json::Value;

#[tokio::test]
async fn cancel_ends_the_flow_and_returns_to_the_app_with_access_denied() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    let resp = app
        .post(renkei_shared::api::CANCEL_PATH, &flow.csrf_token, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    let url = url::Url::parse(body["return_to"].as_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(DEMO_REDIRECT));
    assert_eq!(query(&url, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&url, "state").as_deref(), Some("st-123"));
    assert_eq!(query(&url, "iss").as_deref(), Some(ISSUER));
    assert_eq!(app.flow().await.step, Step::Cancelled);

    // A cancelled flow takes no more steps.
    let resp = app
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &flow.csrf_token,
            &account_body("115", "ordinary", "1100026"),
        )
        .await;
    assert_eq!(resp.status(), 409);
}
