//! The PIN-hashing settings: argon2id's parameters (never below OWASP's
//! floor outside demo mode), the pool's size and queue, and the peppers.

use super::read::{ConfigError, ranged};
use zeroize::Zeroizing;

/// How the pool is set up (from `Config`).
#[derive(Debug, Clone)]
pub struct HashSettings {
    /// Parameters for new hashes (RENKEI_ARGON2_M_KIB / _T / _P).
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    pub workers: usize,
    pub queue: usize,
    /// The first pepper hashes new PINs; all of them verify.
    pub peppers: Vec<Pepper>,
}

/// A PIN pepper: argon2's secret input, named by `id` in each hash.
#[derive(Clone)]
pub struct Pepper {
    /// At most 8 bytes (argon2's key id).
    pub id: String,
    pub key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pepper({}, ****)", self.id)
    }
}

/// The production floor for new PIN hashes (OWASP's argon2id minimum).
pub const ARGON2_FLOOR: (u32, u32, u32) = (19456, 2, 1);

/// Demo mode's pepper when none is set: the demo data's. Only a build with
/// the demo data has it (and a demo mode).
#[cfg(feature = "fixture")]
use renkei_fixture::DEMO_PEPPER;
#[cfg(not(feature = "fixture"))]
const DEMO_PEPPER: &str = "";

/// Peppers from `id base64-key` lines; the first hashes new PINs.
fn parse_peppers(text: &str) -> Result<Vec<Pepper>, String> {
    use base64::Engine;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, key) = line
            .split_once(char::is_whitespace)
            .ok_or(format!("line {}: expected `id base64-key`", n + 1))?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .map_err(|e| format!("line {}: key is not base64: {e}", n + 1))?;
        if id.is_empty() || id.len() > 8 || key.len() < 16 || key.len() > 64 {
            return Err(format!(
                "line {}: an id of 1-8 bytes and a key of 16-64 bytes",
                n + 1
            ));
        }
        out.push(Pepper {
            id: id.to_owned(),
            key: Zeroizing::new(key),
        });
    }
    if out.is_empty() {
        return Err("no pepper".into());
    }
    Ok(out)
}

/// The PIN hashing settings; a bad value names its variable.
pub(super) fn hash_settings(
    get: &impl Fn(&str) -> Option<String>,
    demo: bool,
) -> Result<HashSettings, ConfigError> {
    let err = |var: &'static str, why: String| ConfigError { var, why };
    let number = |var: &'static str, default: u32| {
        let default = default.to_string();
        ranged(get, var, &default, 1..=u32::MAX, "a positive whole number")
    };
    let (m_floor, t_floor, p_floor) = ARGON2_FLOOR;
    let m_kib = number("RENKEI_ARGON2_M_KIB", m_floor)?;
    let t = number("RENKEI_ARGON2_T", t_floor)?;
    let p = number("RENKEI_ARGON2_P", p_floor)?;
    if !demo {
        let below = [
            ("RENKEI_ARGON2_M_KIB", m_kib, m_floor),
            ("RENKEI_ARGON2_T", t, t_floor),
            ("RENKEI_ARGON2_P", p, p_floor),
        ];
        if let Some((var, _, floor)) = below.into_iter().find(|(_, v, f)| v < f) {
            return Err(err(var, format!("at least {floor} outside demo mode")));
        }
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let workers = number("RENKEI_HASH_WORKERS", cpus)? as usize;
    // A waiting check is a few bytes, not m KiB: the queue bounds the wait
    // (64 checks ≈ 1.2 s per worker at the floor), not memory.
    let queue = number("RENKEI_HASH_QUEUE", 64 * workers as u32)? as usize;
    let (var, text) = match (
        get("RENKEI_PIN_PEPPER_FILE").filter(|v| !v.is_empty()),
        get("RENKEI_PIN_PEPPER").filter(|v| !v.is_empty()),
    ) {
        (Some(path), _) => (
            "RENKEI_PIN_PEPPER_FILE",
            std::fs::read_to_string(&path)
                .map_err(|e| err("RENKEI_PIN_PEPPER_FILE", format!("{path}: {e}")))?,
        ),
        (None, Some(text)) => ("RENKEI_PIN_PEPPER", text),
        (None, None) if demo => ("RENKEI_PIN_PEPPER", DEMO_PEPPER.to_owned()),
        (None, None) => {
            return Err(err(
                "RENKEI_PIN_PEPPER_FILE",
                "required outside demo mode (lines of `id base64-key`)".into(),
            ));
        }
    };
    let peppers = parse_peppers(&text).map_err(|why| err(var, why))?;
    Ok(HashSettings {
        m_kib,
        t,
        p,
        workers,
        queue,
        peppers,
    })
}

/// The PIN-hashing settings alone, read as a server in demo mode (or not)
/// reads them: the benchmark times one check with the server's own code
/// and parameters.
pub fn hash_settings_from_env(demo: bool) -> Result<HashSettings, ConfigError> {
    hash_settings(&|k: &str| std::env::var(k).ok(), demo)
}
