//! The price engine: what a bag costs at any moment, under any festival a store could write.
//!
//! The store's data is drawn as the seed or an editor would write it (amounts in fen up to
//! ¥100 million and never negative, a threshold's discount at most its threshold, a deposit at
//! most its worth, any phases, in any order); the shopper's side is anything: lines, quantities,
//! coupons, and the clock (a phone's clock may say any time).
//!
//! Holds: no line costs more than its list price or less than nothing; the total is the list total
//! less the savings shown (never below zero); savings are positive and largest first; "time to
//! order" names only lines the festival makes cheaper (or all, under a store-wide threshold).

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use shopbag_api::catalog::{Category, Localized};
use shopbag_api::promotions::{
    lowered_now, quote, unit_price, Calendar, Coupon, EventPrice, Offer, Phase, PhaseKind,
    PriceRule, PricedLine, Promotion, Timestamp,
};
use shopbag_api::{Money, Sku};

const MOST_FEN: i64 = 10_000_000_000;
/// Around now, within a few years either way: where festivals and coupons are.
const TIMES: i64 = 1 << 37;
const KINDS: [PhaseKind; 5] = [
    PhaseKind::WarmUp,
    PhaseKind::Presale,
    PhaseKind::Deposit,
    PhaseKind::FinalPayment,
    PhaseKind::MainDay,
];

fn money(u: &mut Unstructured, most: i64) -> arbitrary::Result<Money> {
    Ok(Money(u.int_in_range(0..=most)?))
}

fn time(u: &mut Unstructured) -> arbitrary::Result<Timestamp> {
    Ok(Timestamp(
        u.int_in_range(-TIMES..=TIMES)? + 1_800_000_000_000,
    ))
}

fn title(n: usize) -> Localized {
    Localized {
        zh: format!("规则{n}"),
        en: format!("rule {n}"),
    }
}

fn category(u: &mut Unstructured) -> arbitrary::Result<Category> {
    u.choose(&Category::ALL).copied()
}

fn offer(u: &mut Unstructured) -> arbitrary::Result<Offer> {
    Ok(match u.int_in_range(0..=2)? {
        0 => Offer::PercentOff {
            category: if bool::arbitrary(u)? {
                Some(category(u)?)
            } else {
                None
            },
            percent: u.int_in_range(0..=150)?,
        },
        1 => {
            let threshold = money(u, MOST_FEN)?;
            Offer::Threshold {
                threshold,
                discount: money(u, threshold.0)?,
                repeats: bool::arbitrary(u)?,
            }
        }
        _ => {
            let worth = money(u, MOST_FEN)?;
            Offer::Deposit {
                category: if bool::arbitrary(u)? {
                    Some(category(u)?)
                } else {
                    None
                },
                deposit: money(u, worth.0)?,
                worth,
            }
        }
    })
}

fn promotion(u: &mut Unstructured, n: usize) -> arbitrary::Result<Promotion> {
    let mut phases = Vec::new();
    for i in 0..u.int_in_range(0..=4)? {
        let starts_at = time(u)?;
        let ends_at = Timestamp(starts_at.0 + u.int_in_range(-1_000..=TIMES / 16)?);
        phases.push(Phase {
            kind: *u.choose(&KINDS)?,
            title: title(i),
            starts_at,
            ends_at,
        });
    }
    let mut rules = Vec::new();
    for i in 0..u.int_in_range(0..=4)? {
        rules.push(PriceRule {
            id: format!("r{i}"),
            phase: *u.choose(&KINDS)?,
            title: title(i),
            offer: offer(u)?,
        });
    }
    Ok(Promotion {
        id: format!("p{n}"),
        name: title(n),
        time_zone: "Asia/Shanghai".into(),
        phases,
        rules,
    })
}

struct Bag {
    calendar: Calendar,
    skus: Vec<Sku>,
    lines: Vec<(usize, Category, Money, u32, bool)>,
    coupons: Vec<Coupon>,
    now: Timestamp,
}

fn bag(u: &mut Unstructured) -> arbitrary::Result<Bag> {
    let skus: Vec<Sku> = (0..6).map(|i| format!("SKU-{i}").into()).collect();
    let mut calendar = Calendar::default();
    for n in 0..u.int_in_range(0..=3)? {
        calendar.promotions.push(promotion(u, n)?);
    }
    for _ in 0..u.int_in_range(0..=12)? {
        calendar.event_prices.push(EventPrice {
            sku: u.choose(&skus)?.clone(),
            promotion: format!("p{}", u.int_in_range(0..=3)?),
            phase: *u.choose(&KINDS)?,
            price: money(u, MOST_FEN)?,
        });
    }
    let mut lines = Vec::new();
    for _ in 0..u.int_in_range(0..=8)? {
        lines.push((
            u.choose_index(skus.len())?,
            category(u)?,
            money(u, MOST_FEN)?,
            u32::from(u8::arbitrary(u)?),
            bool::arbitrary(u)?,
        ));
    }
    let mut coupons = Vec::new();
    for i in 0..u.int_in_range(0..=3)? {
        coupons.push(Coupon {
            code: format!("C{i}"),
            title: title(i),
            discount: money(u, MOST_FEN)?,
            min_spend: money(u, MOST_FEN)?,
            valid_from: time(u)?,
            valid_until: time(u)?,
        });
    }
    let now = if bool::arbitrary(u)? {
        Timestamp(i64::arbitrary(u)?)
    } else {
        time(u)?
    };
    Ok(Bag {
        calendar,
        skus,
        lines,
        coupons,
        now,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(bag) = bag(&mut Unstructured::new(data)) else {
        return;
    };
    let lines: Vec<PricedLine> = bag
        .lines
        .iter()
        .map(
            |&(sku, category, list_price, quantity, deposit_paid)| PricedLine {
                sku: &bag.skus[sku],
                category,
                list_price,
                event_prices: &bag.calendar.event_prices,
                quantity,
                deposit_paid,
            },
        )
        .collect();
    let now = bag.now;
    let _ = (
        bag.calendar.moment(now),
        bag.calendar.time_to_order(now),
        bag.calendar.festival_prices(now),
    );

    let quoted = quote(&bag.calendar, &lines, &bag.coupons, now);
    let promotion = bag.calendar.current(now);
    assert_eq!(quoted.lines.len(), lines.len());
    for (line, priced) in lines.iter().zip(&quoted.lines) {
        assert_eq!(priced.unit, unit_price(promotion, line, now));
        assert!(
            Money(0) <= priced.unit && priced.unit <= line.list_price,
            "{priced:?} for {line:?}"
        );
        assert_eq!(priced.total, priced.unit * line.quantity);
    }
    let list_total: Money = lines.iter().map(|l| l.list_price * l.quantity).sum();
    assert_eq!(quoted.list_total, list_total);
    assert!(quoted.savings.iter().all(|s| s.amount > Money(0)));
    assert!(quoted
        .savings
        .windows(2)
        .all(|w| w[0].amount >= w[1].amount));
    let saved: Money = quoted.savings.iter().map(|s| s.amount).sum();
    assert_eq!(quoted.total, Money((list_total.0 - saved.0).max(0)));
    assert!(quoted.total <= list_total);

    let threshold = promotion.is_some_and(|p| p.threshold_on(now));
    let lowered = lowered_now(&bag.calendar, &lines, now);
    for line in &lines {
        let cheaper = unit_price(promotion, line, now) < line.list_price;
        assert_eq!(
            lowered.contains(&line.sku),
            threshold
                || cheaper
                || lines.iter().any(|other| other.sku == line.sku
                    && unit_price(promotion, other, now) < other.list_price)
        );
    }
});
