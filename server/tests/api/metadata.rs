use crate::helpers::{ISSUER, spawn_app};

#[tokio::test]
async fn metadata_names_the_issuer_and_what_is_supported() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let m: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(m["issuer"], ISSUER);
    assert_eq!(
        m["authorization_endpoint"],
        format!("{ISSUER}/oauth/authorize")
    );
    assert_eq!(
        m["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(m["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/.well-known/oauth-authorization-server",
        "/demo",
        "/api/flow",
        "/api/nope",
    ] {
        let resp = app.http.get(app.url(path)).send().await.unwrap();
        let h = resp.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn unknown_api_paths_answer_the_wire_error_format() {
    let app = spawn_app().await;
    let resp = app.http.get(app.url("/api/nope")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn without_demo_mode_there_is_no_demo_app() {
    // The black-box suite runs a build without the `demo` feature; with
    // RENKEI_DEMO unset as in production, /demo is a plain 404 — not the
    // SPA's page, not the demo app.
    let app = crate::helpers::spawn_app_with(|c| c.demo = false).await;
    for path in [
        "/demo",
        "/demo/link",
        "/demo/phone",
        "/demo/callback?code=x",
    ] {
        let resp = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
}
