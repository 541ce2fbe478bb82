//! `bag_load`: sends bag operations at a fixed rate to a running server and reports the latencies.
//!
//! Open loop: request `i` is due at `start + i / rate` whether or not earlier answers came back,
//! so a slow server shows up as latency instead of quietly lowering the rate. Each request is one
//! `add` on one of many bags, each bag with its own random token. An example rather than a binary
//! of the server: it speaks HTTP through reqwest, a dev-dependency, so the server binary carries
//! none of it.
//!
//! ```text
//! cargo build --profile server -p shopbag-server --example bag_load
//! target/server/examples/bag_load --url http://127.0.0.1:8080 --rate 1000 --seconds 10 --bags 1000
//! ```
//!
//! Several `--url`s are replicas of one server: requests go to them in turn (round robin), as a
//! load balancer would send them. With `--orders`, each request is an order instead: a fresh bag
//! gets one line (its add is not timed), then `POST /orders` picks it up in the first store —
//! run the server with `--orders-per-address 0` and a short `--pay-within`, so that the stock the
//! unpaid orders hold comes back while the load goes on.

use clap::Parser;
use serde_json::{json, Value};
use shopbag_api::bag::{BagToken, OpId};
use shopbag_api::{Product, ProductSummary, Sku, Store, StoreId};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(
    name = "bag_load",
    about = "Sends POST /api/v1/bag/ops at a fixed rate and prints throughput and latency"
)]
struct Args {
    /// The running server (plain http); repeat it for replicas, which take requests in turn.
    #[arg(long = "url", default_value = "http://127.0.0.1:8080")]
    urls: Vec<String>,
    /// Requests (one operation each) per second.
    #[arg(long, default_value_t = 1000)]
    rate: u32,
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// How many bags the operations are spread over.
    #[arg(long, default_value_t = 1000)]
    bags: usize,
    /// A request with no answer after this long counts as an error.
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
    /// Place orders (one line each, picked up in the first store) instead of adding to bags.
    #[arg(long)]
    orders: bool,
}

/// The server closes a connection that sends nothing for its header timeout (10 s by default):
/// one idle longer than this is not used again, or a request could meet its closing and count
/// as an error the server did not make.
const IDLE_REUSE: Duration = Duration::from_secs(4);

/// The one client of the run: its pool of keep-alive connections serves every replica.
fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(IDLE_REUSE)
        .timeout(timeout)
        // HTTP/1.1 with one request at a time per connection, as every recorded figure was
        // measured; the server would also take HTTP/2, which multiplexes and so would not compare.
        .http1_only()
        // Straight to the server: a proxy from the environment would be measured with it.
        .no_proxy()
        .build()
        .unwrap_or_else(|error| {
            eprintln!("bag_load: cannot make the HTTP client: {error}");
            std::process::exit(1)
        })
}

/// One server (or replica) to load, reached through the run's client.
#[derive(Clone)]
struct Server {
    client: reqwest::Client,
    /// `http://HOST:PORT`, without a trailing slash.
    base: Arc<str>,
}

impl Server {
    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        let answer = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        if answer.status() != reqwest::StatusCode::OK {
            return Err(format!("{path}: status {}", answer.status().as_u16()));
        }
        answer.json().await.map_err(|e| format!("{path}: {e}"))
    }

    /// `POST path` with a JSON body and the bag token (and `more` headers); the answer's status.
    async fn post(
        &self,
        path: &str,
        token: &str,
        more: &[(&str, &str)],
        body: &Value,
    ) -> reqwest::Result<u16> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body);
        for (name, value) in more {
            request = request.header(*name, *value);
        }
        let answer = request.send().await?;
        let status = answer.status().as_u16();
        // Read to the end: only then does the connection go back to the pool, and an answer cut
        // short counts as an error.
        answer.bytes().await?;
        Ok(status)
    }
}

/// The servers of `--url`, in the order given.
fn servers(args: &Args) -> Vec<Server> {
    let client = client(Duration::from_millis(args.timeout_ms));
    args.urls
        .iter()
        .map(|url| {
            if !url.starts_with("http://") {
                eprintln!("bag_load: --url must be http://HOST:PORT");
                std::process::exit(2);
            }
            Server {
                client: client.clone(),
                base: url.trim_end_matches('/').into(),
            }
        })
        .collect()
}

