//! Test-only fault switch (cargo feature `fault-injection`): bag and order requests fail on purpose.
//!
//! Clients must survive lost answers and timeouts without losing or doubling anything; this lets
//! their tests make a real server misbehave on cue. `POST /api/v1/test/faults` with
//! `{"fail_next": N, "hang_next": M, "hang_ms": T, "fail_after_commit_next": K}` (each field
//! optional, 0 by default) replaces the switch, and the next requests to `/api/v1/bag*` and
//! `/api/v1/orders*` go through its modes in this order:
//!
//! - the next N answer 500 `internal` at once and apply nothing;
//! - then the next M wait T ms (at most 60 000), then answer 500 and apply nothing — an answer that
//!   never came, a timeout before the write;
//! - then the next K are handled and committed, then answer 500 — an answer lost after the write,
//!   so the client retries with the same operation ids or `Idempotency-Key`.
//!
//! The route answers the switch as now set. The feature is off by default and `scripts/run.sh`
//! never turns it on; without it the route does not exist (404) and nothing here is compiled.

use crate::error::{ApiJson, AppError};
use crate::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use shopbag_api::ErrorResponse;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use utoipa::ToSchema;

/// A hang longer than a minute is a test that forgot to stop.
const MAX_HANG_MS: u64 = 60_000;

/// What the next bag and order requests will suffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Requests that answer 500 at once, applying nothing.
    pub fail_next: u32,
    /// Requests (after those) that wait `hang_ms`, then answer 500, applying nothing.
    pub hang_next: u32,
    pub hang_ms: u64,
    /// Requests (after those) that are applied and committed, then answer 500.
    pub fail_after_commit_next: u32,
}

/// The switch, shared by the route that sets it and the layer that obeys it.
#[derive(Debug, Default)]
pub struct Faults(Mutex<FaultPlan>);

enum Fault {
    Fail,
    Hang(Duration),
    FailAfterCommit,
}

impl Faults {
    fn set(&self, plan: FaultPlan) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = plan;
    }

    /// Takes the next fault off the plan, if any is left.
    fn next(&self) -> Option<Fault> {
        let mut plan = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if plan.fail_next > 0 {
            plan.fail_next -= 1;
            Some(Fault::Fail)
        } else if plan.hang_next > 0 {
            plan.hang_next -= 1;
            Some(Fault::Hang(Duration::from_millis(plan.hang_ms)))
        } else if plan.fail_after_commit_next > 0 {
            plan.fail_after_commit_next -= 1;
            Some(Fault::FailAfterCommit)
        } else {
            None
        }
    }
}

#[utoipa::path(
    post,
    path = "/test/faults",
    tag = "test",
    request_body = FaultPlan,
    responses(
        (status = 200, description = "The switch as now set (test builds only)", body = FaultPlan),
        (status = 400, description = "`hang_ms` above 60000", body = ErrorResponse),
        (status = 422, description = "An unknown field (`invalid_json`)", body = ErrorResponse),
    )
)]
pub async fn set(
    State(state): State<AppState>,
    ApiJson(plan): ApiJson<FaultPlan>,
) -> Result<Json<FaultPlan>, AppError> {
    if plan.hang_ms > MAX_HANG_MS {
        return Err(AppError::bad_request(format!(
            "hang at most {MAX_HANG_MS} ms"
        )));
    }
    state.faults.set(plan);
    tracing::warn!(?plan, "fault switch set");
    Ok(Json(plan))
}

/// The layer: bag and order requests consult the switch before (or after) they are handled.
pub async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let affected = ["/api/v1/bag", "/api/v1/orders"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    if !affected {
        return next.run(request).await;
    }
    match faults.next() {
        None => next.run(request).await,
        Some(Fault::Fail) => AppError::internal().into_response(),
        Some(Fault::Hang(delay)) => {
            tokio::time::sleep(delay).await;
            AppError::internal().into_response()
        }
        Some(Fault::FailAfterCommit) => {
            // Whatever the handler answered, the client never hears it.
            let _lost = next.run(request).await;
            AppError::internal().into_response()
        }
    }
}
