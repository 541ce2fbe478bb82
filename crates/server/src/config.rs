//! Server settings: command-line flags with environment fallbacks (see `--help`).

use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;

const AFTER_HELP: &str = "When ready it prints one line on stdout: \
                          `shopbag-server listening on http://IP:PORT`.\n\
                          Logs go to stderr; RUST_LOG=tower_http=debug traces every request.";

/// Only test builds say so: a normal build has no fault switch to describe.
#[cfg(feature = "fault-injection")]
const FAULTS_HELP: &str = "\n\nTEST BUILD (feature fault-injection): POST /api/v1/test/faults \
                           with {\"fail_next\": N, \"hang_next\": M, \"hang_ms\": T, \
                           \"fail_after_commit_next\": K} makes the next bag and order \
                           requests answer 500: N at once, then M after T ms (both applying \
                           nothing), then K after committing.";
#[cfg(not(feature = "fault-injection"))]
const FAULTS_HELP: &str = "";

#[derive(Debug, Clone, Parser)]
#[command(
    name = "shopbag-server",
    version,
    about = "shopbag reference REST server and app host",
    after_help = format!("{AFTER_HELP}{FAULTS_HELP}")
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "SHOPBAG_ADDR", default_value = "127.0.0.1")]
    pub addr: IpAddr,

    /// Port to listen on; 0 lets the OS pick one (the ready line tells which).
    #[arg(long, env = "SHOPBAG_PORT", default_value_t = 8080)]
    pub port: u16,

    /// SQLite database; the file and its directory are created on first start and seeded.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/shopbag.db")]
    pub database_url: String,

    /// The built browser app (Trunk's output directory).
    #[arg(long, env = "SHOPBAG_DIST", default_value = "dist")]
    pub dist: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::Config;
    use clap::{CommandFactory, Parser};

    #[test]
    fn flags_are_consistent() {
        Config::command().debug_assert();
    }

    #[test]
    fn help_mentions_the_fault_switch_only_in_test_builds() {
        let help = Config::command().render_long_help().to_string();
        assert_eq!(
            help.contains("/api/v1/test/faults"),
            cfg!(feature = "fault-injection")
        );
    }

    #[test]
    fn defaults_serve_locally() {
        let config = Config::try_parse_from(["shopbag-server", "--port", "0"]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1");
        assert_eq!(config.port, 0);
    }
}
