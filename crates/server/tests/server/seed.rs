//! The seeded database: the same demo data on every fresh start, and never seeded twice.

use crate::common::{config, TestDb, TestServer};
use serde_json::Value;
use sqlx::AnyPool;
use std::path::Path;

const TABLES: [&str; 12] = [
    "stores",
    "products",
    "product_colours",
    "product_sizes",
    "variants",
    "stock",
    "codes",
    "looks",
    "look_items",
    "promotion_phases",
    "price_rules",
    "members",
];

async fn counts(pool: &AnyPool) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES.iter().chain(&["coupons"]) {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        counts.push(n);
    }
    counts
}

async fn snapshot(server: &TestServer) -> Vec<Value> {
    let mut products = Vec::new();
    for path in [
        "/api/v1/products/P0001",
        "/api/v1/products/P0123",
        "/api/v1/products/P0240",
        "/api/v1/stores",
        "/api/v1/products?limit=100&offset=100",
    ] {
        let (status, body) = server.get_json(path).await;
        assert_eq!(status, 200, "{path}");
        products.push(body);
    }
    products
}

async fn fresh(dir: &Path) -> (Vec<Value>, Vec<i64>) {
    let database = TestDb::new(dir).await;
    let server = TestServer::start(&config(&database.url, &dir.join("dist"))).await;
    let snapshot = snapshot(&server).await;
    server.stop().await;
    let pool = database.pool().await;
    let counts = counts(&pool).await;
    pool.close().await;
    (snapshot, counts)
}

#[tokio::test]
async fn two_fresh_databases_hold_the_same_demo() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((snap_a, counts_a), (snap_b, counts_b)) = tokio::join!(fresh(a.path()), fresh(b.path()));
    assert_eq!(snap_a, snap_b);
    assert_eq!(counts_a, counts_b);
    let count = |table: &str| counts_a[TABLES.iter().position(|t| *t == table).unwrap()];
    assert!(count("products") >= 200);
    assert!(count("stores") >= 3);
    assert!(count("members") >= 5);
    assert!(count("looks") >= 40);
    assert_eq!(count("stock"), count("variants") * count("stores"));
}

#[tokio::test]
async fn a_restart_keeps_the_data_and_does_not_seed_again() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDb::new(dir.path()).await;
    let first = TestServer::start(&config(&database.url, &dir.path().join("dist"))).await;
    let before = snapshot(&first).await;
    first.stop().await;

    let pool = database.pool().await;
    let counts_before = counts(&pool).await;
    assert!(!shopbag_server::seed::seed_if_empty(&pool).await.unwrap());
    pool.close().await;

    let second = TestServer::start(&config(&database.url, &dir.path().join("dist"))).await;
    assert_eq!(snapshot(&second).await, before);
    second.stop().await;
    let pool = database.pool().await;
    assert_eq!(counts(&pool).await, counts_before);
}
