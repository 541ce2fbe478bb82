//! The member code at the till: the devices that may show one (each with its own secret, which
//! she can pause), the cashier's verification of a code (once per code), and the purchase that
//! adds her points and redeems the coupon it used, in one transaction.

use super::{coupons, profile, random, same_secret, Settings};
use crate::error::AppError;
use crate::{catalog, promotions, AppState};
use axum::http::{HeaderMap, StatusCode};
use shopbag_api::member::{
    points_for, CodeSecret, CouponStatus, DeviceNumber, DeviceRecord, DeviceRegistered, MemberCode,
    MemberCoupon, Purchase, PurchaseRequest, TillLine, Verified, VerifyRequest,
};
use shopbag_api::promotions::{quote, Coupon, PricedLine, Quote};
use shopbag_api::{product_id_of, ErrorCode, Money, Sku, Timestamp};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// The header store staff devices send their key in.
pub const CASHIER_KEY_HEADER: &str = "x-cashier-key";
/// A verified code's purchase must be confirmed within this.
pub const CONFIRM_WITHIN_MS: i64 = 15 * 60 * 1000;
/// Devices one member may have.
pub const MOST_DEVICES: i64 = 10;
/// Lines one purchase may have.
pub const MOST_LINES: usize = 100;

/// Refuses a request without the right `X-Cashier-Key`.
pub fn check_cashier(headers: &HeaderMap, settings: &Settings) -> Result<(), AppError> {
    let sent = headers
        .get(CASHIER_KEY_HEADER)
        .map(|value| value.as_bytes())
        .unwrap_or_default();
    if sent.is_empty() || !same_secret(sent, settings.cashier_key.as_bytes()) {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::CashierKeyRejected,
            "send the store's cashier key as `X-Cashier-Key`",
        ));
    }
    Ok(())
}

/// Gives this device of hers a number and a code secret.
pub async fn register_device(state: &AppState, member: &str) -> Result<DeviceRegistered, AppError> {
    let secret = CodeSecret::from_bytes(random());
    let mut tx = state.writer.begin().await?;
    let result = async {
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM member_devices WHERE member_id = $1")
                .bind(member)
                .fetch_one(&mut *tx)
                .await?;
        if count >= MOST_DEVICES {
            // The oldest goes: a member who keeps changing phones is not locked out.
            sqlx::query(
                "DELETE FROM member_devices WHERE number = (SELECT number FROM member_devices \
                 WHERE member_id = $1 ORDER BY registered_at LIMIT 1)",
            )
            .bind(member)
            .execute(&mut *tx)
            .await?;
        }
        loop {
            let span = DeviceNumber::LAST - DeviceNumber::FIRST + 1;
            let number = DeviceNumber::FIRST + u32::from_be_bytes(random()) % span;
            let device = DeviceNumber::new(number).expect("in range");
            let added = sqlx::query(
                "INSERT INTO member_devices (number, member_id, secret, registered_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (number) DO NOTHING",
            )
            .bind(i64::from(number))
            .bind(member)
            .bind(secret.expose())
            .bind(crate::now_ms())
            .execute(&mut *tx)
            .await?;
            if added.rows_affected() == 1 {
                return Ok(DeviceRegistered {
                    device,
                    secret: secret.clone(),
                });
            }
        }
    }
    .await;
    tx.finish(result).await
}

#[derive(FromRow)]
struct DeviceRow {
    number: i64,
    /// 1 or 0: flags are integers in both engines.
    paused: i64,
    registered_at: i64,
}

impl DeviceRow {
    fn record(self) -> Option<DeviceRecord> {
        Some(DeviceRecord {
            device: DeviceNumber::new(u32::try_from(self.number).ok()?)?,
            paused: self.paused != 0,
            registered_at: Timestamp(self.registered_at),
        })
    }
}

pub async fn devices(
    conn: &mut AnyConnection,
    member: &str,
) -> Result<Vec<DeviceRecord>, AppError> {
    let rows: Vec<DeviceRow> = sqlx::query_as(
        "SELECT number, paused, registered_at FROM member_devices WHERE member_id = $1 \
         ORDER BY registered_at",
    )
    .bind(member)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().filter_map(DeviceRow::record).collect())
}

