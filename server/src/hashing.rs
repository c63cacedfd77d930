//! argon2id, bounded by the machine. Every PIN hash and check runs on a
//! pool of `RENKEI_HASH_WORKERS` threads (default: the number of CPUs),
//! behind a queue of `RENKEI_HASH_QUEUE` jobs. Each worker reuses its own
//! memory block for every check and every new hash. A job that finds
//! the queue full is refused at once (the caller answers 混雑, 503 with
//! `Retry-After`) instead of piling up threads: the server's memory does
//! not grow with concurrency beyond workers × m KiB.
//!
//! PINs are peppered: argon2's secret input is a key the database never
//! holds (`RENKEI_PIN_PEPPER_FILE`), named in each hash by its `keyid`, so
//! a stolen database alone does not give the 10,000 PINs away, and the
//! pepper can be rotated (README).

use crate::config::{HashSettings, Pepper};
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, KeyId, Params, ParamsBuilder, Version};
use rand::rngs::OsRng;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;
use zeroize::Zeroizing;

/// Why a hash or a check did not happen.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every worker is busy and the queue is full: try again shortly.
    #[error("the hashing queue is full")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

enum Job {
    Hash(Zeroizing<String>, oneshot::Sender<anyhow::Result<String>>),
    Verify(
        Zeroizing<String>,
        String,
        oneshot::Sender<anyhow::Result<bool>>,
    ),
}

/// A full queue is the seed's 混雑 (`busy`); anything else a system error.
impl From<HashError> for crate::error::AppError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => crate::error::AppError::Code(renkei_shared::ErrorCode::Busy),
            HashError::Internal(e) => crate::error::AppError::Internal(e),
        }
    }
}

/// The pool's handle; cheap to clone.
#[derive(Clone)]
pub struct Hasher {
    /// Each job with the instant it was queued (the wait is a metric).
    jobs: SyncSender<(Instant, Job)>,
}

struct Worker {
    settings: Arc<HashSettings>,
    /// Reused for every check; grows only for a stored hash of larger m.
    memory: Vec<Block>,
}

impl Hasher {
    /// Starts the workers.
    pub fn start(settings: HashSettings) -> anyhow::Result<Hasher> {
        // Fail at start, not at the first PIN, on parameters argon2 refuses.
        new_params(&settings, None)?;
        let (jobs, queue) = sync_channel(settings.queue);
        let queue = Arc::new(Mutex::new(queue));
        let settings = Arc::new(settings);
        for i in 0..settings.workers.max(1) {
            let queue = queue.clone();
            let settings = settings.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    Worker {
                        settings,
                        memory: Vec::new(),
                    }
                    .run(&queue)
                })?;
        }
        Ok(Hasher { jobs })
    }

    /// A new PHC string for `secret`, peppered with the current pepper.
    pub async fn hash(&self, secret: Zeroizing<String>) -> Result<String, HashError> {
        let (tx, rx) = oneshot::channel();
        self.submit(Job::Hash(secret, tx))?;
        Ok(rx.await.map_err(anyhow::Error::from)??)
    }

    /// Whether `secret` matches `phc`, in constant time. A malformed stored
    /// hash, or one peppered with a key this server does not have, is an
    /// error, never a mismatch (that would count against the customer).
    pub async fn verify(&self, secret: Zeroizing<String>, phc: String) -> Result<bool, HashError> {
        let (tx, rx) = oneshot::channel();
        self.submit(Job::Verify(secret, phc, tx))?;
        Ok(rx.await.map_err(anyhow::Error::from)??)
    }

    fn submit(&self, job: Job) -> Result<(), HashError> {
        match self.jobs.try_send((Instant::now(), job)) {
            Ok(()) => {
                crate::telemetry::hash_queued();
                Ok(())
            }
            Err(TrySendError::Full(_)) => {
                crate::telemetry::hash_refused();
                Err(HashError::Busy)
            }
            Err(TrySendError::Disconnected(_)) => {
                Err(anyhow::anyhow!("the hashing workers are gone").into())
            }
        }
    }
}

impl Worker {
    fn run(mut self, queue: &Mutex<Receiver<(Instant, Job)>>) {
        loop {
            let job = match queue.lock() {
                Ok(q) => q.recv(),
                Err(poisoned) => poisoned.into_inner().recv(),
            };
            let job = job.map(|(queued, job)| {
                crate::telemetry::hash_taken(queued.elapsed());
                job
            });
            match job {
                Ok(Job::Hash(secret, reply)) => {
                    let _ = reply.send(self.hash(&secret));
                }
                Ok(Job::Verify(secret, phc, reply)) => {
                    let _ = reply.send(self.verify(&secret, &phc));
                }
                // The server is shutting down.
                Err(_) => return,
            }
        }
    }

