//! `GET /bag` and `POST /bag/ops`: the anonymous bag addressed by its bearer token.

use crate::bag::{self, BagKey};
use crate::error::{ApiJson, AppError};
use crate::throttle::ClientAddr;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use shopbag_api::bag::{BagState, OpsBatch};
use shopbag_api::ErrorResponse;

#[utoipa::path(
    get,
    path = "/bag",
    tag = "bag",
    security(("bag_token" = [])),
    responses(
        (status = 200, description = "The bag's lines and the operations they come from; a token \
                                      that never sent an operation has an empty bag", body = BagState),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
    )
)]
pub async fn bag(State(state): State<AppState>, bag: BagKey) -> Result<Json<BagState>, AppError> {
    Ok(Json(bag::state(&state.pool, &bag).await?))
}

#[utoipa::path(
    post,
    path = "/bag/ops",
    tag = "bag",
    security(("bag_token" = [])),
    request_body(
        content = OpsBatch,
        description = "Operations applied all or nothing; an operation id already stored with \
                       the same change is ignored, so a retry of the same batch changes nothing. \
                       A time more than 5 minutes ahead of the server's clock is taken as that \
                       limit (the answer carries the operation as stored)"
    ),
    responses(
        (status = 200, description = "The bag after merging the batch", body = BagState),
        (status = 400, description = "Broken JSON (`invalid_json`)", body = ErrorResponse),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 409, description = "Nothing applied: an operation id the bag holds with another change (`operation_conflict`)", body = ErrorResponse),
        (status = 413, description = "Body larger than 64 KiB (`payload_too_large`)", body = ErrorResponse),
        (status = 415, description = "Body is not `application/json`", body = ErrorResponse),
        (status = 422, description = "Nothing applied: `invalid_operation` (quantity outside 1–99, \
                                      note too long, empty sku, more than 500 operations), \
                                      `unknown_variant` (a sku we do not sell), `bag_full` (more \
                                      than 200 lines, or more than 4,000 changes kept from the                                       last 30 days) or `invalid_json` (wrong shape)", body = ErrorResponse),
        (status = 429, description = "Too many writes for this bag or from this address                                       (`too_many_requests`); `Retry-After` says when to try again", body = ErrorResponse),
    )
)]
pub async fn ops(
    State(state): State<AppState>,
    client: ClientAddr,
    bag: BagKey,
    ApiJson(batch): ApiJson<OpsBatch>,
) -> Result<Json<BagState>, AppError> {
    state.throttle.write(&bag, client).await?;
    Ok(Json(bag::apply(&state, &bag, &batch.ops).await?))
}
