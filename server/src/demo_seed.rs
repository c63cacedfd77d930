//! The demo data (`RENKEI_DEMO=1`): the four customers of the README, each
//! with about four months of daily-ish history, and the demo app as a
//! registered client. Idempotent: a database that has them is left alone.

use crate::clock::jst_date;
use crate::routes::demo::{DEMO_CLIENT_ID, DEMO_CLIENT_NAME, DEMO_CLIENT_SECRET};
use crate::security::hash_secret;
use crate::state::AppState;
use crate::storage::{NewAccount, NewClient, NewTransaction};
use jiff::ToSpan;
use jiff::civil::Date;

struct DemoCustomer {
    branch: &'static str,
    kind: &'static str,
    number: &'static str,
    kana: &'static str,
    born: &'static str,
    phone: &'static str,
    pin: Option<&'static str>,
    status: &'static str,
    opening_balance: i64,
    time_deposit: bool,
}

const CUSTOMERS: &[DemoCustomer] = &[
    DemoCustomer {
        branch: "115",
        kind: "ordinary",
        number: "1100026",
        kana: "ﾃﾞ-ﾀ ﾀﾛｳ",
        born: "1980-01-01",
        phone: "09011113333",
        pin: Some("1234"),
        status: "active",
        opening_balance: 420_000,
        time_deposit: true,
    },
    DemoCustomer {
        branch: "005",
        kind: "savings",
        number: "0000123",
        kana: "ﾔﾏﾀﾞ ﾊﾅｺ",
        born: "1975-04-15",
        phone: "0272345678",
        pin: Some("5678"),
        status: "active",
        opening_balance: 1_250_000,
        time_deposit: false,
    },
    DemoCustomer {
        branch: "010",
        kind: "ordinary",
        number: "1234567",
        kana: "ｽｽﾞｷ ｲﾁﾛｳ",
        born: "1990-12-31",
        phone: "08012345678",
        pin: None,
        status: "active",
        opening_balance: 80_000,
        time_deposit: false,
    },
    // 口座移管: the old number first, then the new one it moved to.
    DemoCustomer {
        branch: "011",
        kind: "ordinary",
        number: "1111111",
        kana: "ｻﾄｳ ｼﾞﾛｳ",
        born: "1985-06-30",
        phone: "07055556666",
        pin: Some("4321"),
        status: "active",
        opening_balance: 0,
        time_deposit: false,
    },
    DemoCustomer {
        branch: "022",
        kind: "ordinary",
        number: "2222222",
        kana: "ｻﾄｳ ｼﾞﾛｳ",
        born: "1985-06-30",
        phone: "07055556666",
        pin: Some("4321"),
        status: "active",
        opening_balance: 310_000,
        time_deposit: false,
    },
];

pub async fn seed(app: &AppState) -> anyhow::Result<()> {
    let storage = &app.storage;
    // The demo app exchanges codes with a fixed, documented secret (demo
    // mode only); it is set again at every start.
    let secret_hash = hash_secret(DEMO_CLIENT_SECRET.to_owned()).await?;
    if storage.client_exists(DEMO_CLIENT_ID).await? {
        storage
            .set_client_secret(DEMO_CLIENT_ID, &secret_hash)
            .await?;
    } else {
        storage
            .insert_client(NewClient {
                client_id: DEMO_CLIENT_ID,
                display_name: DEMO_CLIENT_NAME,
                redirect_uris: &[crate::routes::demo::redirect_uri(app)],
                secret_hash: &secret_hash,
                now: app.now_secs(),
            })
            .await?;
    }
    // The demo app proper is a FAPI 2.0 client: PAR, private_key_jwt, DPoP.
    let fapi = crate::demo_client::DemoClient::load(app).await?;
    let fapi_id = crate::demo_client::FAPI_CLIENT_ID;
    if !storage.client_exists(fapi_id).await? {
        storage
            .insert_client(NewClient {
                client_id: fapi_id,
                display_name: DEMO_CLIENT_NAME,
                redirect_uris: &[crate::routes::demo::redirect_uri(app)],
                secret_hash: &secret_hash,
                now: app.now_secs(),
            })
            .await?;
    }
    storage
        .set_client_auth(fapi_id, "private_key_jwt", Some(&fapi.jwks()), true, true)
        .await?;
    if storage.count_accounts().await? > 0 {
        return Ok(());
    }
    let today = jst_date(app.clock.now());
    let mut ids = Vec::new();
    for (i, c) in CUSTOMERS.iter().enumerate() {
        let pin_hash = match c.pin {
            Some(pin) => Some(hash_secret(pin.to_owned()).await?),
            None => None,
        };
        let history = history(today, c.opening_balance, i as u64 + 1);
        let balance = history
            .last()
            .map(|t| t.balance_after)
            .unwrap_or(c.opening_balance);
        let deposit = if c.time_deposit {
            let start = today.checked_sub(200.days())?;
            let maturity = start.checked_add(1.year())?;
            Some((1_000_000, 20, start.to_string(), maturity.to_string()))
        } else {
            None
        };
        let id = storage
            .insert_account_with_history(
                NewAccount {
                    branch: c.branch,
                    kind: c.kind,
                    number: c.number,
                    holder_kana: c.kana,
                    birth_date: c.born,
                    phone: c.phone,
                    pin_hash: pin_hash.as_deref(),
                    status: c.status,
                    balance,
                },
                &history,
                deposit
                    .as_ref()
                    .map(|(p, r, s, m)| (*p, *r, s.as_str(), m.as_str())),
            )
            .await?;
        ids.push(id);
    }
    // 011-1111111 moved to 022-2222222 (FAQ 3 Q4).
    storage.mark_moved(ids[3], ids[4]).await?;
    tracing::info!(accounts = ids.len(), "demo data seeded");
    Ok(())
}

/// About four months of history ending today: salary on the 25th, rent on
/// the 27th, utilities, cash and card spending on some days. Deterministic
/// per customer so the demo looks the same on every machine.
fn history(today: Date, opening: i64, seed: u64) -> Vec<NewTransaction> {
    if opening == 0 {
        return Vec::new();
    }
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut balance = opening;
    let mut out = Vec::new();
    let Ok(start) = today.checked_sub(122.days()) else {
        return out;
    };
    let mut day = start;
    while day <= today {
        let mut push = |desc: &str, amount_in: i64, amount_out: i64, balance: &mut i64| {
            *balance += amount_in - amount_out;
            out.push(NewTransaction {
                booked_on: day.to_string(),
                description: desc.to_owned(),
                amount_in,
                amount_out,
                balance_after: *balance,
            });
        };
        if day.day() == 25 {
            push("ｷﾕｳﾖ ｶ)ﾃﾞ-ﾀｼｮｳｼﾞ", 248_000, 0, &mut balance);
        }
        if day.day() == 27 {
            push("ﾌﾘｺﾐ ﾔﾁﾝ", 0, 78_000, &mut balance);
        }
        if day.day() == 10 {
            push("ﾃﾞﾝｷﾘﾖｳｷﾝ", 0, 6_000 + next(6_000) as i64, &mut balance);
        }
        match next(10) {
            0..=2 => {
                let amt = (1 + next(20) as i64) * 1_000;
                if balance > amt {
                    push("ATM ｼﾕﾂｷﾝ", 0, amt, &mut balance);
                }
            }
            3..=4 => {
                let amt = 500 + next(12_000) as i64;
                if balance > amt {
                    push("ﾃﾞﾋﾞﾂﾄ ｶ-ﾄﾞ", 0, amt, &mut balance);
                }
            }
            _ => {}
        }
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    out
}
