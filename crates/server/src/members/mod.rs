//! Members on the server: her sign-in (`sign_in`) and the session her browser holds
//! (`session`), the member codes her devices show and the till that takes them (`till`), and her
//! history with the brand, which she may export or erase (`history`).
//!
//! While a device is signed in, its own bag key leads to her member bag (`bag_aliases`): the app
//! keeps its token and its sync, and her phone and a kiosk she signed in on share one bag.

pub mod history;
pub mod session;
pub mod sign_in;
pub mod till;

use crate::error::AppError;
use sha2::{Digest, Sha256};
use shopbag_api::member::{CouponStatus, Me, MemberCoupon, Profile, Tier};
use shopbag_api::{Localized, Money, Timestamp};
use sqlx::{AnyConnection, FromRow};

/// What the member endpoints need from the configuration.
#[derive(Clone)]
pub struct Settings {
    /// `X-Cashier-Key` of store staff devices.
    pub cashier_key: String,
    /// Signs super-app hosts' tokens.
    pub host_secret: String,
    /// The session cookie is `Secure` (the server speaks TLS).
    pub secure_cookies: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Settings(…)")
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cashier_key: crate::config::DEMO_CASHIER_KEY.into(),
            host_secret: crate::config::DEMO_HOST_SECRET.into(),
            secure_cookies: false,
        }
    }
}

/// `N` random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the operating system has randomness");
    bytes
}

/// SHA-256 over `parts`, each length-prefixed (so ("ab","c") and ("a","bc") differ).
pub(crate) fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

/// Compares secrets in time that does not depend on where they differ.
pub(crate) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    digest(&[a])
        .iter()
        .zip(digest(&[b]))
        .fold(0, |d, (x, y)| d | (x ^ y))
        == 0
}

#[derive(FromRow)]
struct ProfileRow {
    display_name: String,
    phone_masked: String,
    tier: String,
    points: i64,
    joined_on: String,
    /// 1 or 0: flags are integers in both engines.
    follow_up: i64,
}

fn tier(text: &str) -> Tier {
    match text {
        "gold" => Tier::Gold,
        "platinum" => Tier::Platinum,
        _ => Tier::Silver,
    }
}

pub async fn profile(conn: &mut AnyConnection, member: &str) -> Result<Profile, AppError> {
    let row: ProfileRow = sqlx::query_as(
        "SELECT display_name, phone_masked, tier, points, joined_on, follow_up FROM members \
         WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(member)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("no such member"))?;
    Ok(Profile {
        display_name: row.display_name,
        phone_masked: row.phone_masked,
        tier: tier(&row.tier),
        points: row.points,
        joined_on: row.joined_on,
        follow_up: row.follow_up != 0,
    })
}

#[derive(FromRow)]
struct CouponRow {
    code: String,
    title_zh: String,
    title_en: String,
    discount_fen: i64,
    min_spend_fen: i64,
    valid_from: String,
    valid_until: String,
    redeemed_at: Option<i64>,
}

/// Her coupons, as they stand at `now`, soonest to end first.
pub async fn coupons(
    conn: &mut AnyConnection,
    member: &str,
    now: Timestamp,
) -> Result<Vec<MemberCoupon>, AppError> {
    let rows: Vec<CouponRow> = sqlx::query_as(
        "SELECT code, title_zh, title_en, discount_fen, min_spend_fen, valid_from, valid_until, \
         redeemed_at FROM coupons WHERE member_id = $1 ORDER BY code",
    )
    .bind(member)
    .fetch_all(&mut *conn)
    .await?;
    let mut coupons = rows
        .into_iter()
        .map(|row| {
            let time = |text: &str| {
                Timestamp::parse(text).ok_or_else(|| {
                    tracing::error!(code = %row.code, "a coupon's time does not read");
                    AppError::internal()
                })
            };
            let (valid_from, valid_until) = (time(&row.valid_from)?, time(&row.valid_until)?);
            let status = if row.redeemed_at.is_some() {
                CouponStatus::Redeemed
            } else if now < valid_from {
                CouponStatus::NotYet
            } else if now.0 > valid_until.0 + 999 {
                CouponStatus::Expired
            } else {
                CouponStatus::Usable
            };
            Ok(MemberCoupon {
                code: row.code,
                title: Localized::new(&row.title_zh, &row.title_en),
                discount: Money::fen(row.discount_fen),
                min_spend: Money::fen(row.min_spend_fen),
                valid_from,
                valid_until,
                status,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    coupons.sort_by_key(|c| (c.status != CouponStatus::Usable, c.valid_until));
    Ok(coupons)
}

pub async fn me(conn: &mut AnyConnection, member: &str) -> Result<Me, AppError> {
    let now = Timestamp(crate::now_ms());
    Ok(Me {
        profile: profile(conn, member).await?,
        coupons: coupons(conn, member, now).await?,
    })
}
