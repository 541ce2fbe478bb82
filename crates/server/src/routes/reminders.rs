//! `GET|POST /reminders`, `DELETE /reminders/{id}`, `POST /reminders/{id}/seen`: "remind me" on
//! the lines of the bag the token names.

use crate::bag::BagKey;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::{reminders, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shopbag_api::reminders::{Reminder, ReminderRequest, RemindersResponse};
use shopbag_api::ErrorResponse;

#[utoipa::path(
    get,
    path = "/reminders",
    tag = "reminders",
    security(("bag_token" = [])),
    responses(
        (status = 200, description = "The bag's reminders; `due` is set on those whose moment \
                                      came (decided from the calendar, stock and prices now)", body = RemindersResponse),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits", body = ErrorResponse),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    bag: BagKey,
) -> Result<Json<RemindersResponse>, AppError> {
    Ok(Json(reminders::list(&state, &bag).await?))
}

#[utoipa::path(
    post,
    path = "/reminders",
    tag = "reminders",
    security(("bag_token" = [])),
    request_body = ReminderRequest,
    responses(
        (status = 200, description = "The reminder kept (the same one when asked again)", body = Reminder),
        (status = 400, description = "Broken JSON", body = ErrorResponse),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits", body = ErrorResponse),
        (status = 409, description = "A festival start asked for with none ahead (`no_promotion_ahead`)", body = ErrorResponse),
        (status = 422, description = "A sku we do not sell (`unknown_variant`), a store that is not ours (`invalid_operation`), 600 reminders kept already (`bag_full`), or the wrong shape (`invalid_json`)", body = ErrorResponse),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    bag: BagKey,
    ApiJson(request): ApiJson<ReminderRequest>,
) -> Result<Json<Reminder>, AppError> {
    Ok(Json(reminders::create(&state, &bag, &request).await?))
}

#[utoipa::path(
    delete,
    path = "/reminders/{id}",
    tag = "reminders",
    security(("bag_token" = [])),
    params(("id" = i64, Path, description = "The reminder's id")),
    responses(
        (status = 204, description = "Forgotten"),
        (status = 404, description = "This bag has no such reminder", body = ErrorResponse),
    )
)]
pub async fn forget(
    State(state): State<AppState>,
    bag: BagKey,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    if reminders::forget(&state, &bag, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(format!("no reminder {id} in this bag")))
    }
}

#[utoipa::path(
    post,
    path = "/reminders/{id}/seen",
    tag = "reminders",
    security(("bag_token" = [])),
    params(("id" = i64, Path, description = "The reminder's id")),
    responses(
        (status = 200, description = "Marked as told, if it was due", body = Reminder),
        (status = 404, description = "This bag has no such reminder", body = ErrorResponse),
    )
)]
pub async fn seen(
    State(state): State<AppState>,
    bag: BagKey,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Reminder>, AppError> {
    reminders::seen(&state, &bag, id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("no reminder {id} in this bag")))
}
