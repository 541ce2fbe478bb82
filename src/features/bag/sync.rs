//! Background sync: sends pending operations in batches, retries with backoff using the same
//! ids (so a retry after a lost answer changes nothing), and pulls other devices' changes.

use super::{Bag, SyncStatus};
use crate::api::bag::{OpsBatch, MAX_OPS_PER_BATCH};
use crate::api::{ApiError, Client, ErrorCode};
use crate::lazy::split_point;
use crate::lazy::ChunkError;
use futures::channel::mpsc;
use futures::future::{select, Either};
use futures::StreamExt;
use leptos::prelude::*;

/// How often a quiet bag asks the server for other devices' changes.
const PULL_EVERY_MS: u32 = 15_000;
const FIRST_RETRY_MS: u32 = 1_000;
const LONGEST_RETRY_MS: u32 = 30_000;
/// A request still unanswered after this is given up (and aborted) and retried later.
const ANSWER_WITHIN_MS: u32 = 10_000;

split_point! { bag_sync:
    /// Starts the background loop. Its own chunk (see `crate::lazy`): a device that never changes
    /// its bag never fetches it.
    pub fn start(bag: Bag, client: Client) -> Result<(), ChunkError> {
        let (wake, mut woken) = mpsc::unbounded::<()>();
        bag.wake.set_value(Some(wake));
        leptos::task::spawn_local(async move {
            let mut retry_ms = FIRST_RETRY_MS;
            // One at a time after a refusal, to find the operation the server will not take.
            let mut one_by_one = false;
            loop {
                let wait = match push_or_pull(bag, &client, one_by_one).await {
                    Outcome::Done { more } => {
                        retry_ms = FIRST_RETRY_MS;
                        one_by_one &= more;
                        if more {
                            0
                        } else {
                            PULL_EVERY_MS
                        }
                    }
                    Outcome::Refused { isolate } => {
                        one_by_one = isolate;
                        0
                    }
                    Outcome::Unreachable => {
                        let wait = retry_ms;
                        retry_ms = (retry_ms * 2).min(LONGEST_RETRY_MS);
                        wait
                    }
                };
                if wait > 0 {
                    sleep_or_wake(wait, &mut woken).await;
                }
            }
        });
        Ok(())
    }
}

enum Outcome {
    /// Sent or pulled; `more` when operations are still waiting.
    Done { more: bool },
    /// The server refused a batch for good; `isolate` when it held more than one operation.
    Refused { isolate: bool },
    /// No answer, or an answer worth retrying (5xx).
    Unreachable,
}

async fn push_or_pull(bag: Bag, client: &Client, one_by_one: bool) -> Outcome {
    let Some(token) = bag.token() else {
        return Outcome::Done { more: false };
    };
    let pending = bag.model().saved.with_untracked(|s| s.pending());
    let limit = if one_by_one { 1 } else { MAX_OPS_PER_BATCH };
    let batch: Vec<_> = pending.iter().take(limit).cloned().collect();
    if !batch.is_empty() {
        bag.status.set(SyncStatus::Syncing);
    }
    let batch_body = OpsBatch { ops: batch.clone() };
    let answer = if batch.is_empty() {
        within(ANSWER_WITHIN_MS, client.bag(&token)).await
    } else {
        within(ANSWER_WITHIN_MS, client.push_ops(&token, &batch_body)).await
    };
    match answer {
        Ok(state) => {
            bag.adopt(state, &batch);
            let more = pending.len() > batch.len();
            bag.status.set(if more {
                SyncStatus::Syncing
            } else {
                SyncStatus::Synced
            });
            Outcome::Done { more }
        }
        Err(error) if !refuses_for_good(&error) || batch.is_empty() => {
            bag.status.set(if pending.is_empty() {
                SyncStatus::Synced
            } else {
                SyncStatus::SavedOnDevice
            });
            log_unreachable(&error);
            Outcome::Unreachable
        }
        Err(_) if batch.len() > 1 => Outcome::Refused { isolate: true },
        Err(_) => {
            bag.refuse(&batch);
            Outcome::Refused { isolate: false }
        }
    }
}

/// Only these answers mean "never": anything else (a 5xx, a proxy's 404, no answer) is retried,
/// because dropping a shopper's change on a misunderstanding would lose a line.
fn refuses_for_good(error: &ApiError) -> bool {
    matches!(
        error.code(),
        Some(ErrorCode::InvalidOperation | ErrorCode::UnknownVariant | ErrorCode::BagFull)
    )
}

fn log_unreachable(error: &ApiError) {
    leptos::logging::debug_warn!("bag sync will retry: {error}");
}

/// The answer, or a network error if none came in time (dropping the request aborts it).
async fn within<T>(
    ms: u32,
    request: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    match select(Box::pin(request), Box::pin(sleep(ms))).await {
        Either::Left((answer, _)) => answer,
        Either::Right(_) => Err(ApiError::Network("no answer in time".into())),
    }
}

/// Waits `ms`, or less if something wakes the loop (a new change, the network coming back).
async fn sleep_or_wake(ms: u32, woken: &mut mpsc::UnboundedReceiver<()>) {
    let timer = Box::pin(sleep(ms));
    let wake = woken.next();
    if let Either::Right(_) = select(timer, wake).await {
        // Several wakes may have queued up: one round handles them all.
        while woken.try_recv().is_ok() {}
    }
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
