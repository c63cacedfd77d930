//! The demo bank's data (`RENKEI_DEMO=1`): the customers of
//! `renkei-fixture` loaded into the bank's records, each with about four
//! months of history — the seed's union's and a second union's
//! (`SECOND_CODE`, added here) — and the demo app's plain registration
//! (`client_secret_basic` with the documented demo secret). Idempotent: a
//! database that has the demo accounts keeps them.

use crate::admin::AccountRef;
use crate::clock::jst_date;
use crate::crypto::client_secret_digest;
use crate::db::{
    AuthMethod, Day, InstitutionProfile, LogStep, NewAccount, NewClient, NewTimeDeposit,
    NewTransaction, OpLog, Outcome, Tenant,
};
use crate::state::AppState;
use renkei_fixture::{
    CUSTOMERS, Customer, DEMO_CLIENT_ID, DEMO_CLIENT_NAME, DEMO_CLIENT_SECRET, SECOND_CODE,
    SECOND_CUSTOMERS, SECOND_NAME, SECOND_PROFILE,
};
use renkei_shared::domain::AccountKind;
use renkei_shared::kana::normalize_name;
use zeroize::Zeroizing;

pub async fn seed(app: &AppState) -> anyhow::Result<()> {
    let storage = &app.storage;
    // The root alias's union is the seed's しんくみ信用組合 until a profile
    // file or `institution add` says otherwise.
    if let Some(root) = storage.institution_by_id(app.root.0).await?
        && root.profile.is_empty()
    {
        let profile = InstitutionProfile {
            code: &root.code,
            name: &root.name,
            profile: renkei_fixture::FIRST_PROFILE,
        };
        storage.set_institution_profile(root.id, profile).await?;
    }
    // The fixed secret is set again at every start (demo mode only).
    let secret_hash = client_secret_digest(DEMO_CLIENT_SECRET);
    storage
        .upsert_client(NewClient {
            client_id: DEMO_CLIENT_ID,
            display_name: DEMO_CLIENT_NAME,
            redirect_uris: &[app.config.url(renkei_fixture::DEMO_REDIRECT_PATH)],
            auth_method: AuthMethod::ClientSecretBasic,
            secret_hash: Some(&secret_hash),
            jwks: None,
            jwks_uri: None,
            require_par: false,
            require_dpop: false,
            now: app.now_secs(),
        })
        .await?;
    // With a host gateway the records are the gateway's: nothing to load.
    if app.config.records_gateway.is_some() {
        return enable_everywhere(app, DEMO_CLIENT_ID).await;
    }
    // The platform's second union, with its own customers (issue #22).
    let second = match app.storage.institution_by_code(SECOND_CODE).await? {
        Some(row) => row.id,
        None => app
            .storage
            .add_institution(
                InstitutionProfile {
                    code: SECOND_CODE,
                    name: SECOND_NAME,
                    profile: SECOND_PROFILE,
                },
                OpLog::new(app.now_secs(), LogStep::Staff, Outcome::InstitutionAdded),
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("institution {SECOND_CODE} appeared meanwhile"))?,
    };
    enable_everywhere(app, DEMO_CLIENT_ID).await?;
    let today = jst_date(app.clock.now());
    let seeded = seed_customers(app, &app.storage.tenant(second), &SECOND_CUSTOMERS, today).await?;
    let root = app.storage.tenant(app.root.0);
    let ours = seed_customers(app, &root, &CUSTOMERS, today).await?;
    // The benchmark's population, with the first union's demo customers.
    let synthetic = if ours > 0 {
        seed_synthetic(app, today).await?
    } else {
        0
    };
    if ours + seeded + synthetic > 0 {
        tracing::info!(accounts = ours + seeded + synthetic, "demo data seeded");
    }
    Ok(())
}

/// Switches the demo's app on at every union that has not switched it
/// either way (a union's staff decision stands across restarts).
pub async fn enable_everywhere(app: &AppState, client_id: &str) -> anyhow::Result<()> {
    let staff = crate::admin::Context::new(
        app.storage.clone(),
        app.storage.tenant(app.root.0),
        app.clock.now(),
    );
    for row in app.storage.institutions(None, None, 1000).await? {
        let tenant = app.storage.tenant(row.id);
        if tenant
            .app_switches()
            .await?
            .iter()
            .any(|s| s.client_id.as_str() == client_id)
        {
            continue;
        }
        let at = crate::admin::Context {
            tenant,
            ..staff.clone()
        };
        at.switch_app(client_id, true, "デモ環境の提携アプリ")
            .await?;
    }
    Ok(())
}

