//! Finding a garment by its picture. Store staff enrol one to three photos of each product; the
//! server turns each into a vector with the EfficientNet-Lite0 embedder (`shopbag_vision`) when
//! it is uploaded and keeps both. A search turns the shopper's photo into a vector the same way
//! and ranks the products by their closest photo (cosine similarity).
//!
//! The vectors are read from the database at each search, not cached: every replica then sees
//! every enrolment at once, and a catalogue's few thousand photos are a few MB to compare.

use crate::db::Writer;
use crate::error::AppError;
use crate::{catalog, AppState};
use axum::body::Bytes;
use axum::http::StatusCode;
use shopbag_api::visual::{
    EnrolledPhoto, PhotoId, ProductPhotos, VisualMatch, VisualSearch, MATCHES,
    MOST_PHOTOS_PER_PRODUCT,
};
use shopbag_api::{ErrorCode, ProductId, Timestamp};
use shopbag_vision::{Embedding, Model, Picture};
use sqlx::{AnyPool, FromRow};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The embedder, when this server has its weights.
pub type Vision = Option<Arc<Model>>;

/// Loads the converted weights. No file means no visual search (answered 503, said at start);
/// a file that does not load is an error, not a silent "off".
pub fn load(path: &Path) -> Result<Vision, crate::StartError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let model = Model::load(&bytes)
                .map_err(|e| format!("the visual search model {}: {e}", path.display()))?;
            Ok(Some(Arc::new(model)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(
                path = %path.display(),
                "no visual search model: searching by photo answers 503 (scripts/setup.sh converts it)"
            );
            Ok(None)
        }
        Err(e) => Err(format!("the visual search model {}: {e}", path.display()).into()),
    }
}

fn unavailable() -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::VisualSearchUnavailable,
        "this server has no model to compare photos with",
    )
}

/// A photo's vector. Decoding and the network take a core for tens of milliseconds: off the
/// async workers, so other requests go on meanwhile.
pub async fn embed(vision: &Vision, photo: Bytes) -> Result<Embedding, AppError> {
    let model = vision.clone().ok_or_else(unavailable)?;
    tokio::task::spawn_blocking(move || {
        let picture = Picture::decode(&photo).map_err(|e| {
            AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidPhoto,
                format!("not a photo we can read: {e}"),
            )
        })?;
        Ok(model.embed(&picture))
    })
    .await
    .map_err(|_| AppError::internal())?
}

#[derive(FromRow)]
struct PhotoRow {
    id: i64,
    product_id: String,
    embedding: Vec<u8>,
}

/// The closest products to `query`, best first, each scored by its closest photo.
pub fn closest(
    query: &Embedding,
    photos: impl IntoIterator<Item = (PhotoId, ProductId, Embedding)>,
    n: usize,
) -> Vec<(ProductId, PhotoId, f32)> {
    let mut best: HashMap<ProductId, (PhotoId, f32)> = HashMap::new();
    for (photo, product, embedding) in photos {
        let score = query.cosine(&embedding);
        let entry = best.entry(product).or_insert((photo, f32::NEG_INFINITY));
        if score > entry.1 {
            *entry = (photo, score);
        }
    }
    let mut ranked: Vec<_> = best
        .into_iter()
        .map(|(product, (photo, score))| (product, photo, score))
        .collect();
    // Ties (the same photo enrolled twice) fall to the product id: the same answer every time.
    ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(n);
    ranked
}

/// `POST /visual-search`: the products that look most like the photo.
pub async fn search(state: &AppState, photo: Bytes) -> Result<VisualSearch, AppError> {
    let query = embed(&state.vision, photo).await?;
    let rows: Vec<PhotoRow> =
        sqlx::query_as("SELECT id, product_id, embedding FROM product_photos")
            .fetch_all(&state.pool)
            .await?;
    let photos = rows.into_iter().filter_map(|row| {
        // A vector of another length was made by another model: never compared.
        let embedding = Embedding::from_bytes(&row.embedding).ok()?;
        Some((PhotoId(row.id), row.product_id.into(), embedding))
    });
    let ranked = closest(&query, photos, MATCHES);
    if ranked.is_empty() {
        return Ok(VisualSearch { matches: vec![] });
    }
    let search = catalog::Search {
        only: ranked.iter().map(|(product, ..)| product.clone()).collect(),
        limit: MATCHES as u32,
        ..Default::default()
    };
    let mut summaries: HashMap<ProductId, _> = catalog::search(&state.pool, &search)
        .await?
        .into_iter()
        .map(|summary| (summary.id.clone(), summary))
        .collect();
    let matches = ranked
        .into_iter()
        .filter_map(|(product, photo, score)| {
            Some(VisualMatch {
                product: summaries.remove(&product)?,
                score,
                photo,
            })
        })
        .collect();
    Ok(VisualSearch { matches })
}

/// A product's enrolled photos, oldest first.
pub async fn photos(pool: &AnyPool, product: &ProductId) -> Result<ProductPhotos, AppError> {
    known_product(pool, product).await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, created_at FROM product_photos WHERE product_id = $1 ORDER BY id",
    )
    .bind(product.as_str())
    .fetch_all(pool)
    .await?;
    Ok(ProductPhotos {
        photos: rows
            .into_iter()
            .map(|(id, at)| EnrolledPhoto {
                id: PhotoId(id),
                product_id: product.clone(),
                at: Timestamp(at),
            })
            .collect(),
    })
}

async fn known_product(pool: &AnyPool, product: &ProductId) -> Result<(), AppError> {
    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM products WHERE id = $1")
        .bind(product.as_str())
        .fetch_optional(pool)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::not_found(format!("no product `{product}`")))
}

