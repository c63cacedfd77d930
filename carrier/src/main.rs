//! `renkei-carrier simulate-call`: report one call to a running Renkei, as
//! the carrier would (the demo and hand tests; a bank's carrier posts its
//! own webhook).

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "renkei-carrier",
    version,
    about = "The carrier's side of Renkei's call webhook"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send a signed inbound-call webhook to a running server.
    SimulateCall {
        /// Calling number (09011113333, +819011113333, or anonymous for 非通知).
        #[arg(long)]
        from: String,
        /// Called number (the toll-free number the screen shows).
        #[arg(long, env = "RENKEI_CALLBACK_NUMBER", default_value = "0120000111")]
        to: String,
        /// The server's base URL.
        #[arg(
            long,
            env = "RENKEI_PUBLIC_URL",
            default_value = "http://127.0.0.1:3000"
        )]
        url: String,
        /// The webhook's shared secret (the demo's when unset).
        #[arg(long, env = "RENKEI_TELEPHONY_SECRET", default_value = DEMO_SECRET, hide_default_value = true)]
        secret: String,
        /// The instant to stamp (RFC 3339; a demo server's RENKEI_NOW).
        #[arg(long, env = "RENKEI_NOW")]
        now: Option<jiff::Timestamp>,
    },
}

/// The secret a demo server uses when none is set (`renkei_fixture`'s;
/// spelled here so the carrier's stand-in needs no demo data).
const DEMO_SECRET: &str = "renkei-demo-telephony-secret";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let Command::SimulateCall {
        from,
        to,
        url,
        secret,
        now,
    } = Cli::parse().command;
    let http = reqwest::Client::new();
    let now = now.unwrap_or_else(jiff::Timestamp::now);
    let result = renkei_carrier::send_signed_call(&http, &url, &secret, &from, &to, now).await?;
    println!("{result}");
    Ok(())
}
