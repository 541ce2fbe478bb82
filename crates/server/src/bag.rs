//! Bags on the server: the token that addresses one, and its operation log in SQLite.
//!
//! A bag is stored as the operations it received (`bag_ops`), keyed by the SHA-256 of its token;
//! its lines are folded from them by the contract's [`OpLog`], exactly as on the devices.

use crate::db::Statement;
use crate::error::AppError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use shopbag_api::bag::{
    BagError, BagState, BagToken, Change, Op, OpId, OpLog, COMPACTION_HORIZON_MS, MAX_KEPT_OPS,
    MAX_OPS_PER_BATCH,
};
use shopbag_api::Sku;
use sqlx::{AnyConnection, AnyPool};
use std::collections::{BTreeSet, HashSet};

/// The key a bag is stored under: the SHA-256 of its token.
///
/// The token is 128 random bits, so a plain hash cannot be reversed by guessing and needs no
/// salt; it lets a lookup go straight to the key while a leaked database opens no bag. The token
/// itself is dropped as soon as it is hashed, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BagKey([u8; 32]);

impl BagKey {
    pub fn of(token: &BagToken) -> BagKey {
        BagKey(Sha256::digest(token.expose().as_bytes()).into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A member's bag: 32 random bytes, no token's hash (see `crate::members`).
    pub fn from_stored(bytes: &[u8]) -> Option<BagKey> {
        bytes.try_into().ok().map(BagKey)
    }

    /// The bag this key opens: a signed-in device's own bag key leads to her member bag.
    pub async fn opened(self, pool: &AnyPool) -> Result<BagKey, sqlx::Error> {
        let member_bag: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT bag FROM bag_aliases WHERE alias = $1")
                .bind(self.as_bytes())
                .fetch_optional(pool)
                .await?;
        Ok(member_bag
            .and_then(|(bag,)| BagKey::from_stored(&bag))
            .unwrap_or(self))
    }
}

impl std::fmt::Debug for BagKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BagKey(…)")
    }
}

/// Reads `Authorization: Bearer <token>` (anything else is 401 `unauthorized`): the bag the
/// token opens, which is her member bag while the device is signed in.
impl FromRequestParts<AppState> for BagKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let key = BagKey::from_headers(&parts.headers)?;
        crate::members::session::lead_new_bag(state, &parts.headers, &key).await?;
        Ok(key.opened(&state.pool).await?)
    }
}

impl BagKey {
    /// The bag a request's `Authorization: Bearer <token>` names.
    pub fn from_headers(headers: &HeaderMap) -> Result<BagKey, AppError> {
        let refuse = || {
            AppError::unauthorized(
                "send the bag token as `Authorization: Bearer <32 lowercase hex digits>`",
            )
        };
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or_else(refuse)?
            .to_str()
            .map_err(|_| refuse())?;
        let (scheme, token) = value.trim().split_once(' ').ok_or_else(refuse)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(refuse());
        }
        let token = BagToken::parse(token.trim_start()).ok_or_else(refuse)?;
        Ok(BagKey::of(&token))
    }
}

/// The bag's operations as stored, folded into a log.
pub async fn log(conn: &mut AnyConnection, bag: &BagKey) -> Result<OpLog, AppError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT op FROM bag_ops WHERE bag = $1")
        .bind(bag.as_bytes())
        .fetch_all(&mut *conn)
        .await?;
    let mut log = OpLog::new();
    for (json,) in rows {
        let op: Op = serde_json::from_str(&json).map_err(|error| {
            tracing::error!(%error, "a stored bag operation does not parse");
            AppError::internal()
        })?;
        log.insert(op);
    }
    Ok(log)
}

/// Stores operations; one already stored under its id is left as it is (a replay).
pub async fn append(conn: &mut AnyConnection, bag: &BagKey, ops: &[&Op]) -> Result<(), AppError> {
    // A batch of MAX_OPS_PER_BATCH binds three times that many values: far below SQLite's limit.
    for chunk in ops.chunks(MAX_OPS_PER_BATCH) {
        let mut insert = Statement::new("INSERT INTO bag_ops (bag, id, op)");
        let mut rows = Vec::with_capacity(chunk.len());
        for op in chunk {
            let json = serde_json::to_string(op).map_err(|error| {
                tracing::error!(%error, "a bag operation does not serialise");
                AppError::internal()
            })?;
            rows.push((op.id.as_str().to_string(), json));
        }
        insert
            .values(rows, |row, (id, json)| {
                row.bind(bag.as_bytes().to_vec()).bind(id).bind(json);
            })
            .push(" ON CONFLICT DO NOTHING");
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The skus a batch names (restores name none).
fn skus(batch: &[Op]) -> BTreeSet<&Sku> {
    batch
        .iter()
        .filter_map(|op| match &op.change {
            Change::Add { sku, .. }
            | Change::SetQuantity { sku, .. }
            | Change::SetNote { sku, .. }
            | Change::Remove { sku, .. } => Some(sku),
            Change::Restore { .. } => None,
        })
        .collect()
}

/// Of `skus`, those that are not a variant in the catalogue.
pub(crate) async fn unknown_skus(
    pool: &AnyPool,
    skus: &BTreeSet<&Sku>,
) -> Result<Vec<Sku>, AppError> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Statement::new("SELECT sku FROM variants WHERE sku IN ");
    query.list(skus.iter().map(|sku| sku.to_string()));
    let known: Vec<(String,)> = query.build_query_as().fetch_all(pool).await?;
    let known: HashSet<String> = known.into_iter().map(|(sku,)| sku).collect();
    Ok(skus
        .iter()
        .filter(|sku| !known.contains(sku.as_str()))
        .map(|sku| (*sku).clone())
        .collect())
}

/// What the bag holds now.
pub async fn state(pool: &AnyPool, bag: &BagKey) -> Result<BagState, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(BagState::from(&log(&mut conn, bag).await?))
}