/// Loads `customers` into one union's records, once: they are there if the
/// first one is (a records import may have loaded other accounts before the
/// first start). How many were loaded.
async fn seed_customers(
    app: &AppState,
    tenant: &Tenant,
    customers: &[Customer],
    today: jiff::civil::Date,
) -> anyhow::Result<usize> {
    let first = AccountRef::parse(customers[0].branch, customers[0].kind, customers[0].number)?;
    if tenant
        .find_account(&first.branch, first.kind, &first.number)
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let mut ids = Vec::new();
    for c in customers {
        let pin_hash = match c.pin {
            // The configured parameters and pepper: a near-free run
            // (RENKEI_ARGON2_M_KIB=8 RENKEI_ARGON2_T=1) measures the rest.
            Some(pin) => Some(app.hasher.hash(Zeroizing::new(pin.to_owned())).await?),
            None => None,
        };
        let history = c.history(today);
        let history = transactions(&history);
        let deposits: Vec<NewTimeDeposit> = c
            .time_deposits(today)
            .iter()
            .map(|d| NewTimeDeposit {
                principal: d.principal,
                rate_bp: d.rate_bp,
                start_on: Day(d.start_on),
                maturity_on: Day(d.maturity_on),
            })
            .collect();
        let kind = AccountKind::parse(c.kind).map_err(|e| anyhow::anyhow!("{}", e.message()))?;
        let id = tenant
            .insert_account(NewAccount {
                branch: c.branch,
                kind,
                number: c.number,
                holder_kana: &normalize_name(c.kana),
                birth_date: Day(c.birth_date.parse()?),
                phone: c.phone,
                pin_hash: pin_hash.as_deref(),
                balance: c.balance(today),
                history: &history,
                time_deposits: &deposits,
            })
            .await?;
        ids.push(id);
    }
    // 口座移管 (FAQ 3 Q4): the old number moved to the new one.
    for (i, c) in customers.iter().enumerate() {
        if let Some(to) = c.moved_to {
            tenant.mark_moved(ids[i], ids[to], None).await?;
        }
    }
    Ok(ids.len())
}

/// The benchmark's population (`RENKEI_DEMO_CUSTOMERS=N`): N accounts in
/// branch 900, each with its own phone and PIN, hashed on the pool's
/// workers side by side.
async fn seed_synthetic(app: &AppState, today: jiff::civil::Date) -> anyhow::Result<usize> {
    use futures::{StreamExt, TryStreamExt};
    let n = app.config.demo_customers;
    let workers = app.config.hashing.workers.max(1);
    futures::stream::iter(0..n)
        .map(|i| async move {
            let c = renkei_fixture::synthetic(i);
            let pin_hash = app.hasher.hash(Zeroizing::new(c.pin.clone())).await?;
            anyhow::Ok((i, c, pin_hash))
        })
        .buffer_unordered(workers)
        .try_for_each(|(i, c, pin_hash)| async move {
            let history = c.history(today, i);
            let history = transactions(&history);
            let balance = history
                .last()
                .map_or(c.opening_balance, |t| t.balance_after);
            app.storage
                .tenant(app.root.0)
                .insert_account(NewAccount {
                    branch: c.branch,
                    kind: AccountKind::Ordinary,
                    number: &c.number,
                    holder_kana: &normalize_name(c.kana),
                    birth_date: Day(c.birth_date.parse()?),
                    phone: &c.phone,
                    pin_hash: Some(&pin_hash),
                    balance,
                    history: &history,
                    time_deposits: &[],
                })
                .await?;
            Ok(())
        })
        .await?;
    Ok(n)
}

fn transactions(history: &[renkei_fixture::Transaction]) -> Vec<NewTransaction<'_>> {
    history
        .iter()
        .map(|t| NewTransaction {
            booked_on: Day(t.booked_on),
            description: t.description,
            amount_in: t.amount_in,
            amount_out: t.amount_out,
            balance_after: t.balance_after,
        })
        .collect()
}
