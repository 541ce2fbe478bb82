//! Complete the look on the server: the stylists' looks and the products they name, read for
//! one shopper and ranked by `shopbag_api::looks`.

use crate::bag::{self, BagKey};
use crate::catalog;
use crate::error::AppError;
use shopbag_api::looks::{candidates, complete, Look, Sizes, StyledLook, Wearer};
use shopbag_api::{product_id_of, Category, Localized, Product, ProductId};
use sqlx::AnyPool;
use std::collections::HashMap;

/// Looks whose products are read for one answer, best fitting first: enough to fill
/// `MAX_LOOKS` after what she has or cannot get in her size is left out.
const LOOKS_READ: usize = 8;

/// Every look the stylists made, items in their order.
pub async fn styled(pool: &AnyPool) -> Result<Vec<StyledLook>, sqlx::Error> {
    let looks: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, name_zh, name_en FROM looks ORDER BY id")
            .fetch_all(pool)
            .await?;
    let items: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT look_id, product_id, category FROM look_items ORDER BY look_id, position",
    )
    .fetch_all(pool)
    .await?;
    let mut by_look: HashMap<String, Vec<(ProductId, Category)>> = HashMap::new();
    for (look, product, category) in items {
        let category = Category::from_str_opt(&category).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown category `{category}` in a look").into())
        })?;
        by_look
            .entry(look)
            .or_default()
            .push((product.into(), category));
    }
    Ok(looks
        .into_iter()
        .map(|(id, zh, en)| StyledLook {
            items: by_look.remove(&id).unwrap_or_default(),
            id,
            name: Localized::new(zh, en),
        })
        .collect())
}

/// What her bag holds, for [`Wearer`]: its products, and the size of each category she bagged
/// (the latest line's), filling in what `sizes` does not say.
pub async fn bag_wearer(
    pool: &AnyPool,
    bag: &BagKey,
    mut sizes: Sizes,
) -> Result<Wearer, AppError> {
    let mut lines = bag::state(pool, bag).await?.lines;
    lines.sort_by_key(|l| std::cmp::Reverse(l.added_at));
    let mut holds: Vec<(ProductId, Category)> = Vec::new();
    let mut bagged = Sizes::new();
    for line in &lines {
        let product_id = product_id_of(&line.sku);
        let category: Option<(String,)> =
            sqlx::query_as("SELECT category FROM products WHERE id = $1")
                .bind(product_id.as_str())
                .fetch_optional(pool)
                .await?;
        let Some(category) = category.and_then(|(c,)| Category::from_str_opt(&c)) else {
            continue;
        };
        if bagged.get(category).is_none() {
            if let Some(size) = line.sku.as_str().rsplit('-').next() {
                bagged.set(category, size);
            }
        }
        if holds.iter().all(|(id, _)| *id != product_id) {
            holds.push((product_id, category));
        }
    }
    for category in Category::ALL {
        if let (None, Some(size)) = (sizes.get(category), bagged.get(category)) {
            sizes.set(category, size);
        }
    }
    Ok(Wearer {
        owns: holds.iter().map(|(id, _)| id.clone()).collect(),
        holds,
        sizes,
        here: None,
    })
}

/// The looks to show `wearer`.
pub async fn for_wearer(pool: &AnyPool, wearer: &Wearer) -> Result<Vec<Look>, sqlx::Error> {
    let looks = styled(pool).await?;
    let fitting = candidates(&looks, wearer);
    let read = &fitting[..fitting.len().min(LOOKS_READ)];
    let mut products: HashMap<ProductId, Product> = HashMap::new();
    for (id, _) in read.iter().flat_map(|look| &look.items) {
        if !products.contains_key(id) {
            if let Some(product) = catalog::product(pool, id).await? {
                products.insert(id.clone(), product);
            }
        }
    }
    Ok(complete(read, wearer, |id| products.get(id)))
}
