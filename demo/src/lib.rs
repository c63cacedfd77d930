//! The demo fintech app 「しんくみアプリ with CRECO」: a stand-in for a real
//! household-budget app, built as one must be — a FAPI 2.0 client (PAR with
//! `private_key_jwt`, PKCE, DPoP-bound tokens) that talks to Renkei over
//! HTTP only, at Renkei's public URL, and keeps its keys and sessions in its
//! own SQLite file. It shares no code with the bank server beyond the wire
//! types.
//!
//! `make run` serves it under `/demo` on Renkei's own address (the server's
//! `demo` cargo feature mounts [`Demo::router`]); a production build of the
//! server does not contain this crate.
//!
//! - `routes`: the app's pages (home, link, callback, unlink, the demo phone)
//! - `account`: what the app shows once linked
//! - `client`: the OAuth client (PAR, token, refresh, revoke, API reads)
//! - `store`: the app's own storage

mod account;
mod client;
mod html;
mod routes;
mod store;

use std::sync::Arc;

pub use client::CLIENT_ID;
pub use renkei_fixture::DEMO_CLIENT_NAME as CLIENT_NAME;

/// A clock the demo reads: Renkei's, so a server started at `RENKEI_NOW`
/// and its demo app agree on what time it is.
pub type Clock = Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// A credit union the app offers (しんくみアプリ serves many): its name and
/// its issuer, all the app needs to know of it — the rest is discovery.
#[derive(Clone, Debug)]
pub struct Union {
    /// 金融機関コード.
    pub code: String,
    pub name: String,
    pub issuer: String,
}

/// How the demo app is set up.
pub struct Settings {
    /// Renkei's public URL: where the app itself is served (its redirect
    /// URI) and the carrier's webhook.
    pub issuer: String,
    /// The credit unions the customer may choose from; the first is chosen
    /// unless the customer picks another.
    pub unions: Vec<Union>,
    /// The app's own database (a SQLite URL).
    pub database_url: String,
    /// The carrier's webhook secret, for the demo phone.
    pub telephony_secret: Option<String>,
    /// The toll-free number the demo phone calls.
    pub callback_number: String,
    /// The bank's whole pool of callback numbers: the phone dials the one
    /// SOA209 shows (a number stays bound to its flow for a while).
    pub callback_numbers: Vec<String>,
    /// `Secure` cookies (Renkei is served over TLS).
    pub secure_cookies: bool,
    pub clock: Clock,
}

/// What the bank must register for this app (`client add --jwks-file`).
pub struct Registration {
    pub client_id: &'static str,
    pub name: &'static str,
    pub redirect_uri: String,
    /// The public keys only.
    pub jwks: String,
}

/// The running demo app.
#[derive(Clone)]
pub struct Demo(Arc<Inner>);

struct Inner {
    settings: Settings,
    store: store::Store,
    client: client::FapiClient,
    http: reqwest::Client,
    /// Each issuer's metadata, discovered once.
    discovered: std::sync::Mutex<std::collections::HashMap<String, client::Issuer>>,
}

impl Demo {
    /// Opens the app's storage (creating its keys on first start).
    pub async fn open(settings: Settings) -> anyhow::Result<Demo> {
        let store = store::Store::connect(&settings.database_url).await?;
        let client = client::FapiClient::load(&store).await?;
        Ok(Demo(Arc::new(Inner {
            settings,
            store,
            client,
            http: reqwest::Client::new(),
            discovered: std::sync::Mutex::default(),
        })))
    }

    /// The union with code `code`, or the first.
    fn union(&self, code: Option<&str>) -> Option<&Union> {
        let unions = &self.0.settings.unions;
        code.and_then(|c| unions.iter().find(|u| u.code == c))
            .or(unions.first())
    }

    /// The authorization server at `issuer`, by discovery: its metadata at
    /// the well-known path inserted before the issuer's own path (RFC 8414
    /// §3.1), whose `issuer` must be exactly the one asked for (§3.3).
    async fn discover(&self, issuer: &str) -> anyhow::Result<client::Issuer> {
        if let Some(known) = self
            .0
            .discovered
            .lock()
            .ok()
            .and_then(|d| d.get(issuer).cloned())
        {
            return Ok(known);
        }
        let url = url::Url::parse(issuer)?;
        let well_known = format!(
            "{}{}{}",
            url.origin().ascii_serialization(),
            renkei_shared::oauth::METADATA_PATH,
            url.path().trim_end_matches('/')
        );
        let metadata: client::Issuer = self
            .0
            .http
            .get(&well_known)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(
            metadata.issuer == issuer,
            "{well_known} names issuer {}, not {issuer}",
            metadata.issuer
        );
        if let Ok(mut d) = self.0.discovered.lock() {
            d.insert(issuer.to_owned(), metadata.clone());
        }
        Ok(metadata)
    }

    pub fn registration(&self) -> Registration {
        Registration {
            client_id: CLIENT_ID,
            name: CLIENT_NAME,
            redirect_uri: self.redirect_uri(),
            jwks: self.0.client.jwks(),
        }
    }

    /// The app's pages, under `/demo`.
    pub fn router(&self) -> axum::Router {
        routes::router().with_state(self.clone())
    }

    fn now(&self) -> jiff::Timestamp {
        (self.0.settings.clock)()
    }

    fn now_secs(&self) -> i64 {
        self.now().as_second()
    }

    /// An absolute URL on Renkei.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0.settings.issuer.trim_end_matches('/'))
    }

    fn redirect_uri(&self) -> String {
        self.url(renkei_fixture::DEMO_REDIRECT_PATH)
    }
}

/// 「…年…月…日 …:…（日本時間）」 for an instant in unix seconds.
fn jst_text(secs: i64) -> String {
    let jst = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
    jiff::Timestamp::from_second(secs)
        .map(|t| {
            t.to_zoned(jst)
                .strftime("%Y年%m月%d日 %H:%M（日本時間）")
                .to_string()
        })
        .unwrap_or_default()
}

/// A URL-safe random token with 256 bits of entropy.
fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}
