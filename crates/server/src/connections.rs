//! Accepting connections with limits, so that slow or silent clients cannot use the server up:
//! any phone on the store Wi-Fi reaches a server started with `--addr 0.0.0.0`.
//!
//! `axum::serve` sets none of these, so the loop is ours, on hyper's connection builder:
//! a client gets [`Limits::header_read`] to send a request's headers (a socket that trickles
//! them is closed), at most [`Limits::connections`] are open at once (the next ones wait in the
//! operating system's backlog until one closes), and every request is answered within
//! [`Limits::request`] (the API answers `408` after that; see `app`). TLS handshakes have their
//! own cap and timeout (`tls`).

use axum::extract::connect_info::ConnectInfo;
use axum::serve::Listener;
use axum::Extension;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower::Layer;

/// How much of the server one client may hold, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub connections: usize,
    pub header_read: Duration,
    pub request: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 1024,
            header_read: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// Serves `router` on the connections `listener` accepts until `shutdown`, then lets open
/// requests finish (for at most the request limit).
pub async fn serve<L: Listener<Addr = std::net::SocketAddr>>(
    mut listener: L,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    builder.http2().timer(TokioTimer::new());
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        // The client's address for the rate limits (`throttle::ClientAddr`).
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(router.clone()));
        let connection = builder
            .serve_connection(TokioIo::new(io), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(slot);
        });
    }
    if tokio::time::timeout(limits.request, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still open at shutdown were cut off");
    }
}