    fn hash(&mut self, secret: &str) -> anyhow::Result<String> {
        let pepper = self.settings.peppers.first();
        let params = new_params(&self.settings, pepper)?;
        let key = pepper.map(|p| p.key.as_slice()).unwrap_or_default();
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut salt_buf)
            .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        let params_string =
            ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
        let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let argon = Argon2::new_with_secret(key, Algorithm::Argon2id, Version::V0x13, params)
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
        // The worker's own memory, as a check uses it: argon2's
        // `hash_password` would allocate m KiB afresh, which the allocator
        // keeps around after each hash (a seed of 36 PINs held 150 MB).
        let memory = blocks_of(&mut self.memory, argon.params().block_count());
        let output = Output::init_with(output_len, |out| {
            argon
                .hash_password_into_with_memory(secret.as_bytes(), salt_bytes, out, memory)
                .map_err(|_| password_hash::Error::Crypto)
        })
        .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))?;
        Ok(PasswordHash {
            algorithm: argon2::ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: params_string,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        }
        .to_string())
    }

    fn verify(&mut self, secret: &str, phc: &str) -> anyhow::Result<bool> {
        let parsed = PasswordHash::new(phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        anyhow::ensure!(
            parsed.algorithm == argon2::ARGON2ID_IDENT,
            "stored hash is not argon2id"
        );
        let params =
            Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("stored hash params: {e}"))?;
        let key: &[u8] = if params.keyid().is_empty() {
            &[]
        } else {
            let pepper = self
                .settings
                .peppers
                .iter()
                .find(|p| p.id.as_bytes() == params.keyid())
                .ok_or_else(|| anyhow::anyhow!("no pepper for a stored hash's key id"))?;
            &pepper.key
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            anyhow::bail!("stored hash without salt or output");
        };
        let mut salt_buf = [0u8; 64];
        let salt = salt
            .decode_b64(&mut salt_buf)
            .map_err(|e| anyhow::anyhow!("stored salt: {e}"))?;
        let blocks = params.block_count();
        let argon = Argon2::new_with_secret(key, Algorithm::Argon2id, Version::V0x13, params)
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
        let mut out = Zeroizing::new(vec![0u8; expected.len()]);
        argon
            .hash_password_into_with_memory(
                secret.as_bytes(),
                salt,
                &mut out,
                blocks_of(&mut self.memory, blocks),
            )
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
        Ok(bool::from(out.as_slice().ct_eq(expected.as_bytes())))
    }
}

/// The first `blocks` of a worker's memory, grown when a stored hash asks
/// for more than any before it.
fn blocks_of(memory: &mut Vec<Block>, blocks: usize) -> &mut [Block] {
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    &mut memory[..blocks]
}

/// The parameters of a new hash, naming the pepper it is made with.
fn new_params(s: &HashSettings, pepper: Option<&Pepper>) -> anyhow::Result<Params> {
    let mut b = ParamsBuilder::new();
    b.m_cost(s.m_kib).t_cost(s.t).p_cost(s.p);
    if let Some(p) = pepper {
        b.keyid(KeyId::new(p.id.as_bytes()).map_err(|e| anyhow::anyhow!("pepper id: {e}"))?);
    }
    b.build()
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(peppers: Vec<Pepper>) -> HashSettings {
        HashSettings {
            m_kib: 64,
            t: 1,
            p: 1,
            workers: 1,
            queue: 4,
            peppers,
        }
    }

    fn pepper(id: &str, key: &[u8]) -> Pepper {
        Pepper {
            id: id.into(),
            key: Zeroizing::new(key.to_vec()),
        }
    }

    fn z(s: &str) -> Zeroizing<String> {
        Zeroizing::new(s.into())
    }

    #[tokio::test]
    async fn round_trip_with_the_pepper_named_in_the_hash() {
        let h = Hasher::start(settings(vec![pepper("k1", b"sixteen byte key")])).unwrap();
        let phc = h.hash(z("1234")).await.unwrap();
        assert!(
            phc.starts_with("$argon2id$v=19$m=64,t=1,p=1,keyid="),
            "{phc}"
        );
        assert!(h.verify(z("1234"), phc.clone()).await.unwrap());
        assert!(!h.verify(z("1235"), phc.clone()).await.unwrap());
        // A standard PHC string: argon2's own verifier, given the pepper, agrees.
        use argon2::PasswordVerifier;
        let standard = Argon2::new_with_secret(
            b"sixteen byte key",
            Algorithm::Argon2id,
            Version::V0x13,
            Params::default(),
        )
        .unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(standard.verify_password(b"1234", &parsed).is_ok());
        assert!(standard.verify_password(b"1235", &parsed).is_err());

        // Rotated: a new pepper first, the old one still verifies old hashes.
        let rotated = Hasher::start(settings(vec![
            pepper("k2", b"another key here"),
            pepper("k1", b"sixteen byte key"),
        ]))
        .unwrap();
        assert!(rotated.verify(z("1234"), phc.clone()).await.unwrap());
        // Without the pepper the hash names, it is an error, not "wrong PIN".
        let without = Hasher::start(settings(vec![pepper("k2", b"another key here")])).unwrap();
        assert!(matches!(
            without.verify(z("1234"), phc).await,
            Err(HashError::Internal(_))
        ));
    }

    #[tokio::test]
    async fn the_same_pin_under_another_pepper_does_not_verify() {
        let a = Hasher::start(settings(vec![pepper("k1", b"sixteen byte key")])).unwrap();
        let b = Hasher::start(settings(vec![pepper("k1", b"a different key!")])).unwrap();
        let phc = a.hash(z("1234")).await.unwrap();
        assert!(!b.verify(z("1234"), phc).await.unwrap());
    }

    #[test]
    fn a_full_queue_is_busy_at_once() {
        // No worker ever takes a job: capacity 1, then busy.
        let (jobs, _queue) = sync_channel(1);
        let h = Hasher { jobs };
        let (tx, _rx) = oneshot::channel();
        assert!(h.submit(Job::Hash(z("1"), tx)).is_ok());
        let (tx, _rx) = oneshot::channel();
        assert!(matches!(
            h.submit(Job::Hash(z("2"), tx)),
            Err(HashError::Busy)
        ));
    }
}
