//! `GET /codes/{code}` and `POST /codes/resolve`: from what a hang tag carries to the variant.

use crate::error::{ApiJson, ApiPath, AppError};
use crate::{catalog, AppState};
use axum::extract::State;
use axum::Json;
use shopbag_api::{
    CodeKind, CodeMatch, ErrorResponse, ProductId, ResolveRequest, ResolveResponse, ResolvedCode,
    ScannedCode, Sku,
};
use sqlx::AnyPool;

/// A code that names a variant.
struct Found {
    gtin: String,
    kind: CodeKind,
    sku: Sku,
    product_id: ProductId,
}

/// Tries each reading of the code in order: eight digits can be an EAN-8 or a UPC-E.
async fn find(pool: &AnyPool, input: &str) -> Result<Found, AppError> {
    ScannedCode::parse(input).map_err(|e| AppError::malformed_code(&e))?;
    for reading in ScannedCode::alternatives(input) {
        if let Some(row) = catalog::code(pool, reading.gtin.as_str()).await? {
            // A store's own number stays `in_store` even when it came inside a tag URL.
            let kind = if row.kind == "in_store" {
                CodeKind::InStore
            } else {
                reading.kind
            };
            return Ok(Found {
                gtin: reading.gtin.as_str().to_string(),
                kind,
                sku: row.sku,
                product_id: row.product_id,
            });
        }
    }
    Err(AppError::unknown_code())
}

#[utoipa::path(
    get,
    path = "/codes/{code}",
    tag = "codes",
    params((
        "code" = String,
        Path,
        description = "EAN-13, EAN-8, UPC-A, UPC-E, an in-store code (GS1 20–29) or a \
                       percent-encoded tag URL (GS1 Digital Link `…/01/<gtin>` or `…/p/<code>`)"
    )),
    responses(
        (status = 200, description = "The variant the code names, with its product", body = CodeMatch),
        (status = 400, description = "Not a product code (`malformed_code`)", body = ErrorResponse),
        (status = 404, description = "Well-formed, but nothing we sell (`unknown_code`)", body = ErrorResponse),
    )
)]
pub async fn lookup(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<CodeMatch>, AppError> {
    let found = find(&state.pool, &code).await?;
    let product = catalog::product(&state.pool, &found.product_id)
        .await?
        .ok_or_else(AppError::unknown_code)?;
    Ok(Json(CodeMatch {
        gtin: found.gtin,
        kind: found.kind,
        sku: found.sku,
        product,
    }))
}

#[utoipa::path(
    post,
    path = "/codes/resolve",
    tag = "codes",
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "One result per code, in order; bad codes carry their error", body = ResolveResponse),
        (status = 400, description = "More than 100 codes, or broken JSON", body = ErrorResponse),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorResponse),
        (status = 415, description = "Body is not `application/json`", body = ErrorResponse),
        (status = 422, description = "JSON of the wrong shape", body = ErrorResponse),
    )
)]
pub async fn resolve(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ResolveRequest>,
) -> Result<Json<ResolveResponse>, AppError> {
    if request.codes.len() > ResolveRequest::MAX_CODES {
        return Err(AppError::bad_request(format!(
            "send at most {} codes at once, not {}",
            ResolveRequest::MAX_CODES,
            request.codes.len()
        )));
    }
    let mut results = Vec::with_capacity(request.codes.len());
    for code in request.codes {
        let result = match find(&state.pool, &code).await {
            Ok(found) => ResolvedCode {
                code,
                sku: Some(found.sku),
                product_id: Some(found.product_id),
                error: None,
            },
            // Our own failures fail the batch: a client must not cache them as "unknown".
            Err(e) if e.status.is_server_error() => return Err(e),
            Err(e) => ResolvedCode {
                code,
                sku: None,
                product_id: None,
                error: Some(e.body),
            },
        };
        results.push(result);
    }
    Ok(Json(ResolveResponse { results }))
}
