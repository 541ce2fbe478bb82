//! shopbag's reference server: the REST API over a seeded SQLite catalogue, and the built app.
//!
//! [`app`] builds the whole router (tests call it); [`Server::start`] opens the database, seeds it
//! and binds; [`serve`] is what the binary runs.
//!
//! Bags ([`bag`]) are operation logs addressed by a bearer token; orders ([`orders`]) reserve stock
//! and take their lines out of the bag in one transaction. With the cargo feature
//! `fault-injection` (tests only, never in `scripts/run.sh`) the `faults` module adds
//! `POST /api/v1/test/faults`, which makes bag and order requests fail on purpose. With `--tls`
//! ([`tls`]) it serves HTTPS with a self-signed certificate, for phones on the same network.

pub mod assets;
pub mod bag;
pub mod catalog;
pub mod config;
pub mod connections;
pub mod db;
pub mod error;
#[cfg(feature = "fault-injection")]
pub mod faults;
mod group_commit;
pub mod handoff;
pub mod looks;
pub mod members;
pub mod openapi;
pub mod orders;
pub mod pictures;
pub mod promotions;
pub mod reminders;
mod routes;
pub mod seed;
pub mod throttle;
pub mod tls;
pub mod visual;

pub use config::Config;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::routing::any;
use axum::Router;
use error::AppError;
use sqlx::AnyPool;
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Largest request body the API reads (the contract's, so the app sizes its batches to fit): a
/// resolve batch of 100 codes fits many times over.
pub const API_BODY_LIMIT: usize = shopbag_api::MAX_BODY_BYTES;

/// The server's clock, in milliseconds since the Unix epoch (the contract's time unit).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// For reads; they never wait for writers (WAL).
    pub pool: AnyPool,
    /// For bag and order writes, one at a time.
    pub writer: db::Writer,
    /// Bag batches, committed in groups on the writer.
    pub bag_commits: group_commit::BagCommits,
    pub dist: Arc<assets::Dist>,
    #[cfg(feature = "fault-injection")]
    pub faults: Arc<faults::Faults>,
    /// An API request not answered within this is answered 408.
    pub request_timeout: Duration,
    /// Write limits per bag and per client address.
    pub throttle: Arc<throttle::Throttle>,
    /// How long an order holds its stock unpaid (ms).
    pub pay_within_ms: i64,
    /// Cashier key, host secret, cookie flags.
    pub members: Arc<members::Settings>,
    /// The photo embedder for visual search, when its weights are installed.
    pub vision: visual::Vision,
}

impl AppState {
    /// Starts the bag's commit task: call within the server's runtime.
    pub fn new(pool: AnyPool, dist: impl Into<PathBuf>) -> Self {
        let writer = db::Writer::new(pool.clone());
        AppState {
            bag_commits: group_commit::BagCommits::start(writer.clone()),
            writer,
            pool,
            dist: Arc::new(assets::Dist::new(dist)),
            #[cfg(feature = "fault-injection")]
            faults: Arc::default(),
            request_timeout: connections::Limits::default().request,
            throttle: Arc::default(),
            pay_within_ms: shopbag_api::DEFAULT_PAY_WITHIN_MS,
            members: Arc::default(),
            vision: None,
        }
    }
}

async fn no_such_endpoint() -> AppError {
    AppError::not_found("no such endpoint")
}

/// The layers every `/api` route shares, outermost last.
fn with_api_layers(router: Router, request_timeout: Duration) -> Router {
    router
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        // JSON bodies are read up to the API's limit; the photo routes set a larger one of
        // their own, up to which every body is read before any route sees it.
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(
            shopbag_api::visual::MAX_PHOTO_BYTES,
        ))
        .layer(axum::middleware::from_fn(error::shape_errors))
        // A bag, an order, stock: answers are about now and often about one shopper; no cache
        // (the browser's, a proxy's) keeps them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new())
        // Bearer tokens and keys: any origin may call, without credentials. The member session
        // is a SameSite=Strict cookie, sent only by our own pages.
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::DELETE,
                    Method::OPTIONS,
                ])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    HeaderName::from_static(orders::IdempotencyKey::HEADER),
                    HeaderName::from_static(members::till::CASHIER_KEY_HEADER),
                ])
                .expose_headers([header::LOCATION]),
        )
}

/// The whole HTTP surface: `/api/v1/…` plus the app from the dist directory.
pub fn app(state: AppState) -> Router {
    let api = openapi::api_routes()
        .route("/api", any(no_such_endpoint))
        .route("/api/{*rest}", any(no_such_endpoint));
    #[cfg(feature = "fault-injection")]
    let api = api.layer(axum::middleware::from_fn_with_state(
        state.faults.clone(),
        faults::inject,
    ));
    let api = api.with_state(state.clone());
    let dist = state.dist.clone();
    Router::new()
        .merge(with_api_layers(api, state.request_timeout))
        .fallback_service(any(assets::serve).with_state(dist.clone()))
        .layer(axum::middleware::from_fn_with_state(
            dist,
            assets::security_headers,
        ))
        // Method and path only: headers (Authorization) never reach the log, nor does the claim
        // code of a kiosk's QR code, which opens `/claim/{code}` on the phone.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::debug_span!(
                        "request",
                        method = %request.method(),
                        path = %logged_path(request.uri().path()),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
}

