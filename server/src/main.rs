//! `renkei-server`: sets up logging and runs the command line (`cli`):
//! serve (the default) or a staff subcommand.

mod cli;

use clap::Parser;
use cli::Cli;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter =
        EnvFilter::try_from_env("RENKEI_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // RENKEI_LOG_FORMAT=json: one JSON object per line, the request's span
    // (its request_id) in each.
    match std::env::var("RENKEI_LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
        // Values are escaped: no supplied text can forge a line.
        Ok("text") | Err(_) => tracing_subscriber::fmt()
            .fmt_fields(renkei_server::telemetry::escaped_fields())
            .with_env_filter(filter)
            .init(),
        Ok(other) => anyhow::bail!("RENKEI_LOG_FORMAT: text or json, not {other}"),
    }
    Cli::parse().run().await
}
