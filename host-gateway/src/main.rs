//! `renkei-host-gateway`: serve the host-gateway contract from the tables
//! of the Renkei database at `DATABASE_URL` (PIN hashes checked with the
//! same `RENKEI_PIN_PEPPER*` and argon2 settings as that server's).

use clap::Parser;
use renkei_host_gateway::{TlsFiles, router, serve};
use renkei_server::config::Config;
use renkei_server::db::Storage;
use renkei_server::hashing::Hasher;
use renkei_server::records::port::Records;
use std::io::Write;

#[derive(Parser)]
#[command(
    name = "renkei-host-gateway",
    version,
    about = "A stand-in host gateway on Renkei's embedded tables"
)]
struct Cli {
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: std::net::SocketAddr,
    /// Serve TLS with this certificate chain (PEM)…
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// …and its private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// Require a client certificate issued by this CA (PEM): mutual TLS.
    #[arg(long, requires = "tls_cert")]
    client_ca: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("RENKEI_LOG"))
        .init();
    let config = Config::from_env()?;
    let storage = Storage::connect(&config.database_url).await?;
    let hasher = Hasher::start(config.hashing.clone())?;
    // The root alias's union's records (RENKEI_ROOT_INSTITUTION, else the
    // union added first), as the stand-in's core system serves them.
    let root =
        renkei_server::state::RootAlias::resolve(&storage, config.root_institution.as_deref())
            .await?;
    let app = router(Records::Embedded {
        storage: storage.tenant(root.id),
        hasher,
    });
    let listener = tokio::net::TcpListener::bind(cli.listen).await?;
    let tls = match (cli.tls_cert, cli.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles {
            cert,
            key,
            client_ca: cli.client_ca,
        }),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    // The first line names the address (scripts read it to find the port).
    println!(
        "stand-in host gateway on {scheme}://{}",
        listener.local_addr()?
    );
    std::io::stdout().flush()?;
    serve(listener, app, tls.as_ref()).await
}
