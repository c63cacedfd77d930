//! What every handler can reach. Nothing about a linkage lives here: flow
//! state is in the database only, so any instance can serve any request.

use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::{Storage, Tenant};
use crate::hashing::Hasher;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    /// The whole database: the platform's own rows (apps, institutions,
    /// staff sign-in, shared keys) and the sweeps over every union.
    pub storage: Storage,
    /// The credit union this deployment's URLs serve (institution 1, the
    /// union it served before the platform): its records, flows, grants,
    /// mail, log and staff.
    pub tenant: Tenant,
    /// The bank's records: the embedded tables or the host gateway.
    pub records: crate::records::port::Records,
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
    /// Now, in unix seconds (how the database keeps instants).
    pub fn now_secs(&self) -> i64 {
        self.clock.now().as_second()
    }
}
