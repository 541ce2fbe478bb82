//! The shopping festivals of the demo: 11.11 2026 (over), 12.12 (双十二) 2026 and 11.11 2027, in
//! Shanghai time, with their price rules and the event prices of some variants.

use shopbag_api::promotions::{Offer, Phase, PhaseKind, PriceRule, Promotion, Timestamp};
use shopbag_api::{Category, Localized, Money, Product, Sku};
use sqlx::{Any, AnyPool, Transaction};

/// A variant's price during one phase of one festival (a row of `event_prices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedEventPrice {
    pub promotion: &'static str,
    pub phase: PhaseKind,
    pub sku: Sku,
    pub price: Money,
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("the demo's times are RFC 3339")
}

fn phase(kind: PhaseKind, zh: &str, en: &str, starts_at: &str, ends_at: &str) -> Phase {
    Phase {
        kind,
        title: Localized::new(zh, en),
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    }
}

fn rule(id: &str, phase: PhaseKind, zh: &str, en: &str, offer: Offer) -> PriceRule {
    PriceRule {
        id: id.into(),
        phase,
        title: Localized::new(zh, en),
        offer,
    }
}

fn threshold(threshold_yuan: i64, discount_yuan: i64, repeats: bool) -> Offer {
    Offer::Threshold {
        threshold: Money::yuan(threshold_yuan),
        discount: Money::yuan(discount_yuan),
        repeats,
    }
}

fn promotion(id: &str, zh: &str, en: &str, phases: Vec<Phase>, rules: Vec<PriceRule>) -> Promotion {
    Promotion {
        id: id.into(),
        name: Localized::new(zh, en),
        time_zone: "Asia/Shanghai".into(),
        phases,
        rules,
    }
}

/// The phases of an 11.11, the same every year: warm-up from 15 October, presale and deposits
/// from 20:00 on the 20th, the final payment from 20:00 on the 10th, then the day itself.
fn singles_day_phases(year: u32) -> Vec<Phase> {
    use PhaseKind::*;
    let time = |date_time: &str| format!("{year}-{date_time}+08:00");
    vec![
        phase(
            WarmUp,
            "预热：加购收藏",
            "Warm-up: add to bag",
            &time("10-15T00:00:00"),
            &time("10-20T19:59:59"),
        ),
        phase(
            Presale,
            "预售开启",
            "Presale opens",
            &time("10-20T20:00:00"),
            &time("11-10T19:59:59"),
        ),
        phase(
            Deposit,
            "付定金",
            "Deposit window",
            &time("10-20T20:00:00"),
            &time("10-31T23:59:59"),
        ),
        phase(
            FinalPayment,
            "付尾款",
            "Final payment",
            &time("11-10T20:00:00"),
            &time("11-11T23:59:59"),
        ),
        phase(
            MainDay,
            "双11当天",
            "11.11 main day",
            &time("11-11T00:00:00"),
            &time("11-11T23:59:59"),
        ),
    ]
}

/// The festival the store group has just had; kept so that its history reads right.
fn singles_day_2026() -> Promotion {
    use PhaseKind::*;
    promotion(
        "1111-2026",
        "2026 双11狂欢季",
        "11.11 Singles Day 2026",
        singles_day_phases(2026),
        vec![
            rule(
                "1111-deposit-50-150",
                Deposit,
                "定金50抵150",
                "¥50 deposit counts as ¥150",
                Offer::Deposit {
                    category: Some(Category::Outerwear),
                    deposit: Money::yuan(50),
                    worth: Money::yuan(150),
                },
            ),
            rule(
                "1111-every-300-off-50",
                MainDay,
                "每满300减50",
                "¥50 off every ¥300",
                threshold(300, 50, true),
            ),
            rule(
                "1111-1000-off-200",
                FinalPayment,
                "满1000减200",
                "¥200 off ¥1,000",
                threshold(1000, 200, false),
            ),
            rule(
                "1111-knitwear-15",
                MainDay,
                "针织85折",
                "15% off knitwear",
                Offer::PercentOff {
                    category: Some(Category::Knitwear),
                    percent: 15,
                },
            ),
            rule(
                "1111-presale-shoes-10",
                Presale,
                "鞋履预售9折",
                "10% off shoes in presale",
                Offer::PercentOff {
                    category: Some(Category::Shoes),
                    percent: 10,
                },
            ),
        ],
    )
}

