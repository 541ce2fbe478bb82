//! A signed-in member's own endpoints: `/me` (who she is, her coupons; erasing her account),
//! `/me/history`, `/me/consent`, `/me/export`, and `/member/devices` for the member code.

use crate::error::{ApiJson, ApiPath, AppError};
use crate::members::session::{self, Session};
use crate::members::{self, history, till};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use shopbag_api::member::{Consent, DeviceRecord, DeviceRegistered, Export, History, Me, Profile};
use shopbag_api::ErrorResponse;

#[utoipa::path(
    get,
    path = "/me",
    tag = "members",
    responses(
        (status = 200, description = "Who she is, her points and her coupons", body = Me),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn me(State(state): State<AppState>, session: Session) -> Result<Json<Me>, AppError> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(members::me(&mut conn, &session.member).await?))
}

#[utoipa::path(
    delete,
    path = "/me",
    tag = "members",
    responses(
        (status = 204, description = "Her account is erased: her number, name, devices, coupons, \
                                      points, bag and reminders are gone, her orders and \
                                      purchases are kept without her; the session cookie is cleared"),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn erase(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    history::erase(&state, &session.member).await?;
    let cookie = session::clear_cookie(state.members.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

#[utoipa::path(
    get,
    path = "/me/history",
    tag = "members",
    responses(
        (status = 200, description = "Her orders, her purchases at the till and her points, newest first", body = History),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<History>, AppError> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(history::history(&mut conn, &session.member).await?))
}

#[utoipa::path(
    put,
    path = "/me/consent",
    tag = "members",
    request_body = Consent,
    responses(
        (status = 200, description = "Her profile with the consent as set", body = Profile),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn consent(
    State(state): State<AppState>,
    session: Session,
    ApiJson(consent): ApiJson<Consent>,
) -> Result<Json<Profile>, AppError> {
    Ok(Json(
        history::set_consent(&state, &session.member, consent).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/me/export",
    tag = "members",
    responses(
        (status = 200, description = "Everything the brand keeps about her, as a JSON file", body = Export),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn export(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    let mut conn = state.pool.acquire().await?;
    let export = history::export(&mut conn, &session.member).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"shopbag-my-data.json\"",
        )],
        Json(export),
    )
        .into_response())
}

#[utoipa::path(
    post,
    path = "/member/devices",
    tag = "members",
    responses(
        (status = 201, description = "This device's number and code secret: it makes her member \
                                      codes from them, offline (RFC 6238, HMAC-SHA-1, 8 digits, \
                                      30 s). A member keeps at most 10 devices; the oldest goes", body = DeviceRegistered),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn register_device(
    State(state): State<AppState>,
    session: Session,
) -> Result<(StatusCode, Json<DeviceRegistered>), AppError> {
    let device = till::register_device(&state, &session.member).await?;
    Ok((StatusCode::CREATED, Json(device)))
}

async fn set_paused(
    state: &AppState,
    session: &Session,
    number: u32,
    paused: bool,
) -> Result<Json<DeviceRecord>, AppError> {
    till::set_paused(state, &session.member, number, paused)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("you have no device {number}")))
}

#[utoipa::path(
    post,
    path = "/member/devices/{number}/pause",
    tag = "members",
    params(("number" = u32, Path, description = "The device's 8-digit number")),
    responses(
        (status = 200, description = "Paused: no code from this device verifies until resumed", body = DeviceRecord),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
        (status = 404, description = "Not one of her devices", body = ErrorResponse),
    )
)]
pub async fn pause(
    State(state): State<AppState>,
    session: Session,
    ApiPath(number): ApiPath<u32>,
) -> Result<Json<DeviceRecord>, AppError> {
    set_paused(&state, &session, number, true).await
}

#[utoipa::path(
    post,
    path = "/member/devices/{number}/resume",
    tag = "members",
    params(("number" = u32, Path, description = "The device's 8-digit number")),
    responses(
        (status = 200, description = "Its codes verify again", body = DeviceRecord),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
        (status = 404, description = "Not one of her devices", body = ErrorResponse),
    )
)]
pub async fn resume(
    State(state): State<AppState>,
    session: Session,
    ApiPath(number): ApiPath<u32>,
) -> Result<Json<DeviceRecord>, AppError> {
    set_paused(&state, &session, number, false).await
}
