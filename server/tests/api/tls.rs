//! The deployment of `deploy/`, tested end to end: Debian's nginx runs
//! `deploy/nginx/renkei.conf` (only its addresses, name and certificate
//! paths changed for loopback) in front of the real server, and a whole
//! linkage goes through it over HTTPS with a certificate this test makes.
//! The browser connects from 127.0.0.2, nginx from 127.0.0.1: the log must
//! name the browser.

use crate::helpers::{ServerProcess, free_port, test_database};
use renkei_server::db::Storage;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

const NGINX: &str = "/usr/sbin/nginx";
const BROWSER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// `from` → `to` in `text`, which must contain `from`.
fn swap(text: String, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "deploy/nginx/renkei.conf no longer has {from:?}"
    );
    text.replace(from, to)
}

/// A CA and a `localhost` certificate it signed: (CA PEM, cert, key).
fn localhost_pki() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
    let ca_key = KeyPair::generate().expect("key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = ca.self_signed(&ca_key).expect("CA");
    let key = KeyPair::generate().expect("key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .expect("params")
        .signed_by(&key, &ca, &ca_key)
        .expect("leaf");
    (ca.pem(), leaf.pem(), key.serialize_pem())
}

#[tokio::test]
async fn a_linkage_through_nginx_over_https_has_host_cookies_hsts_and_the_browsers_address() {
    assert!(
        std::path::Path::new(NGINX).exists(),
        "Debian's nginx is missing (scripts/setup.sh --e2e installs it)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (https, http_port) = (free_port(), free_port());
    let public = format!("https://localhost:{https}");
    let db = test_database(dir.path()).await;
    let server = ServerProcess::start_on(
        Some(&db),
        &[
            ("RENKEI_PUBLIC_URL", public.as_str()),
            ("RENKEI_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let upstream = server.base.trim_start_matches("http://").to_owned();

    let (ca, cert, key) = localhost_pki();
    std::fs::write(path("cert.pem"), cert).expect("write");
    std::fs::write(path("key.pem"), key).expect("write");
    let site = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/nginx/renkei.conf"
    ))
    .expect("deploy/nginx/renkei.conf");
    let site = swap(
        site,
        "listen 443 ssl http2;",
        &format!("listen 127.0.0.1:{https} ssl http2;"),
    );
    let site = swap(
        site,
        "listen 80;",
        &format!("listen 127.0.0.1:{http_port};"),
    );
    let site = swap(
        site,
        "server 127.0.0.1:3000;",
        &format!("server {upstream};"),
    );
    let site = swap(
        site,
        "server_name api.shinkumi.example.jp;",
        "server_name localhost;",
    );
    let site = swap(site, "/etc/ssl/renkei/fullchain.pem", &path("cert.pem"));
    let site = swap(site, "/etc/ssl/renkei/privkey.pem", &path("key.pem"));
    std::fs::write(path("renkei.conf"), site).expect("write");
    let d = dir.path().display();
    std::fs::write(
        path("nginx.conf"),
        format!(
            "daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log;
             events {{ worker_connections 64; }}
             http {{ access_log {d}/access.log; client_body_temp_path {d}/body;
                    proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
                    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
                    include {d}/renkei.conf; }}"
        ),
    )
    .expect("write");
    let _nginx = tokio::process::Command::new(NGINX)
        .args([
            "-p",
            &path(""),
            "-c",
            &path("nginx.conf"),
            "-e",
            &path("error.log"),
        ])
        .kill_on_drop(true)
        .spawn()
        .expect("nginx starts");

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).expect("CA"))
        .resolve("localhost", SocketAddr::from(([127, 0, 0, 1], https)))
        .local_address(IpAddr::V4(BROWSER_IP))
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    while browser
        .get(format!("{public}{}", renkei_shared::api::HEALTHZ_PATH))
        .send()
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "nginx did not start: {}",
            std::fs::read_to_string(path("error.log")).unwrap_or_default()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Plain HTTP only redirects to HTTPS.
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!(
            "http://127.0.0.1:{http_port}{}",
            renkei_shared::api::FLOW_PATH
        ))
        .header("host", "localhost")
        .send()
        .await
        .expect("port 80 answers");
    assert_eq!(resp.status(), 301);
    assert_eq!(resp.headers()["location"], "https://localhost/api/flow");

    // The authorization request over HTTPS: a __Host- cookie, Secure, and HSTS.
    let resp = browser
        .get(format!("{public}{}", renkei_shared::oauth::AUTHORIZE_PATH))
        .query(&[
            ("response_type", "code"),
            ("client_id", "demo-creco"),
            ("redirect_uri", &format!("{public}/demo/callback")),
            ("scope", "account_info"),
            ("state", "tls"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), 303);
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("__Host-renkei_flow="), "{cookie}");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(
        resp.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );

    // A whole linkage through nginx, the token answer included.
    let token =
        crate::instances::link_over(&public, &public, &public, "tls@example.jp", &browser).await;
    assert_eq!(token["token_type"], "Bearer");
    assert!(
        token["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );

    // Every line of the operation log names the browser, never nginx.
    let storage = Storage::connect(&db).await.expect("the database");
    let ips = renkei_server::testkit::logged_client_ips(&storage)
        .await
        .expect("read");
    assert_eq!(ips, vec![BROWSER_IP.to_string()]);
}
