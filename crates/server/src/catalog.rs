//! Catalogue queries: reads stores, products, stock and codes from SQLite into the contract's types.

use crate::db::Statement;
use shopbag_api::{
    Category, Colour, GeoPoint, Localized, Money, Product, ProductId, ProductSummary, Sku, Store,
    StoreId, StoreStock, Variant,
};
use sqlx::{AnyConnection, AnyPool, FromRow};
use std::collections::HashMap;

#[derive(FromRow)]
struct StoreRow {
    id: String,
    name_zh: String,
    name_en: String,
    address_zh: String,
    address_en: String,
    opening_hours: String,
    lat: f64,
    lng: f64,
}

impl From<StoreRow> for Store {
    fn from(row: StoreRow) -> Store {
        Store {
            id: row.id.into(),
            name: Localized::new(row.name_zh, row.name_en),
            address: Localized::new(row.address_zh, row.address_en),
            opening_hours: row.opening_hours,
            position: GeoPoint {
                lat: row.lat,
                lng: row.lng,
            },
        }
    }
}

const STORE_COLUMNS: &str =
    "SELECT id, name_zh, name_en, address_zh, address_en, opening_hours, lat, lng FROM stores";

pub async fn stores(pool: &AnyPool) -> Result<Vec<Store>, sqlx::Error> {
    let rows: Vec<StoreRow> = sqlx::query_as(&format!("{STORE_COLUMNS} ORDER BY position"))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Store::from).collect())
}

pub async fn store(pool: &AnyPool, id: &StoreId) -> Result<Option<Store>, sqlx::Error> {
    let row: Option<StoreRow> = sqlx::query_as(&format!("{STORE_COLUMNS} WHERE id = $1"))
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Store::from))
}

fn category(value: &str) -> Result<Category, sqlx::Error> {
    Category::from_str_opt(value).ok_or_else(|| {
        sqlx::Error::Decode(format!("unknown category `{value}` in the database").into())
    })
}

/// Counts from SQLite are i64; the contract's are u32 and never negative (CHECK constraints).
fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

#[derive(FromRow)]
struct ProductRow {
    id: String,
    name_zh: String,
    name_en: String,
    brand: String,
    category: String,
    description_zh: String,
    description_en: String,
}

#[derive(FromRow)]
struct ColourRow {
    product_id: String,
    code: String,
    name_zh: String,
    name_en: String,
    hex: String,
}

impl From<ColourRow> for Colour {
    fn from(row: ColourRow) -> Colour {
        Colour {
            code: row.code.into(),
            name: Localized::new(row.name_zh, row.name_en),
            hex: row.hex,
        }
    }
}

#[derive(FromRow)]
struct VariantRow {
    sku: String,
    colour: String,
    size: String,
    ean13: String,
    in_store_code: String,
    price: i64,
    online_stock: i64,
}

/// One product with every variant, and stock in every store (0 where it has none).
pub async fn product(pool: &AnyPool, id: &ProductId) -> Result<Option<Product>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    product_on(&mut conn, id.as_str()).await
}

