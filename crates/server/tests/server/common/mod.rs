//! Starts a real server (real database, real TCP port) for a test: a SQLite file in a temporary
//! directory, or a database of its own on the PostgreSQL server that `SHOPBAG_TEST_POSTGRES`
//! names (`postgres://user@host:port/postgres`; the test script starts one and runs the suite on
//! each engine).

#![allow(dead_code)] // Each test binary uses a different part.

pub mod process;

use reqwest::StatusCode;
use serde_json::Value;
use shopbag_api::bag::{BagState, BagToken, Change, Op, OpId};
use shopbag_api::{Sku, Variant};
use shopbag_server::throttle::Rates;
use shopbag_server::{Config, Server};
use sqlx::{AnyPool, Connection};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

pub fn config(database_url: &str, dist: &Path) -> Config {
    Config {
        addr: "127.0.0.1".parse().unwrap(),
        port: 0,
        database_url: database_url.to_string(),
        dist: dist.to_path_buf(),
        tls: false,
        tls_dir: None,
        max_connections: 1024,
        header_timeout: 10,
        request_timeout: 30,
        writes_per_bag: Rates::default().writes_per_bag,
        writes_per_address: Rates::default().writes_per_address,
        orders_per_address: Rates::default().orders_per_address_hour,
        photo_searches_per_address: Rates::default().photo_searches_per_address,
        pay_within: (shopbag_api::DEFAULT_PAY_WITHIN_MS / 1000) as u64,
        cashier_key: shopbag_server::config::DEMO_CASHIER_KEY.into(),
        host_secret: shopbag_server::config::DEMO_HOST_SECRET.into(),
        vision_model: vision_model(),
    }
}

/// The converted weights, where the test script's setup puts them.
pub fn vision_model() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(shopbag_vision::MODEL_PATH)
}

