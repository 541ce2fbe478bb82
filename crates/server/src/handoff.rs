//! A kiosk's bag handed to a phone (see `shopbag_api::handoff`): the kiosk offers its lines under
//! a claim code, the first phone to claim it gets them in its bag, in one transaction with the
//! code being used up, and the kiosk's bag on the server is emptied.
//!
//! Only the code's SHA-256 is stored, and the code only ever comes in request bodies, so neither
//! the database nor a log can give it away (the app's `/claim/{code}` page address is kept out of
//! the request log: see `crate::app`).

use crate::bag::{self, BagKey};
use crate::error::AppError;
use crate::{now_ms, AppState};
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use shopbag_api::bag::{BagState, Change, Line, Op, MAX_LINES};
use shopbag_api::handoff::{
    ClaimCode, HandoffOffer, HandoffState, HandoffStatus, OfferedBag, CLAIM_LIFETIME_MS,
};
use shopbag_api::{ErrorCode, Sku};
use sqlx::{AnyConnection, AnyPool};
use std::collections::BTreeSet;

/// Handoffs that ended are deleted a day later (their lines went at the claim already).
const KEEP_ENDED_MS: i64 = 24 * 60 * 60 * 1000;

fn hash(code: &ClaimCode) -> Vec<u8> {
    Sha256::digest(code.expose().as_bytes()).to_vec()
}

/// The one answer for a code that is not a claim code or names no offer: which it was is not
/// said.
fn not_found() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::ClaimNotFound,
        "no bag is offered under this claim code",
    )
}

fn parse(code: &str) -> Result<ClaimCode, AppError> {
    ClaimCode::parse(code).ok_or_else(not_found)
}

/// The adds that put `lines` into a bag, each with a new id and the time now.
fn adds(lines: &[Line], at: i64) -> Result<Vec<Op>, AppError> {
    lines
        .iter()
        .map(|line| {
            Ok(Op {
                id: bag::new_op_id()?,
                at,
                change: Change::Add {
                    sku: line.sku.clone(),
                    quantity: line.quantity,
                    store: line.store.clone(),
                    note: line.note.clone(),
                    intent: line.intent,
                },
            })
        })
        .collect()
}

/// Offers the kiosk's lines under a new claim code; an earlier code of this kiosk that was not
/// claimed ends (one QR code on its screen at a time).
pub async fn offer(
    state: &AppState,
    kiosk: &BagKey,
    lines: &[Line],
) -> Result<HandoffOffer, AppError> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(AppError::invalid_operation(format!(
            "a handoff carries 1 to {MAX_LINES} lines"
        )));
    }
    let now = now_ms();
    for op in adds(lines, now)? {
        op.validate()?;
    }
    let skus: BTreeSet<&Sku> = lines.iter().map(|line| &line.sku).collect();
    let unknown = bag::unknown_skus(&state.pool, &skus).await?;
    if !unknown.is_empty() {
        return Err(AppError::unknown_variant(&unknown));
    }
    let code = ClaimCode::from_bits(u128::from_le_bytes(crate::members::random::<16>()));
    let expires_at = now + CLAIM_LIFETIME_MS;
    let json = serde_json::to_string(lines).map_err(|_| AppError::internal())?;
    let mut tx = state.writer.begin().await?;
    let done = async {
        sqlx::query("DELETE FROM handoffs WHERE bag = $1 AND claimed_at IS NULL")
            .bind(kiosk.as_bytes())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO handoffs (code_hash, bag, lines, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash(&code))
        .bind(kiosk.as_bytes())
        .bind(&json)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await
    }
    .await;
    tx.finish(done).await?;
    Ok(HandoffOffer {
        code: code.expose().to_string(),
        expires_at,
    })
}

/// What became of the kiosk's latest offer (404 when it made none, or it ended a day ago).
pub async fn status(pool: &AnyPool, kiosk: &BagKey) -> Result<HandoffStatus, AppError> {
    let latest: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT expires_at, claimed_at FROM handoffs WHERE bag = $1 \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(kiosk.as_bytes())
    .fetch_optional(pool)
    .await?;
    let (expires_at, claimed_at) =
        latest.ok_or_else(|| AppError::not_found("this bag offered no handoff"))?;
    let state = match claimed_at {
        Some(_) => HandoffState::Claimed,
        None if expires_at < now_ms() => HandoffState::Expired,
        None => HandoffState::Waiting,
    };
    Ok(HandoffStatus { state, expires_at })
}

/// An offer as stored.
struct Offered {
    code_hash: Vec<u8>,
    bag: Vec<u8>,
    lines: Vec<Line>,
    expires_at: i64,
}

/// The offer under `code` that can still be claimed: 404, 409 once claimed, 410 past its time.
async fn offered(conn: &mut AnyConnection, code: &str) -> Result<Offered, AppError> {
    let code_hash = hash(&parse(code)?);
    let row: Option<(Vec<u8>, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT bag, lines, expires_at, claimed_at FROM handoffs WHERE code_hash = $1",
    )
    .bind(&code_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let (bag, lines, expires_at, claimed_at) = row.ok_or_else(not_found)?;
    if claimed_at.is_some() {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::ClaimUsed,
            "this bag was taken by another phone already",
        ));
    }
    if expires_at < now_ms() {
        return Err(AppError::new(
            StatusCode::GONE,
            ErrorCode::ClaimExpired,
            "this claim code has expired: the kiosk can show a new one",
        ));
    }
    let lines = serde_json::from_str(&lines).map_err(|error| {
        tracing::error!(%error, "stored handoff lines do not parse");
        AppError::internal()
    })?;
    Ok(Offered {
        code_hash,
        bag,
        lines,
        expires_at,
    })
}

/// The lines under `code`, for the phone to show before she takes them.
pub async fn open(pool: &AnyPool, code: &str) -> Result<OfferedBag, AppError> {
    let mut conn = pool.acquire().await?;
    let offer = offered(&mut conn, code).await?;
    Ok(OfferedBag {
        lines: offer.lines,
        expires_at: offer.expires_at,
    })
}

/// Puts the offered lines into `into` (the phone's bag, which is her member bag when signed in)
/// and uses the code up, all or nothing; the kiosk's bag on the server is emptied.
pub async fn claim(state: &AppState, into: &BagKey, code: &str) -> Result<BagState, AppError> {
    let mut tx = state.writer.begin().await?;
    let claimed = async {
        let offer = offered(&mut tx, code).await?;
        if offer.bag == into.as_bytes() {
            return Err(AppError::invalid_operation(
                "this is the bag that offered it: claim it with another device",
            ));
        }
        let now = now_ms();
        let bag = bag::apply_in(&mut tx, into, &adds(&offer.lines, now)?, now).await?;
        sqlx::query("UPDATE handoffs SET claimed_at = $1, lines = '[]' WHERE code_hash = $2")
            .bind(now)
            .bind(&offer.code_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM bag_ops WHERE bag = $1")
            .bind(&offer.bag)
            .execute(&mut *tx)
            .await?;
        Ok(bag)
    }
    .await;
    tx.finish(claimed).await
}

/// Forgets handoffs that ended more than a day ago.
pub async fn forget_ended(state: &AppState) -> Result<(), sqlx::Error> {
    let mut tx = state.writer.begin().await?;
    let done = sqlx::query("DELETE FROM handoffs WHERE expires_at < $1")
        .bind(now_ms() - KEEP_ENDED_MS)
        .execute(&mut *tx)
        .await;
    tx.finish(done).await.map(|_| ())
}
