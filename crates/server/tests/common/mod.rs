//! Starts a real server (real SQLite file in a temporary directory, real TCP port) for a test.

#![allow(dead_code)] // Each test binary uses a different part.

use reqwest::StatusCode;
use serde_json::Value;
use shopbag_server::{Config, Server};
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

pub fn config(database: &Path, dist: &Path) -> Config {
    Config {
        addr: "127.0.0.1".parse().unwrap(),
        port: 0,
        database_url: format!("sqlite://{}", database.display()),
        dist: dist.to_path_buf(),
    }
}

impl TestServer {
    pub async fn start(config: &Config) -> TestServer {
        let server = Server::start(config).await.expect("server starts");
        let base = format!("http://{}", server.local_addr());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        TestServer {
            base,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops accepting and waits until the server has let go of its port.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.json().await.unwrap())
    }
}

/// A fresh seeded catalogue and no built app, in its own temporary directory.
pub struct Fixture {
    pub dir: TempDir,
    pub server: TestServer,
}

impl Fixture {
    pub async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let server = TestServer::start(&config(&database(&dir), &dir.path().join("dist"))).await;
        Fixture { dir, server }
    }
}

pub fn database(dir: &TempDir) -> PathBuf {
    dir.path().join("data").join("shopbag.db")
}

/// Asserts the one error shape, `{"error":{"code":…,"message":…}}`, and the status.
pub async fn assert_error(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "{body}");
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
}