/// 双十二: a short warm-up, then one day of event prices and a store-wide threshold.
fn double_twelve_2026() -> Promotion {
    use PhaseKind::*;
    promotion(
        "1212-2026",
        "2026 双十二",
        "12.12 2026",
        vec![
            phase(
                WarmUp,
                "双十二预热：先加购",
                "12.12 warm-up: bag it now",
                "2026-12-08T00:00:00+08:00",
                "2026-12-11T23:59:59+08:00",
            ),
            phase(
                MainDay,
                "双十二当天",
                "12.12 main day",
                "2026-12-12T00:00:00+08:00",
                "2026-12-12T23:59:59+08:00",
            ),
        ],
        vec![
            rule(
                "1212-every-300-off-50",
                MainDay,
                "每满300减50",
                "¥50 off every ¥300",
                threshold(300, 50, true),
            ),
            rule(
                "1212-accessories-20",
                MainDay,
                "配饰8折",
                "20% off accessories",
                Offer::PercentOff {
                    category: Some(Category::Accessories),
                    percent: 20,
                },
            ),
        ],
    )
}

/// Next year's 11.11: warm-up, presale with deposits, final payment, the main day.
fn singles_day_2027() -> Promotion {
    use PhaseKind::*;
    promotion(
        "1111-2027",
        "2027 双11狂欢季",
        "11.11 Singles Day 2027",
        singles_day_phases(2027),
        vec![
            rule(
                "1111-2027-deposit-100-300",
                Deposit,
                "定金100抵300",
                "¥100 deposit counts as ¥300",
                Offer::Deposit {
                    category: Some(Category::Outerwear),
                    deposit: Money::yuan(100),
                    worth: Money::yuan(300),
                },
            ),
            rule(
                "1111-2027-every-300-off-50",
                MainDay,
                "每满300减50",
                "¥50 off every ¥300",
                threshold(300, 50, true),
            ),
            rule(
                "1111-2027-knitwear-15",
                MainDay,
                "针织85折",
                "15% off knitwear",
                Offer::PercentOff {
                    category: Some(Category::Knitwear),
                    percent: 15,
                },
            ),
        ],
    )
}

pub fn promotions() -> Vec<Promotion> {
    vec![singles_day_2026(), double_twelve_2026(), singles_day_2027()]
}

/// Event prices: every third product at about 85 % on 12.12's main day, every fourth at about
/// 80 % in 11.11 2027's presale and main day; rounded down to a price ending in 9 yuan, like
/// the list prices.
pub fn event_prices(products: &[Product]) -> Vec<SeedEventPrice> {
    let offer = |list: Money, percent: i64| {
        let yuan = list.as_fen() * percent / 100 / 100;
        Money::yuan(yuan - (yuan + 1) % 10)
    };
    let mut prices = Vec::new();
    for (index, product) in products.iter().enumerate() {
        let mut add = |promotion, phase, percent| {
            for v in &product.variants {
                prices.push(SeedEventPrice {
                    promotion,
                    phase,
                    sku: v.sku.clone(),
                    price: offer(v.price, percent),
                });
            }
        };
        if index % 3 == 0 {
            add("1212-2026", PhaseKind::MainDay, 85);
        }
        if index % 4 == 1 {
            add("1111-2027", PhaseKind::Presale, 80);
            add("1111-2027", PhaseKind::MainDay, 80);
        }
    }
    prices
}

/// The database's columns of an offer: kind, category, percent_off, threshold_fen,
/// discount_fen, deposit_fen, repeats.
type OfferColumns = (
    &'static str,
    Option<&'static str>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    bool,
);

fn columns(offer: &Offer) -> OfferColumns {
    match *offer {
        Offer::PercentOff { category, percent } => (
            "percent_off",
            category.map(Category::as_str),
            Some(i64::from(percent)),
            None,
            None,
            None,
            false,
        ),
        Offer::Threshold {
            threshold,
            discount,
            repeats,
        } => (
            "threshold",
            None,
            None,
            Some(threshold.as_fen()),
            Some(discount.as_fen()),
            None,
            repeats,
        ),
        Offer::Deposit {
            category,
            deposit,
            worth,
        } => (
            "deposit",
            category.map(Category::as_str),
            None,
            None,
            Some(worth.as_fen()),
            Some(deposit.as_fen()),
            false,
        ),
    }
}

