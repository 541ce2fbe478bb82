//! Slow and silent clients cannot use the server up: a deadline for headers, a cap on open
//! connections, a deadline for each API request.

use crate::common::{config, TestDb, TestServer};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server with small limits, so the tests see them act in a second or two; and its database.
async fn server_with(
    dir: &tempfile::TempDir,
    connections: usize,
    header_timeout: u64,
    request_timeout: u64,
) -> (TestServer, TestDb) {
    let database = TestDb::new(dir.path()).await;
    let mut config = config(&database.url, &dir.path().join("dist"));
    config.max_connections = connections;
    config.header_timeout = header_timeout;
    config.request_timeout = request_timeout;
    (TestServer::start(&config).await, database)
}

async fn connect(server: &TestServer) -> TcpStream {
    TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// What the server sends before it closes the connection, if it does within `within`.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _database) = server_with(&dir, 1024, 1, 30).await;
    let mut slow = connect(&server).await;
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: shop\r\n")
        .await
        .unwrap();
    // The rest of the headers never come.
    assert!(
        until_closed(&mut slow, Duration::from_secs(5))
            .await
            .is_some(),
        "the connection is still open"
    );
    server.stop().await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _database) = server_with(&dir, 2, 60, 30).await;
    let mut idle = vec![connect(&server).await, connect(&server).await];
    // Both are accepted before the next client comes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let health = server.url("/api/v1/health");
    assert!(
        client.get(&health).send().await.is_err(),
        "a third connection was served while two were open"
    );
    drop(idle.pop());
    let answer = reqwest::Client::new()
        .get(&health)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    drop(idle);
    server.stop().await;
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_is_answered_408() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _database) = server_with(&dir, 1024, 10, 1).await;
    let mut stream = connect(&server).await;
    stream
        .write_all(
            b"POST /api/v1/bag/ops HTTP/1.1\r\nHost: shop\r\n\
              Authorization: Bearer 0123456789abcdef0123456789abcdef\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ops\":",
        )
        .await
        .unwrap();
    let mut head = [0u8; 12];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut head)).await;
    assert!(read.is_ok(), "no answer while the body is missing");
    assert_eq!(&head, b"HTTP/1.1 408");
    server.stop().await;
}
