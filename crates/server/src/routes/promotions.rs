//! `GET /promotions`: the shopping festivals' calendar and price rules.

use crate::error::AppError;
use crate::{promotions, AppState};
use axum::extract::State;
use axum::Json;
use shopbag_api::promotions::Calendar;

#[utoipa::path(
    get,
    path = "/promotions",
    tag = "promotions",
    responses((status = 200, description = "Every festival in start order, with its phases in \
                                             Shanghai time and its price rules; variants carry \
                                             their event prices", body = Calendar))
)]
pub async fn calendar(State(state): State<AppState>) -> Result<Json<Calendar>, AppError> {
    Ok(Json(promotions::calendar(&state.pool).await?))
}
