//! `renkei-bench`: a load run against a running Renkei in demo mode (not a
//! test; `make bench` starts the server). It completes N whole linkages
//! (PAR → authorize → every step with the signed call → consent → token) at
//! concurrency C, then reads the account and its transactions with the
//! tokens. It prints linkages/s beside the hash-bound limit — the server's
//! cores ÷ one PIN check, timed here with the server's own hashing code and
//! settings — their ratio, and p50/p95/p99 per step and per whole linkage.
//! It speaks HTTP only, to the URL it is given, as the synthetic customers
//! of `renkei-fixture` (`--customers N`, one per worker so no two
//! concurrent linkages share a phone) or the demo customers.

use base64::Engine;
use clap::Parser;
use renkei_fixture::{CUSTOMERS, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use renkei_shared::account::{self, Accounts, TransactionsQuery};
use renkei_shared::api::{
    self, AccountForm, CallChallenge, ConsentForm, CustomerForm, Finished, FlowView, PinForm,
};
use renkei_shared::oauth::{self, ParAnswer, ParForm, TokenForm, TokenResponse};
use sha2::Digest;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod population;

/// Load a running demo server: N whole linkages at concurrency C, then API reads.
#[derive(Parser)]
#[command(name = "renkei-bench", version)]
struct Args {
    /// The server, or several instances of it on one database, comma-
    /// separated: each request goes to the next one in turn, as through a
    /// load balancer without stickiness. The first is the public address.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
    #[arg(long, default_value_t = 30)]
    flows: usize,
    #[arg(long, default_value_t = 3)]
    concurrency: usize,
    /// Account + transactions reads per linked token.
    #[arg(long, default_value_t = 20)]
    reads: usize,
    /// Link the first N synthetic customers (the server seeded them with
    /// RENKEI_DEMO_CUSTOMERS=N); 0: the demo customers.
    #[arg(long, default_value_t = 0)]
    customers: usize,
    /// The cores the server's hashing pool has (RENKEI_HASH_WORKERS), for
    /// the hash-bound limit; default this machine's.
    #[arg(long)]
    server_cores: Option<usize>,
    /// One PIN check's time on the server's cores, in ms, for the limit
    /// (`make bench` times it there with `--time-pin-check`); default: timed
    /// here before the run.
    #[arg(long)]
    pin_check_ms: Option<f64>,
    /// Only time one PIN check with the server's hashing code and settings,
    /// print its milliseconds, and exit.
    #[arg(long)]
    time_pin_check: bool,
    /// The carrier webhook's secret (demo mode's by default).
    /// Link at these credit unions (金融機関コード, comma-separated),
    /// linkage i at the (i mod n)-th, each through its own issuer
    /// (`/institutions/{code}`); none: the root URLs (the first union).
    #[arg(long, value_delimiter = ',')]
    unions: Vec<String>,
    /// Only print `branch,kind,number,pin` for the first N synthetic
    /// customers (what `renkei-server records hash-pin` reads), and exit.
    #[arg(long)]
    pins: Option<usize>,
    /// Only turn `records hash-pin`'s output on stdin into an accounts file
    /// of those synthetic customers on stdout (what `records import
    /// --accounts` reads), and exit.
    #[arg(long)]
    accounts_csv: bool,
    #[arg(
        long,
        env = "RENKEI_TELEPHONY_SECRET",
        default_value = "renkei-demo-telephony-secret"
    )]
    telephony_secret: String,
}

const CLIENT: (&str, &str) = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);

