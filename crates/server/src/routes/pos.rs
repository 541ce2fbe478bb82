//! The till: `POST /pos/member-code/verify` and `POST /pos/purchases`, for store staff devices
//! with the cashier key.

use crate::error::{ApiJson, AppError};
use crate::members::till;
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use shopbag_api::member::{Purchase, PurchaseRequest, Verified, VerifyRequest};
use shopbag_api::ErrorResponse;

#[utoipa::path(
    post,
    path = "/pos/member-code/verify",
    tag = "till",
    request_body = VerifyRequest,
    params(("X-Cashier-Key" = String, Header, description = "The store's cashier key")),
    responses(
        (status = 200, description = "Whose code it is: her name, points and the coupons that \
                                      apply (to the lines, when given); confirm the purchase \
                                      with `verification` within 15 minutes", body = Verified),
        (status = 400, description = "An unknown store", body = ErrorResponse),
        (status = 401, description = "No or a wrong cashier key (`cashier_key_rejected`)", body = ErrorResponse),
        (status = 403, description = "Stale (older than the step before this one), forged, from a \
                                      paused or unknown device (`member_code_rejected`)", body = ErrorResponse),
        (status = 409, description = "The code was used already (`member_code_used`)", body = ErrorResponse),
        (status = 422, description = "Not a member code: 18 digits starting with 97 \
                                      (`invalid_member_code`), or lines that cannot be priced \
                                      (`invalid_purchase`)", body = ErrorResponse),
        (status = 429, description = "Too many codes at this store or from this device (`too_many_requests`)", body = ErrorResponse),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<Verified>, AppError> {
    till::check_cashier(&headers, &state.members)?;
    Ok(Json(till::verify(&state, &request).await?))
}

#[utoipa::path(
    post,
    path = "/pos/purchases",
    tag = "till",
    request_body = PurchaseRequest,
    params(("X-Cashier-Key" = String, Header, description = "The store's cashier key")),
    responses(
        (status = 200, description = "The purchase: her points grew by a point per full yuan \
                                      paid and the coupon it used is redeemed, together. The \
                                      same verification again answers the same purchase", body = Purchase),
        (status = 401, description = "No or a wrong cashier key (`cashier_key_rejected`)", body = ErrorResponse),
        (status = 422, description = "An unknown or expired verification, no lines, an unknown \
                                      sku or a quantity outside 1–99 (`invalid_purchase`)", body = ErrorResponse),
    )
)]
pub async fn purchase(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PurchaseRequest>,
) -> Result<Json<Purchase>, AppError> {
    till::check_cashier(&headers, &state.members)?;
    Ok(Json(till::confirm(&state, &request).await?))
}
