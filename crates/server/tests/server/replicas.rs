//! Three server processes on one PostgreSQL database, as in production behind a load balancer:
//! whatever replica a request reaches, no bag update is lost, no unit is sold twice, no order is
//! placed twice, and the rate limits are the ones configured, not three times them.
//!
//! Runs when `SHOPBAG_TEST_POSTGRES` names a PostgreSQL server (the test script's second run);
//! replicas of one SQLite file would share its rows but not their rate limits, which is why
//! replicas are a PostgreSQL shape.

use crate::common::process::ServerProcess;
use crate::common::{add, key, pickup_at, place, token, variants_with, TestDb, TestServer};
use futures::future::join_all;
use shopbag_api::bag::Op;
use shopbag_api::{Order, Sku};
use std::collections::HashSet;

const STORE: &str = "sh-jingan";
const WRITES_PER_BAG: usize = 100;

/// Three replicas on one fresh database, and a client for each.
struct Replicas {
    // Dropped in this order: the processes stop (dropping one kills it), then their database goes.
    _processes: Vec<ServerProcess>,
    servers: Vec<TestServer>,
    database: TestDb,
    _dir: tempfile::TempDir,
}

impl Replicas {
    async fn start() -> Option<Replicas> {
        if std::env::var("SHOPBAG_TEST_POSTGRES").is_err() {
            eprintln!(
                "replicas run on PostgreSQL: set SHOPBAG_TEST_POSTGRES (the test script does)"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let database = TestDb::new(dir.path()).await;
        let per_bag = WRITES_PER_BAG.to_string();
        let args = [
            "--writes-per-bag",
            &per_bag,
            "--writes-per-address",
            "10000",
            "--orders-per-address",
            "1000",
        ];
        // All three start at once on the empty database: the migrations and the seed run once.
        let processes: Vec<ServerProcess> = std::thread::scope(|scope| {
            let starts: Vec<_> = (0..3)
                .map(|_| {
                    scope.spawn(|| ServerProcess::start(dir.path(), &database.url, &args, &[]))
                })
                .collect();
            starts.into_iter().map(|s| s.join().unwrap()).collect()
        });
        let servers = processes.iter().map(|p| TestServer::at(&p.url)).collect();
        Some(Replicas {
            _processes: processes,
            servers,
            database,
            _dir: dir,
        })
    }

    /// The replica a load balancer would send request `n` to (round robin).
    fn at(&self, n: usize) -> &TestServer {
        &self.servers[n % self.servers.len()]
    }

    async fn count(&self, sql: &str) -> i64 {
        let pool = self.database.pool().await;
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

#[tokio::test]
async fn three_replicas_on_one_database_lose_nothing_sell_nothing_twice_and_share_their_limits() {
    let Some(replicas) = Replicas::start().await else {
        return;
    };
    assert_eq!(
        replicas.count("SELECT COUNT(*) FROM stores").await,
        shopbag_server::seed::demo().stores.len() as i64,
        "seeded once"
    );

    // Bag updates: 30 adds of different lines to one bag, each through the next replica, all at
    // once, and 10 of them sent again through another replica (a retry after a lost answer).
    let shopper = token();
    let skus: Vec<Sku> = variants_with(STORE, 1, 1)
        .into_iter()
        .take(30)
        .map(|v| v.sku)
        .collect();
    let adds: Vec<Op> = skus.iter().map(|sku| add(sku, 1)).collect();
    let sends = adds
        .iter()
        .enumerate()
        .chain(adds.iter().enumerate().take(10).map(|(n, op)| (n + 1, op)))
        .map(|(n, op)| replicas.at(n).send_ops(&shopper, std::slice::from_ref(op)));
    for response in join_all(sends).await {
        assert_eq!(response.status(), 200);
    }
    for server in &replicas.servers {
        let bag = server.bag(&shopper).await;
        let lines: HashSet<&str> = bag.lines.iter().map(|l| l.sku.as_str()).collect();
        assert_eq!(lines, skus.iter().map(Sku::as_str).collect(), "no add lost");
    }
    assert_eq!(replicas.count("SELECT COUNT(*) FROM bag_ops").await, 30);

    // Stock: 5 units left, 15 shoppers ordering one each, through all three replicas at once.
    let last = &variants_with(STORE, 1, 0)[40];
    let pool = replicas.database.pool().await;
    sqlx::query("UPDATE stock SET quantity = 5 WHERE sku = $1 AND store_id = $2")
        .bind(last.sku.as_str())
        .bind(STORE)
        .execute(&pool)
        .await
        .unwrap();
    let shoppers: Vec<_> = (0..15).map(|_| token()).collect();
    for (n, shopper) in shoppers.iter().enumerate() {
        replicas.at(n).apply(shopper, &[add(&last.sku, 1)]).await;
    }
    let request = pickup_at(STORE, &[&last.sku]);
    let keys: Vec<String> = shoppers.iter().map(|_| key()).collect();
    let orders = shoppers
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(n, (shopper, key))| place(replicas.at(n + 1), shopper, key, &request));
    let mut statuses: Vec<u16> = join_all(orders)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    statuses.sort();
    assert_eq!(statuses, [[201; 5].as_slice(), &[409; 10]].concat());
    for server in &replicas.servers {
        assert_eq!(server.stock(&last.sku, Some(STORE)).await, 0, "no oversell");
    }

    // One order asked for through all three replicas at once, under one key: placed once.
    let shopper = token();
    let shoes = &variants_with(STORE, 3, 0)[7];
    replicas.at(0).apply(&shopper, &[add(&shoes.sku, 1)]).await;
    let once = key();
    let request = pickup_at(STORE, &[&shoes.sku]);
    let tries = replicas
        .servers
        .iter()
        .map(|server| place(server, &shopper, &once, &request));
    let mut numbers = HashSet::new();
    let mut statuses = Vec::new();
    for response in join_all(tries).await {
        statuses.push(response.status().as_u16());
        numbers.insert(response.json::<Order>().await.unwrap().number);
    }
    statuses.sort();
    assert_eq!(statuses, [200, 200, 201]);
    assert_eq!(numbers.len(), 1, "the same order from every replica");
    assert_eq!(
        replicas
            .count("SELECT COUNT(*) - COUNT(DISTINCT number) FROM orders")
            .await,
        0,
        "no order number given twice"
    );
    assert_eq!(replicas.count("SELECT COUNT(*) FROM orders").await, 6);

    // The bag's write limit holds across replicas: 130 writes, round robin, at once. Three
    // replicas each counting alone would admit all of them.
    let busy = token();
    let writes = (0..130).map(|n| replicas.at(n).send_ops(&busy, &[]));
    let admitted = join_all(writes)
        .await
        .iter()
        .filter(|r| r.status() == 200)
        .count();
    // The bucket refills at 100 a minute while the writes go on: a second or two adds 1 to 4.
    assert!(
        (WRITES_PER_BAG..WRITES_PER_BAG + 5).contains(&admitted),
        "{admitted} of 130 admitted"
    );
}
