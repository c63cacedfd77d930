//! The flow is a state machine on the server: every step endpoint, called
//! at every step a flow can stand at, is refused with `flow_out_of_order`
//! unless that endpoint is the step the flow stands at — and a refused
//! call moves nothing. The table of which endpoint belongs to which screen
//! is written here from the seed's screens, not taken from the server.

use crate::helpers::wire;
use crate::helpers::{
    Browser, TestApp, account_body, code_of, get_json, happy_customer, spawn_app,
};
use renkei_shared::api::Step;
use renkei_shared::api::{ConsentForm, Empty, PinForm};
use serde_json::{Value, json};

/// Each step endpoint, the step (screen) it acts at, and a valid body.
fn endpoints() -> Vec<(&'static str, Step, Value)> {
    vec![
        (
            renkei_shared::api::ACCOUNT_PATH,
            Step::Account,
            wire(&account_body("115", "ordinary", "1100026")),
        ),
        (
            renkei_shared::api::CUSTOMER_PATH,
            Step::Customer,
            wire(&happy_customer()),
        ),
        (
            renkei_shared::api::PHONE_PATH,
            Step::PhoneConfirm,
            wire(&Empty {}),
        ),
        (
            renkei_shared::api::CALL_PATH,
            Step::PhoneCall,
            wire(&Empty {}),
        ),
        (
            renkei_shared::api::CALL_CONFIRM_PATH,
            Step::PhoneCall,
            wire(&Empty {}),
        ),
        (
            renkei_shared::api::PIN_PATH,
            Step::Pin,
            wire(&PinForm { pin: "1234".into() }),
        ),
        (
            renkei_shared::api::CONSENT_PATH,
            Step::Consent,
            wire(&ConsentForm { agree: true }),
        ),
        (
            renkei_shared::api::DENY_PATH,
            Step::Consent,
            wire(&Empty {}),
        ),
    ]
}

/// A new browser whose flow stands at `step`, and its CSRF token; reached
/// through the real endpoints, in order.
async fn flow_at(app: &TestApp, step: Step) -> (Browser<'_>, String) {
    let b = app.other_browser();
    let csrf = b.start_flow().await.csrf_token;
    if step == Step::Cancelled {
        let resp = b
            .post(renkei_shared::api::CANCEL_PATH, &csrf, &Empty {})
            .await;
        assert_eq!(resp.status(), 200);
        return (b, csrf);
    }
    let path: &[(&str, Value)] = &[
        (
            renkei_shared::api::ACCOUNT_PATH,
            wire(&account_body("115", "ordinary", "1100026")),
        ),
        (renkei_shared::api::CUSTOMER_PATH, wire(&happy_customer())),
        (renkei_shared::api::PHONE_PATH, wire(&Empty {})),
        (renkei_shared::api::CALL_PATH, wire(&Empty {})),
        (renkei_shared::api::CALL_CONFIRM_PATH, wire(&Empty {})),
        (
            renkei_shared::api::PIN_PATH,
            wire(&PinForm { pin: "1234".into() }),
        ),
        (renkei_shared::api::CONSENT_PATH, json!({"agree": true})),
    ];
    // The happy path's order: the shared list, up to 完了.
    let order = &Step::ALL[..7];
    let mut at = Step::Account;
    let mut shown = String::new();
    for (endpoint, body) in path {
        if at == step {
            break;
        }
        if *endpoint == renkei_shared::api::CALL_CONFIRM_PATH {
            let call_id = renkei_server::crypto::random_token();
            let resp = app.signed_call_to(&call_id, "09011113333", &shown).await;
            assert_eq!(resp.status(), 200);
        }
        let resp = b.post(endpoint, &csrf, body).await;
        assert_eq!(resp.status(), 200, "{endpoint} on the way to {step:?}");
        if *endpoint == renkei_shared::api::CALL_PATH {
            let challenge: renkei_shared::api::CallChallenge = resp.json().await.unwrap();
            shown = challenge.callback_number;
        }
        // Opening the call leaves the flow at SOA209.
        if *endpoint != renkei_shared::api::CALL_PATH {
            let i = order.iter().position(|s| *s == at).unwrap();
            at = order[i + 1];
        }
    }
    assert_eq!(stands_at(&b).await, step);
    (b, csrf)
}

async fn stands_at(b: &Browser<'_>) -> Step {
    let view: Value = get_json(&b.http, b.app.url(renkei_shared::api::FLOW_PATH)).await;
    serde_json::from_value(view["step"].clone()).unwrap()
}

#[tokio::test]
async fn every_step_endpoint_is_refused_out_of_order_at_every_step() {
    let app = spawn_app().await;
    let mut refused = 0;
    for step in Step::ALL {
        let (b, csrf) = flow_at(&app, step).await;
        for (endpoint, at, body) in endpoints() {
            if at == step {
                continue;
            }
            let resp = b.post(endpoint, &csrf, &body).await;
            assert_eq!(resp.status(), 409, "{endpoint} at {step:?}");
            assert_eq!(
                code_of(resp).await,
                "flow_out_of_order",
                "{endpoint} at {step:?}"
            );
            refused += 1;
        }
        assert_eq!(stands_at(&b).await, step, "refusals moved nothing");
    }
    // 8 steps × 8 endpoints, less the 8 (step, endpoint) pairs that belong
    // together: consent and deny share SOA206, the call's open and confirm
    // SOA209, and completed / cancelled own none.
    assert_eq!(refused, 8 * 8 - 8);
}

#[tokio::test]
async fn cancel_works_at_every_open_step_and_never_after_consent() {
    let app = spawn_app().await;
    for step in Step::ALL {
        let (b, csrf) = flow_at(&app, step).await;
        let resp = b
            .post(renkei_shared::api::CANCEL_PATH, &csrf, &Empty {})
            .await;
        if step == Step::Completed {
            assert_eq!(code_of(resp).await, "flow_out_of_order");
            assert_eq!(stands_at(&b).await, Step::Completed);
        } else {
            assert_eq!(resp.status(), 200, "中止する at {step:?}");
            assert_eq!(stands_at(&b).await, Step::Cancelled);
        }
    }
}
