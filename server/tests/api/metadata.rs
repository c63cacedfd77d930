use crate::helpers::{ISSUER, spawn_app};

#[tokio::test]
async fn metadata_names_the_issuer_and_what_is_supported() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(app.url(renkei_shared::oauth::METADATA_PATH))
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
        renkei_shared::oauth::METADATA_PATH,
        "/demo",
        renkei_shared::api::FLOW_PATH,
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

#[tokio::test]
async fn the_spa_is_sent_precompressed_and_hashed_files_are_cached_for_good() {
    // A built SPA as Trunk and scripts/compress.sh leave it (contents are
    // stand-ins: the server sends the bytes as they are).
    let dist = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| std::fs::write(dist.path().join(name), body).unwrap();
    write("index.html", "<!DOCTYPE html><title>SPA</title>");
    write("index.html.br", "BR-INDEX");
    write("index.html.gz", "GZ-INDEX");
    let wasm = "renkei-app-0123456789abcdef_bg.wasm";
    write(wasm, "RAW-WASM");
    write(&format!("{wasm}.br"), "BR-WASM");
    write(&format!("{wasm}.gz"), "GZ-WASM");
    let path = dist.path().to_owned();
    let app = crate::helpers::spawn_app_with(move |c| c.dist_dir = path).await;
    let get = |path: String, encoding: &'static str| {
        app.http
            .get(app.url(&path))
            .header("accept-encoding", encoding)
            .send()
    };
    let wasm_path = format!("/{wasm}");
    for (encoding, body, sent) in [
        ("br, gzip", "BR-WASM", Some("br")),
        ("gzip", "GZ-WASM", Some("gzip")),
        ("identity", "RAW-WASM", None),
    ] {
        let resp = get(wasm_path.clone(), encoding).await.unwrap();
        assert_eq!(resp.status(), 200);
        let h = resp.headers();
        assert_eq!(
            h.get("content-encoding").map(|v| v.to_str().unwrap()),
            sent,
            "{encoding}"
        );
        assert_eq!(h["content-type"], "application/wasm");
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
        // reqwest here does not decode: these are the bytes on the wire.
        assert_eq!(resp.text().await.unwrap(), body, "{encoding}");
    }
    // index.html, also for the SPA's routes, is checked again every time.
    for path in ["/", "/flow/account"] {
        let resp = get(path.into(), "br").await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(resp.headers()["content-encoding"], "br", "{path}");
        assert_eq!(resp.text().await.unwrap(), "BR-INDEX", "{path}");
    }
}