/// The path as the request log shows it: without a claim code, and without the query (search
/// words are hers too).
fn logged_path(path: &str) -> &str {
    if path.starts_with("/claim/") {
        "/claim/…"
    } else {
        path
    }
}

pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// A server that is migrated, seeded and bound, but not yet answering.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
    addr: SocketAddr,
    writer: db::Writer,
    state: AppState,
    tls: Option<tls::Tls>,
    limits: connections::Limits,
}

impl Server {
    pub async fn start(config: &Config) -> Result<Server, StartError> {
        config.check()?;
        let pool = db::open(&config.database_url).await?;
        if seed::seed_if_empty(&pool).await? {
            tracing::info!("seeded the demo store group");
        } else {
            let products = seed::demo().products;
            let added = seed::festivals::add_missing(&pool, &products).await?;
            if added > 0 {
                tracing::info!("added {added} shopping festivals to the calendar");
            }
        }
        let mut state = AppState::new(pool, config.dist.clone());
        state.request_timeout = config.limits().request;
        state.throttle = Arc::new(throttle::Throttle::for_database(
            config.rates(),
            &state.pool,
        ));
        state.pay_within_ms = config.pay_within_ms();
        state.members = Arc::new(config.members());
        state.vision = visual::load(&config.vision_model)?;
        state.dist.refresh().await;
        // Before binding: a certificate problem should not leave a port open for nothing.
        let tls = if config.tls {
            Some(tls::Tls::load_or_create(&config.tls_dir(), config.addr)?)
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind((config.addr, config.port)).await?;
        let addr = listener.local_addr()?;
        if let Some(tls) = &tls {
            log_tls(tls, addr);
        }
        Ok(Server {
            listener,
            writer: state.writer.clone(),
            state: state.clone(),
            router: app(state),
            addr,
            tls,
            limits: config.limits(),
        })
    }

    /// The bound address, with the real port when the config asked for port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, or `https://…` with `--tls`.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let checkpoints = tokio::spawn(self.writer.checkpoint_regularly());
        let upkeep = tokio::spawn(upkeep(self.state));
        match self.tls {
            Some(tls) => {
                let listener = tls.listener(self.listener);
                connections::serve(listener, self.router, self.limits, shutdown).await
            }
            None => connections::serve(self.listener, self.router, self.limits, shutdown).await,
        }
        checkpoints.abort();
        upkeep.abort();
        Ok(())
    }
}

/// Unpaid orders past their deadline give their stock back (at each deadline, or at least every
/// half minute), the rate limits forget idle clients, and ended handoffs go (every ten minutes).
async fn upkeep(state: AppState) {
    let longest = Duration::from_secs(30).min(Duration::from_millis(
        state.pay_within_ms.max(1).unsigned_abs(),
    ));
    let mut forgot = std::time::Instant::now() - Duration::from_secs(3600);
    loop {
        if let Err(error) = orders::expire_due(&state).await {
            tracing::warn!(?error, "could not expire unpaid orders; trying again later");
        }
        if let Err(error) = state.throttle.forget_idle().await {
            tracing::warn!(%error, "could not forget full rate-limit buckets; trying again later");
        }
        if forgot.elapsed() > Duration::from_secs(600) {
            forgot = std::time::Instant::now();
            if let Err(error) = handoff::forget_ended(&state).await {
                tracing::warn!(
                    ?error,
                    "could not forget ended handoffs; trying again later"
                );
            }
        }
        let next = orders::next_deadline(&state.pool).await.ok().flatten();
        let wait = next.map_or(longest, |due| {
            Duration::from_millis((due - now_ms()).max(0).unsigned_abs()).min(longest)
        });
        tokio::time::sleep(wait.max(Duration::from_millis(50))).await;
    }
}

/// Starts the server, prints the one ready line harnesses wait for, and serves until Ctrl-C/SIGTERM.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let server = Server::start(&config).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "shopbag-server listening on {}", server.url())?;
    stdout.flush()?;
    drop(stdout);
    server.run(shutdown_signal()).await?;
    Ok(())
}

/// Tells where the certificate is, and, when listening on every interface, what a phone opens.
fn log_tls(tls: &tls::Tls, addr: SocketAddr) {
    let cert = tls.cert_path.display();
    if tls.created {
        tracing::info!("made a self-signed TLS certificate: {cert}");
    } else {
        tracing::info!("using the TLS certificate {cert}");
    }
    tracing::info!(
        "the certificate is self-signed: browsers warn once; accept it to go on \
         (or trust {cert} on the device)"
    );
    if addr.ip().is_unspecified() {
        match tls::lan_ipv4() {
            Some(lan) => tracing::info!(
                "on a phone on the same network, open https://{}",
                SocketAddr::new(lan.into(), addr.port())
            ),
            None => tracing::info!("no LAN address found for a phone to open"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_error_shape() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let router = with_api_layers(
            Router::new().route("/api/v1/boom", get(boom)),
            Duration::from_secs(30),
        );
        let response = router
            .oneshot(Request::get("/api/v1/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "internal");
    }
}
