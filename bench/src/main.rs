//! `renkei-bench`: a load run against a running Renkei in demo mode (not a
//! test; `make bench` starts the server). It completes N whole linkages
//! (PAR → authorize → every step with the signed call → consent → token) at
//! concurrency C, then reads the account and its transactions with the
//! tokens, and prints flows/s, reads/s and p50/p95/p99 per step. It speaks
//! HTTP only, to the URL it is given, as the demo customers of
//! `renkei-fixture`.

use base64::Engine;
use clap::Parser;
use renkei_fixture::{CUSTOMERS, Customer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use sha2::Digest;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Load a running demo server: N whole linkages at concurrency C, then API reads.
#[derive(Parser)]
#[command(name = "renkei-bench", version)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
    #[arg(long, default_value_t = 30)]
    flows: usize,
    #[arg(long, default_value_t = 3)]
    concurrency: usize,
    /// Account + transactions reads per linked token.
    #[arg(long, default_value_t = 20)]
    reads: usize,
    /// The carrier webhook's secret (demo mode's by default).
    #[arg(
        long,
        env = "RENKEI_TELEPHONY_SECRET",
        default_value = "renkei-demo-telephony-secret"
    )]
    telephony_secret: String,
    /// The toll-free number customers call.
    #[arg(long, env = "RENKEI_CALLBACK_NUMBER", default_value = "0120000111")]
    callback_number: String,
}

const CLIENT: (&str, &str) = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let report = run(BenchConfig {
        url: a.url.trim_end_matches('/').to_owned(),
        flows: a.flows,
        concurrency: a.concurrency,
        reads_per_flow: a.reads,
        telephony_secret: a.telephony_secret,
        callback_number: a.callback_number,
    })
    .await?;
    print!("{report}");
    Ok(())
}

/// A URL-safe random token (PKCE verifier).
fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

#[derive(Default)]
struct Timings(BTreeMap<&'static str, Vec<Duration>>);

struct BenchConfig {
    url: String,
    flows: usize,
    concurrency: usize,
    reads_per_flow: usize,
    telephony_secret: String,
    callback_number: String,
}

async fn run(cfg: BenchConfig) -> anyhow::Result<String> {
    let cfg = Arc::new(cfg);
    let timings = Arc::new(Mutex::new(Timings::default()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tokens = Arc::new(Mutex::new(Vec::new()));
    // One customer per worker, so concurrent phone challenges do not wait
    // on each other's calls.
    let customers: Arc<Vec<Customer>> = Arc::new(
        CUSTOMERS
            .iter()
            .copied()
            .filter(Customer::can_link)
            .collect(),
    );
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..cfg.concurrency.max(1) {
        let (cfg, timings, next, tokens, customers) = (
            cfg.clone(),
            timings.clone(),
            next.clone(),
            tokens.clone(),
            customers.clone(),
        );
        workers.push(tokio::spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < cfg.flows {
                let token = linkage(&cfg, customers[w % customers.len()], &timings).await?;
                tokens
                    .lock()
                    .map_err(|_| anyhow::anyhow!("poisoned"))?
                    .push(token);
            }
            anyhow::Ok(())
        }));
    }
    for w in workers {
        w.await??;
    }
    let flow_secs = started.elapsed().as_secs_f64();
    let tokens: Vec<String> = tokens
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    let read_start = Instant::now();
    let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut readers = Vec::new();
    let chunk = tokens.len().div_ceil(cfg.concurrency.max(1)).max(1);
    for part in tokens.chunks(chunk) {
        let (cfg, timings, reads, part) =
            (cfg.clone(), timings.clone(), reads.clone(), part.to_vec());
        readers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for token in part {
                for _ in 0..cfg.reads_per_flow {
                    let t = Instant::now();
                    let a: serde_json::Value = http
                        .get(format!("{}/api/v1/accounts", cfg.url))
                        .bearer_auth(&token)
                        .send()
                        .await?
                        .error_for_status()?
                        .json()
                        .await?;
                    record(&timings, "read accounts", t);
                    let id = a["accounts"][0]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    let t = Instant::now();
                    http.get(format!(
                        "{}/api/v1/accounts/{id}/transactions?limit=50",
                        cfg.url
                    ))
                    .bearer_auth(&token)
                    .send()
                    .await?
                    .error_for_status()?;
                    record(&timings, "read transactions", t);
                    reads.fetch_add(2, std::sync::atomic::Ordering::SeqCst);
                }
            }
            anyhow::Ok(())
        }));
    }
    for r in readers {
        r.await??;
    }
    let read_secs = read_start.elapsed().as_secs_f64();
    let total_reads = reads.load(std::sync::atomic::Ordering::SeqCst);
    let mut out = format!(
        "flows: {} at concurrency {} in {:.1} s = {:.2} flows/s\nreads: {} in {:.1} s = {:.1} reads/s\n\n{:<20} {:>6} {:>9} {:>9} {:>9}\n",
        cfg.flows,
        cfg.concurrency,
        flow_secs,
        cfg.flows as f64 / flow_secs,
        total_reads,
        read_secs,
        total_reads as f64 / read_secs.max(1e-9),
        "step",
        "n",
        "p50 ms",
        "p95 ms",
        "p99 ms"
    );
    let timings = timings.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
    for (step, list) in &timings.0 {
        let mut ms: Vec<f64> = list.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
        out.push_str(&format!(
            "{:<20} {:>6} {:>9.1} {:>9.1} {:>9.1}\n",
            step,
            ms.len(),
            q(0.5),
            q(0.95),
            q(0.99)
        ));
    }
    Ok(out)
}

