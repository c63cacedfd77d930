//! Service hours, 混雑 (admission control), system errors, disabled apps.

use crate::helpers::{authorize_params, code_of, happy_customer, jst, spawn_app, spawn_app_with};
use renkei_shared::api::Empty;
use tokio::io::AsyncWriteExt;

const CLOSED: &str = "ただ今の時間はサービスを行っておりません。ご了承下さい。";

#[tokio::test]
async fn authorize_in_a_closed_window_tells_the_customer_and_offers_the_way_back() {
    let app = spawn_app().await;
    for t in [
        "2026-11-26T04:02:00",
        "2026-11-26T00:00:30",
        "2027-01-02T20:00:00",
        "2026-11-07T23:55:00",
    ] {
        app.clock.set(jst(t));
        let resp = app.authorize(&authorize_params()).await;
        assert_eq!(resp.status(), 503, "{t}");
        assert!(
            resp.headers().get("set-cookie").is_none(),
            "{t}: no flow opened"
        );
        let html = resp.text().await.unwrap();
        assert!(html.contains(CLOSED), "{t}");
        assert!(html.contains("連携元画面へ"), "{t}");
        assert!(html.contains("error=temporarily_unavailable"), "{t}");
    }
    app.clock.set(jst("2026-11-26T04:05:00"));
    assert_eq!(app.authorize(&authorize_params()).await.status(), 303);
}

#[tokio::test]
async fn steps_submitted_in_a_closed_window_get_out_of_service_hours() {
    let app = spawn_app().await;
    app.clock.set(jst("2026-11-26T03:59:00"));
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    app.clock.set(jst("2026-11-26T04:00:00"));
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "30");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "out_of_service_hours");
    assert_eq!(body["message"], CLOSED);
    // 中止する still works while closed.
    let resp = app
        .post(renkei_shared::api::CANCEL_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn a_maintenance_window_set_by_staff_closes_the_service() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    app.staff()
        .add_maintenance(
            "2026-11-26T10:00:00+09:00",
            "2026-11-26T10:10:00+09:00",
            "臨時メンテナンス",
        )
        .await
        .unwrap();
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(code_of(resp).await, "out_of_service_hours");
    app.clock.set(jst("2026-11-26T10:10:00"));
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);
}

/// On the platform (issue #22) a union's profile may close it on days and
/// hours of its own (its core system's downtime), besides the fixed
/// windows every union shares: then its customers get the closed answer
/// while every other union's are served.
#[tokio::test]
async fn a_unions_own_calendar_closes_it_and_no_other() {
    let app = spawn_app().await;
    // 2026-11-26 is a Thursday.
    let profile = format!(
        "{}closed_dates = [\"2026-12-01\"]\n\
         [[weekly_closures]]\nweekday = \"thursday\"\nfrom = \"09:00\"\nto = \"09:05\"\n",
        crate::platform::SECOND
    );
    let second = crate::platform::second_union_with(&app, &profile).await;
    app.clock.set(jst("2026-11-26T08:59:00"));
    // The customer's browser of its own (the authorizations below open
    // flows in the test's).
    let b = second.other_browser();
    let csrf = b.at_customer_step("115", "ordinary", "1100026").await;

    app.clock.set(jst("2026-11-26T09:00:00"));
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "out_of_service_hours");
    assert_eq!(body["message"], CLOSED);
    let resp = second.authorize(&authorize_params()).await;
    assert_eq!(resp.status(), 503);
    assert!(resp.text().await.unwrap().contains(CLOSED));
    assert_eq!(app.authorize(&authorize_params()).await.status(), 303);

    // The window ends at 9:05; the flow goes on.
    app.clock.set(jst("2026-11-26T09:05:00"));
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);

    // Its closed day, all day; the other unions open.
    for t in ["2026-12-01T00:05:00", "2026-12-01T23:59:00"] {
        app.clock.set(jst(t));
        assert_eq!(
            second.authorize(&authorize_params()).await.status(),
            503,
            "{t}"
        );
        assert_eq!(
            app.authorize(&authorize_params()).await.status(),
            303,
            "{t}"
        );
    }
    app.clock.set(jst("2026-12-02T00:01:00"));
    assert_eq!(second.authorize(&authorize_params()).await.status(), 303);
}