/// Pauses or resumes one of her devices' codes; `None` when she has no such device.
pub async fn set_paused(
    state: &AppState,
    member: &str,
    number: u32,
    paused: bool,
) -> Result<Option<DeviceRecord>, AppError> {
    let mut tx = state.writer.begin().await?;
    let result = sqlx::query_as::<_, DeviceRow>(
        "UPDATE member_devices SET paused = $1 WHERE number = $2 AND member_id = $3 \
         RETURNING number, paused, registered_at",
    )
    .bind(i64::from(paused))
    .bind(i64::from(number))
    .bind(member)
    .fetch_optional(&mut *tx)
    .await
    .map(|row| row.and_then(DeviceRow::record));
    tx.finish(result.map_err(AppError::from)).await
}

fn rejected(why: &str) -> AppError {
    AppError::new(StatusCode::FORBIDDEN, ErrorCode::MemberCodeRejected, why)
}

/// The till lines as the price engine sees them, with the calendar of their skus.
async fn priced(
    pool: &AnyPool,
    lines: &[TillLine],
    now: Timestamp,
    coupons: &[Coupon],
) -> Result<Quote, AppError> {
    if lines.is_empty() || lines.len() > MOST_LINES {
        return Err(invalid_purchase(format!(
            "a purchase has 1 to {MOST_LINES} lines"
        )));
    }
    let skus: Vec<Sku> = lines.iter().map(|l| l.sku.clone()).collect();
    let calendar = promotions::calendar(pool, &skus).await?;
    let mut products = Vec::with_capacity(lines.len());
    for line in lines {
        if !(1..=u32::from(shopbag_api::bag::MAX_QUANTITY)).contains(&line.quantity) {
            return Err(invalid_purchase(format!(
                "the quantity of {} is not 1 to 99",
                line.sku
            )));
        }
        let product = catalog::product(pool, &product_id_of(&line.sku))
            .await?
            .filter(|p| p.variants.iter().any(|v| v.sku == line.sku))
            .ok_or_else(|| invalid_purchase(format!("no variant with sku {}", line.sku)))?;
        products.push(product);
    }
    let priced: Vec<PricedLine> = lines
        .iter()
        .zip(&products)
        .map(|(line, product)| PricedLine {
            sku: &line.sku,
            category: product.category,
            list_price: product
                .variants
                .iter()
                .find(|v| v.sku == line.sku)
                .map_or(Money(0), |v| v.price),
            event_prices: &calendar.event_prices,
            quantity: line.quantity,
            deposit_paid: false,
        })
        .collect();
    Ok(quote(&calendar, &priced, coupons, now))
}

fn invalid_purchase(message: impl Into<String>) -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidPurchase,
        message,
    )
}

fn usable(coupons: &[MemberCoupon]) -> Vec<Coupon> {
    coupons
        .iter()
        .filter(|c| c.status == CouponStatus::Usable)
        .map(MemberCoupon::as_coupon)
        .collect()
}

/// The coupon the engine chose, by its title among hers.
fn used_coupon(quote: &Quote, usable: &[Coupon]) -> Option<String> {
    let saving = quote
        .savings
        .iter()
        .find(|s| s.kind == shopbag_api::promotions::SavingKind::Coupon)?;
    usable
        .iter()
        .find(|c| c.title == saving.title && c.discount == saving.amount)
        .map(|c| c.code.clone())
}

/// Verifies a scanned member code for a store: once per code, in its step or the one after, from
/// a device that is not paused.
pub async fn verify(state: &AppState, request: &VerifyRequest) -> Result<Verified, AppError> {
    let (code, member) = genuine(state, request).await?;
    let now = crate::now_ms();
    let step = code.step_made(&member.secret, now).ok_or_else(|| {
        rejected("this code has expired or is not genuine: ask for the one shown now")
    })?;
    let mut conn = state.pool.acquire().await?;
    let profile = profile(&mut conn, &member.id).await?;
    let mine = coupons(&mut conn, &member.id, Timestamp(now)).await?;
    drop(conn);
    let usable_now = usable(&mine);
    let (coupons, list_total, total) = if request.lines.is_empty() {
        (usable_mine(&mine), None, None)
    } else {
        let quote = priced(&state.pool, &request.lines, Timestamp(now), &usable_now).await?;
        let before_coupon = quote.total.0
            + quote
                .savings
                .iter()
                .filter(|s| s.kind == shopbag_api::promotions::SavingKind::Coupon)
                .map(|s| s.amount.0)
                .sum::<i64>();
        let reach: Vec<MemberCoupon> = usable_mine(&mine)
            .into_iter()
            .filter(|c| c.min_spend.0 <= before_coupon)
            .collect();
        (reach, Some(quote.list_total), Some(quote.total))
    };
    let id: String = random::<16>().iter().map(|b| format!("{b:02x}")).collect();
    let mut tx = state.writer.begin().await?;
    let taken = sqlx::query(
        "INSERT INTO verifications (id, member_id, store_id, device, step, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (device, step) DO NOTHING",
    )
    .bind(&id)
    .bind(&member.id)
    .bind(request.store_id.as_str())
    .bind(i64::from(code.device.get()))
    .bind(step as i64)
    .bind(now)
    .bind(now + CONFIRM_WITHIN_MS)
    .execute(&mut *tx)
    .await
    .map_err(AppError::from)
    .and_then(|done| match done.rows_affected() {
        1 => Ok(()),
        _ => Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::MemberCodeUsed,
            "this code was used already: ask for the one shown now",
        )),
    });
    tx.finish(taken).await?;
    Ok(Verified {
        verification: id,
        display_name: profile.display_name,
        tier: profile.tier,
        points: profile.points,
        coupons,
        list_total,
        total,
        expires_at: Timestamp(now + CONFIRM_WITHIN_MS),
    })
}

