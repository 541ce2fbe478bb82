//! `--tls`: the real binary serves HTTPS with the certificate it made, reuses it, and never HTTP.

use crate::common::process::ServerProcess;
use std::path::Path;
use std::time::Duration;

/// The server on a SQLite file in `dir` (the certificate's default folder is next to it).
fn start(dir: &Path, args: &[&str], envs: &[(&str, &Path)]) -> ServerProcess {
    let database = format!("sqlite://{}", dir.join("data").join("x.db").display());
    ServerProcess::start(dir, &database, args, envs)
}

/// A client whose only trusted root is `cert_pem`.
fn client_trusting(cert_pem: &[u8]) -> reqwest::Client {
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn health(client: &reqwest::Client, base: &str) -> reqwest::Result<reqwest::Response> {
    client.get(format!("{base}/api/v1/health")).send().await
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

#[tokio::test]
async fn serves_https_with_the_certificate_it_made_and_not_http() {
    let dir = tempfile::tempdir().unwrap();
    let tls_dir = dir.path().join("certs");
    let server = start(dir.path(), &["--tls", "--tls-dir", text(&tls_dir)], &[]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_ne!(server.port(), 0);

    let cert = std::fs::read(tls_dir.join("cert.pem")).expect("cert.pem written");
    assert!(tls_dir.join("key.pem").is_file());
    let client = client_trusting(&cert);

    // A client that connected and says nothing does not hold up the next one's handshake.
    let _silent = tokio::net::TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .unwrap();

    let response = health(&client, &server.url).await.expect("HTTPS works");
    assert_eq!(response.status(), 200);
    // The name `localhost` is in the certificate too (and the address, checked above).
    let by_name = format!("https://localhost:{}", server.port());
    let response = health(&client, &by_name).await.expect("localhost works");
    assert_eq!(response.status(), 200);

    // The certificate really is checked: trusting nothing, the same request fails.
    let trusting_nothing = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert!(health(&trusting_nothing, &server.url).await.is_err());

    // Plain HTTP on the same port is not served.
    let plain = format!("http://127.0.0.1:{}", server.port());
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let answer = health(&http, &plain).await;
    assert!(answer.is_err(), "plain HTTP answered: {answer:?}");
}

#[tokio::test]
async fn a_second_start_reuses_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    // No --tls-dir: the default is `tls` next to the database file, `data/x.db`.
    let tls_dir = dir.path().join("data").join("tls");
    let mut first = start(dir.path(), &["--tls"], &[]);
    let cert = std::fs::read(tls_dir.join("cert.pem")).expect("cert.pem in data/tls");
    let key = std::fs::read(tls_dir.join("key.pem")).expect("key.pem in data/tls");
    let log = first.stop();
    assert!(log.contains("made a self-signed TLS certificate"), "{log}");
    assert!(log.contains(text(&tls_dir.join("cert.pem"))), "{log}");
    assert!(log.contains("browsers warn once"), "{log}");

    // Settings by environment this time.
    let mut second = start(
        dir.path(),
        &[],
        &[
            ("SHOPBAG_TLS", Path::new("1")),
            ("SHOPBAG_TLS_DIR", &tls_dir),
        ],
    );
    assert!(second.url.starts_with("https://"), "{}", second.url);
    let response = health(&client_trusting(&cert), &second.url)
        .await
        .expect("the first certificate still works");
    assert_eq!(response.status(), 200);
    assert_eq!(std::fs::read(tls_dir.join("cert.pem")).unwrap(), cert);
    assert_eq!(std::fs::read(tls_dir.join("key.pem")).unwrap(), key);
    let log = second.stop();
    assert!(log.contains("using the TLS certificate"), "{log}");
}