async fn product_on(conn: &mut AnyConnection, id: &str) -> Result<Option<Product>, sqlx::Error> {
    let Some(row): Option<ProductRow> = sqlx::query_as(
        "SELECT id, name_zh, name_en, brand, category, description_zh, description_en \
         FROM products WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let colours: Vec<ColourRow> = sqlx::query_as(
        "SELECT product_id, code, name_zh, name_en, hex FROM product_colours \
         WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let sizes: Vec<(String,)> =
        sqlx::query_as("SELECT size FROM product_sizes WHERE product_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let variants = variants_on(&mut *conn, id).await?;
    Ok(Some(Product {
        price: variants.iter().map(|v| v.price).min().unwrap_or_default(),
        id: row.id.into(),
        name: Localized::new(row.name_zh, row.name_en),
        brand: row.brand,
        category: category(&row.category)?,
        description: Localized::new(row.description_zh, row.description_en),
        colours: colours.into_iter().map(Colour::from).collect(),
        sizes: sizes.into_iter().map(|(s,)| s).collect(),
        variants,
    }))
}

/// A product's variants, each with its stock in every store.
async fn variants_on(conn: &mut AnyConnection, id: &str) -> Result<Vec<Variant>, sqlx::Error> {
    let variants: Vec<VariantRow> = sqlx::query_as(
        "SELECT sku, colour, size, ean13, in_store_code, price, online_stock FROM variants \
         WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let store_ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM stores ORDER BY position")
        .fetch_all(&mut *conn)
        .await?;
    let stock: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT s.sku, s.store_id, s.quantity FROM stock s \
         JOIN variants v ON v.sku = s.sku WHERE v.product_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let on_hand: HashMap<(String, String), i64> = stock
        .into_iter()
        .map(|(sku, store, quantity)| ((sku, store), quantity))
        .collect();

    Ok(variants
        .into_iter()
        .map(|v| {
            // Built from the store list, not the stock rows, so every store is always listed.
            let store_stock = store_ids
                .iter()
                .map(|(store_id,)| StoreStock {
                    store_id: store_id.clone().into(),
                    quantity: count(
                        on_hand
                            .get(&(v.sku.clone(), store_id.clone()))
                            .copied()
                            .unwrap_or(0),
                    ),
                })
                .collect();
            Variant {
                sku: v.sku.into(),
                colour: v.colour.into(),
                size: v.size,
                ean13: v.ean13,
                in_store_code: v.in_store_code,
                price: Money::fen(v.price),
                online_stock: count(v.online_stock),
                store_stock,
            }
        })
        .collect())
}

/// A product search: every term must appear in the zh or en name or the brand.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub terms: Vec<String>,
    pub category: Option<Category>,
    /// Only these products, when any are named (the ones a visual search found).
    pub only: Vec<ProductId>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    name_zh: String,
    name_en: String,
    brand: String,
    category: String,
    price: Option<i64>,
    ean13: Option<String>,
}

/// `%` and `_` in what a shopper types are letters, not wildcards.
fn like_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub async fn search(pool: &AnyPool, search: &Search) -> Result<Vec<ProductSummary>, sqlx::Error> {
    let mut query = Statement::new(
        "SELECT p.id, p.name_zh, p.name_en, p.brand, p.category, \
         (SELECT MIN(v.price) FROM variants v WHERE v.product_id = p.id) AS price, \
         (SELECT v.ean13 FROM variants v WHERE v.product_id = p.id ORDER BY v.position LIMIT 1) AS ean13 \
         FROM products p WHERE 1 = 1",
    );
    for term in &search.terms {
        let pattern = like_pattern(term);
        // Case is ignored (ASCII on SQLite, all of Unicode on PostgreSQL), which is what English
        // names and brands need; lower() on both sides, since only SQLite's LIKE ignores it.
        query
            .push(" AND (lower(p.name_zh) LIKE lower(")
            .bind(pattern.clone())
            .push(") ESCAPE '\\' OR lower(p.name_en) LIKE lower(")
            .bind(pattern.clone())
            .push(") ESCAPE '\\' OR lower(p.brand) LIKE lower(")
            .bind(pattern)
            .push(") ESCAPE '\\')");
    }
    if let Some(category) = search.category {
        query.push(" AND p.category = ").bind(category.as_str());
    }
    if !search.only.is_empty() {
        query
            .push(" AND p.id IN ")
            .list(search.only.iter().map(|id| id.as_str().to_string()));
    }
    query
        .push(" ORDER BY p.id LIMIT ")
        .bind(i64::from(search.limit))
        .push(" OFFSET ")
        .bind(i64::from(search.offset));
    let rows: Vec<SummaryRow> = query.build_query_as().fetch_all(pool).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }

    let mut colours_query = Statement::new(
        "SELECT product_id, code, name_zh, name_en, hex FROM product_colours WHERE product_id IN ",
    );
    colours_query
        .list(rows.iter().map(|row| row.id.clone()))
        .push(" ORDER BY product_id, position");
    let colour_rows: Vec<ColourRow> = colours_query.build_query_as().fetch_all(pool).await?;
    let mut colours: HashMap<String, Vec<Colour>> = HashMap::new();
    for row in colour_rows {
        colours
            .entry(row.product_id.clone())
            .or_default()
            .push(row.into());
    }

    rows.into_iter()
        .map(|row| {
            Ok(ProductSummary {
                colours: colours.remove(&row.id).unwrap_or_default(),
                category: category(&row.category)?,
                id: row.id.into(),
                name: Localized::new(row.name_zh, row.name_en),
                brand: row.brand,
                price: Money::fen(row.price.unwrap_or_default()),
                ean13: row.ean13.unwrap_or_default(),
            })
        })
        .collect()
}

/// The variant a GTIN names, as stored in the `codes` table.
#[derive(Debug, Clone, FromRow)]
pub struct CodeRow {
    #[sqlx(try_from = "String")]
    pub sku: Sku,
    #[sqlx(try_from = "String")]
    pub product_id: ProductId,
    /// As printed on the tag: `ean13`, `upc_a`, `ean8` or `in_store`.
    pub kind: String,
}

pub async fn code(pool: &AnyPool, gtin: &str) -> Result<Option<CodeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.sku, v.product_id, c.kind FROM codes c \
         JOIN variants v ON v.sku = c.sku WHERE c.gtin = $1",
    )
    .bind(gtin)
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_pattern("coat"), "%coat%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