/// The member whose device showed the code, with that device's secret.
struct CodeOwner {
    id: String,
    secret: CodeSecret,
}

/// A member code read at a real store, from a member's device that shows codes now (its
/// number is in the code; whether the code is genuine and current is the secret's to say).
async fn genuine(
    state: &AppState,
    request: &VerifyRequest,
) -> Result<(MemberCode, CodeOwner), AppError> {
    let code = MemberCode::parse(&request.code).map_err(|why| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidMemberCode,
            why.to_string(),
        )
    })?;
    if catalog::store(&state.pool, &request.store_id)
        .await?
        .is_none()
    {
        return Err(AppError::bad_request(format!(
            "no store `{}`",
            request.store_id
        )));
    }
    state
        .throttle
        .member_code(&request.store_id, code.device.get())
        .await?;
    let device: Option<(String, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT d.member_id, d.secret, d.paused FROM member_devices d \
         JOIN members m ON m.id = d.member_id WHERE d.number = $1 AND m.erased_at IS NULL",
    )
    .bind(i64::from(code.device.get()))
    .fetch_optional(&state.pool)
    .await?;
    let (id, secret, paused) =
        device.ok_or_else(|| rejected("this code does not come from a member's device"))?;
    if paused != 0 {
        return Err(rejected("this member paused her code on that device"));
    }
    let secret = CodeSecret::from_stored(&secret).ok_or_else(AppError::internal)?;
    Ok((code, CodeOwner { id, secret }))
}

fn usable_mine(mine: &[MemberCoupon]) -> Vec<MemberCoupon> {
    mine.iter()
        .filter(|c| c.status == CouponStatus::Usable)
        .cloned()
        .collect()
}

/// The coupon a purchase used, redeemed by it; refused when another purchase redeemed it first.
async fn redeem(
    conn: &mut AnyConnection,
    code: &str,
    purchase: &str,
    now: i64,
) -> Result<(), AppError> {
    let redeemed = sqlx::query(
        "UPDATE coupons SET redeemed_at = $1, redeemed_by = $2 \
         WHERE code = $3 AND redeemed_at IS NULL",
    )
    .bind(now)
    .bind(purchase)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    if redeemed.rows_affected() != 1 {
        return Err(invalid_purchase(format!(
            "the coupon {code} was used meanwhile: scan her member code again"
        )));
    }
    Ok(())
}

/// What she bought leaves the store's stock (never below none: the shelf was counted before).
async fn take_from_shelves(
    conn: &mut AnyConnection,
    lines: &[TillLine],
    store: &str,
) -> Result<(), AppError> {
    for line in lines {
        sqlx::query(
            "UPDATE stock SET quantity = CASE WHEN quantity > $1 THEN quantity - $1 ELSE 0 END \
             WHERE sku = $2 AND store_id = $3",
        )
        .bind(i64::from(line.quantity))
        .bind(line.sku.as_str())
        .bind(store)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A purchase number: `TP<Shanghai date>-<sequence>`.
fn purchase_number(id: i64, at: i64) -> String {
    let date = Timestamp(at).in_store();
    format!("TP{:04}{:02}{:02}-{id:06}", date.year, date.month, date.day)
}

#[derive(FromRow)]
struct PurchaseRow {
    number: String,
    store_id: String,
    list_total_fen: i64,
    total_fen: i64,
    coupon: Option<String>,
    points_added: i64,
    points_after: i64,
    created_at: i64,
}

pub(crate) const PURCHASE_COLUMNS: &str = "SELECT number, store_id, list_total_fen, total_fen, \
     coupon, points_added, points_after, created_at FROM purchases";

impl From<PurchaseRow> for Purchase {
    fn from(row: PurchaseRow) -> Purchase {
        Purchase {
            number: row.number,
            store_id: row.store_id.into(),
            list_total: Money::fen(row.list_total_fen),
            total: Money::fen(row.total_fen),
            coupon: row.coupon,
            points_added: row.points_added,
            points: row.points_after,
            at: Timestamp(row.created_at),
        }
    }
}

pub(crate) async fn purchases_of(
    conn: &mut AnyConnection,
    member: &str,
) -> Result<Vec<Purchase>, sqlx::Error> {
    let rows: Vec<PurchaseRow> = sqlx::query_as(&format!(
        "{PURCHASE_COLUMNS} WHERE member_id = $1 ORDER BY created_at DESC"
    ))
    .bind(member)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Purchase::from).collect())
}