/// The skus to load the server with and the first store: with `stocked`, only skus with at least
/// that many units in that store.
async fn catalogue(server: &Server, stocked: Option<u32>) -> (Vec<Sku>, Option<StoreId>) {
    let fail = |error: String| -> ! {
        eprintln!("bag_load: cannot read the catalogue: {error}");
        std::process::exit(1)
    };
    let stores: Vec<Store> = server.get_json("/api/v1/stores").await.unwrap_or_default();
    let store = stores.first().map(|s| s.id.clone());
    let summaries: Vec<ProductSummary> = server
        .get_json("/api/v1/products?limit=40")
        .await
        .unwrap_or_else(|e| fail(e));
    let mut skus = Vec::new();
    for summary in &summaries {
        let product: Product = server
            .get_json(&format!("/api/v1/products/{}", summary.id))
            .await
            .unwrap_or_else(|e| fail(e));
        let in_store = |v: &shopbag_api::Variant| {
            v.store_stock
                .iter()
                .find(|s| Some(&s.store_id) == store.as_ref())
                .map_or(0, |s| s.quantity)
        };
        skus.extend(
            product
                .variants
                .iter()
                .filter(|v| stocked.is_none_or(|least| in_store(v) >= least))
                .map(|v| v.sku.clone()),
        );
    }
    if skus.is_empty() {
        fail("no sku to use".into());
    }
    (skus, store)
}

/// One `add` of `sku` to a bag, as the app sends it.
fn add(sku: &Sku, quantity: u8, store: Option<&StoreId>) -> Value {
    json!({"ops": [{
        "id": OpId::from_bits(random_u128()).as_str(),
        "at": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0),
        "type": "add",
        "sku": sku,
        "quantity": quantity,
        "store": store,
    }]})
}

/// An order of a fresh bag's one line of `sku`, picked up in `store`: its status, and when the
/// order itself (not the add before it) was sent.
async fn order(
    server: &Server,
    sku: &Sku,
    store: Option<&StoreId>,
) -> reqwest::Result<(u16, Instant)> {
    let token = BagToken::from_bits(random_u128()).expose().to_string();
    let added = server
        .post("/api/v1/bag/ops", &token, &[], &add(sku, 1, store))
        .await?;
    let sent = Instant::now();
    if added != 200 {
        return Ok((added, sent));
    }
    let key = BagToken::from_bits(random_u128()).expose().to_string();
    let request = json!({"skus": [sku], "fulfilment": {"type": "pickup", "store_id": store}});
    let status = server
        .post(
            "/api/v1/orders",
            &token,
            &[("Idempotency-Key", &key)],
            &request,
        )
        .await?;
    Ok((status, sent))
}

fn random_u128() -> u128 {
    let mut bits = [0u8; 16];
    getrandom::fill(&mut bits).expect("the OS has randomness");
    u128::from_le_bytes(bits)
}

/// What every request draws from.
struct Load {
    skus: Vec<Sku>,
    /// The first store, where adds and orders pick up.
    store: Option<StoreId>,
    /// The bags' tokens (unused with `orders`, where each order has a fresh bag).
    tokens: Vec<String>,
    orders: bool,
}

/// One request's fate.
struct Outcome {
    /// From when it was due (includes any wait for the generator itself).
    since_due: Duration,
    /// From when it was about to be sent.
    service: Duration,
    /// The answer's status; none when the request failed or timed out.
    status: Option<u16>,
}