/// Writes the festivals the database does not hold yet, with their event prices: a database
/// seeded by an earlier release gets the festivals that came since.
pub async fn write_missing(
    tx: &mut Transaction<'_, Any>,
    promotions: &[Promotion],
    prices: &[SeedEventPrice],
) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    for promotion in promotions {
        let (known,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM promotions WHERE id = $1")
            .bind(&promotion.id)
            .fetch_one(&mut **tx)
            .await?;
        if known > 0 {
            continue;
        }
        sqlx::query(
            "INSERT INTO promotions (id, name_zh, name_en, time_zone) VALUES ($1, $2, $3, $4)",
        )
        .bind(&promotion.id)
        .bind(&promotion.name.zh)
        .bind(&promotion.name.en)
        .bind(&promotion.time_zone)
        .execute(&mut **tx)
        .await?;
        super::insert_rows(
            tx,
            "INSERT INTO promotion_phases (promotion_id, phase, title_zh, title_en, starts_at, ends_at) ",
            &promotion.phases,
            |row, p| {
                row.bind(promotion.id.clone())
                    .bind(p.kind.as_str())
                    .bind(p.title.zh.clone())
                    .bind(p.title.en.clone())
                    .bind(p.starts_at.to_string())
                    .bind(p.ends_at.to_string());
            },
        )
        .await?;
        super::insert_rows(
            tx,
            "INSERT INTO price_rules (id, promotion_id, phase, kind, title_zh, title_en, category, \
             percent_off, threshold_fen, discount_fen, deposit_fen, repeats) ",
            &promotion.rules,
            |row, r| {
                let (kind, category, percent, threshold, discount, deposit, repeats) = columns(&r.offer);
                row.bind(r.id.clone())
                    .bind(promotion.id.clone())
                    .bind(r.phase.as_str())
                    .bind(kind)
                    .bind(r.title.zh.clone())
                    .bind(r.title.en.clone())
                    .bind(category)
                    .bind(percent)
                    .bind(threshold)
                    .bind(discount)
                    .bind(deposit)
                    .bind(i64::from(repeats));
            },
        )
        .await?;
        let own: Vec<&SeedEventPrice> = prices
            .iter()
            .filter(|p| p.promotion == promotion.id)
            .collect();
        super::insert_rows(
            tx,
            "INSERT INTO event_prices (promotion_id, phase, sku, price) ",
            &own,
            |row, p| {
                row.bind(p.promotion)
                    .bind(p.phase.as_str())
                    .bind(p.sku.to_string())
                    .bind(p.price.as_fen());
            },
        )
        .await?;
        written += 1;
    }
    Ok(written)
}

/// [`write_missing`] in its own transaction, for a database that already holds the catalogue.
pub async fn add_missing(pool: &AnyPool, products: &[Product]) -> Result<usize, sqlx::Error> {
    let mut tx = crate::db::begin_writing(pool).await?;
    let written = write_missing(&mut tx, &promotions(), &event_prices(products)).await?;
    tx.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopbag_api::promotions::Calendar;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn after_singles_day_come_double_twelve_and_next_years_singles_day() {
        let calendar = Calendar {
            promotions: promotions(),
            event_prices: vec![],
        };
        let next = |now| {
            calendar
                .next(at(now))
                .map(|u| (u.promotion.id.clone(), u.phase.kind))
        };
        assert_eq!(
            next("2026-12-06T10:00:00+08:00"),
            Some(("1212-2026".into(), PhaseKind::WarmUp))
        );
        assert_eq!(
            next("2026-12-12T10:00:00+08:00"),
            Some(("1111-2027".into(), PhaseKind::WarmUp))
        );
        for promotion in calendar.promotions {
            let main = promotion
                .phases
                .iter()
                .find(|p| p.kind == PhaseKind::MainDay)
                .unwrap();
            let start = main.starts_at.in_store();
            assert_eq!(
                (start.hour, start.minute, start.second),
                (0, 0, 0),
                "{}",
                promotion.id
            );
            let end = main.ends_at.in_store();
            assert_eq!(
                (end.hour, end.minute, end.second),
                (23, 59, 59),
                "{}",
                promotion.id
            );
            for rule in &promotion.rules {
                assert!(
                    promotion.phases.iter().any(|p| p.kind == rule.phase),
                    "{}",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn event_prices_are_below_the_list_price_and_end_in_nine() {
        let demo = super::super::demo();
        let prices = event_prices(&demo.products);
        assert!(prices.len() > 100);
        for p in &prices {
            let variant = demo
                .products
                .iter()
                .flat_map(|p| &p.variants)
                .find(|v| v.sku == p.sku)
                .unwrap();
            assert!(p.price < variant.price && p.price > Money(0), "{}", p.sku);
            assert_eq!(p.price.as_fen() % 1_000, 900, "{}: {}", p.sku, p.price);
        }
    }
}
