//! `bag-load`: sends bag operations at a fixed rate to a running server and reports the latencies.
//!
//! Open loop: request `i` is due at `start + i / rate` whether or not earlier answers came back,
//! so a slow server shows up as latency instead of quietly lowering the rate. Each request is one
//! `add` on one of many bags, each bag with its own random token. It speaks plain HTTP/1.1 with
//! keep-alive over tokio's TCP, so it adds no dependency (and no feature) to the server.
//!
//! ```text
//! bag-load --url http://127.0.0.1:8080 --rate 1000 --seconds 10 --bags 1000
//! ```
//!
//! Several `--url`s are replicas of one server: requests go to them in turn (round robin), as a
//! load balancer would send them. With `--orders`, each request is an order instead: a fresh bag
//! gets one line (its add is not timed), then `POST /orders` picks it up in the first store —
//! run the server with `--orders-per-address 0` and a short `--pay-within`, so that the stock the
//! unpaid orders hold comes back while the load goes on.

use clap::Parser;
use serde_json::json;
use shopbag_api::bag::{BagToken, OpId};
use shopbag_api::{Product, ProductSummary, Store};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Debug, Parser)]
#[command(
    name = "bag-load",
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

/// One keep-alive connection to the server.
struct Connection {
    stream: BufReader<TcpStream>,
}

/// What came back: the status and the body.
struct Answer {
    status: u16,
    body: Vec<u8>,
    keep_alive: bool,
}

impl Connection {
    async fn open(host: &str) -> io::Result<Connection> {
        let stream = TcpStream::connect(host).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::new(stream),
        })
    }

    async fn request(
        &mut self,
        host: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> io::Result<Answer> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut message = head.into_bytes();
        message.extend_from_slice(body.unwrap_or_default());
        self.stream.get_mut().write_all(&message).await?;
        self.read_answer().await
    }

    async fn read_line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        Ok(line.trim_end().to_string())
    }

    async fn read_answer(&mut self) -> io::Result<Answer> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let status_line = self.read_line().await?;
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("status line"))?;
        let mut length = None;
        let mut chunked = false;
        let mut keep_alive = true;
        loop {
            let line = self.read_line().await?;
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(bad("header line"));
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = Some(value.parse().map_err(|_| bad("length"))?),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => keep_alive = !value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let size_line = self.read_line().await?;
                let size = usize::from_str_radix(size_line.split(';').next().unwrap_or(""), 16)
                    .map_err(|_| bad("chunk size"))?;
                if size == 0 {
                    // Trailers, if any, end with an empty line.
                    while !self.read_line().await?.is_empty() {}
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                self.stream.read_exact(&mut body[start..]).await?;
                self.read_line().await?;
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        } else {
            self.stream.read_to_end(&mut body).await?;
            keep_alive = false;
        }
        Ok(Answer {
            status,
            body,
            keep_alive,
        })
    }
}

/// The server closes a connection that sends nothing for its header timeout (10 s by default):
/// one idle longer than this is not used again, or a request could meet its closing.
const IDLE_REUSE: Duration = Duration::from_secs(4);

/// Idle keep-alive connections, each with when it went idle; a request that finds none fresh
/// enough opens one.
struct Connections {
    host: String,
    idle: Mutex<Vec<(Connection, Instant)>>,
}

impl Connections {
    async fn take(&self) -> io::Result<Connection> {
        let fresh = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.retain(|(_, since)| since.elapsed() < IDLE_REUSE);
            idle.pop()
        };
        match fresh {
            Some((connection, _)) => Ok(connection),
            None => Connection::open(&self.host).await,
        }
    }

    fn give_back(&self, connection: Connection) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((connection, Instant::now()));
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        let mut connection = self.take().await.map_err(|e| e.to_string())?;
        let answer = connection
            .request(&self.host, "GET", path, &[], None)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        if answer.status != 200 {
            return Err(format!("{path}: status {}", answer.status));
        }
        if answer.keep_alive {
            self.give_back(connection);
        }
        serde_json::from_slice(&answer.body).map_err(|e| format!("{path}: {e}"))
    }

    /// `POST path` with a JSON body and the bag token (and `more` headers); the answer's status.
    async fn post(
        &self,
        path: &str,
        token: &str,
        more: &[(&str, &str)],
        body: &str,
    ) -> io::Result<u16> {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("Authorization", bearer.as_str())];
        headers.extend_from_slice(more);
        let mut connection = self.take().await?;
        let answer = connection
            .request(&self.host, "POST", path, &headers, Some(body.as_bytes()))
            .await?;
        if answer.keep_alive {
            self.give_back(connection);
        }
        Ok(answer.status)
    }
}

