//! `GET /health`: answers once the database is migrated and seeded (the server listens only then).

use axum::Json;
use shopbag_api::Health;

#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses((status = 200, description = "The server is ready", body = Health))
)]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
