//! `GET /looks?product={id}` and `GET /looks?bag`: complete the look.

use crate::bag::BagKey;
use crate::error::{ApiQuery, AppError};
use crate::looks::{bag_wearer, for_wearer};
use crate::{catalog, AppState};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use shopbag_api::looks::{LooksResponse, Sizes, Wearer};
use shopbag_api::{ErrorResponse, ProductId, StoreId};
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LooksQuery {
    /// Dress around this product (with the bag token too, what the bag holds is left out).
    product: Option<String>,
    /// Present (`?bag`): dress around what the bag of the `Authorization` token holds.
    bag: Option<String>,
    /// The size she last chose per category, `category:size` joined by commas, e.g.
    /// `shoes:38,tops:M`; the bag's lines fill in the rest.
    sizes: Option<String>,
    /// The store she stands in: what it has comes first.
    store: Option<String>,
}

#[utoipa::path(
    get,
    path = "/looks",
    tag = "looks",
    params(LooksQuery),
    security((), ("bag_token" = [])),
    responses(
        (status = 200, description = "Up to three looks, each the items that complete an outfit \
                                      (complementary categories only, in her size, nothing she has)", body = LooksResponse),
        (status = 400, description = "Neither or both of `product` and `bag`, or unreadable `sizes`", body = ErrorResponse),
        (status = 401, description = "`bag` without a well-formed bag token", body = ErrorResponse),
        (status = 404, description = "No such product", body = ErrorResponse),
    )
)]
pub async fn looks(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<LooksQuery>,
) -> Result<Json<LooksResponse>, AppError> {
    let sizes = Sizes::parse(query.sizes.as_deref().unwrap_or(""))
        .map_err(|problem| AppError::bad_request(format!("sizes: {problem}")))?;
    let mut wearer = match (&query.product, &query.bag) {
        (Some(id), None) => {
            let product = catalog::product(&state.pool, &ProductId::from(id.as_str()))
                .await?
                .ok_or_else(|| AppError::not_found(format!("no product `{id}`")))?;
            // With her bag's token, what she already has is not suggested.
            let owns = match BagKey::from_headers(&headers) {
                Ok(bag) => {
                    let bag = bag.opened(&state.pool).await?;
                    bag_wearer(&state.pool, &bag, Sizes::new()).await?.owns
                }
                Err(_) => Default::default(),
            };
            Wearer {
                holds: vec![(product.id, product.category)],
                owns,
                sizes,
                here: None,
            }
        }
        (None, Some(_)) => {
            let bag = BagKey::from_headers(&headers)?.opened(&state.pool).await?;
            bag_wearer(&state.pool, &bag, sizes).await?
        }
        _ => {
            return Err(AppError::bad_request(
                "ask for the looks of one `product={id}`, or of the `bag`",
            ))
        }
    };
    wearer.here = query.store.filter(|s| !s.is_empty()).map(StoreId::from);
    Ok(Json(LooksResponse {
        looks: for_wearer(&state.pool, &wearer).await?,
    }))
}