/// The skus to load the server with and the first store: with `stocked`, only skus with at least
/// that many units in that store.
async fn catalogue(
    connections: &Connections,
    stocked: Option<u32>,
) -> (Vec<String>, Option<String>) {
    let fail = |error: String| -> ! {
        eprintln!("bag-load: cannot read the catalogue: {error}");
        std::process::exit(1)
    };
    let stores: Vec<Store> = connections
        .get_json("/api/v1/stores")
        .await
        .unwrap_or_default();
    let store = stores.first().map(|s| s.id.clone());
    let summaries: Vec<ProductSummary> = connections
        .get_json("/api/v1/products?limit=40")
        .await
        .unwrap_or_else(|e| fail(e));
    let mut skus = Vec::new();
    for summary in &summaries {
        let product: Product = connections
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

/// One `add` of `sku` to the bag of `token`, as the app sends it.
fn add(sku: &str, quantity: u8, store: Option<&str>) -> String {
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
    .to_string()
}

/// An order of the bag's one line of `sku`, picked up in `store`: its status, and when the
/// order itself (not the add before it) was sent.
async fn order(
    connections: &Connections,
    sku: &str,
    store: Option<&str>,
) -> io::Result<(u16, Instant)> {
    let token = BagToken::from_bits(random_u128()).expose().to_string();
    let added = connections
        .post("/api/v1/bag/ops", &token, &[], &add(sku, 1, store))
        .await?;
    let sent = Instant::now();
    if added != 200 {
        return Ok((added, sent));
    }
    let key = BagToken::from_bits(random_u128()).expose().to_string();
    let request = json!({"skus": [sku], "fulfilment": {"type": "pickup", "store_id": store}});
    let status = connections
        .post(
            "/api/v1/orders",
            &token,
            &[("Idempotency-Key", &key)],
            &request.to_string(),
        )
        .await?;
    Ok((status, sent))
}

fn random_u128() -> u128 {
    let mut bits = [0u8; 16];
    getrandom::fill(&mut bits).expect("the OS has randomness");
    u128::from_le_bytes(bits)
}

/// One request's fate.
struct Outcome {
    /// From when it was due (includes any wait for the generator itself).
    since_due: Duration,
    /// From when its bytes were about to be written.
    service: Duration,
    /// The answer's status; none when the request failed or timed out.
    status: Option<u16>,
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
    let replicas: Vec<Arc<Connections>> = args
        .urls
        .iter()
        .map(|url| {
            let Some(host) = url.strip_prefix("http://") else {
                eprintln!("bag-load: --url must be http://HOST:PORT");
                std::process::exit(2);
            };
            Arc::new(Connections {
                host: host.trim_end_matches('/').to_string(),
                idle: Mutex::new(Vec::new()),
            })
        })
        .collect();
    let connections = &replicas[0];

    // Real skus and a real store from the server itself.
    let (skus, store) = catalogue(connections, args.orders.then_some(3)).await;
    let tokens: Vec<String> = (0..args.bags.max(1))
        .map(|_| BagToken::from_bits(random_u128()).expose().to_string())
        .collect();
    let skus = Arc::new(skus);
    let tokens = Arc::new(tokens);

    let total = u64::from(args.rate) * u64::from(args.seconds);
    let interval = Duration::from_secs(1) / args.rate.max(1);
    let timeout = Duration::from_millis(args.timeout_ms);
    let what = if args.orders {
        "orders".to_string()
    } else {
        format!("bag requests over {} bags", tokens.len())
    };
    println!(
        "bag-load: {total} {what} at {}/s ({} skus) to {}",
        args.rate,
        skus.len(),
        args.urls.join(", ")
    );
    let ok_status = if args.orders { 201 } else { 200 };
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let connections = replicas[i as usize % replicas.len()].clone();
        let pick = random_u128();
        let token = tokens[(pick % tokens.len() as u128) as usize].clone();
        let sku = skus[((pick >> 64) % skus.len() as u128) as usize].clone();
        let store = store.clone();
        let orders = args.orders;
        tasks.push(tokio::spawn(async move {
            let mut sent = Instant::now();
            let attempt = tokio::time::timeout(timeout, async {
                if orders {
                    let (status, order_sent) = order(&connections, &sku, store.as_deref()).await?;
                    sent = order_sent;
                    return Ok(status);
                }
                let body = add(&sku, 1 + (pick >> 120) as u8 % 3, store.as_deref());
                connections
                    .post("/api/v1/bag/ops", &token, &[], &body)
                    .await
            })
            .await;
            Outcome {
                since_due: due.elapsed(),
                service: sent.elapsed(),
                status: attempt.ok().and_then(Result::ok),
            }
        }));
    }
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        if let Ok(outcome) = task.await {
            outcomes.push(outcome);
        }
    }
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