/// The purchase a verification was confirmed with, if it was.
async fn earlier(
    conn: &mut AnyConnection,
    verification: &str,
) -> Result<Option<PurchaseRow>, sqlx::Error> {
    sqlx::query_as(&format!("{PURCHASE_COLUMNS} WHERE verification = $1"))
        .bind(verification)
        .fetch_optional(conn)
        .await
}

/// The member and store a verification was made for, while it is still fresh.
async fn verified(
    pool: &AnyPool,
    verification: &str,
    now: i64,
) -> Result<(String, String), AppError> {
    let found: Option<(String, String, i64)> =
        sqlx::query_as("SELECT member_id, store_id, expires_at FROM verifications WHERE id = $1")
            .bind(verification)
            .fetch_optional(pool)
            .await?;
    let (member, store, expires_at) =
        found.ok_or_else(|| invalid_purchase("no such verification: scan her member code"))?;
    if expires_at <= now {
        return Err(invalid_purchase(
            "the verification has expired: scan her member code again",
        ));
    }
    Ok((member, store))
}

/// Her points history says which purchase added them.
async fn note_points(
    conn: &mut AnyConnection,
    member: &str,
    added: i64,
    number: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO points_history (member_id, change, reason, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(member)
    .bind(added)
    .bind(format!("purchase {number}"))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Confirms the purchase of a verified member: her points grow by what she paid and the coupon
/// it used is redeemed, together. Confirming the same verification again answers the same
/// purchase and changes nothing.
pub async fn confirm(state: &AppState, request: &PurchaseRequest) -> Result<Purchase, AppError> {
    if let Some(row) = earlier(&mut *state.pool.acquire().await?, &request.verification).await? {
        return Ok(row.into());
    }
    let now = crate::now_ms();
    let (member, store) = verified(&state.pool, &request.verification, now).await?;
    let mine = coupons(&mut *state.pool.acquire().await?, &member, Timestamp(now)).await?;
    let usable_now = usable(&mine);
    let quote = priced(&state.pool, &request.lines, Timestamp(now), &usable_now).await?;
    let coupon = used_coupon(&quote, &usable_now);
    let points_added = points_for(quote.total);
    let lines = serde_json::to_string(&request.lines).expect("till lines serialise");
    let mut tx = state.writer.begin().await?;
    let result = async {
        // Confirmed meanwhile by another request: that one stands.
        if let Some(row) = earlier(&mut tx, &request.verification).await? {
            return Ok(row.into());
        }
        let (points,): (i64,) = sqlx::query_as(
            "UPDATE members SET points = points + $1 WHERE id = $2 RETURNING points",
        )
        .bind(points_added)
        .bind(&member)
        .fetch_one(&mut *tx)
        .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO purchases (number, verification, member_id, store_id, lines, \
             list_total_fen, total_fen, coupon, points_added, points_after, created_at) \
             VALUES ('', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&request.verification)
        .bind(&member)
        .bind(&store)
        .bind(&lines)
        .bind(quote.list_total.0)
        .bind(quote.total.0)
        .bind(&coupon)
        .bind(points_added)
        .bind(points)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let number = purchase_number(id, now);
        sqlx::query("UPDATE purchases SET number = $1 WHERE id = $2")
            .bind(&number)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(code) = &coupon {
            redeem(&mut tx, code, &number, now).await?;
        }
        note_points(&mut tx, &member, points_added, &number, now).await?;
        take_from_shelves(&mut tx, &request.lines, &store).await?;
        Ok(Purchase {
            number,
            store_id: store.clone().into(),
            list_total: quote.list_total,
            total: quote.total,
            coupon: coupon.clone(),
            points_added,
            points,
            at: Timestamp(now),
        })
    }
    .await;
    tx.finish(result).await
}