#[tokio::test]
async fn a_disabled_app_gets_service_unavailable() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    app.staff()
        .set_client_enabled("demo-creco", false, None)
        .await
        .unwrap();
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "service_unavailable");
    assert_eq!(
        body["message"],
        "ご指定のサービスはただ今お取扱できません。なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。"
    );
    let resp = app
        .other_browser()
        .http
        .get(app.url(renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&authorize_params())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("ご指定のサービスはただ今お取扱できません。")
    );
}

#[tokio::test]
async fn requests_beyond_the_inflight_limit_are_shed_at_once_with_busy() {
    let app = spawn_app_with(|c| c.max_inflight = 1).await;
    // Hold the only slot: a step request (valid flow cookie and CSRF token)
    // whose body never finishes arriving.
    let resp = crate::helpers::browser()
        .get(app.url(renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&authorize_params())
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let view: serde_json::Value = reqwest::Client::new()
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = view["csrf_token"].as_str().unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/flow/account HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nx-renkei-csrf: {csrf}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    // The slot is taken once the server has read the head; ask until shed.
    let mut shed = None;
    for _ in 0..50 {
        let resp = app
            .http
            .get(app.url(renkei_shared::oauth::METADATA_PATH))
            .send()
            .await
            .unwrap();
        if resp.status() == 503 {
            shed = Some(resp);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let resp = shed.expect("a request beyond the limit was shed");
    // 混雑 is momentary: ask again in a second.
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "busy");
    assert_eq!(
        body["message"],
        "ただ今受付が混雑しておりますので、しばらくしてからご利用下さい。"
    );

    drop(slow);
    let mut ok = false;
    for _ in 0..50 {
        let resp = app
            .http
            .get(app.url(renkei_shared::oauth::METADATA_PATH))
            .send()
            .await
            .unwrap();
        if resp.status() == 200 {
            ok = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(ok, "the slot is given back");
}

#[tokio::test]
async fn a_broken_database_under_a_running_server_is_system_error_not_a_crash() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    renkei_server::testkit::break_lockout_table(&app.storage)
        .await
        .unwrap();
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 500);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "system_error");
    assert_eq!(
        body["message"],
        "調整のため連絡ができなくなりました。なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。"
    );
    assert!(
        !body.to_string().contains("auth_failures"),
        "no internals leak"
    );
    // The server is still up.
    let resp = app
        .http
        .get(app.url(renkei_shared::oauth::METADATA_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn a_client_sending_a_byte_a_second_gets_408_and_lets_its_slot_go() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|c| {
        c.request_timeout_secs = 2;
        c.max_inflight = 1;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(
        b"POST /oauth/token HTTP/1.1\r\nHost: renkei.test\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n",
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let dripping = tokio::spawn(async move {
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            // One byte a second, reading whatever comes back in between.
            if slow.write_all(b"a").await.is_err() {
                break;
            }
            match tokio::time::timeout(std::time::Duration::from_secs(1), slow.read(&mut buf)).await
            {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
            if answer.windows(4).any(|w| w == b"\r\n\r\n") || answer.len() > 4096 {
                break;
            }
        }
        answer
    });
    // While it holds the only slot, everyone else is shed.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let shed = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(shed).await, "busy");
    let answer = String::from_utf8_lossy(&dripping.await.unwrap()).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // The slot is free again.
    let resp = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(resp).await, "flow_not_found");
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off() {
    use tokio::io::AsyncReadExt;
    let app = spawn_app_with(|c| c.header_timeout_secs = 2).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /api/flow HTTP/1.1\r\nHost: renkei.test\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    let closed = loop {
        // One more byte of a header that never ends, each second.
        if slow.write_all(b"X").await.is_err() {
            break true;
        }
        match tokio::time::timeout(std::time::Duration::from_secs(1), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(_)) => {}
            Err(_) => {}
        }
        if started.elapsed() > std::time::Duration::from_secs(15) {
            break false;
        }
    };
    assert!(closed, "still open after {:?}", started.elapsed());
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    // The server is fine for everyone else.
    let resp = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(resp).await, "flow_not_found");
}
