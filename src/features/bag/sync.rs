//! Background sync: the browser's part of it — requests, timers, waking up. What to send and
//! what an answer means are the contract's [`Outbox`] rules (natively tested); a retry sends the
//! same ids again, so an answer lost on the way changes nothing.

use super::Bag;
use crate::api::bag::{Answer, BagState, OpsBatch, Outbox, Wait};
use crate::api::{ApiError, Client};
use crate::lazy::split_point;
use crate::lazy::ChunkError;
use futures::channel::mpsc;
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

/// How often a quiet bag asks the server for other devices' changes.
const PULL_EVERY_MS: u32 = 15_000;
/// A request still unanswered after this is given up (and aborted) and retried later.
const ANSWER_WITHIN_MS: u32 = 10_000;

split_point! { bag_sync:
    /// Starts the background loop. Its own chunk (see `crate::lazy`): a device that never changes
    /// its bag never fetches it.
    pub fn start(bag: Bag, client: Client) -> Result<(), ChunkError> {
        let (wake, mut woken) = mpsc::unbounded::<()>();
        bag.wake.set_value(Some(wake));
        leptos::task::spawn_local(async move {
            let mut outbox = Outbox::default();
            loop {
                let wait = match round(bag, &client, &mut outbox).await {
                    Wait::Now => 0,
                    Wait::Quiet => PULL_EVERY_MS,
                    Wait::Retry(ms) => ms,
                };
                if wait > 0 {
                    sleep_or_wake(wait, &mut woken).await;
                }
            }
        });
        Ok(())
    }
}

/// Sends the next batch, or asks for the bag when nothing is pending, and takes in the answer.
async fn round(bag: Bag, client: &Client, outbox: &mut Outbox) -> Wait {
    let Some(token) = bag.token() else {
        return Wait::Quiet;
    };
    let batch = OpsBatch {
        ops: bag.model().saved.with_untracked(|s| outbox.batch(s)),
    };
    let answer = if batch.ops.is_empty() {
        within(ANSWER_WITHIN_MS, client.bag(&token)).await
    } else {
        bag.sending.set(true);
        within(ANSWER_WITHIN_MS, client.push_ops(&token, &batch)).await
    };
    let wait = bag.answered(outbox, token.expose(), &batch.ops, meaning(answer));
    bag.sending.set(false);
    wait
}

/// What a request's outcome means for the bag (logged when it failed: the shopper sees the
/// bag's status, a developer the reason).
fn meaning(answer: Result<BagState, ApiError>) -> Answer {
    match answer {
        Ok(state) => Answer::Merged(state),
        Err(error) => {
            leptos::logging::debug_warn!("bag sync: {error}");
            match error {
                ApiError::Server { status, body } => {
                    Answer::of_failure(Some(status), Some(body.code))
                }
                ApiError::Network(_) | ApiError::Decode(_) => Answer::of_failure(None, None),
            }
        }
    }
}

/// The answer, or a network error if none came in time (dropping the request aborts it, and
/// dropping the timer clears it).
async fn within<T>(
    ms: u32,
    request: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    match select(Box::pin(request), TimeoutFuture::new(ms)).await {
        Either::Left((answer, _)) => answer,
        Either::Right(_) => Err(ApiError::Network("no answer in time".into())),
    }
}

/// Waits `ms`, or less if something wakes the loop (a new change, the network coming back).
async fn sleep_or_wake(ms: u32, woken: &mut mpsc::UnboundedReceiver<()>) {
    let wake = woken.next();
    if let Either::Right(_) = select(TimeoutFuture::new(ms), wake).await {
        // Several wakes may have queued up: one round handles them all.
        while woken.try_recv().is_ok() {}
    }
}