/// How many times one request is sent again after 混雑 (503 `busy`).
const BUSY_RETRIES: usize = 60;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let cores = a
        .server_cores
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if a.time_pin_check {
        println!("{:.2}", ms(time_one_pin_check().await?));
        return Ok(());
    }
    if let Some(n) = a.pins {
        population::pins(n, &mut std::io::stdout().lock())?;
        return Ok(());
    }
    if a.accounts_csv {
        population::accounts(std::io::stdin().lock(), &mut std::io::stdout().lock())?;
        return Ok(());
    }
    let check = match a.pin_check_ms {
        Some(ms) => Duration::from_secs_f64(ms / 1000.0),
        None => time_one_pin_check().await?,
    };
    let who: Vec<Who> = if a.customers == 0 {
        CUSTOMERS
            .iter()
            .filter(|c| c.can_link())
            .map(|c| Who {
                branch: c.branch.into(),
                kind: c.kind.into(),
                number: c.number.into(),
                kana: c.kana.into(),
                birth: c.birth_parts(),
                phone: c.phone.into(),
                pin: c.pin.unwrap_or_default().into(),
            })
            .collect()
    } else {
        (0..a.customers)
            .map(|i| {
                let c = renkei_fixture::synthetic(i);
                Who {
                    branch: c.branch.into(),
                    kind: c.kind.into(),
                    birth: c.birth_parts(),
                    kana: c.kana.into(),
                    number: c.number,
                    phone: c.phone,
                    pin: c.pin,
                }
            })
            .collect()
    };
    if who.len() < a.flows {
        eprintln!(
            "note: {} customers for {} linkages: a phone linked again within its number's quiet period is answered 混雑",
            who.len(),
            a.flows
        );
    }
    let report = run(BenchConfig {
        urls: a
            .url
            .split(',')
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .collect(),
        flows: a.flows,
        concurrency: a.concurrency.max(1),
        reads_per_flow: a.reads,
        telephony_secret: a.telephony_secret,
        unions: a
            .unions
            .iter()
            .map(|code| format!("{}{code}", api::INSTITUTIONS_PREFIX))
            .collect(),
        who,
        limit: Limit { cores, check },
    })
    .await?;
    print!("{report}");
    Ok(())
}