impl TestServer {
    pub async fn start(config: &Config) -> TestServer {
        let server = Server::start(config).await.expect("server starts");
        let base = server.url();
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

    /// A server that runs elsewhere (a process of its own), reached at `base`.
    pub fn at(base: &str) -> TestServer {
        TestServer {
            base: base.to_string(),
            client: reqwest::Client::new(),
            stop: None,
            task: None,
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

/// The database of one test: a SQLite file in its directory, or a PostgreSQL database of its own
/// (dropped when the test is done with it).
pub struct TestDb {
    pub url: String,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(dir: &Path) -> TestDb {
        let Ok(admin) = std::env::var("SHOPBAG_TEST_POSTGRES") else {
            let file = dir.join("data").join("shopbag.db");
            return TestDb {
                url: format!("sqlite://{}", file.display()),
                postgres: None,
            };
        };
        sqlx::any::install_default_drivers();
        let name = format!("shopbag_test_{:032x}", random_bits());
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let (server, _) = admin.rsplit_once('/').expect("postgres://…/database");
        TestDb {
            url: format!("{server}/{name}"),
            postgres: Some((admin, name)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// A pool of our own on the test's database, to look at or set what the API cannot.
    pub async fn pool(&self) -> AnyPool {
        shopbag_server::db::open(&self.url).await.unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async: a thread of its own with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = sqlx::AnyConnection::connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database: {dropped:?}");
        }
    }
}

/// A fresh seeded catalogue and no built app, in its own temporary directory.
pub struct Fixture {
    // Dropped in this order: the server, its database, then the directory.
    pub server: TestServer,
    pub database: TestDb,
    pub dir: TempDir,
}

impl Fixture {
    pub async fn new() -> Fixture {
        Fixture::with(|_| {}).await
    }

    /// A fixture whose server runs with settings changed by `change`.
    pub async fn with(change: impl FnOnce(&mut Config)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDb::new(dir.path()).await;
        let mut config = config(&database.url, &dir.path().join("dist"));
        change(&mut config);
        let server = TestServer::start(&config).await;
        Fixture {
            dir,
            database,
            server,
        }
    }

    /// A second pool on the server's database, to look at or set what the API cannot.
    pub async fn db(&self) -> AnyPool {
        self.database.pool().await
    }
}

fn random_bits() -> u128 {
    let mut bits = [0u8; 16];
    getrandom::fill(&mut bits).unwrap();
    u128::from_le_bytes(bits)
}

/// A fresh `Idempotency-Key`: the same 128-bit hex shape as a token.
pub fn key() -> String {
    token().expose().to_string()
}

/// An order request: `skus` picked up at `store`.
pub fn pickup_at(store: &str, skus: &[&Sku]) -> Value {
    serde_json::json!({"skus": skus, "fulfilment": {"type": "pickup", "store_id": store}})
}

/// Places the order `request` for `bag` under `key`.
pub async fn place(
    server: &TestServer,
    bag: &BagToken,
    key: &str,
    request: &Value,
) -> reqwest::Response {
    server
        .with_token(server.client.post(server.url("/api/v1/orders")), bag)
        .header("idempotency-key", key)
        .json(request)
        .send()
        .await
        .unwrap()
}

/// A new anonymous bag, as the app makes one.
pub fn token() -> BagToken {
    BagToken::from_bits(random_bits())
}

pub fn op(at: i64, change: Change) -> Op {
    Op {
        id: OpId::from_bits(random_bits()),
        at,
        change,
    }
}

/// An add made now (an old one could already be compacted away once removed).
pub fn add(sku: &Sku, quantity: u8) -> Op {
    op(
        shopbag_server::now_ms(),
        Change::Add {
            sku: sku.clone(),
            quantity,
            store: Some("sh-jingan".into()),
            note: None,
            intent: None,
        },
    )
}

/// Seeded variants that have at least `store_min` units in `store` and `online_min` online.
pub fn variants_with(store: &str, store_min: u32, online_min: u32) -> Vec<Variant> {
    shopbag_server::seed::demo()
        .products
        .into_iter()
        .flat_map(|p| p.variants)
        .filter(|v| v.online_stock >= online_min)
        .filter(|v| {
            v.store_stock
                .iter()
                .any(|s| s.store_id.as_str() == store && s.quantity >= store_min)
        })
        .collect()
}

/// Every seeded sku.
pub fn all_skus() -> Vec<Sku> {
    shopbag_server::seed::demo()
        .products
        .into_iter()
        .flat_map(|p| p.variants)
        .map(|v| v.sku)
        .collect()
}

impl TestServer {
    pub fn with_token(
        &self,
        request: reqwest::RequestBuilder,
        token: &BagToken,
    ) -> reqwest::RequestBuilder {
        request.header("authorization", format!("Bearer {}", token.expose()))
    }

    pub async fn send_ops(&self, token: &BagToken, ops: &[Op]) -> reqwest::Response {
        self.with_token(self.client.post(self.url("/api/v1/bag/ops")), token)
            .json(&serde_json::json!({ "ops": ops }))
            .send()
            .await
            .unwrap()
    }

    /// Sends a batch that must be accepted, and returns the merged bag.
    pub async fn apply(&self, token: &BagToken, ops: &[Op]) -> BagState {
        let response = self.send_ops(token, ops).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn bag(&self, token: &BagToken) -> BagState {
        let response = self
            .with_token(self.client.get(self.url("/api/v1/bag")), token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Units of `sku` in `store`, or online when `store` is `None`, as the product API says.
    pub async fn stock(&self, sku: &Sku, store: Option<&str>) -> u32 {
        let (status, product) = self
            .get_json(&format!("/api/v1/products/{}", &sku.as_str()[..5]))
            .await;
        assert_eq!(status, 200);
        let product: shopbag_api::Product = serde_json::from_value(product).unwrap();
        let variant = product
            .variants
            .into_iter()
            .find(|v| v.sku == *sku)
            .unwrap();
        match store {
            None => variant.online_stock,
            Some(store) => {
                variant
                    .store_stock
                    .iter()
                    .find(|s| s.store_id.as_str() == store)
                    .unwrap()
                    .quantity
            }
        }
    }
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

/// What the servers of this test binary logged, the request log included (`shopbag_server` and
/// `tower_http` at debug): the demo mode's sign-in codes are there, and what must never be.
pub fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        tracing_subscriber::fmt()
            .with_env_filter("info,shopbag_server=debug,tower_http=debug")
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .init();
        log
    })
    .clone()
}

/// The log so far, as text.
pub fn logged() -> String {
    String::from_utf8_lossy(&log().lock().unwrap()).to_string()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
