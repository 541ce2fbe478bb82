//! `GET /promotions`: the shopping festivals' calendar and price rules.

use crate::error::{ApiQuery, AppError};
use crate::{promotions, AppState};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use shopbag_api::promotions::Calendar;
use shopbag_api::{ErrorResponse, Sku};
use utoipa::IntoParams;

/// A bag's lines at most: the event prices a bag page asks for.
const MAX_SKUS: usize = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// Skus joined by commas, e.g. `P0001-BLK-M,P0002-CAM-S`: their event prices come too.
    skus: Option<String>,
}

#[utoipa::path(
    get,
    path = "/promotions",
    tag = "promotions",
    params(CalendarQuery),
    responses(
        (status = 200, description = "Every festival in start order, with its phases in Shanghai \
                                      time and its price rules, and the event prices of the skus \
                                      asked for", body = Calendar),
        (status = 400, description = "More than 200 skus", body = ErrorResponse),
    )
)]
pub async fn calendar(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CalendarQuery>,
) -> Result<Json<Calendar>, AppError> {
    let skus: Vec<Sku> = query
        .skus
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(Sku::from)
        .collect();
    if skus.len() > MAX_SKUS {
        return Err(AppError::bad_request(format!(
            "ask for at most {MAX_SKUS} skus"
        )));
    }
    Ok(Json(promotions::calendar(&state.pool, &skus).await?))
}
