//! What every handler can reach. Nothing about a linkage lives here: flow
//! state is in the database only, so any instance can serve any request.

use crate::clock::SharedClock;
use crate::config::Config;
use crate::config::institution::Profile;
use crate::db::InstitutionRow;
use crate::db::{Storage, Tenant};
use crate::hashing::Hasher;
use crate::records::gateway::Gateway;
use crate::records::port::Records;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The credit union an `AppState` serves (see `tenancy`).
#[derive(Clone, Debug)]
pub struct Institution {
    pub id: i64,
    /// 金融機関コード.
    pub code: String,
    /// Its URLs' prefix: `""` at the root URLs (the first union's),
    /// `/institutions/{code}` under its own.
    pub base: String,
    pub profile: Arc<Profile>,
    /// Suspended by the platform: its customers get service_unavailable,
    /// its tokens stop.
    pub suspended: bool,
}

#[derive(Clone)]
pub struct AppState {
    /// The whole database: the platform's own rows (apps, institutions,
    /// staff sign-in, shared keys) and the sweeps over every union.
    pub storage: Storage,
    /// The credit union this state serves: the first union in the router's
    /// state, the request's in a handler's (`tenancy::Scoped`).
    pub institution: Arc<Institution>,
    /// That union's part of the database: its records, flows, grants,
    /// mail, log and staff.
    pub tenant: Tenant,
    /// Every union's parsed profile.
    pub profiles: Arc<Profiles>,
    /// The bank's records: the embedded tables or the host gateway.
    pub records: Records,
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

impl AppState {
    /// The same state for one request of a union: its part of the
    /// database (`tenant`, the request's statements sharing one
    /// connection) and its `records` (see `tenancy::state_for`).
    pub fn for_institution(
        &self,
        institution: Institution,
        tenant: Tenant,
        records: Records,
    ) -> AppState {
        AppState {
            records,
            tenant,
            institution: Arc::new(institution),
            ..self.clone()
        }
    }

    /// The union's issuer identifier (RFC 8414 / RFC 9207): the public URL
    /// and its prefix, without a trailing slash.
    pub fn issuer(&self) -> String {
        format!("{}{}", self.config.issuer(), self.institution.base)
    }

    /// An absolute URL of one of the union's paths.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer())
    }

    /// Failed attempts a day before this union's customers are locked
    /// (B84): its profile's, else the deployment's.
    pub fn lockout_threshold(&self) -> i64 {
        self.institution
            .profile
            .lockout_threshold
            .unwrap_or(self.config.lockout_threshold)
    }

    /// The toll-free numbers SOA209 shows this union's customers.
    pub fn callback_numbers(&self) -> &[String] {
        self.institution
            .profile
            .callback_numbers
            .as_deref()
            .unwrap_or(&self.config.telephony.callback_numbers)
    }

    /// A path of the union's, as the browser reaches it.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.institution.base)
    }

    /// Now, in unix seconds (how the database keeps instants).
    pub fn now_secs(&self) -> i64 {
        self.clock.now().as_second()
    }
}

/// Parsed profiles by institution, parsed again only when the stored text
/// changes (bounded by the number of institutions), each with the client
/// of its host gateway, if it names one (built once: a TLS client reads
/// its certificates).
#[derive(Default)]
pub struct Profiles(Mutex<HashMap<i64, Parsed>>);

struct Parsed {
    text: String,
    profile: Arc<Profile>,
    gateway: Option<Result<Gateway, String>>,
}

impl Profiles {
    pub fn of(&self, row: &InstitutionRow) -> Arc<Profile> {
        self.union(row).0
    }

    /// The union's profile and its gateway's client (`None`: its records
    /// are the embedded tables; an error: the client could not be built,
    /// e.g. a certificate file missing on this instance).
    pub fn union(&self, row: &InstitutionRow) -> (Arc<Profile>, Option<Result<Gateway, String>>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = map.get(&row.id)
            && p.text == row.profile
        {
            return (p.profile.clone(), p.gateway.clone());
        }
        // Stored only after this reader accepted it; a row changed behind
        // its back still shows its name and code, the rest the defaults'.
        let mut profile = Profile::parse(&row.profile).unwrap_or_else(|_| Profile::demo());
        profile.public.code = row.code.clone();
        let gateway = profile.records.as_ref().map(|s| {
            Gateway::new(s).map_err(|e| {
                tracing::error!(institution = %row.code, error = ?e, "the union's host gateway client");
                format!("{e:#}")
            })
        });
        let profile = Arc::new(profile);
        map.insert(
            row.id,
            Parsed {
                text: row.profile.clone(),
                profile: profile.clone(),
                gateway: gateway.clone(),
            },
        );
        (profile, gateway)
    }
}
