//! Server settings: command-line flags with environment fallbacks (see `--help`).

use clap::Parser;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "When ready it prints one line on stdout: \
                          `shopbag-server listening on http://IP:PORT` (https:// with --tls).\n\
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

    /// Serve HTTPS instead of HTTP, on the same address and port, with a self-signed certificate:
    /// phones need a secure context for the camera. Browsers warn once about the certificate.
    #[arg(long, env = "SHOPBAG_TLS", value_parser = clap::builder::BoolishValueParser::new())]
    pub tls: bool,

    /// Where --tls keeps cert.pem and key.pem, made on first use and reused after. Default: a
    /// `tls` folder next to the database file (`data/tls` for `sqlite://data/shopbag.db`), or
    /// `./tls` for an in-memory database. Delete it to get a new certificate, e.g. after the
    /// machine's LAN address changed.
    #[arg(long, env = "SHOPBAG_TLS_DIR", value_name = "DIR")]
    pub tls_dir: Option<PathBuf>,
}

impl Config {
    /// The certificate folder: `--tls-dir`, or the default described in its help.
    pub fn tls_dir(&self) -> PathBuf {
        match &self.tls_dir {
            Some(dir) => dir.clone(),
            None => default_tls_dir(&self.database_url),
        }
    }
}

/// `tls` next to the database file of a `sqlite:` URL, else `tls` in the working directory.
fn default_tls_dir(database_url: &str) -> PathBuf {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or(database_url);
    let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory =
        file.is_empty() || file == ":memory:" || query.split('&').any(|p| p == "mode=memory");
    if in_memory {
        return PathBuf::from("tls");
    }
    Path::new(file)
        .parent()
        .unwrap_or(Path::new(""))
        .join("tls")
}

#[cfg(test)]
mod tests {
    use super::Config;
    use clap::{CommandFactory, Parser};
    use std::path::PathBuf;

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
        assert!(!config.tls);
    }

    #[test]
    fn tls_is_a_flag_and_a_boolish_variable() {
        let config = Config::try_parse_from(["shopbag-server", "--tls"]).unwrap();
        assert!(config.tls);
        // Only the flag form: `--tls false` is not a thing.
        assert!(Config::try_parse_from(["shopbag-server", "--tls", "false"]).is_err());
    }

    #[test]
    fn the_certificate_folder_sits_next_to_the_database_file() {
        let dir = |url: &str| {
            Config::try_parse_from(["shopbag-server", "--database-url", url])
                .unwrap()
                .tls_dir()
        };
        assert_eq!(dir("sqlite://data/shopbag.db"), PathBuf::from("data/tls"));
        assert_eq!(
            dir("sqlite:///var/lib/x.db?mode=rwc"),
            PathBuf::from("/var/lib/tls")
        );
        assert_eq!(dir("sqlite:shop.db"), PathBuf::from("tls"));
        assert_eq!(dir("sqlite::memory:"), PathBuf::from("tls"));
        assert_eq!(dir("sqlite://x.db?mode=memory"), PathBuf::from("tls"));
        let chosen =
            Config::try_parse_from(["shopbag-server", "--tls-dir", "/etc/shopbag"]).unwrap();
        assert_eq!(chosen.tls_dir(), PathBuf::from("/etc/shopbag"));
    }
}
