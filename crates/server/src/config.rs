//! Server settings: command-line flags with environment fallbacks (see `--help`).

use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "shopbag-server",
    version,
    about = "shopbag reference REST server and app host",
    after_help = "When ready it prints one line on stdout: \
                  `shopbag-server listening on http://IP:PORT`.\n\
                  Logs go to stderr; RUST_LOG=tower_http=debug traces every request."
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
    fn defaults_serve_locally() {
        let config = Config::try_parse_from(["shopbag-server", "--port", "0"]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1");
        assert_eq!(config.port, 0);
    }
}