/// One PIN check's time on one core, with the server's hashing code and
/// the parameters a server started with this environment uses (the median
/// of 15 checks after a warm-up).
async fn time_one_pin_check() -> anyhow::Result<Duration> {
    use zeroize::Zeroizing;
    // The server under load runs in demo mode.
    let mut settings = renkei_server::config::hash_settings_from_env(true)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.var, e.why))?;
    settings.workers = 1;
    settings.queue = 1;
    let hasher = renkei_server::hashing::Hasher::start(settings)?;
    let pin = || Zeroizing::new("0000".to_owned());
    let phc = hasher.hash(pin()).await?;
    let mut times = Vec::new();
    for i in 0..17 {
        let t = Instant::now();
        anyhow::ensure!(hasher.verify(pin(), phc.clone()).await?, "the check failed");
        if i >= 2 {
            times.push(t.elapsed());
        }
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// The physical limit of the job: each linkage checks one PIN, so the
/// server's cores can complete at most cores ÷ one check's time a second.
struct Limit {
    cores: usize,
    /// One check's time.
    check: Duration,
}

/// Whom a linkage types into the screens.
struct Who {
    branch: String,
    kind: String,
    number: String,
    kana: String,
    birth: (&'static str, &'static str, &'static str),
    phone: String,
    pin: String,
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
    urls: Vec<String>,
    flows: usize,
    concurrency: usize,
    reads_per_flow: usize,
    telephony_secret: String,
    /// The unions' URL prefixes (none: the root URLs).
    unions: Vec<String>,
    who: Vec<Who>,
    limit: Limit,
}

static TURN: AtomicUsize = AtomicUsize::new(0);

impl BenchConfig {
    /// The instance for the next request: each in turn.
    fn base(&self) -> &str {
        &self.urls[TURN.fetch_add(1, Ordering::Relaxed) % self.urls.len()]
    }
    /// The address the instances share as their public URL.
    fn public(&self) -> &str {
        &self.urls[0]
    }
    /// The URL prefix of linkage `i`'s union (none: the root URLs).
    fn union_of(&self, i: usize) -> &str {
        match self.unions.len() {
            0 => "",
            n => &self.unions[i % n],
        }
    }
}

/// What the run counts besides timings.
#[derive(Default)]
struct Counters {
    /// Requests answered 混雑 and sent again after `Retry-After`.
    busy: AtomicUsize,
}

async fn run(cfg: BenchConfig) -> anyhow::Result<String> {
    let cfg = Arc::new(cfg);
    let timings = Arc::new(Mutex::new(Timings::default()));
    let counters = Arc::new(Counters::default());
    let next = Arc::new(AtomicUsize::new(0));
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..cfg.concurrency {
        let (cfg, timings, counters, next, tokens) = (
            cfg.clone(),
            timings.clone(),
            counters.clone(),
            next.clone(),
            tokens.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= cfg.flows {
                    break;
                }
                // Linkage i is customer i's: a phone's callback number stays
                // bound to its flow for the window and quiet period after it
                // (4 minutes by default), so a phone linked again at once
                // would wait for 混雑 to pass.
                let who = &cfg.who[i % cfg.who.len()];
                let union = cfg.union_of(i);
                let t = Instant::now();
                let token = linkage(&cfg, union, who, &timings, &counters).await?;
                record(&timings, "whole linkage", t);
                tokens
                    .lock()
                    .map_err(|_| anyhow::anyhow!("poisoned"))?
                    .push((union.to_owned(), token));
            }
            anyhow::Ok(())
        }));
    }
    for w in workers {
        w.await??;
    }
    let flow_secs = started.elapsed().as_secs_f64();
    let tokens: Vec<(String, String)> = tokens
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    let read_start = Instant::now();
    let reads = Arc::new(AtomicUsize::new(0));
    let mut readers = Vec::new();
    let chunk = tokens.len().div_ceil(cfg.concurrency).max(1);
    for part in tokens.chunks(chunk) {
        let (cfg, timings, reads, part) =
            (cfg.clone(), timings.clone(), reads.clone(), part.to_vec());
        readers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for (union, token) in part {
                for _ in 0..cfg.reads_per_flow {
                    let t = Instant::now();
                    let a: Accounts = http
                        .get(format!("{}{union}{}", cfg.base(), account::ACCOUNTS_PATH))
                        .bearer_auth(&token)
                        .send()
                        .await?
                        .error_for_status()?
                        .json()
                        .await?;
                    record(&timings, "read accounts", t);
                    let id = a
                        .accounts
                        .first()
                        .map(|a| a.id.as_str())
                        .unwrap_or_default();
                    let t = Instant::now();
                    let query = TransactionsQuery {
                        limit: Some("50".into()),
                        ..Default::default()
                    };
                    http.get(format!(
                        "{}{union}{}",
                        cfg.base(),
                        account::transactions_path(id)
                    ))
                    .query(&query)
                    .bearer_auth(&token)
                    .send()
                    .await?
                    .error_for_status()?;
                    record(&timings, "read transactions", t);
                    reads.fetch_add(2, Ordering::SeqCst);
                }
            }
            anyhow::Ok(())
        }));
    }
    for r in readers {
        r.await??;
    }
    let read_secs = read_start.elapsed().as_secs_f64();
    let total_reads = reads.load(Ordering::SeqCst);
    let rate = cfg.flows as f64 / flow_secs;
    let limit = cfg.limit.cores as f64 / cfg.limit.check.as_secs_f64();
    let mut out = format!(
        "linkages: {} at concurrency {} in {:.1} s = {:.2} linkages/s\n\
         hash-bound limit: {} core(s) / {:.2} ms per PIN check = {:.1} linkages/s; \
         reached {:.0} %\n\
         混雑 answers sent again: {}\n\
         reads: {} in {:.1} s = {:.1} reads/s\n\n{:<20} {:>6} {:>9} {:>9} {:>9}\n",
        cfg.flows,
        cfg.concurrency,
        flow_secs,
        rate,
        cfg.limit.cores,
        ms(cfg.limit.check),
        limit,
        100.0 * rate / limit,
        counters.busy.load(Ordering::SeqCst),
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn record(t: &Mutex<Timings>, step: &'static str, since: Instant) {
    if let Ok(mut t) = t.lock() {
        t.0.entry(step).or_default().push(since.elapsed());
    }
}

/// Sends the request `make` builds; after 混雑 (503 `busy`) waits what
/// `Retry-After` says and sends it again, a bounded number of times.
async fn send(
    make: impl Fn() -> reqwest::RequestBuilder,
    counters: &Counters,
) -> anyhow::Result<reqwest::Response> {
    for _ in 0..BUSY_RETRIES {
        let resp = make().send().await?;
        let after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match after {
            Some(secs) if resp.status() == 503 && secs <= 2 => {
                counters.busy.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(secs)).await;
            }
            _ => return Ok(resp),
        }
    }
    anyhow::bail!("still 混雑 after {BUSY_RETRIES} tries")
}