fn record(t: &Mutex<Timings>, step: &'static str, since: Instant) {
    if let Ok(mut t) = t.lock() {
        t.0.entry(step).or_default().push(since.elapsed());
    }
}

/// One whole linkage; returns the access token.
async fn linkage(
    cfg: &BenchConfig,
    c: Customer,
    timings: &Mutex<Timings>,
) -> anyhow::Result<String> {
    let (branch, kind, number, name, phone) = (c.branch, c.kind, c.number, c.kana, c.phone);
    let (y, m, d) = c.birth_parts();
    let pin = c.pin.unwrap_or_default();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url = |p: &str| format!("{}{p}", cfg.url);
    let redirect = url("/demo/callback");
    let verifier = random_token();
    let t = Instant::now();
    let par: serde_json::Value = http
        .post(url("/oauth/par"))
        .basic_auth(CLIENT.0, Some(CLIENT.1))
        .form(&[
            ("response_type", "code"),
            ("redirect_uri", &redirect),
            ("scope", "account_info"),
            ("state", "bench"),
            ("code_challenge", &pkce_challenge(&verifier)),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    record(timings, "par", t);
    let t = Instant::now();
    http.get(url("/oauth/authorize"))
        .query(&[
            ("client_id", CLIENT.0),
            ("request_uri", par["request_uri"].as_str().unwrap_or("")),
        ])
        .send()
        .await?;
    let view: serde_json::Value = http
        .get(url("/api/flow"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    record(timings, "authorize", t);
    let csrf = view["csrf_token"].as_str().unwrap_or_default().to_owned();
    let post = |path: &str, body: serde_json::Value| {
        http.post(url(path))
            .header("x-renkei-csrf", &csrf)
            .json(&body)
            .send()
    };
    let step = |name: &'static str,
                t: Instant,
                r: reqwest::Response|
     -> anyhow::Result<reqwest::Response> {
        record(timings, name, t);
        Ok(r.error_for_status()?)
    };
    let t = Instant::now();
    step(
        "soa201",
        t,
        post(
            "/api/flow/account",
            serde_json::json!({"branch": branch, "kind": kind, "number": number}),
        )
        .await?,
    )?;
    let email = "bench@example.jp";
    let t = Instant::now();
    step("customer", t, post("/api/flow/customer", serde_json::json!({"name": name, "birth_year": y, "birth_month": m, "birth_day": d, "phone": phone, "email": email, "email_confirm": email})).await?)?;
    let t = Instant::now();
    step(
        "soa208",
        t,
        post("/api/flow/phone", serde_json::json!({})).await?,
    )?;
    let t = Instant::now();
    let shown: serde_json::Value = step(
        "soa209 open",
        t,
        post("/api/flow/call", serde_json::json!({})).await?,
    )?
    .json()
    .await?;
    // The number this flow's screen shows (one of the pool).
    let called = shown["callback_number"]
        .as_str()
        .unwrap_or(&cfg.callback_number)
        .to_owned();
    // The call; if a concurrent linkage of the same customer took it, call again.
    let t = Instant::now();
    let mut confirmed = false;
    for _ in 0..50 {
        let now = jiff::Timestamp::now();
        renkei_carrier::send_signed_call(
            &http,
            &cfg.url,
            &cfg.telephony_secret,
            phone,
            &called,
            now,
        )
        .await?;
        if post("/api/flow/call/confirm", serde_json::json!({}))
            .await?
            .status()
            .is_success()
        {
            confirmed = true;
            break;
        }
    }
    anyhow::ensure!(confirmed, "the call was never verified");
    record(timings, "call + confirm", t);
    let t = Instant::now();
    step(
        "pin",
        t,
        post("/api/flow/pin", serde_json::json!({"pin": pin})).await?,
    )?;
    let t = Instant::now();
    let done: serde_json::Value = step(
        "consent",
        t,
        post("/api/flow/consent", serde_json::json!({"agree": true})).await?,
    )?
    .json()
    .await?;
    let back = url::Url::parse(done["return_to"].as_str().unwrap_or(""))?;
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let t = Instant::now();
    let tok: serde_json::Value = http
        .post(url("/oauth/token"))
        .basic_auth(CLIENT.0, Some(CLIENT.1))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    record(timings, "token", t);
    Ok(tok["access_token"].as_str().unwrap_or_default().to_owned())
}
