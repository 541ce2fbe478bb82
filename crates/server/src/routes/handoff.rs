//! `POST /handoffs`, `GET /handoffs/latest`, `POST /handoffs/open`, `POST /handoffs/claim`: a
//! kiosk's bag taken along on a phone (see `crate::handoff`).

use crate::bag::BagKey;
use crate::error::{ApiJson, AppError};
use crate::{handoff, AppState};
use axum::extract::State;
use axum::Json;
use shopbag_api::bag::BagState;
use shopbag_api::handoff::{ClaimRequest, HandoffOffer, HandoffRequest, HandoffStatus, OfferedBag};
use shopbag_api::ErrorResponse;

#[utoipa::path(
    post,
    path = "/handoffs",
    tag = "handoffs",
    security(("bag_token" = [])),
    request_body(content = HandoffRequest, description = "The kiosk's lines, as its screen shows them"),
    responses(
        (status = 200, description = "A claim code for five minutes; an earlier unclaimed code of this bag ends", body = HandoffOffer),
        (status = 400, description = "Broken JSON (`invalid_json`)", body = ErrorResponse),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 422, description = "No lines or more than 200, a line outside the bag's rules \
                                      (`invalid_operation`), a sku we do not sell (`unknown_variant`)", body = ErrorResponse),
    )
)]
pub async fn offer(
    State(state): State<AppState>,
    kiosk: BagKey,
    ApiJson(request): ApiJson<HandoffRequest>,
) -> Result<Json<HandoffOffer>, AppError> {
    Ok(Json(handoff::offer(&state, &kiosk, &request.lines).await?))
}

#[utoipa::path(
    get,
    path = "/handoffs/latest",
    tag = "handoffs",
    security(("bag_token" = [])),
    responses(
        (status = 200, description = "Whether the bag's latest offer waits, was claimed or expired", body = HandoffStatus),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 404, description = "This bag offered nothing (`not_found`)", body = ErrorResponse),
    )
)]
pub async fn latest(
    State(state): State<AppState>,
    kiosk: BagKey,
) -> Result<Json<HandoffStatus>, AppError> {
    Ok(Json(handoff::status(&state.pool, &kiosk).await?))
}

#[utoipa::path(
    post,
    path = "/handoffs/open",
    tag = "handoffs",
    request_body(content = ClaimRequest, description = "The code from the kiosk's QR code"),
    responses(
        (status = 200, description = "The lines offered, before she takes them", body = OfferedBag),
        (status = 400, description = "Broken JSON (`invalid_json`)", body = ErrorResponse),
        (status = 404, description = "No offer under this code (`claim_not_found`)", body = ErrorResponse),
        (status = 409, description = "Claimed already (`claim_used`)", body = ErrorResponse),
        (status = 410, description = "Past its five minutes (`claim_expired`)", body = ErrorResponse),
    )
)]
pub async fn open(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ClaimRequest>,
) -> Result<Json<OfferedBag>, AppError> {
    Ok(Json(handoff::open(&state.pool, &request.code).await?))
}

#[utoipa::path(
    post,
    path = "/handoffs/claim",
    tag = "handoffs",
    security(("bag_token" = [])),
    request_body(content = ClaimRequest, description = "The code from the kiosk's QR code"),
    responses(
        (status = 200, description = "Her bag with the kiosk's lines in it (her member bag when \
                                      the device is signed in); the code is used up", body = BagState),
        (status = 400, description = "Broken JSON (`invalid_json`)", body = ErrorResponse),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 404, description = "No offer under this code (`claim_not_found`)", body = ErrorResponse),
        (status = 409, description = "Claimed already (`claim_used`)", body = ErrorResponse),
        (status = 410, description = "Past its five minutes (`claim_expired`)", body = ErrorResponse),
        (status = 422, description = "Her bag would hold more than 200 lines (`bag_full`), or it \
                                      is the bag that offered them (`invalid_operation`)", body = ErrorResponse),
    )
)]
pub async fn claim(
    State(state): State<AppState>,
    into: BagKey,
    ApiJson(request): ApiJson<ClaimRequest>,
) -> Result<Json<BagState>, AppError> {
    Ok(Json(handoff::claim(&state, &into, &request.code).await?))
}
