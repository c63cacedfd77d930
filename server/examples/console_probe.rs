//! The staff console at scale (issue #22, `scripts/bench.sh` with
//! UNIONS=N): times the console's union list and account lookup against a
//! running server, over HTTP, as the console's own requests. A staff
//! session is made the way a passkey sign-in ends (`testkit`, hence an
//! example and not the bench's driver: the server the bench measures is
//! built without it). Not a test: it prints figures.
//!
//! Usage: DATABASE_URL=… console_probe URL UNION_CODE BRANCH KIND NUMBER

use renkei_server::db::Storage;
use renkei_shared::staff::{StaffRole, paths};
use std::time::{Duration, Instant};

const TIMES: usize = 200;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, code, branch, kind, number] = args.as_slice() else {
        anyhow::bail!("usage: console_probe URL UNION_CODE BRANCH KIND NUMBER");
    };
    let storage = Storage::connect(&std::env::var("DATABASE_URL")?).await?;
    let now = jiff::Timestamp::now().as_second();
    let union = storage
        .institution_by_code(code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no union {code}"))?;
    let platform = session(&storage, None, "基盤 運用", StaffRole::Operator, now).await?;
    let member = session(
        &storage,
        Some(union.id),
        "窓口 計測",
        StaffRole::Operator,
        now,
    )
    .await?;
    let http = reqwest::Client::new();
    let account = paths::ACCOUNT
        .replace("{branch}", branch)
        .replace("{kind}", kind)
        .replace("{number}", number);
    let probes = [
        (
            "union list, first page",
            &platform,
            paths::INSTITUTIONS.to_owned(),
        ),
        (
            "union list, a middle page",
            &platform,
            format!("{}?after={code}", paths::INSTITUTIONS),
        ),
        (
            "union list, searched by name",
            &platform,
            format!("{}?search=%E3%83%99%E3%83%B3%E3%83%81", paths::INSTITUTIONS),
        ),
        ("account lookup, union staff", &member, account.clone()),
        (
            "account lookup, platform staff",
            &platform,
            format!("{account}?institution={code}"),
        ),
    ];
    println!(
        "{:<32} {:>5} {:>8} {:>8} {:>8} {:>8}",
        "console request", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for (name, cookie, path) in probes {
        let mut times = Vec::with_capacity(TIMES);
        for _ in 0..TIMES {
            let t = Instant::now();
            let resp = http
                .get(format!("{url}{path}"))
                .header("cookie", cookie.as_str())
                .send()
                .await?;
            anyhow::ensure!(resp.status().is_success(), "{name}: {}", resp.status());
            resp.bytes().await?;
            times.push(t.elapsed());
        }
        times.sort();
        let q = |p: f64| ms(times[((times.len() as f64 - 1.0) * p).round() as usize]);
        println!(
            "{name:<32} {TIMES:>5} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            q(0.5),
            q(0.95),
            q(0.99),
            q(1.0)
        );
    }
    Ok(())
}

/// A signed-in session's cookie for a new member (`None`: platform staff).
async fn session(
    storage: &Storage,
    institution: Option<i64>,
    name: &str,
    role: StaffRole,
    now: i64,
) -> anyhow::Result<String> {
    let (token, _csrf) =
        renkei_server::testkit::staff_session_of(storage, institution, name, role, now).await?;
    Ok(format!(
        "{}={token}",
        renkei_server::staff::cookie_name(false)
    ))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
