//! `--tls`: a self-signed certificate made on first use, and a listener that speaks HTTPS with it.

use axum::serve::Listener;
use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, SanType};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

type Error = Box<dyn std::error::Error + Send + Sync>;

const COMMON_NAME: &str = "shopbag development certificate";

/// A client that connects and then says nothing gives up its handshake slot after this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress at once: a crowd of silent sockets cannot grow the server's memory.
const MAX_HANDSHAKES: usize = 256;

/// The certificate and key in use, and how to accept connections with them.
pub struct Tls {
    pub cert_path: PathBuf,
    /// True when this start made the certificate (there was none, or it could not be used).
    pub created: bool,
    acceptor: TlsAcceptor,
}

impl Tls {
    /// Loads `cert.pem` and `key.pem` from `dir`, or makes (and writes) a new pair when either is
    /// missing or unusable. `bind` goes into the certificate when it is a specific address.
    pub fn load_or_create(dir: &Path, bind: IpAddr) -> Result<Tls, Error> {
        let cert_path = dir.join("cert.pem");
        let key_path = dir.join("key.pem");
        let (config, created) = match server_config(&cert_path, &key_path) {
            Ok(config) => (config, false),
            Err(error) => {
                if cert_path.exists() || key_path.exists() {
                    tracing::warn!(%error, dir = %dir.display(), "TLS certificate unusable; making a new one");
                }
                write_self_signed(dir, &cert_path, &key_path, &subject_names(bind))?;
                (server_config(&cert_path, &key_path)?, true)
            }
        };
        Ok(Tls {
            cert_path,
            created,
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// Wraps a bound TCP listener: `axum::serve` then sees only finished TLS connections.
    pub fn listener(&self, tcp: TcpListener) -> TlsListener {
        TlsListener {
            tcp,
            acceptor: self.acceptor.clone(),
            handshakes: JoinSet::new(),
        }
    }
}

/// rustls on ring, set up explicitly rather than through a process-wide default provider.
fn server_config(cert_path: &Path, key_path: &Path) -> Result<rustls::ServerConfig, Error> {
    let certs = CertificateDer::pem_file_iter(cert_path)?.collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", cert_path.display()).into());
    }
    let key = PrivateKeyDer::from_pem_file(key_path)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // Also fails when the key does not belong to the certificate (a half-written pair).
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    // The server speaks HTTP/1.1 only (axum without `http2`); never offer h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Names the certificate is good for: this machine by loopback, by the bound address, and by the
/// LAN address a phone on the same Wi-Fi would use.
fn subject_names(bind: IpAddr) -> Vec<SanType> {
    let mut ips = vec![
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    if !bind.is_unspecified() {
        ips.push(bind);
    }
    if let Some(lan) = lan_ipv4() {
        ips.push(IpAddr::V4(lan));
    }
    ips.dedup_by(|a, b| a == b);
    let mut names = vec![SanType::DnsName(
        "localhost".try_into().expect("an ASCII name"),
    )];
    for ip in ips {
        if !names.contains(&SanType::IpAddress(ip)) {
            names.push(SanType::IpAddress(ip));
        }
    }
    names
}

fn write_self_signed(
    dir: &Path,
    cert_path: &Path,
    key_path: &Path,
    names: &[SanType],
) -> Result<(), Error> {
    let mut params = CertificateParams::default();
    params.subject_alt_names = names.to_vec();
    params
        .distinguished_name
        .push(DnType::CommonName, COMMON_NAME);
    // Apple platforms refuse a server certificate without this, even once the user trusts it.
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // A day back covers a phone whose clock is a little behind; a year stays under the 825 days
    // iOS accepts at most.
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(365);
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;

    std::fs::create_dir_all(dir)?;
    write_private(key_path, key.serialize_pem().as_bytes())?;
    std::fs::write(cert_path, cert.pem())?;
    Ok(())
}

/// Writes the key readable by its owner only, also when an old key file was more open.
fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

/// This machine's IPv4 address on the network its default route uses, if any.
///
/// `connect` on a UDP socket only picks the route and the source address: no packet is sent. The
/// target is a private unicast address, not 10.255.255.255: on a 10/8 network that one is the
/// broadcast address, which `connect` refuses.
pub fn lan_ipv4() -> Option<Ipv4Addr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(10, 254, 254, 254), 1)).ok()?;
    match socket.local_addr().ok()?.ip() {
        IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}

/// TCP listener that hands out connections once their TLS handshake is done.
///
/// Handshakes run in their own tasks, so one slow or silent client does not hold up the others.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: JoinSet<Option<(TlsStream<TcpStream>, SocketAddr)>>,
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // Both branches are cancel-safe: the accept loop drops this future at shutdown.
            // At most MAX_HANDSHAKES clients handshake at once; the rest wait in the backlog.
            tokio::select! {
                (tcp, peer) = Listener::accept(&mut self.tcp), if self.handshakes.len() < MAX_HANDSHAKES => {
                    let acceptor = self.acceptor.clone();
                    self.handshakes.spawn(async move {
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                            Ok(Ok(tls)) => Some((tls, peer)),
                            // Expected now and then: plain HTTP on this port, a browser that
                            // rejected the certificate, a port scanner.
                            Ok(Err(error)) => {
                                tracing::debug!(%peer, %error, "TLS handshake failed");
                                None
                            }
                            Err(_) => {
                                tracing::debug!(%peer, "TLS handshake timed out");
                                None
                            }
                        }
                    });
                }
                Some(done) = self.handshakes.join_next(), if !self.handshakes.is_empty() => {
                    if let Ok(Some(connection)) = done {
                        return connection;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_loopback_and_a_specific_bind_address() {
        let names = subject_names("192.0.2.7".parse().unwrap());
        for ip in ["127.0.0.1", "::1", "192.0.2.7"] {
            assert!(
                names.contains(&SanType::IpAddress(ip.parse().unwrap())),
                "{ip}"
            );
        }
        assert!(names.contains(&SanType::DnsName("localhost".try_into().unwrap())));
        assert!(!subject_names(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            .contains(&SanType::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED))));
    }

    #[test]
    fn makes_a_pair_once_then_reuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let tls_dir = dir.path().join("nested").join("tls");
        let first = Tls::load_or_create(&tls_dir, IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        assert!(first.created);
        let cert = std::fs::read(tls_dir.join("cert.pem")).unwrap();
        let second = Tls::load_or_create(&tls_dir, IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        assert!(!second.created);
        assert_eq!(std::fs::read(tls_dir.join("cert.pem")).unwrap(), cert);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tls_dir.join("key.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn replaces_an_unusable_pair() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
        let tls = Tls::load_or_create(dir.path(), IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        assert!(tls.created);

        // A key that belongs to another certificate: also made anew.
        let other = tempfile::tempdir().unwrap();
        Tls::load_or_create(other.path(), IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        std::fs::copy(other.path().join("key.pem"), dir.path().join("key.pem")).unwrap();
        let tls = Tls::load_or_create(dir.path(), IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        assert!(tls.created);
    }
}
