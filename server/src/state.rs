//! What every handler can reach: the platform's state, which holds nothing
//! of any credit union (a union's profile, issuer, records and rows are a
//! [`crate::tenancy::Union`], which a handler must ask for). Nothing about
//! a linkage lives here: flow state is in the database only, so any
//! instance can serve any request.

use crate::clock::SharedClock;
use crate::config::Config;
use crate::config::institution::Profile;
use crate::db::InstitutionRow;
use crate::db::Storage;
use crate::hashing::Hasher;
use crate::records::gateway::Gateway;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The credit union a [`crate::tenancy::Union`] serves.
#[derive(Clone, Debug)]
pub struct Institution {
    pub id: i64,
    /// 金融機関コード.
    pub code: String,
    /// Its URLs' prefix: `""` at the root URLs (the root alias's union:
    /// `RENKEI_ROOT_INSTITUTION`), `/institutions/{code}` for every other.
    pub base: String,
    pub profile: Arc<Profile>,
    /// Suspended by the platform: its customers get service_unavailable,
    /// its tokens stop.
    pub suspended: bool,
}

#[derive(Clone)]
pub struct AppState {
    /// The whole database: the platform's own rows (apps, institutions,
    /// staff sign-in, shared keys) and the sweeps over every union. A
    /// union's rows are reached through its `Union::tenant` only.
    pub storage: Storage,
    /// Every union's parsed profile.
    pub profiles: Arc<Profiles>,
    /// The root URLs' union (`RENKEI_ROOT_INSTITUTION`): an alias, resolved
    /// once at start; the only thing that makes a union reachable without
    /// its `/institutions/{code}` prefix.
    pub root: RootAlias,
    /// `RENKEI_RECORDS_URL`'s host gateway: the root alias's union's
    /// records when set (it wins over that union's profile).
    pub records_gateway: Option<Gateway>,
    /// argon2id for PINs, on its bounded pool.
    pub hasher: Hasher,
    pub config: Arc<Config>,
    /// Per-IP and per-flow limits on the steps that probe the records.
    pub throttles: Arc<crate::flow::throttle::Throttles>,
    pub clock: SharedClock,
    /// Signs and checks server-provided DPoP nonces (`oauth::nonce`).
    pub nonce_key: crate::oauth::nonce::NonceKey,
    /// Makes the passkeys an unknown staff name is asked for look real.
    pub staff_decoy_key: [u8; 32],
    /// Set when a graceful shutdown begins: `/readyz` answers 503 from then.
    pub shutting_down: Arc<std::sync::atomic::AtomicBool>,
}

/// Which union the root URLs are (`RENKEI_ROOT_INSTITUTION`, default the
/// first added): its id. That union has one issuer, the root URL; its
/// `/institutions/{code}` URLs redirect there (`tenancy::address`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootAlias(pub i64);

impl RootAlias {
    /// The root URLs' union: `RENKEI_ROOT_INSTITUTION`'s (`code`), else the
    /// union added first. Resolved once at start: the alias is a setting.
    pub async fn resolve(storage: &Storage, code: Option<&str>) -> anyhow::Result<InstitutionRow> {
        match code {
            Some(code) => storage.institution_by_code(code).await?.ok_or_else(|| {
                anyhow::anyhow!("RENKEI_ROOT_INSTITUTION: no credit union has code {code}")
            }),
            None => storage
                .oldest_institution()
                .await?
                .ok_or_else(|| anyhow::anyhow!("the platform has no credit union")),
        }
    }
}

impl AppState {
    /// Now, in unix seconds (how the database keeps instants).
    pub fn now_secs(&self) -> i64 {
        self.clock.now().as_second()
    }
}

/// A union's profile as its row holds it, parsed: the profile and its host
/// gateway's client (`None`: its records are the embedded tables; an
/// error: the client could not be built, e.g. a certificate file missing
/// on this instance).
pub type ParsedProfile = (Arc<Profile>, Option<Result<Gateway, String>>);

/// Parsed profiles by institution, parsed again only when the stored text
/// changes (bounded by the number of institutions), each with the client
/// of its host gateway, if it names one (built once: a TLS client reads
/// its certificates). A profile that does not parse is kept as its error:
/// that union is unavailable until its profile is fixed, never served with
/// another union's (or the demo's) values.
#[derive(Default)]
pub struct Profiles(Mutex<HashMap<i64, Parsed>>);

struct Parsed {
    text: String,
    parsed: Result<ParsedProfile, String>,
}

impl Profiles {
    /// The union's profile, or why its stored text is refused.
    pub fn union(&self, row: &InstitutionRow) -> Result<ParsedProfile, String> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = map.get(&row.id)
            && p.text == row.profile
        {
            return p.parsed.clone();
        }
        let parsed = Profile::for_union(&row.profile, &row.code)
            .map_err(|e| e.to_string())
            .map(|profile| {
                let gateway = profile.records.as_ref().map(|s| {
                    Gateway::new(s).map_err(|e| {
                        tracing::error!(institution = %row.code, error = ?e, "the union's host gateway client");
                        format!("{e:#}")
                    })
                });
                (Arc::new(profile), gateway)
            });
        if let Err(why) = &parsed {
            tracing::error!(institution = %row.code, %why, "the union's stored profile does not parse: its requests answer service_unavailable");
        }
        map.insert(
            row.id,
            Parsed {
                text: row.profile.clone(),
                parsed: parsed.clone(),
            },
        );
        parsed
    }
}
