//! `GET /pictures/{style}/{product}-{colour}-{hex}.svg`: a product's picture in one colour.

use crate::error::{ApiPath, AppError};
use crate::pictures::{draw, Hex};
use crate::{catalog, AppState};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use shopbag_api::{ColourCode, ErrorResponse, ProductId, PICTURE_STYLE};

/// A year: the address names everything the picture shows (see `shopbag_api::picture_path`).
const KEEP_FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

#[utoipa::path(
    get,
    path = "/pictures/{style}/{name}",
    tag = "products",
    params(
        ("style" = u32, Path, description = "The drawings' version, `shopbag_api::PICTURE_STYLE`"),
        ("name" = String, Path, description = "`<product id>-<colour code>-<rrggbb>.svg`, e.g. `P0001-BLK-1b1b1b.svg`"),
    ),
    responses(
        (status = 200, description = "The picture, 240 × 300, kept for a year", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such product or colour, or an older drawing or colour", body = ErrorResponse),
    )
)]
pub async fn picture(
    State(state): State<AppState>,
    ApiPath((style, name)): ApiPath<(u32, String)>,
) -> Result<impl IntoResponse, AppError> {
    let unknown = || AppError::not_found(format!("no picture `{style}/{name}`"));
    let parts: Vec<&str> = name
        .strip_suffix(".svg")
        .ok_or_else(unknown)?
        .split('-')
        .collect();
    let [product_id, colour_code, hex] = parts[..] else {
        return Err(unknown());
    };
    let hex = Hex::parse(hex).ok_or_else(unknown)?;
    if style != PICTURE_STYLE {
        return Err(unknown());
    }
    let product = catalog::product(&state.pool, &ProductId::from(product_id))
        .await?
        .ok_or_else(unknown)?;
    // Only the colour as it is now: an address with an old hex is not drawn (nor kept a year).
    let colour = product
        .colour(&ColourCode::from(colour_code))
        .ok_or_else(unknown)?;
    if Hex::parse(&colour.hex) != Some(hex) {
        return Err(unknown());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, KEEP_FOR_A_YEAR),
        ],
        draw(&product.id, product.category, hex),
    ))
}
