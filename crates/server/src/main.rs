//! The `shopbag-server` binary: reads flags and environment, logs to stderr, and serves.

use clap::Parser;
use shopbag_server::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    // stderr: stdout carries only the ready line that harnesses parse.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                EnvFilter::new("info,tower_http=info,sqlx::postgres::notice=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    if let Err(error) = shopbag_server::serve(config).await {
        tracing::error!(%error, "shopbag-server stopped");
        eprintln!("shopbag-server: {error}");
        std::process::exit(1);
    }
}
