//! The records port's host-gateway adapter (`RENKEI_RECORDS_URL`), over
//! real HTTP: against the stand-in gateway (`renkei-host-gateway`, on
//! another server's imported tables),
//! and against small servers here that play a failing gateway.

use crate::helpers::account_body;
use crate::helpers::{TestApp, code_of, spawn_app, spawn_app_with};
use crate::records::{
    DEPOSIT_HEADER, IMPORTED, TXN_HEADER, accounts_file, descriptions, get, import, text,
};
use axum::Router;
use axum::http::StatusCode;
use renkei_host_gateway::TlsFiles;
use renkei_server::config::Config;
use renkei_server::config::GatewaySettings;
use renkei_server::db::Storage;
use renkei_server::hashing::Hasher;
use renkei_server::records::port::Records;
use renkei_shared::api::PinForm;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// The stand-in gateway (`renkei-host-gateway`'s router and listener) on
/// its own thread and runtime, so that stopping it drops every connection
/// it holds, as a gateway going down would.
struct StandIn {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    /// The stand-in on `bank`'s database (its imported tables).
    fn start(bank: &TestApp) -> StandIn {
        StandIn::start_with(bank, None)
    }

    fn start_with(bank: &TestApp, tls: Option<TlsFiles>) -> StandIn {
        // The bank's own settings (demo mode: the same pepper).
        let database_url = bank.database_url.clone();
        let config = Config::from_lookup(|k| match k {
            "RENKEI_DEMO" => Some("1".into()),
            "DATABASE_URL" => Some(database_url.clone()),
            _ => None,
        })
        .expect("stand-in config");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("stand-in runtime");
            rt.block_on(async move {
                let storage = Storage::connect(&config.database_url).await.expect("db");
                let hasher = Hasher::start(config.hashing.clone()).expect("hasher");
                let app = renkei_host_gateway::router(Records::Embedded {
                    storage: storage.tenant(crate::helpers::SEED_UNION),
                    hasher,
                });
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let scheme = if tls.is_some() { "https" } else { "http" };
                let addr = listener.local_addr().expect("address");
                addr_tx.send(format!("{scheme}://{addr}")).expect("url");
                tokio::select! {
                    served = renkei_host_gateway::serve(listener, app, tls.as_ref()) => {
                        served.expect("stand-in serves");
                    }
                    _ = stopped => {}
                }
            });
            // Dropping the runtime drops every connection task with it.
        });
        let url = addr_rx.recv().expect("stand-in names its address");
        StandIn {
            url,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("stand-in thread");
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A Renkei server whose records are the gateway's at `url`.
async fn spawn_on_gateway(url: &str, timeout_ms: u64) -> TestApp {
    spawn_on_tls_gateway(url, timeout_ms, None, None).await
}

async fn spawn_on_tls_gateway(
    url: &str,
    timeout_ms: u64,
    ca_file: Option<PathBuf>,
    client_identity_file: Option<PathBuf>,
) -> TestApp {
    let url = url.parse().expect("gateway URL");
    spawn_app_with(move |c| {
        c.records_gateway = Some(GatewaySettings {
            url,
            timeout: Duration::from_millis(timeout_ms),
            ca_file,
            client_identity_file,
        })
    })
    .await
}

/// The bank: a server whose tables hold the imported customer, with a
/// transaction and a 定期預金, and the stand-in gateway serving them.
async fn bank_with_stand_in() -> (TestApp, StandIn) {
    let bank = spawn_app().await;
    let accounts = accounts_file(&bank).await;
    let txns = bank.write_file(
        "transactions.csv",
        &format!(
            "{TXN_HEADER}\n\
             300,ordinary,4567,T1,2026-11-20,ｷﾕｳﾖ,250000,0,530000\n\
             300,ordinary,4567,T2,2026-11-25,ﾃﾞﾝｷﾘﾖｳｷﾝ,0,7000,523000\n"
        ),
    );
    let deposits = bank.write_file(
        "deposits.csv",
        &format!("{DEPOSIT_HEADER}\n300,ordinary,4567,D1,2000000,25,2026-05-01,2027-05-01\n"),
    );
    let out = import(
        &bank,
        &[
            ("--accounts", &accounts),
            ("--transactions", &txns),
            ("--time-deposits", &deposits),
        ],
        "delta",
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stand_in = StandIn::start(&bank);
    (bank, stand_in)
}

fn imported_key() -> (BranchNumber, AccountKind, AccountNumber) {
    (
        BranchNumber::parse(IMPORTED.branch).unwrap(),
        AccountKind::parse(IMPORTED.kind).unwrap(),
        AccountNumber::parse(IMPORTED.number).unwrap(),
    )
}

#[tokio::test]
async fn a_linkage_runs_on_the_host_gateways_records_read_fresh_every_time() {
    let (bank, _stand_in) = bank_with_stand_in().await;
    let renkei = spawn_on_gateway(&_stand_in.url, 3000).await;

    // Every step — the account, the identity, the phone, the PIN — is
    // checked against the gateway: Renkei's own tables hold no records.
    let linked = renkei.other_browser().link(&IMPORTED).await;
    let token = linked.access_token;
    let a = get(&renkei, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(a["accounts"][0]["branch"], "300");
    assert_eq!(a["accounts"][0]["balance"], 523000);
    assert_eq!(a["accounts"][0]["available_balance"], 500000);
    assert_eq!(descriptions(&renkei, &token).await, ["ﾃﾞﾝｷﾘﾖｳｷﾝ", "ｷﾕｳﾖ"]);
    let d = get(&renkei, &token, renkei_shared::account::TIME_DEPOSITS_PATH).await;
    assert_eq!(d["time_deposits"][0]["principal"], 2000000);
    assert_eq!(d["time_deposits"][0]["maturity_date"], "2027-05-01");
    let status = text(
        &crate::helpers::output_of(renkei.cli(&["records", "status"]))
            .await
            .stdout,
    );
    assert!(status.contains("transactions: 0\n"), "{status}");
    assert!(
        !status.contains("active"),
        "Renkei holds no record: {status}"
    );

    // Nothing is cached: a transaction the bank adds shows at once.
    let more = bank.write_file(
        "more.csv",
        &format!("{TXN_HEADER}\n300,ordinary,4567,T3,2026-11-26,ATM ｼﾕﾂｷﾝ,0,3000,520000\n"),
    );
    let out = import(&bank, &[("--transactions", &more)], "delta").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        descriptions(&renkei, &token).await,
        ["ATM ｼﾕﾂｷﾝ", "ﾃﾞﾝｷﾘﾖｳｷﾝ", "ｷﾕｳﾖ"]
    );

    // Paging through the gateway's own cursor, one at a time.
    let id = a["accounts"][0]["id"].as_str().unwrap();
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/accounts/{id}/transactions?limit=1");
        if let Some(c) = &next {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = get(&renkei, &token, &path).await;
        for t in page["transactions"].as_array().unwrap() {
            seen.push(t["description"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["ATM ｼﾕﾂｷﾝ", "ﾃﾞﾝｷﾘﾖｳｷﾝ", "ｷﾕｳﾖ"]);

    // The bank closes the account (a full import without it): the app's
    // reads stop at once, with no word from Renkei's side.
    let empty = bank.write_file(
        "none.csv",
        "branch,kind,number,holder_kana,birth_date,phone,cash_card,status,moved_to_branch,moved_to_number,balance,available_balance,pin_hash\n\
         300,ordinary,4567,ﾔﾏﾓﾄ ｹﾝ,1970-03-03,09088887777,1,closed,,,0,0,\n",
    );
    let out = import(&bank, &[("--accounts", &empty)], "delta").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let resp = renkei
        .http
        .get(renkei.url(renkei_shared::account::ACCOUNTS_PATH))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(code_of(resp).await, "insufficient_scope");
}

#[tokio::test]
async fn wrong_identities_and_pins_checked_at_the_gateway_lock_in_renkei() {
    let (_bank, stand_in) = bank_with_stand_in().await;
    let renkei = spawn_on_gateway(&stand_in.url, 3000).await;
    let b = renkei.other_browser();
    let csrf = b
        .at_customer_step(IMPORTED.branch, IMPORTED.kind, IMPORTED.number)
        .await;
    let mut customer = json!({
        "name": "ﾔﾏﾓﾄ ｹﾝｲﾁ", "birth_year": "1970", "birth_month": "03", "birth_day": "03",
        "phone": IMPORTED.phone, "email": "k@example.jp", "email_confirm": "k@example.jp",
    });
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &customer)
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(code_of(resp).await, "identity_mismatch");
    customer["name"] = json!(IMPORTED.kana);
    let empty = json!({});
    for path in [
        renkei_shared::api::CUSTOMER_PATH,
        renkei_shared::api::PHONE_PATH,
        renkei_shared::api::CALL_PATH,
    ] {
        let body = if path == renkei_shared::api::CUSTOMER_PATH {
            &customer
        } else {
            &empty
        };
        assert_eq!(b.post(path, &csrf, body).await.status(), 200, "{path}");
    }
    assert_eq!(
        renkei
            .signed_call("gw-call-1", IMPORTED.phone)
            .await
            .status(),
        200
    );
    let resp = b
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &empty)
        .await;
    assert_eq!(resp.status(), 200);
    // One failure so far; the threshold is 5 for the day.
    for i in 2..=4 {
        let resp = b
            .post(
                renkei_shared::api::PIN_PATH,
                &csrf,
                &PinForm { pin: "1357".into() },
            )
            .await;
        assert_eq!(code_of(resp).await, "identity_mismatch", "failure {i}");
    }
    let resp = b
        .post(
            renkei_shared::api::PIN_PATH,
            &csrf,
            &PinForm { pin: "1357".into() },
        )
        .await;
    assert_eq!(code_of(resp).await, "locked");
    let resp = b
        .post(
            renkei_shared::api::PIN_PATH,
            &csrf,
            &json!({"pin": IMPORTED.pin.unwrap()}),
        )
        .await;
    assert_eq!(code_of(resp).await, "locked_b84");

    // An account the gateway does not hold is refused like an ineligible one.
    let (_, resp) = renkei
        .other_browser()
        .account_attempt(&account_body("300", "ordinary", "9999"))
        .await;
    assert_eq!(code_of(resp).await, "account_not_eligible");
}

#[tokio::test]
async fn with_the_gateway_stopped_soa201_is_a_system_error_and_nothing_is_written() {
    let (_bank, mut stand_in) = bank_with_stand_in().await;
    let renkei = spawn_on_gateway(&stand_in.url, 1000).await;
    stand_in.stop();

    let (_, resp) = renkei
        .account_attempt(&account_body("300", "ordinary", "4567"))
        .await;
    assert_eq!(resp.status(), 500);
    assert_eq!(code_of(resp).await, "system_error");
    // The flow is still at SOA201, and Renkei made no reference row.
    let view: serde_json::Value = renkei
        .http
        .get(renkei.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["step"], "account");
    assert_eq!(view["account"], serde_json::Value::Null);
    let (branch, kind, number) = imported_key();
    let row = renkei
        .storage
        .tenant(crate::helpers::SEED_UNION)
        .find_account(&branch, kind, &number)
        .await
        .unwrap();
    assert!(row.is_none(), "{row:?}");
}

/// A gateway played by a router here, on a real port.
async fn fake_gateway(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test]
async fn a_busy_gateway_is_busy_and_a_slow_or_broken_one_a_system_error() {
    let busy =
        fake_gateway(Router::new().fallback(|| async { StatusCode::SERVICE_UNAVAILABLE })).await;
    let slow = fake_gateway(Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        StatusCode::OK
    }))
    .await;
    let broken = fake_gateway(Router::new().fallback(|| async { StatusCode::BAD_GATEWAY })).await;
    // 200 with a body outside the contract (a field it does not have).
    let odd = fake_gateway(Router::new().fallback(|| async {
        axum::Json(
            json!({"branch": "300", "kind": "ordinary", "number": "0004567",
            "status": "active", "cash_card": true, "holder_kana": "ﾔﾏﾓﾄ ｹﾝ",
            "birth_date": "1970-03-03", "phone": "09088887777", "pin": "2468"}),
        )
    }))
    .await;
    for (url, status, code) in [
        (busy, 503, "busy"),
        (slow, 500, "system_error"),
        (broken, 500, "system_error"),
        (odd, 500, "system_error"),
    ] {
        let renkei = spawn_on_gateway(&url, 300).await;
        let (_, resp) = renkei
            .account_attempt(&account_body("300", "ordinary", "4567"))
            .await;
        assert_eq!(resp.status(), status, "{url}");
        if status == 503 {
            assert!(resp.headers().contains_key("retry-after"));
        }
        assert_eq!(code_of(resp).await, code, "{url}");
        let (branch, kind, number) = imported_key();
        assert!(
            renkei
                .storage
                .tenant(crate::helpers::SEED_UNION)
                .find_account(&branch, kind, &number)
                .await
                .unwrap()
                .is_none()
        );
    }
}

/// A bank CA, the gateway's certificate for `localhost` and Renkei's
/// client certificate (with its key, in one PEM file), written to `dir`.
struct Pki {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client: PathBuf,
}

fn make_pki(app: &TestApp) -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = ca.self_signed(&ca_key).unwrap();
    let leaf = |name: &str, usage: ExtendedKeyUsagePurpose| {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(vec![name.to_owned()]).unwrap();
        p.extended_key_usages = vec![usage];
        (p.signed_by(&key, &ca, &ca_key).unwrap(), key)
    };
    let (server, server_key) = leaf("localhost", ExtendedKeyUsagePurpose::ServerAuth);
    let (client, client_key) = leaf("renkei.client", ExtendedKeyUsagePurpose::ClientAuth);
    Pki {
        ca: app.write_file("ca.pem", &ca.pem()),
        server_cert: app.write_file("gateway.pem", &server.pem()),
        server_key: app.write_file("gateway.key", &server_key.serialize_pem()),
        client: app.write_file(
            "renkei-client.pem",
            &format!("{}{}", client.pem(), client_key.serialize_pem()),
        ),
    }
}

