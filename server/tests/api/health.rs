//! `/healthz` and `/readyz`: small JSON for a load balancer, never the SPA;
//! readiness turns false when a graceful shutdown begins, while the server
//! still answers, and the process then ends cleanly.

use crate::helpers::account_body;
use crate::helpers::{ServerProcess, spawn_app};
use serde_json::Value;
use std::time::{Duration, Instant};

#[tokio::test]
async fn health_and_readiness_are_json() {
    let app = spawn_app().await;
    for (path, status) in [
        (renkei_shared::api::HEALTHZ_PATH, "ok"),
        (renkei_shared::api::READYZ_PATH, "ready"),
    ] {
        let resp = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["status"], status, "{path}");
    }
}

#[tokio::test]
async fn a_graceful_shutdown_turns_readiness_off_first_and_then_ends() {
    let mut server = ServerProcess::start(&[("RENKEI_SHUTDOWN_DELAY_SECS", "2")]).await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let ready = http
        .get(format!("{base}{}", renkei_shared::api::READYZ_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let pid = server.child.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    // Still answering, but not ready: the load balancer stops sending.
    let mut seen = None;
    let asked = Instant::now();
    while asked.elapsed() < Duration::from_millis(1500) {
        if let Ok(r) = http
            .get(format!("{base}{}", renkei_shared::api::READYZ_PATH))
            .send()
            .await
            && r.status() == 503
        {
            seen = Some(r.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.expect("/readyz answered 503 during the drain delay");
    assert_eq!(seen["reason"], "shutting_down");
    let healthz = http
        .get(format!("{base}{}", renkei_shared::api::HEALTHZ_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(healthz.status(), 200);
    // Then it stops on its own, cleanly.
    let status = tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("the server ended")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn every_answer_names_its_request_id_and_only_a_trusted_proxy_chooses_it() {
    let plain = spawn_app().await;
    let behind = crate::helpers::spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let id_of =
        |resp: &reqwest::Response| resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    // Made by the server when nobody sent one; a new one each time.
    let a = plain
        .http
        .get(plain.url(renkei_shared::api::HEALTHZ_PATH))
        .send()
        .await
        .unwrap();
    let b = plain
        .http
        .get(plain.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(b.status(), 401);
    assert_ne!(id_of(&a), id_of(&b));
    assert_eq!(id_of(&a).len(), 22);
    // A client that is not a trusted proxy does not choose it.
    let sent = plain
        .http
        .get(plain.url(renkei_shared::api::HEALTHZ_PATH))
        .header("x-request-id", "req-from-anyone")
        .send()
        .await
        .unwrap();
    assert_ne!(id_of(&sent), "req-from-anyone");
    // A trusted proxy does, if it is short and plain.
    for (sent, kept) in [("req-abc-123", true), ("bad id\twith tab", false)] {
        let resp = behind
            .http
            .get(behind.url(renkei_shared::api::HEALTHZ_PATH))
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        assert_eq!(id_of(&resp) == sent, kept, "{sent:?}");
    }
}

#[tokio::test]
async fn json_logs_carry_the_request_id_one_object_per_line() {
    let mut server = ServerProcess::start(&[
        ("RENKEI_TRUSTED_PROXIES", "127.0.0.1"),
        ("RENKEI_LOG_FORMAT", "json"),
    ])
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    // An unsigned carrier call is logged as a warning.
    let resp = http
        .post(format!("{base}{}", renkei_shared::telephony::PATH))
        .header("x-request-id", "req-log-42")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "req-log-42");
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.child.kill().await.unwrap();
    let text = server.log_text();
    let lines: Vec<Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let warned = lines
        .iter()
        .find(|l| l["span"]["request_id"] == "req-log-42")
        .unwrap_or_else(|| panic!("no line with the request id in {text}"));
    assert_eq!(warned["level"], "WARN");
}

/// The value of the one sample of `name` whose labels include all of
/// `labels` (`key="value"` pairs), from Prometheus text.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    let found: Vec<f64> = text
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter(|l| labels.iter().all(|want| l.contains(want)))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    assert!(found.len() <= 1, "{name} {labels:?}: {found:?}");
    found.first().copied()
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_flow_outcomes_by_code() {
    // Its own process: the recorder is process-wide, so the counts are exact.
    let mut server = ServerProcess::start(&[]).await;
    let base = server.base.clone();
    let http = crate::helpers::browser();
    for _ in 0..2 {
        http.get(format!("{base}{}", renkei_shared::api::HEALTHZ_PATH))
            .send()
            .await
            .unwrap();
    }
    // A flow, and an account that cannot link.
    let mut params = crate::helpers::authorize_params();
    params[2].1 = format!("{base}/demo/callback");
    let resp = http
        .get(format!("{base}{}", renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let view: Value = http
        .get(format!("{base}{}", renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resp = http
        .post(format!("{base}{}", renkei_shared::api::ACCOUNT_PATH))
        .header("x-renkei-csrf", view["csrf_token"].as_str().unwrap())
        .json(&account_body("999", "ordinary", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);

    let resp = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = resp.text().await.unwrap();
    server.child.kill().await.unwrap();
    let requests = |route: &str, status: &str| {
        sample(
            &text,
            "renkei_http_requests_total",
            &[
                &format!("route=\"{route}\""),
                &format!("status=\"{status}\""),
            ],
        )
    };
    // The start-up probe's one answered attempt (the others found no
    // listener yet) and the two after it.
    assert_eq!(requests(renkei_shared::api::HEALTHZ_PATH, "200"), Some(3.0));
    assert_eq!(
        requests(renkei_shared::oauth::AUTHORIZE_PATH, "303"),
        Some(1.0)
    );
    assert_eq!(requests(renkei_shared::api::FLOW_PATH, "200"), Some(1.0));
    assert_eq!(requests(renkei_shared::api::ACCOUNT_PATH, "422"), Some(1.0));
    assert_eq!(
        sample(
            &text,
            "renkei_flow_outcomes_total",
            &["step=\"account\"", "outcome=\"account_not_eligible\""]
        ),
        Some(1.0)
    );
    assert!(
        sample(
            &text,
            "renkei_http_request_duration_seconds_count",
            &["route=\"/api/flow/account\""]
        ) == Some(1.0),
        "{text}"
    );
    // Routes are templates: no flow id, token or account in a label.
    assert!(!text.contains(&params[4].1), "state in labels");
}

#[tokio::test]
async fn metrics_on_their_own_address_count_mails_and_the_hashing_wait() {
    let (smtp_port, mut mails) = crate::helpers::smtp_listener().await;
    let metrics_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let mut server = ServerProcess::start(&[
        ("RENKEI_PUBLIC_URL", crate::helpers::ISSUER),
        ("RENKEI_METRICS_LISTEN", metrics_addr.as_str()),
        ("RENKEI_SMTP_URL", smtp.as_str()),
        ("RENKEI_MAIL_POLL_SECS", "1"),
    ])
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let metrics = format!("http://{metrics_addr}/metrics");
    let hashed = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("renkei_hash_wait_seconds_count "))
            .map_or(0.0, |v| v.parse::<f64>().unwrap())
    };
    let scrape = || async {
        http.get(&metrics)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    // The demo seed hashed its customers' PINs at start.
    let seeded = hashed(&scrape().await);
    crate::instances::link_over(
        &base,
        &base,
        crate::helpers::ISSUER,
        "metrics@example.jp",
        &crate::helpers::browser(),
    )
    .await;
    tokio::time::timeout(std::time::Duration::from_secs(20), mails.recv())
        .await
        .expect("the completion mail")
        .expect("listener open");
    // Not on the public address.
    let resp = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    // On its own, once the worker has counted the outbox after sending.
    let mut text = String::new();
    for _ in 0..50 {
        text = scrape().await;
        if sample(&text, "renkei_mail_attempts_total", &["outcome=\"sent\""]) == Some(1.0)
            && text.contains("\nrenkei_mail_outbox_depth 0\n")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    server.child.kill().await.unwrap();
    assert_eq!(
        sample(&text, "renkei_mail_attempts_total", &["outcome=\"sent\""]),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains("\nrenkei_mail_outbox_depth 0\n"), "{text}");
    // One PIN checked: one job more through the hashing queue, none left.
    assert_eq!(hashed(&text), seeded + 1.0, "{text}");
    assert!(text.contains("\nrenkei_hash_queue_depth 0\n"), "{text}");
}

/// A production server (not demo mode, the settings it then needs).
const PRODUCTION: [(&str, &str); 3] = [
    ("RENKEI_DEMO", "0"),
    ("RENKEI_NOW", ""),
    ("RENKEI_PIN_PEPPER", "p1 c2l4dGVlbi1ieXRlLXBlcHBlcg=="),
];

#[tokio::test]
async fn outside_demo_mode_metrics_are_not_public_unless_a_setting_says_so() {
    let http = reqwest::Client::new();
    let closed = ServerProcess::start(&PRODUCTION).await;
    let resp = http
        .get(format!("{}/metrics", closed.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let mut env = PRODUCTION.to_vec();
    env.push(("RENKEI_METRICS_PUBLIC", "1"));
    let open = ServerProcess::start(&env).await;
    let resp = http
        .get(format!("{}/metrics", open.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("renkei_http_requests_total")
    );
}
