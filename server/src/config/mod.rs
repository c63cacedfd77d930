//! Settings, all from the environment (twelve-factor), with the defaults
//! `make run` relies on. Parsed once at start; a bad value stops the server
//! with a message naming the variable.

mod hashing;
pub mod institution;
mod mail;
mod oauth;
mod read;
mod records;
mod staff;
mod telephony;

pub use hashing::{ARGON2_FLOOR, HashSettings, Pepper, hash_settings_from_env};
pub use mail::MailSettings;
pub use oauth::{OAuthSettings, Profile};
pub use read::ConfigError;
pub use records::GatewaySettings;
pub use staff::StaffSettings;
pub use telephony::TelephonySettings;

use hashing::hash_settings;
use jiff::Timestamp;
use read::{flag, ranged, var_nonzero, var_of};
use renkei_shared::domain::InstitutionCode;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

#[derive(Debug, Clone)]
pub struct Config {
    /// `RENKEI_LISTEN`, default 127.0.0.1:3000.
    pub listen: SocketAddr,
    /// `RENKEI_METRICS_LISTEN`: `/metrics` on its own address (for the
    /// scraper, inside the bank) and not on `listen`.
    pub metrics_listen: Option<SocketAddr>,
    /// `DATABASE_URL`, default a SQLite file under ./data/.
    pub database_url: String,
    /// `RENKEI_PUBLIC_URL`: the issuer and the base of every URL we hand out.
    pub public_url: Url,
    /// `RENKEI_DIST`: the built SPA (Trunk's output).
    pub dist_dir: PathBuf,
    /// `RENKEI_DEMO=1`: seed the demo data and serve the demo app at /demo.
    pub demo: bool,
    /// `RENKEI_DEMO_CUSTOMERS=N`: also seed the benchmark's N synthetic
    /// customers (`renkei_fixture::synthetic`). Demo mode only.
    pub demo_customers: usize,
    /// `RENKEI_RETENTION_DAYS`: a records import purges transactions booked
    /// longer ago (at least 92 days: the API serves three months).
    pub retention_days: i64,
    /// How long a graceful shutdown keeps serving after `/readyz` turned
    /// false (a load balancer's probe interval or more).
    pub shutdown_delay_secs: u64,
    /// `RENKEI_FLOW_TTL_SECS`: how long one linkage may take end to end.
    pub flow_ttl_secs: i64,
    /// `RENKEI_NOW` (RFC 3339): start the clock there. Demo/test mode only.
    pub now: Option<Timestamp>,
    /// `RENKEI_LOCKOUT_THRESHOLD`: failures per account per JST day that
    /// lock API linkage until 0:00 JST.
    pub lockout_threshold: i64,
    /// `RENKEI_MAX_INFLIGHT`: requests served at once; more are shed with
    /// 503 `busy` at once, never queued.
    pub max_inflight: usize,
    /// `RENKEI_REQUEST_TIMEOUT_SECS`: the most one request may take, its
    /// body included; a slower one gets 408 and lets its admission slot go.
    pub request_timeout_secs: u64,
    /// `RENKEI_HEADER_TIMEOUT_SECS`: the most a client may take to send a
    /// request's headers; then the connection is closed.
    pub header_timeout_secs: u64,
    /// `RENKEI_CALLBACK_*`, `RENKEI_TELEPHONY_SECRET`, `RENKEI_TWILIO_AUTH_TOKEN`:
    /// the toll-free numbers customers call and the carrier's webhooks.
    pub telephony: TelephonySettings,
    /// `RENKEI_SMTP_URL`, `RENKEI_OUTBOX_DIR`, `RENKEI_MAIL_POLL_SECS`: the
    /// completion mail (each union's from its profile's `mail_from`).
    pub mail: MailSettings,
    /// `RENKEI_ROOT_INSTITUTION`: the 金融機関コード of the union the root
    /// URLs are an alias of (its only issuer); unset, the union added first.
    pub root_institution: Option<String>,
    /// `RENKEI_INSTITUTION_FILE`'s text: the root alias's union's profile
    /// (TOML), written into its row at each start; checked when read.
    pub institution_file: Option<String>,
    /// `RENKEI_RECORDS_URL` and its TLS settings: the bank's host gateway
    /// serves the records instead of the embedded tables.
    pub records_gateway: Option<GatewaySettings>,
    /// `RENKEI_DEMO_APP_DB`: the demo fintech app's own database (demo
    /// mode); unset, a SQLite file beside the bank's, or under `data/`.
    pub demo_app_db: Option<String>,
    /// `RENKEI_THROTTLE_IP_PER_MIN` (default 30) and
    /// `RENKEI_THROTTLE_FLOW_PER_MIN` (default 10): SOA201 and identity
    /// attempts a minute per client IP and per flow.
    pub throttle_per_ip: std::num::NonZeroU32,
    pub throttle_per_flow: std::num::NonZeroU32,
    /// `RENKEI_TRUSTED_PROXIES`: comma-separated addresses of the reverse
    /// proxies whose `X-Forwarded-For` is believed (none by default).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// argon2id for PINs: `RENKEI_ARGON2_M_KIB`, `_T`, `_P` for new hashes
    /// (default 19456/2/1, no lower outside demo mode), the pool
    /// (`RENKEI_HASH_WORKERS`, default the CPUs; `RENKEI_HASH_QUEUE`) and
    /// the peppers (`RENKEI_PIN_PEPPER_FILE` or `RENKEI_PIN_PEPPER`).
    pub hashing: HashSettings,
    /// `RENKEI_PROFILE`, `RENKEI_REQUIRE_PAR`, `RENKEI_DPOP_NONCE`,
    /// `RENKEI_JWKS_ALLOW_LOOPBACK`: what the OAuth endpoints require.
    pub oauth: OAuthSettings,
    /// `RENKEI_METRICS_PUBLIC`: `/metrics` on the public listener when no
    /// `RENKEI_METRICS_LISTEN` is set (default: demo mode only).
    pub metrics_public: bool,
    /// `RENKEI_STAFF_*`, `RENKEI_THROTTLE_SIGN_IN_PER_MIN`: the staff
    /// console's address, origin, enrolment links and sign-in throttle.
    pub staff: StaffSettings,
}