#[tokio::test]
async fn over_mutual_tls_only_a_trusted_gateway_and_a_certified_client_talk() {
    let (bank, _plain) = bank_with_stand_in().await;
    let pki = make_pki(&bank);
    let stand_in = StandIn::start_with(
        &bank,
        Some(TlsFiles {
            cert: pki.server_cert.clone(),
            key: pki.server_key.clone(),
            client_ca: Some(pki.ca.clone()),
        }),
    );
    // The certificate names localhost, not the loopback address.
    let url = stand_in.url.replace("127.0.0.1", "localhost");
    assert!(url.starts_with("https://"), "{url}");

    // The bank's CA and Renkei's client certificate: the whole linkage.
    let renkei =
        spawn_on_tls_gateway(&url, 3000, Some(pki.ca.clone()), Some(pki.client.clone())).await;
    let linked = renkei.other_browser().link(&IMPORTED).await;
    let token = linked.access_token;
    let a = get(&renkei, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(a["accounts"][0]["balance"], 523000);

    // Without a client certificate, or without trusting the bank's CA,
    // there is no conversation: SOA201 is a system error.
    for (ca, client) in [
        (Some(pki.ca.clone()), None),
        (None, Some(pki.client.clone())),
    ] {
        let renkei = spawn_on_tls_gateway(&url, 3000, ca, client).await;
        let (_, resp) = renkei
            .account_attempt(&account_body("300", "ordinary", "4567"))
            .await;
        assert_eq!(resp.status(), 500);
        assert_eq!(code_of(resp).await, "system_error");
    }
}

/// On the platform (issue #22) each union's records are its own core
/// system's: a union whose profile names a host gateway reads it, every
/// step and read; the deployment's first union and the demo's second keep
/// their embedded tables, where the gateway's customer is nobody.
#[tokio::test]
async fn a_union_reads_its_own_host_gateway_and_the_others_their_own_tables() {
    let (_bank, stand_in) = bank_with_stand_in().await;
    let renkei = spawn_app().await;
    let profile = format!(
        "{}records_url = \"{}\"\nrecords_timeout_ms = 3000\n",
        crate::platform::SECOND,
        stand_in.url
    );
    crate::platform::add_second_with(&renkei, &profile).await;
    renkei
        .enable_app_at(crate::helpers::DEMO_CLIENT, "2011")
        .await;
    let gunma = renkei.at("2011");

    let linked = gunma.other_browser().link(&IMPORTED).await;
    let a = get(
        &gunma,
        &linked.access_token,
        renkei_shared::account::ACCOUNTS_PATH,
    )
    .await;
    assert_eq!(a["accounts"][0]["branch"], "300");
    assert_eq!(a["accounts"][0]["balance"], 523000);
    assert_eq!(
        descriptions(&gunma, &linked.access_token).await,
        ["ﾃﾞﾝｷﾘﾖｳｷﾝ", "ｷﾕｳﾖ"]
    );
    // Renkei keeps no record of it at that union: the gateway holds them.
    let status =
        crate::helpers::output_of(renkei.cli(&["records", "status", "--institution", "2011"]))
            .await;
    let status = text(&status.stdout);
    assert!(!status.contains("active"), "{status}");

    // At the other unions the gateway's customer is no customer.
    for union in [&renkei, &renkei.at(renkei_fixture::SECOND_CODE)] {
        let (_, resp) = union
            .other_browser()
            .account_attempt(&account_body(
                IMPORTED.branch,
                IMPORTED.kind,
                IMPORTED.number,
            ))
            .await;
        assert_eq!(resp.status(), 422, "{}", union.base);
    }
}