/// Sends `rate * seconds` requests to the servers in turn, request `i` due at
/// `start + i / rate` whatever became of the ones before; what became of each.
async fn send_all(
    servers: &[Server],
    load: &Arc<Load>,
    args: &Args,
    start: Instant,
) -> Vec<Outcome> {
    let total = u64::from(args.rate) * u64::from(args.seconds);
    let interval = Duration::from_secs(1) / args.rate.max(1);
    let timeout = Duration::from_millis(args.timeout_ms);
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let server = servers[i as usize % servers.len()].clone();
        let pick = random_u128();
        tasks.push(tokio::spawn(one(server, load.clone(), pick, due, timeout)));
    }
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        if let Ok(outcome) = task.await {
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// One request due at `due`, its bag and sku drawn from `pick`: an add, or with `orders` an order.
async fn one(
    server: Server,
    load: Arc<Load>,
    pick: u128,
    due: Instant,
    timeout: Duration,
) -> Outcome {
    let token = &load.tokens[(pick % load.tokens.len() as u128) as usize];
    let sku = &load.skus[((pick >> 64) % load.skus.len() as u128) as usize];
    let store = load.store.as_ref();
    let mut sent = Instant::now();
    // The client times out each request on its own; this timeout over the whole attempt gives
    // an order's add and the order one budget between them, as `--timeout-ms` always has.
    let attempt = tokio::time::timeout(timeout, async {
        if load.orders {
            let (status, order_sent) = order(&server, sku, store).await?;
            sent = order_sent;
            return Ok(status);
        }
        let body = add(sku, 1 + (pick >> 120) as u8 % 3, store);
        server.post("/api/v1/bag/ops", token, &[], &body).await
    })
    .await;
    Outcome {
        since_due: due.elapsed(),
        service: sent.elapsed(),
        status: attempt.ok().and_then(Result::ok),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

// One thread: the generator stays light and leaves the other cores to the server.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let servers = servers(&args);

    // Real skus and a real store from the server itself.
    let (skus, store) = catalogue(&servers[0], args.orders.then_some(3)).await;
    let tokens: Vec<String> = (0..args.bags.max(1))
        .map(|_| BagToken::from_bits(random_u128()).expose().to_string())
        .collect();
    let load = Arc::new(Load {
        skus,
        store,
        tokens,
        orders: args.orders,
    });

    let total = u64::from(args.rate) * u64::from(args.seconds);
    let what = if args.orders {
        "orders".to_string()
    } else {
        format!("bag requests over {} bags", load.tokens.len())
    };
    println!(
        "bag_load: {total} {what} at {}/s ({} skus) to {}",
        args.rate,
        load.skus.len(),
        args.urls.join(", ")
    );
    let ok_status = if args.orders { 201 } else { 200 };
    let start = Instant::now();
    let outcomes = send_all(&servers, &load, &args, start).await;
    let elapsed = start.elapsed();
    if !report(&outcomes, total as usize, ok_status, elapsed) {
        std::process::exit(1);
    }
}

/// Prints what came back; whether every request got `ok_status`.
fn report(outcomes: &[Outcome], total: usize, ok_status: u16, elapsed: Duration) -> bool {
    let ok = outcomes
        .iter()
        .filter(|o| o.status == Some(ok_status))
        .count();
    let errors = total - ok;
    let mut failures = std::collections::BTreeMap::new();
    for outcome in outcomes.iter().filter(|o| o.status != Some(ok_status)) {
        let what = outcome
            .status
            .map_or("no answer".to_string(), |s| s.to_string());
        *failures.entry(what).or_insert(0) += 1;
    }
    let mut since_due: Vec<Duration> = outcomes.iter().map(|o| o.since_due).collect();
    let mut service: Vec<Duration> = outcomes.iter().map(|o| o.service).collect();
    since_due.sort();
    service.sort();
    println!(
        "sent {total} in {:.2} s: {ok} ok, {errors} errors, {:.0} ok/s",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64()
    );
    for (name, latencies) in [("from due time", &since_due), ("request→answer", &service)] {
        println!(
            "latency {name:>15}: p50 {}  p90 {}  p99 {}  p99.9 {}  max {}",
            ms(percentile(latencies, 50.0)),
            ms(percentile(latencies, 90.0)),
            ms(percentile(latencies, 99.0)),
            ms(percentile(latencies, 99.9)),
            ms(latencies.last().copied().unwrap_or_default()),
        );
    }
    if errors > 0 {
        println!("errors by status: {failures:?}");
    }
    errors == 0
}