/// The product a folder of photos is named after: its id, or one of the codes on its tags.
pub async fn product_named(pool: &AnyPool, name: &str) -> Result<Option<ProductId>, sqlx::Error> {
    let id = ProductId::from(name);
    if known_product(pool, &id).await.is_ok() {
        return Ok(Some(id));
    }
    for reading in shopbag_api::ScannedCode::alternatives(name) {
        if let Some(row) = catalog::code(pool, reading.gtin.as_str()).await? {
            return Ok(Some(row.product_id));
        }
    }
    Ok(None)
}

/// Whether these very bytes are one of the product's photos already (a bulk enrolment run
/// again adds nothing twice).
pub async fn enrolled_already(
    pool: &AnyPool,
    product: &ProductId,
    bytes: &[u8],
) -> Result<bool, sqlx::Error> {
    let photos: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT photo FROM product_photos WHERE product_id = $1")
            .bind(product.as_str())
            .fetch_all(pool)
            .await?;
    Ok(photos.iter().any(|(photo,)| photo == bytes))
}

/// A photo as staff sent it, with the type it was sent as.
pub struct Photo {
    pub bytes: Bytes,
    pub content_type: &'static str,
}

/// Enrols one more photo of a product: embedded now, kept with its vector. A product has at
/// most [`MOST_PHOTOS_PER_PRODUCT`]; the count is checked again inside the write, so two
/// uploads at once cannot pass it together.
pub async fn enrol(
    pool: &AnyPool,
    writer: &Writer,
    vision: &Vision,
    product: &ProductId,
    photo: Photo,
) -> Result<EnrolledPhoto, AppError> {
    known_product(pool, product).await?;
    let embedding = embed(vision, photo.bytes.clone()).await?;
    let now = crate::now_ms();
    let mut tx = writer.begin().await?;
    let result = async {
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM product_photos WHERE product_id = $1")
                .bind(product.as_str())
                .fetch_one(&mut *tx)
                .await?;
        if count >= MOST_PHOTOS_PER_PRODUCT as i64 {
            return Err(AppError::new(
                StatusCode::CONFLICT,
                ErrorCode::TooManyPhotos,
                format!(
                    "`{product}` has {MOST_PHOTOS_PER_PRODUCT} photos already: delete one first"
                ),
            ));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO product_photos (product_id, content_type, photo, embedding, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(product.as_str())
        .bind(photo.content_type)
        .bind(photo.bytes.to_vec())
        .bind(embedding.to_bytes())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Ok(EnrolledPhoto {
            id: PhotoId(id),
            product_id: product.clone(),
            at: Timestamp(now),
        })
    }
    .await;
    tx.finish(result).await
}

/// Takes a photo out of a product's enrolment. Deleting one that is gone already is done.
pub async fn forget(writer: &Writer, product: &ProductId, photo: PhotoId) -> Result<(), AppError> {
    let mut tx = writer.begin().await?;
    let result = sqlx::query("DELETE FROM product_photos WHERE id = $1 AND product_id = $2")
        .bind(photo.0)
        .bind(product.as_str())
        .execute(&mut *tx)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    tx.finish(result).await
}

/// An enrolled photo itself, as it was uploaded.
pub async fn photo(pool: &AnyPool, id: PhotoId) -> Result<Photo, AppError> {
    let found: Option<(String, Vec<u8>)> =
        sqlx::query_as("SELECT content_type, photo FROM product_photos WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    let (content_type, bytes) =
        found.ok_or_else(|| AppError::not_found(format!("no product photo {}", id.0)))?;
    Ok(Photo {
        content_type: if content_type == "image/png" {
            "image/png"
        } else {
            "image/jpeg"
        },
        bytes: bytes.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(values: &[f32]) -> Embedding {
        let mut v = vec![0.0; Embedding::LEN];
        v[..values.len()].copy_from_slice(values);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let bytes: Vec<u8> = v.iter().flat_map(|x| (x / norm).to_le_bytes()).collect();
        Embedding::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn products_rank_by_their_closest_photo_and_each_comes_once() {
        let query = unit(&[1.0, 0.0]);
        let photos = vec![
            (PhotoId(1), ProductId::from("A"), unit(&[0.0, 1.0])),
            (PhotoId(2), ProductId::from("A"), unit(&[0.9, 0.1])),
            (PhotoId(3), ProductId::from("B"), unit(&[0.7, 0.7])),
            (PhotoId(4), ProductId::from("C"), unit(&[-1.0, 0.0])),
            (PhotoId(5), ProductId::from("D"), unit(&[0.5, 0.8])),
        ];
        let ranked = closest(&query, photos, 3);
        let order: Vec<_> = ranked
            .iter()
            .map(|(p, photo, _)| (p.as_str(), photo.0))
            .collect();
        assert_eq!(order, [("A", 2), ("B", 3), ("D", 5)]);
        assert!(ranked[0].2 > ranked[1].2 && ranked[1].2 > ranked[2].2);
    }

    #[test]
    fn ties_fall_to_the_product_id_and_nothing_enrolled_finds_nothing() {
        let query = unit(&[1.0]);
        let same = unit(&[1.0]);
        let photos = vec![
            (PhotoId(9), ProductId::from("Z"), same.clone()),
            (PhotoId(8), ProductId::from("M"), same),
        ];
        let ranked = closest(&query, photos, 3);
        assert_eq!(ranked[0].0.as_str(), "M");
        assert!(closest(&query, Vec::new(), 3).is_empty());
    }
}
