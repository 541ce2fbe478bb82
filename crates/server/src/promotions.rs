//! The festivals' calendar as the database holds it, read into the contract's types.

use shopbag_api::promotions::{
    Calendar, EventPrice, Offer, Phase, PhaseKind, PriceRule, Promotion, Timestamp,
};
use shopbag_api::{Category, Localized, Money, Sku};
use sqlx::{AnyPool, FromRow};

fn corrupt(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} `{value}` in the database").into())
}

fn phase_kind(value: &str) -> Result<PhaseKind, sqlx::Error> {
    PhaseKind::from_str_opt(value).ok_or_else(|| corrupt("phase", value))
}

fn time(value: &str) -> Result<Timestamp, sqlx::Error> {
    Timestamp::parse(value).ok_or_else(|| corrupt("time", value))
}

#[derive(FromRow)]
struct PhaseRow {
    promotion_id: String,
    phase: String,
    title_zh: String,
    title_en: String,
    starts_at: String,
    ends_at: String,
}

#[derive(FromRow)]
struct RuleRow {
    id: String,
    promotion_id: String,
    phase: String,
    kind: String,
    title_zh: String,
    title_en: String,
    category: Option<String>,
    percent_off: Option<i64>,
    threshold_fen: Option<i64>,
    discount_fen: Option<i64>,
    deposit_fen: Option<i64>,
    /// 1 or 0: flags are integers in both engines.
    repeats: i64,
}

impl RuleRow {
    fn offer(&self) -> Result<Offer, sqlx::Error> {
        let category = match &self.category {
            None => None,
            Some(c) => Some(Category::from_str_opt(c).ok_or_else(|| corrupt("category", c))?),
        };
        let money = |fen: Option<i64>| Money::fen(fen.unwrap_or(0));
        Ok(match self.kind.as_str() {
            "percent_off" => Offer::PercentOff {
                category,
                percent: u32::try_from(self.percent_off.unwrap_or(0).clamp(0, 100)).unwrap_or(0),
            },
            "threshold" => Offer::Threshold {
                threshold: money(self.threshold_fen),
                discount: money(self.discount_fen),
                repeats: self.repeats != 0,
            },
            "deposit" => Offer::Deposit {
                category,
                deposit: money(self.deposit_fen),
                worth: money(self.discount_fen),
            },
            other => return Err(corrupt("price rule kind", other)),
        })
    }
}

/// Every festival with its phases (in start order) and rules, in start order, and the event
/// prices of `skus`.
pub async fn calendar(pool: &AnyPool, skus: &[Sku]) -> Result<Calendar, sqlx::Error> {
    let promotions: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT id, name_zh, name_en, time_zone FROM promotions")
            .fetch_all(pool)
            .await?;
    let phases: Vec<PhaseRow> = sqlx::query_as(
        "SELECT promotion_id, phase, title_zh, title_en, starts_at, ends_at FROM promotion_phases",
    )
    .fetch_all(pool)
    .await?;
    let rules: Vec<RuleRow> = sqlx::query_as(
        "SELECT id, promotion_id, phase, kind, title_zh, title_en, category, percent_off, \
         threshold_fen, discount_fen, deposit_fen, repeats FROM price_rules ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let mut calendar = Calendar::default();
    for (id, name_zh, name_en, time_zone) in promotions {
        let mut own_phases = Vec::new();
        for row in phases.iter().filter(|p| p.promotion_id == id) {
            own_phases.push(Phase {
                kind: phase_kind(&row.phase)?,
                title: Localized::new(&row.title_zh, &row.title_en),
                starts_at: time(&row.starts_at)?,
                ends_at: time(&row.ends_at)?,
            });
        }
        own_phases.sort_by_key(|p| (p.starts_at, p.kind));
        let mut own_rules = Vec::new();
        for row in rules.iter().filter(|r| r.promotion_id == id) {
            own_rules.push(PriceRule {
                id: row.id.clone(),
                phase: phase_kind(&row.phase)?,
                title: Localized::new(&row.title_zh, &row.title_en),
                offer: row.offer()?,
            });
        }
        calendar.promotions.push(Promotion {
            id,
            name: Localized::new(name_zh, name_en),
            time_zone,
            phases: own_phases,
            rules: own_rules,
        });
    }
    calendar
        .promotions
        .sort_by_key(|p| p.phases.first().map(|ph| ph.starts_at));
    for sku in skus {
        let prices: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT promotion_id, phase, price FROM event_prices WHERE sku = $1 \
             ORDER BY promotion_id, phase",
        )
        .bind(sku.as_str())
        .fetch_all(pool)
        .await?;
        for (promotion, phase, price) in prices {
            calendar.event_prices.push(EventPrice {
                sku: sku.clone(),
                promotion,
                phase: phase_kind(&phase)?,
                price: Money::fen(price),
            });
        }
    }
    Ok(calendar)
}
