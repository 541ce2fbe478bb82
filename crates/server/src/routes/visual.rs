//! Finding a garment by its picture: `POST /visual-search` for shoppers, `GET
//! /product-photos/{id}` for the photos it matched, and the enrolment of products' photos under
//! `/staff/products/{id}/photos` for store staff devices with the cashier key.

use crate::error::{ApiPath, AppError};
use crate::members::till;
use crate::throttle::ClientAddr;
use crate::visual::{self, Photo};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use shopbag_api::visual::{EnrolledPhoto, PhotoId, ProductPhotos, VisualSearch, PHOTO_TYPES};
use shopbag_api::{ErrorCode, ErrorResponse, ProductId};

/// A photo's bytes, the request's whole body (the document says binary, not a list of numbers).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // only described
struct PhotoBytes(Vec<u8>);

/// An enrolled photo never changes under its number: kept a day, then asked again (it may have
/// been deleted).
const KEEP_FOR_A_DAY: &str = "public, max-age=86400";

/// The body as a photo of a type we read, said by its `Content-Type`.
fn photo(headers: &HeaderMap, bytes: Bytes) -> Result<Photo, AppError> {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    let content_type = PHOTO_TYPES
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(sent))
        .ok_or_else(|| {
            AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the photo as `image/jpeg` or `image/png`",
            )
        })?;
    Ok(Photo {
        bytes,
        content_type,
    })
}

#[utoipa::path(
    post,
    path = "/visual-search",
    tag = "visual search",
    request_body(content = PhotoBytes, description = "A photo of the garment, JPEG or PNG, at most 4 MiB (a downscaled crop of a few dozen KB is plenty)", content_type = "image/jpeg"),
    responses(
        (status = 200, description = "The enrolled products that look most like it, best first \
                                      (at most 3; none when no photos are enrolled)", body = VisualSearch),
        (status = 413, description = "A photo over 4 MiB (`payload_too_large`)", body = ErrorResponse),
        (status = 415, description = "Not `image/jpeg` or `image/png` (`unsupported_media_type`)", body = ErrorResponse),
        (status = 422, description = "Not a photo that can be read (`invalid_photo`)", body = ErrorResponse),
        (status = 429, description = "Too many searches by photo from this address (`too_many_requests`)", body = ErrorResponse),
        (status = 503, description = "This server has no model installed (`visual_search_unavailable`)", body = ErrorResponse),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<VisualSearch>, AppError> {
    let photo = photo(&headers, body)?;
    state.throttle.photo_search(client).await?;
    Ok(Json(visual::search(&state, photo.bytes).await?))
}

#[utoipa::path(
    get,
    path = "/product-photos/{id}",
    tag = "visual search",
    params(("id" = i64, Path, description = "An enrolled photo's number")),
    responses(
        (status = 200, description = "The photo as it was enrolled", content_type = "image/jpeg", body = PhotoBytes),
        (status = 404, description = "No such photo (deleted, or never enrolled)", body = ErrorResponse),
    )
)]
pub async fn product_photo(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<impl IntoResponse, AppError> {
    let photo = visual::photo(&state.pool, PhotoId(id)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, photo.content_type),
            (header::CACHE_CONTROL, KEEP_FOR_A_DAY),
        ],
        photo.bytes,
    ))
}

#[utoipa::path(
    get,
    path = "/staff/products/{id}/photos",
    tag = "visual search",
    params(
        ("id" = String, Path, description = "A product id"),
        ("X-Cashier-Key" = String, Header, description = "The store's cashier key"),
    ),
    responses(
        (status = 200, description = "The product's enrolled photos, oldest first", body = ProductPhotos),
        (status = 401, description = "No or a wrong cashier key (`cashier_key_rejected`)", body = ErrorResponse),
        (status = 404, description = "No such product", body = ErrorResponse),
    )
)]
pub async fn photos(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ProductPhotos>, AppError> {
    till::check_cashier(&headers, &state.members)?;
    Ok(Json(
        visual::photos(&state.pool, &ProductId::from(id)).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/staff/products/{id}/photos",
    tag = "visual search",
    params(
        ("id" = String, Path, description = "A product id"),
        ("X-Cashier-Key" = String, Header, description = "The store's cashier key"),
    ),
    request_body(content = PhotoBytes, description = "A photo of the product, JPEG or PNG, at most 4 MiB", content_type = "image/jpeg"),
    responses(
        (status = 201, description = "Enrolled: searches find the product by it from now on", body = EnrolledPhoto),
        (status = 401, description = "No or a wrong cashier key (`cashier_key_rejected`)", body = ErrorResponse),
        (status = 404, description = "No such product", body = ErrorResponse),
        (status = 409, description = "The product has 3 photos already (`too_many_photos`)", body = ErrorResponse),
        (status = 413, description = "A photo over 4 MiB (`payload_too_large`)", body = ErrorResponse),
        (status = 415, description = "Not `image/jpeg` or `image/png` (`unsupported_media_type`)", body = ErrorResponse),
        (status = 422, description = "Not a photo that can be read (`invalid_photo`)", body = ErrorResponse),
        (status = 503, description = "This server has no model installed (`visual_search_unavailable`)", body = ErrorResponse),
    )
)]
pub async fn enrol(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<EnrolledPhoto>), AppError> {
    till::check_cashier(&headers, &state.members)?;
    let photo = photo(&headers, body)?;
    let product = ProductId::from(id);
    let enrolled =
        visual::enrol(&state.pool, &state.writer, &state.vision, &product, photo).await?;
    Ok((StatusCode::CREATED, Json(enrolled)))
}

#[utoipa::path(
    delete,
    path = "/staff/products/{id}/photos/{photo}",
    tag = "visual search",
    params(
        ("id" = String, Path, description = "A product id"),
        ("photo" = i64, Path, description = "One of its enrolled photos"),
        ("X-Cashier-Key" = String, Header, description = "The store's cashier key"),
    ),
    responses(
        (status = 204, description = "The photo is no longer searched (also when it was gone already)"),
        (status = 401, description = "No or a wrong cashier key (`cashier_key_rejected`)", body = ErrorResponse),
    )
)]
pub async fn forget(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, photo)): ApiPath<(String, i64)>,
) -> Result<StatusCode, AppError> {
    till::check_cashier(&headers, &state.members)?;
    visual::forget(&state.writer, &ProductId::from(id), PhotoId(photo)).await?;
    Ok(StatusCode::NO_CONTENT)
}
