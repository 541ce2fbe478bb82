//! `GET /stores` and `GET /stores/{id}`: the store group's shops with their positions.

use crate::error::{ApiPath, AppError};
use crate::{catalog, AppState};
use axum::extract::State;
use axum::Json;
use shopbag_api::{ErrorResponse, Store, StoreId};

#[utoipa::path(
    get,
    path = "/stores",
    tag = "stores",
    responses((status = 200, description = "Every store, flagship first", body = Vec<Store>))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Store>>, AppError> {
    Ok(Json(catalog::stores(&state.pool).await?))
}

#[utoipa::path(
    get,
    path = "/stores/{id}",
    tag = "stores",
    params(("id" = String, Path, description = "Store slug, e.g. `sh-jingan`")),
    responses(
        (status = 200, description = "The store", body = Store),
        (status = 404, description = "No such store", body = ErrorResponse),
    )
)]
pub async fn store(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<StoreId>,
) -> Result<Json<Store>, AppError> {
    catalog::store(&state.pool, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("no store `{id}`")))
}
