//! `GET /products` (search) and `GET /products/{id}` (one product with stock everywhere).

use crate::catalog::{self, Search};
use crate::error::{ApiPath, ApiQuery, AppError};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use shopbag_api::{Category, ErrorResponse, Product, ProductId, ProductSummary};
use utoipa::IntoParams;

const DEFAULT_LIMIT: u32 = 24;
const MAX_LIMIT: u32 = 100;
/// Past every product of any store group's catalogue: larger is a client's mistake, said so.
const MAX_OFFSET: u32 = 100_000;
/// Longer queries are not searches a shopper types; refusing them keeps the SQL small.
const MAX_QUERY_LEN: usize = 200;
const MAX_TERMS: usize = 8;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Words to find in the Chinese or English name or the brand (all must match).
    q: Option<String>,
    #[param(value_type = Option<Category>)]
    category: Option<String>,
    /// Default 24; more than 100 gets 100 (any 32-bit count is read).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4_294_967_295_i64)]
    limit: Option<u32>,
    /// Products to skip, at most 100 000.
    #[param(maximum = 100_000)]
    offset: Option<u32>,
}

impl ProductQuery {
    fn into_search(self) -> Result<Search, AppError> {
        let q = self.q.unwrap_or_default();
        if q.len() > MAX_QUERY_LEN {
            return Err(AppError::bad_request(format!(
                "the search text is longer than {MAX_QUERY_LEN} bytes"
            )));
        }
        let terms: Vec<String> = q.split_whitespace().map(str::to_string).collect();
        if terms.len() > MAX_TERMS {
            return Err(AppError::bad_request(format!(
                "search with at most {MAX_TERMS} words"
            )));
        }
        let category = match self.category.as_deref() {
            None => None,
            Some(name) => Some(Category::from_str_opt(name).ok_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                AppError::bad_request(format!(
                    "unknown category `{name}`; use one of {}",
                    known.join(", ")
                ))
            })?),
        };
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(AppError::bad_request(format!(
                "an offset of at most {MAX_OFFSET}"
            )));
        }
        Ok(Search {
            terms,
            category,
            limit: self.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT),
            offset,
            only: Vec::new(),
        })
    }
}

#[utoipa::path(
    get,
    path = "/products",
    tag = "products",
    params(ProductQuery),
    responses(
        (status = 200, description = "Matching products in id order", body = Vec<ProductSummary>),
        (status = 400, description = "Unknown category or unreadable parameters", body = ErrorResponse),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> Result<Json<Vec<ProductSummary>>, AppError> {
    let search = query.into_search()?;
    Ok(Json(catalog::search(&state.pool, &search).await?))
}

#[utoipa::path(
    get,
    path = "/products/{id}",
    tag = "products",
    params(("id" = String, Path, description = "Product id, e.g. `P0001`")),
    responses(
        (status = 200, description = "The product, every variant, stock in every store", body = Product),
        (status = 404, description = "No such product", body = ErrorResponse),
    )
)]
pub async fn product(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ProductId>,
) -> Result<Json<Product>, AppError> {
    catalog::product(&state.pool, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("no product `{id}`")))
}