/// One whole linkage at the union whose URLs start with `union`; returns
/// the access token.
async fn linkage(
    cfg: &BenchConfig,
    union: &str,
    c: &Who,
    timings: &Mutex<Timings>,
    counters: &Counters,
) -> anyhow::Result<String> {
    let (y, m, d) = c.birth;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url = |p: &str| format!("{}{union}{p}", cfg.base());
    let redirect = format!("{}/demo/callback", cfg.public());
    let verifier = random_token();
    let challenge = pkce_challenge(&verifier);
    let t = Instant::now();
    let form = ParForm {
        response_type: "code".into(),
        redirect_uri: redirect.clone(),
        scope: "account_info".into(),
        state: "bench".into(),
        code_challenge: challenge.clone(),
        code_challenge_method: "S256".into(),
        ..Default::default()
    };
    let par: ParAnswer = send(
        || {
            http.post(url(oauth::PAR_PATH))
                .basic_auth(CLIENT.0, Some(CLIENT.1))
                .form(&form)
        },
        counters,
    )
    .await?
    .error_for_status()?
    .json()
    .await?;
    record(timings, "par", t);
    let t = Instant::now();
    let request_uri = par.request_uri.as_str();
    send(
        || {
            http.get(url(oauth::AUTHORIZE_PATH))
                .query(&[("client_id", CLIENT.0), ("request_uri", request_uri)])
        },
        counters,
    )
    .await?;
    let view: FlowView = send(|| http.get(url(api::FLOW_PATH)), counters)
        .await?
        .error_for_status()?
        .json()
        .await?;
    record(timings, "authorize", t);
    let csrf = view.csrf_token;
    let post = |path: &'static str, body: Body| {
        let (http, csrf, url) = (&http, &csrf, &url);
        async move {
            send(
                || {
                    http.post(url(path))
                        .header(api::CSRF_HEADER, csrf)
                        .json(&body)
                },
                counters,
            )
            .await
        }
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
            api::ACCOUNT_PATH,
            Body::Account(AccountForm {
                branch: c.branch.to_string(),
                kind: c.kind.to_string(),
                number: c.number.to_string(),
            }),
        )
        .await?,
    )?;
    let email = "bench@example.jp";
    let t = Instant::now();
    let customer = CustomerForm {
        name: c.kana.to_string(),
        birth_year: y.to_string(),
        birth_month: m.to_string(),
        birth_day: d.to_string(),
        phone: c.phone.to_string(),
        email: email.into(),
        email_confirm: email.into(),
    };
    step(
        "customer",
        t,
        post(api::CUSTOMER_PATH, Body::Customer(customer)).await?,
    )?;
    let t = Instant::now();
    step("soa208", t, post(api::PHONE_PATH, Body::Empty {}).await?)?;
    let t = Instant::now();
    let shown: CallChallenge = step(
        "soa209 open",
        t,
        post(api::CALL_PATH, Body::Empty {}).await?,
    )?
    .json()
    .await?;
    // The number this flow's screen shows (one of the pool).
    let called = shown.callback_number;
    // The call; if a concurrent linkage of the same customer took it, call again.
    let t = Instant::now();
    let mut confirmed = false;
    for _ in 0..50 {
        let now = jiff::Timestamp::now();
        renkei_carrier::send_signed_call(
            &http,
            cfg.base(),
            &cfg.telephony_secret,
            &c.phone,
            &called,
            now,
        )
        .await?;
        if post(api::CALL_CONFIRM_PATH, Body::Empty {})
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
        post(
            api::PIN_PATH,
            Body::Pin(PinForm {
                pin: c.pin.to_string(),
            }),
        )
        .await?,
    )?;
    let t = Instant::now();
    let done: Finished = step(
        "consent",
        t,
        post(
            api::CONSENT_PATH,
            Body::Consent(ConsentForm { agree: true }),
        )
        .await?,
    )?
    .json()
    .await?;
    let back = url::Url::parse(&done.return_to)?;
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let t = Instant::now();
    let form = TokenForm {
        grant_type: "authorization_code".into(),
        code: Some(code),
        redirect_uri: Some(redirect),
        code_verifier: Some(verifier),
        ..Default::default()
    };
    let tok: TokenResponse = send(
        || {
            http.post(url(oauth::TOKEN_PATH))
                .basic_auth(CLIENT.0, Some(CLIENT.1))
                .form(&form)
        },
        counters,
    )
    .await?
    .error_for_status()?
    .json()
    .await?;
    record(timings, "token", t);
    Ok(tok.access_token)
}

/// A step's body, each the shared type its path takes.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Body {
    Account(AccountForm),
    Customer(CustomerForm),
    Pin(PinForm),
    Consent(ConsentForm),
    /// `{}`: a decision that carries nothing else.
    Empty {},
}