/// Applies a batch all or nothing and returns the merged bag.
///
/// Checks that need no bag (operation limits, known variants) run before the writer's turn, so a
/// bad batch never waits for it; the line limit is checked against the stored log while holding it,
/// so two batches cannot both pass it and together overfill the bag. The batch is committed with
/// the others that queued meanwhile (`group_commit`).
pub async fn apply(state: &AppState, bag: &BagKey, batch: &[Op]) -> Result<BagState, AppError> {
    if batch.len() > MAX_OPS_PER_BATCH {
        return Err(BagError::TooManyOps(batch.len()).into());
    }
    for op in batch {
        op.validate()?;
    }
    let unknown = unknown_skus(&state.pool, &skus(batch)).await?;
    if !unknown.is_empty() {
        return Err(AppError::unknown_variant(&unknown));
    }
    let now = crate::now_ms();
    let batch: Vec<Op> = batch.iter().map(|op| op.clone().clamped(now)).collect();
    state.bag_commits.apply(bag.clone(), batch, now).await
}

/// Takes the batch into the stored log and forgets what compaction may (see
/// `OpLog::compact`), so the log a batch reads stays bounded by [`MAX_KEPT_OPS`].
pub(crate) async fn apply_in(
    conn: &mut AnyConnection,
    bag: &BagKey,
    batch: &[Op],
    now: i64,
) -> Result<BagState, AppError> {
    let mut log = log(conn, bag).await?;
    let known: HashSet<OpId> = batch
        .iter()
        .filter(|op| log.contains(&op.id))
        .map(|op| op.id.clone())
        .collect();
    log.apply(batch)?;
    let forgotten: HashSet<OpId> = log
        .compact(now - COMPACTION_HORIZON_MS)
        .into_iter()
        .collect();
    let grew = batch
        .iter()
        .any(|op| !known.contains(&op.id) && log.contains(&op.id));
    if grew && log.len() > MAX_KEPT_OPS {
        return Err(BagError::TooManyKept(log.len()).into());
    }
    // In batch order, first of a repeated id only: what the log kept is what the table keeps.
    let mut seen = HashSet::new();
    let fresh: Vec<&Op> = batch
        .iter()
        .filter(|op| !known.contains(&op.id) && log.contains(&op.id) && seen.insert(&op.id))
        .collect();
    if !fresh.is_empty() {
        append(conn, bag, &fresh).await?;
    }
    forget(conn, bag, &forgotten).await?;
    Ok(BagState::from(&log))
}

/// Deletes the operations compaction forgot.
async fn forget(
    conn: &mut AnyConnection,
    bag: &BagKey,
    ids: &HashSet<OpId>,
) -> Result<(), AppError> {
    let ids: Vec<&OpId> = ids.iter().collect();
    for chunk in ids.chunks(MAX_OPS_PER_BATCH) {
        let mut delete = Statement::new("DELETE FROM bag_ops WHERE bag = ");
        delete
            .bind(bag.as_bytes().to_vec())
            .push(" AND id IN ")
            .list(chunk.iter().map(|id| id.as_str().to_string()));
        delete.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// A fresh operation id from the operating system's randomness.
pub fn new_op_id() -> Result<OpId, AppError> {
    let mut bits = [0u8; 16];
    getrandom::fill(&mut bits).map_err(|error| {
        tracing::error!(%error, "no randomness for an operation id");
        AppError::internal()
    })?;
    Ok(OpId::from_bits(u128::from_le_bytes(bits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_the_sha256_of_the_token_and_never_prints_it() {
        let token = BagToken::from_bits(1);
        let key = BagKey::of(&token);
        assert_eq!(key.as_bytes().len(), 32);
        assert_ne!(key, BagKey::of(&BagToken::from_bits(2)));
        assert_eq!(format!("{key:?}"), "BagKey(…)");
    }

    #[test]
    fn server_made_ids_differ() {
        assert_ne!(new_op_id().unwrap(), new_op_id().unwrap());
    }
}