/// `RENKEI_DEMO=1`: only a build with the demo data (the `fixture`
/// feature) has a demo mode; the production binary refuses the switch, so
/// none of the demo defaults below can apply to it.
fn demo_mode(get: &impl Fn(&str) -> Option<String>) -> Result<bool, ConfigError> {
    let on = matches!(
        var_of(get, "RENKEI_DEMO", "0").as_str(),
        "1" | "true" | "yes"
    );
    if on && !cfg!(feature = "fixture") {
        return Err(ConfigError {
            var: "RENKEI_DEMO",
            why: "this build has no demo (build with --features demo)".into(),
        });
    }
    Ok(on)
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Testable core: `get` looks a variable up.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |k: &'static str, default: &str| var_of(&get, k, default);
        let err = |var: &'static str, why: String| ConfigError { var, why };

        let listen = var("RENKEI_LISTEN", "127.0.0.1:3000")
            .parse()
            .map_err(|e| err("RENKEI_LISTEN", format!("{e}")))?;
        let public_url: Url = var("RENKEI_PUBLIC_URL", "http://127.0.0.1:3000")
            .parse()
            .map_err(|e| err("RENKEI_PUBLIC_URL", format!("{e}")))?;
        if !matches!(public_url.scheme(), "http" | "https") || public_url.cannot_be_a_base() {
            return Err(err("RENKEI_PUBLIC_URL", "must be an http(s) URL".into()));
        }
        let metrics_listen = match get("RENKEI_METRICS_LISTEN").filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                v.parse::<SocketAddr>()
                    .map_err(|e| err("RENKEI_METRICS_LISTEN", format!("{e}")))?,
            ),
        };
        let staff = staff::read(&get, &public_url)?;
        let demo = demo_mode(&get)?;
        let flow_ttl_secs: i64 = ranged(
            &get,
            "RENKEI_FLOW_TTL_SECS",
            "900",
            60..=3600,
            "seconds between 60 and 3600",
        )?;
        let now = match get("RENKEI_NOW").filter(|v| !v.is_empty()) {
            None => None,
            Some(_) if !demo => {
                return Err(err("RENKEI_NOW", "only allowed with RENKEI_DEMO=1".into()));
            }
            Some(v) => Some(
                v.parse::<Timestamp>()
                    .map_err(|e| err("RENKEI_NOW", format!("not RFC 3339: {e}")))?,
            ),
        };
        let demo_customers: usize = ranged(
            &get,
            "RENKEI_DEMO_CUSTOMERS",
            "0",
            0..=1_000_000,
            "a count between 0 and 1000000",
        )?;
        if demo_customers > 0 && !demo {
            return Err(err(
                "RENKEI_DEMO_CUSTOMERS",
                "only allowed with RENKEI_DEMO=1".into(),
            ));
        }
        let shutdown_delay_secs: u64 = ranged(
            &get,
            "RENKEI_SHUTDOWN_DELAY_SECS",
            if demo { "0" } else { "5" },
            0..=300,
            "seconds between 0 and 300",
        )?;
        let retention_days: i64 = ranged(
            &get,
            "RENKEI_RETENTION_DAYS",
            "100",
            92..=3650,
            "days between 92 and 3650",
        )?;
        let lockout_threshold: i64 = ranged(
            &get,
            "RENKEI_LOCKOUT_THRESHOLD",
            "5",
            1..=100,
            "a count between 1 and 100",
        )?;
        let max_inflight: usize = ranged(
            &get,
            "RENKEI_MAX_INFLIGHT",
            "256",
            1..=100_000,
            "a count between 1 and 100000",
        )?;
        let telephony = telephony::read(&get, demo)?;
        let root_institution = get("RENKEI_ROOT_INSTITUTION").filter(|v| !v.is_empty());
        if let Some(code) = &root_institution
            && !InstitutionCode::is_valid(code)
        {
            return Err(err("RENKEI_ROOT_INSTITUTION", InstitutionCode::RULE.into()));
        }
        let institution_file = match get("RENKEI_INSTITUTION_FILE").filter(|v| !v.is_empty()) {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| err("RENKEI_INSTITUTION_FILE", format!("{path}: {e}")))?;
                let profile = institution::Profile::parse_for(&text, demo).map_err(|e| {
                    err(
                        "RENKEI_INSTITUTION_FILE",
                        format!("{path}: {}: {}", e.key, e.why),
                    )
                })?;
                // The file names the union it is: the root alias's.
                if profile.public.code.is_empty() {
                    return Err(err(
                        "RENKEI_INSTITUTION_FILE",
                        format!("{path}: code: required (the union's 金融機関コード)"),
                    ));
                }
                if root_institution
                    .as_ref()
                    .is_some_and(|root| *root != profile.public.code)
                {
                    return Err(err(
                        "RENKEI_INSTITUTION_FILE",
                        format!("{path}: code: not RENKEI_ROOT_INSTITUTION"),
                    ));
                }
                Some(text)
            }
        };
        let records_gateway = records::read(&get, demo)?;
        let mail = mail::read(&get)?;
        let hashing = hash_settings(&get, demo)?;
        let per_minute =
            |var: &'static str, default: &str| self::var_nonzero(&var_of(&get, var, default), var);
        let throttle_per_ip = per_minute("RENKEI_THROTTLE_IP_PER_MIN", "30")?;
        let throttle_per_flow = per_minute("RENKEI_THROTTLE_FLOW_PER_MIN", "10")?;
        let trusted_proxies = var("RENKEI_TRUSTED_PROXIES", "")
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| a.parse::<std::net::IpAddr>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                err(
                    "RENKEI_TRUSTED_PROXIES",
                    format!("IP addresses, comma-separated: {e}"),
                )
            })?;
        let header_timeout_secs: u64 = ranged(
            &get,
            "RENKEI_HEADER_TIMEOUT_SECS",
            "10",
            1..=120,
            "seconds between 1 and 120",
        )?;
        let request_timeout_secs: u64 = ranged(
            &get,
            "RENKEI_REQUEST_TIMEOUT_SECS",
            "30",
            1..=300,
            "seconds between 1 and 300",
        )?;
        Ok(Config {
            throttle_per_ip,
            throttle_per_flow,
            trusted_proxies,
            hashing,
            request_timeout_secs,
            header_timeout_secs,
            listen,
            metrics_listen,
            staff,
            telephony,
            mail,
            root_institution,
            institution_file,
            records_gateway,
            demo_app_db: get("RENKEI_DEMO_APP_DB").filter(|v| !v.is_empty()),
            oauth: oauth::read(&get, demo)?,
            lockout_threshold,
            max_inflight,
            database_url: var("DATABASE_URL", "sqlite://data/renkei.db"),
            public_url,
            dist_dir: PathBuf::from(var("RENKEI_DIST", "dist")),
            demo,
            demo_customers,
            retention_days,
            shutdown_delay_secs,
            flow_ttl_secs,
            now,
            metrics_public: flag(&get, "RENKEI_METRICS_PUBLIC", demo)?,
        })
    }

    /// The issuer identifier (RFC 8414 / RFC 9207): the public URL without a
    /// trailing slash.
    pub fn issuer(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }

    /// An absolute URL under the public URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer(), path)
    }

    /// Cookies get `Secure` (and the `__Host-` prefix) when we are served
    /// over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    const PEPPER: (&str, &str) = ("RENKEI_PIN_PEPPER", "p1 c2l4dGVlbi1ieXRlLXBlcHBlcg==");

    #[test]
    fn defaults() {
        let c = cfg(&[PEPPER]).unwrap();
        assert_eq!((c.hashing.m_kib, c.hashing.t, c.hashing.p), (19456, 2, 1));
        assert_eq!(c.hashing.peppers[0].id, "p1");
        // Outside demo mode FAPI 2.0 is the profile, and PAR with it.
        assert_eq!(c.oauth.profile, Profile::Fapi2);
        assert!(c.oauth.require_par);
        let demo = cfg(&[("RENKEI_DEMO", "1")]).unwrap();
        assert_eq!(demo.oauth.profile, Profile::Plain);
        let forced = cfg(&[("RENKEI_DEMO", "1"), ("RENKEI_PROFILE", "fapi2")]).unwrap();
        assert!(forced.oauth.require_par);
        assert_eq!(
            cfg(&[PEPPER, ("RENKEI_PROFILE", "fapi1")]).unwrap_err().var,
            "RENKEI_PROFILE"
        );
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.issuer(), "http://127.0.0.1:3000");
        assert!(!c.demo && !c.secure_cookies());
    }

    #[test]
    fn renkei_now_needs_demo_mode() {
        let e = cfg(&[("RENKEI_NOW", "2026-01-01T00:00:00+09:00")]).unwrap_err();
        assert_eq!(e.var, "RENKEI_NOW");
        let c = cfg(&[
            ("RENKEI_NOW", "2026-01-01T00:00:00+09:00"),
            ("RENKEI_DEMO", "1"),
        ])
        .unwrap();
        assert_eq!(c.now.unwrap().to_string(), "2025-12-31T15:00:00Z");
    }

    #[test]
    fn a_bad_institution_file_stops_the_start_naming_its_key() {
        let dir = std::env::temp_dir().join(format!("renkei-inst-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("institution.toml");
        let whole = "name = \"ぐんまみらい信用組合\"\ncode = \"2011\"\n\
             contact_phone = \"0120-219-190\"\ncontact_hours = \"平日 9時～17時\"\n\
             terms_version = \"2026-10\"\nmail_from = \"ぐんまみらい <noreply@gunma.example>\"\n";
        std::fs::write(&path, whole.replace("\"2011\"", "\"20110\"")).unwrap();
        let file = path.display().to_string();
        let e = cfg(&[
            ("RENKEI_INSTITUTION_FILE", file.as_str()),
            ("RENKEI_DEMO", "1"),
        ])
        .unwrap_err();
        assert_eq!(e.var, "RENKEI_INSTITUTION_FILE");
        assert!(
            e.why.ends_with(": code: 4 digits (金融機関コード)"),
            "{}",
            e.why
        );
        // A profile must say who the union is: no key is filled from another's.
        std::fs::write(&path, "name = \"ぐんまみらい信用組合\"\ncode = \"2011\"\n").unwrap();
        let e = cfg(&[
            ("RENKEI_INSTITUTION_FILE", file.as_str()),
            ("RENKEI_DEMO", "1"),
        ])
        .unwrap_err();
        assert!(e.why.ends_with(": contact_phone: required"), "{}", e.why);
        std::fs::write(&path, whole).unwrap();
        let c = cfg(&[
            ("RENKEI_INSTITUTION_FILE", file.as_str()),
            ("RENKEI_DEMO", "1"),
        ])
        .unwrap();
        assert_eq!(c.institution_file.as_deref(), Some(whole));
        let e = cfg(&[
            ("RENKEI_INSTITUTION_FILE", file.as_str()),
            ("RENKEI_ROOT_INSTITUTION", "2999"),
            ("RENKEI_DEMO", "1"),
        ])
        .unwrap_err();
        assert!(
            e.why.ends_with(": code: not RENKEI_ROOT_INSTITUTION"),
            "{}",
            e.why
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_host_gateway_is_https_outside_demo_mode_with_a_bounded_timeout() {
        let e = cfg(&[PEPPER, ("RENKEI_RECORDS_URL", "http://gw.bank.example")]).unwrap_err();
        assert_eq!(e.var, "RENKEI_RECORDS_URL");
        let e = cfg(&[PEPPER, ("RENKEI_RECORDS_URL", "ftp://gw.bank.example")]).unwrap_err();
        assert_eq!(e.var, "RENKEI_RECORDS_URL");
        let e = cfg(&[
            PEPPER,
            ("RENKEI_RECORDS_URL", "https://gw.bank.example/api"),
            ("RENKEI_RECORDS_TIMEOUT_MS", "0"),
        ])
        .unwrap_err();
        assert_eq!(e.var, "RENKEI_RECORDS_TIMEOUT_MS");
        let c = cfg(&[
            PEPPER,
            ("RENKEI_RECORDS_URL", "https://gw.bank.example/api"),
        ])
        .unwrap();
        let g = c.records_gateway.unwrap();
        assert_eq!(g.url.as_str(), "https://gw.bank.example/api");
        assert_eq!(g.timeout, std::time::Duration::from_millis(3000));
        assert!(cfg(&[PEPPER]).unwrap().records_gateway.is_none());
    }

    #[test]
    fn the_staff_console_is_reached_by_name_not_by_loopback_address() {
        let c = cfg(&[("RENKEI_DEMO", "1")]).unwrap();
        assert_eq!(c.staff.url.as_str(), "http://localhost:3000/");
        let c = cfg(&[
            ("RENKEI_DEMO", "1"),
            ("RENKEI_PUBLIC_URL", "https://api.shinkumi.example"),
        ])
        .unwrap();
        assert_eq!(c.staff.url.as_str(), "https://api.shinkumi.example/");
        let e = cfg(&[
            ("RENKEI_DEMO", "1"),
            ("RENKEI_STAFF_LISTEN", "10.0.0.5:8443"),
        ])
        .unwrap_err();
        assert_eq!(e.var, "RENKEI_STAFF_URL");
    }

    #[test]
    fn the_benchmark_population_needs_demo_mode() {
        let e = cfg(&[("RENKEI_DEMO_CUSTOMERS", "10")]).unwrap_err();
        assert_eq!(e.var, "RENKEI_DEMO_CUSTOMERS");
        let c = cfg(&[("RENKEI_DEMO_CUSTOMERS", "10"), ("RENKEI_DEMO", "1")]).unwrap();
        assert_eq!(c.demo_customers, 10);
        let e = cfg(&[("RENKEI_DEMO_CUSTOMERS", "-1"), ("RENKEI_DEMO", "1")]).unwrap_err();
        assert_eq!(e.var, "RENKEI_DEMO_CUSTOMERS");
    }

    #[test]
    fn outside_demo_mode_pins_need_a_pepper_and_full_strength_argon2() {
        assert_eq!(cfg(&[]).unwrap_err().var, "RENKEI_PIN_PEPPER_FILE");
        let weak = [
            PEPPER,
            ("RENKEI_ARGON2_M_KIB", "8"),
            ("RENKEI_ARGON2_T", "1"),
        ];
        assert_eq!(cfg(&weak).unwrap_err().var, "RENKEI_ARGON2_M_KIB");
        let weak_t = [PEPPER, ("RENKEI_ARGON2_T", "1")];
        assert_eq!(cfg(&weak_t).unwrap_err().var, "RENKEI_ARGON2_T");
        // Demo mode: a near-free run is allowed, with the demo pepper.
        let demo = cfg(&[
            ("RENKEI_DEMO", "1"),
            ("RENKEI_ARGON2_M_KIB", "8"),
            ("RENKEI_ARGON2_T", "1"),
        ])
        .unwrap();
        assert_eq!((demo.hashing.m_kib, demo.hashing.t), (8, 1));
        assert_eq!(demo.hashing.peppers[0].id, "demo");
        // A short key is refused, naming the variable.
        let short = cfg(&[("RENKEI_PIN_PEPPER", "p1 c2hvcnQ=")]).unwrap_err();
        assert_eq!(short.var, "RENKEI_PIN_PEPPER");
        // Several lines: the first hashes, all verify (rotation).
        let two = "p2 YW5vdGhlci1zaXh0ZWVuLWJ5dGVz\np1 c2l4dGVlbi1ieXRlLXBlcHBlcg==";
        let c = cfg(&[("RENKEI_PIN_PEPPER", two)]).unwrap();
        let ids: Vec<&str> = c.hashing.peppers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["p2", "p1"]);
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            cfg(&[("RENKEI_LISTEN", "nope")]).unwrap_err().var,
            "RENKEI_LISTEN"
        );
        assert_eq!(
            cfg(&[("RENKEI_PUBLIC_URL", "ftp://x")]).unwrap_err().var,
            "RENKEI_PUBLIC_URL"
        );
        assert_eq!(
            cfg(&[("RENKEI_FLOW_TTL_SECS", "5")]).unwrap_err().var,
            "RENKEI_FLOW_TTL_SECS"
        );
    }
}
