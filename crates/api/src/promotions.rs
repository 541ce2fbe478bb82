//! The shopping festivals' calendar and the price engine: which phase is on, and what her bag
//! costs now and on the main day. Plain Rust shared by the app and the server.
//!
//! Time is an instant ([`Timestamp`], see `crate::time`), shown in the stores' time whatever zone
//! the device is set to. A phase runs from its start to the last millisecond of its end second.
//!
//! **How offers stack**, in this order (see [`quote`]):
//! 1. *One price per item:* the lowest of the list price, the variant's event price and the
//!    category's percent off (two item offers never multiply). A percent off is taken per unit
//!    and rounded to the nearest fen, halves up.
//! 2. *Deposit (定金膨胀):* a line whose deposit was paid takes the deposit's worth off, more
//!    than was paid, once final payment opens.
//! 3. *Store-wide threshold:* on the goods' price (step 1, before deposits, which pay for the
//!    goods rather than change their price): "¥50 off every ¥300" counts each full ¥300; a
//!    threshold that does not repeat counts once. When several are on, the best one applies.
//! 4. *Member coupon:* one per order, the best one whose minimum spend the amount after the
//!    threshold reaches.
//!
//! The total never goes below zero.

pub mod ics;

pub use crate::time::Timestamp;
use crate::time::SECOND_MS;
use crate::{Category, Localized, Money, Sku};
use serde::{Deserialize, Serialize};

/// A festival's phases. They may overlap: the main day falls inside final payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// Add to bag, look around; prices are still the list prices.
    WarmUp,
    /// Presale prices are on.
    Presale,
    /// A deposit can be paid; it counts for more at final payment.
    Deposit,
    /// The rest is paid; deposits count.
    FinalPayment,
    /// The festival day itself, 00:00:00–23:59:59.
    MainDay,
}

impl PhaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseKind::WarmUp => "warm_up",
            PhaseKind::Presale => "presale",
            PhaseKind::Deposit => "deposit",
            PhaseKind::FinalPayment => "final_payment",
            PhaseKind::MainDay => "main_day",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<PhaseKind> {
        [
            PhaseKind::WarmUp,
            PhaseKind::Presale,
            PhaseKind::Deposit,
            PhaseKind::FinalPayment,
            PhaseKind::MainDay,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Phases in which ordering pays off: a prompt says "time to order" when one starts.
    pub fn is_time_to_order(self) -> bool {
        matches!(self, PhaseKind::FinalPayment | PhaseKind::MainDay)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phase {
    pub kind: PhaseKind,
    pub title: Localized,
    pub starts_at: Timestamp,
    /// The last second of the phase (23:59:59 ends a day).
    pub ends_at: Timestamp,
}

impl Phase {
    /// On from its start to the end of its last second.
    pub fn is_on(&self, now: Timestamp) -> bool {
        self.starts_at <= now && now.0 < self.ends_at.0 + SECOND_MS
    }
}

/// What a price rule offers. On the wire: `{"threshold": {…}}` — the kind names the object,
/// which the app reads without buffering it first (an internally tagged enum would be).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    /// A percentage off every item of a category (or of everything).
    PercentOff {
        category: Option<Category>,
        percent: u32,
    },
    /// Spend `threshold`, save `discount`; with `repeats`, for each full `threshold`.
    Threshold {
        threshold: Money,
        discount: Money,
        repeats: bool,
    },
    /// Pay `deposit` during the deposit phase; it counts as `worth` at final payment.
    Deposit {
        category: Option<Category>,
        deposit: Money,
        worth: Money,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceRule {
    pub id: String,
    /// The phase during which the rule applies (a deposit: during which it is paid).
    pub phase: PhaseKind,
    pub title: Localized,
    pub offer: Offer,
}

/// One festival: its phases in the stores' time and its price rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promotion {
    /// e.g. `1212-2026`; variants' event prices name it.
    pub id: String,
    pub name: Localized,
    /// Always `Asia/Shanghai` here; kept so that a calendar says which clock it follows.
    pub time_zone: String,
    /// In start order.
    pub phases: Vec<Phase>,
    pub rules: Vec<PriceRule>,
}

impl Promotion {
    fn phase(&self, kind: PhaseKind) -> Option<&Phase> {
        self.phases.iter().find(|p| p.kind == kind)
    }

    fn is_on(&self, kind: PhaseKind, now: Timestamp) -> bool {
        self.phase(kind).is_some_and(|p| p.is_on(now))
    }

    /// The main day's start, the moment the festival's prices are measured at.
    pub fn main_day(&self) -> Option<Timestamp> {
        self.phase(PhaseKind::MainDay).map(|p| p.starts_at)
    }

    /// A store-wide threshold is on at `now`: ordering now saves on every line.
    pub fn threshold_on(&self, now: Timestamp) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r.offer, Offer::Threshold { .. }) && self.is_on(r.phase, now))
    }

    /// Over: its last phase has ended.
    pub fn is_over(&self, now: Timestamp) -> bool {
        self.phases.iter().all(|p| p.ends_at.0 + SECOND_MS <= now.0)
    }
}

/// What `GET /promotions` answers: every festival not over yet, and the last one that is, in
/// start order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    pub promotions: Vec<Promotion>,
    /// The event prices of the variants asked for (`?skus=`), none otherwise.
    #[serde(default)]
    pub event_prices: Vec<EventPrice>,
}

/// A phase boundary ahead: what the banner counts down to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming<'a> {
    pub promotion: &'a Promotion,
    pub phase: &'a Phase,
}

/// What the festival banner shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moment<'a> {
    /// This phase is on; the banner counts down to its end.
    On(Upcoming<'a>),
    /// Nothing is on; the banner counts down to this phase's start.
    Next(Upcoming<'a>),
}

impl Calendar {
    /// Every phase on at `now`, with its festival.
    pub fn on_now(&self, now: Timestamp) -> Vec<Upcoming<'_>> {
        self.phases().filter(|u| u.phase.is_on(now)).collect()
    }

    /// The next phase to start after `now` (the earliest start; a tie goes to the listed first).
    pub fn next(&self, now: Timestamp) -> Option<Upcoming<'_>> {
        self.phases()
            .filter(|u| u.phase.starts_at > now)
            .min_by_key(|u| u.phase.starts_at)
    }

    /// The festival whose prices matter next: the one on now, else the next to start.
    pub fn current(&self, now: Timestamp) -> Option<&Promotion> {
        self.promotions
            .iter()
            .filter(|p| !p.is_over(now))
            .min_by_key(|p| p.phases.iter().map(|ph| ph.starts_at).min())
    }

    /// What the banner says at `now`: the phase on (the latest started, when several are, so
    /// the main day wins over the final payment it falls in), else the next to start.
    pub fn moment(&self, now: Timestamp) -> Option<Moment<'_>> {
        let on = self
            .on_now(now)
            .into_iter()
            .max_by_key(|u| u.phase.starts_at);
        match on {
            Some(on) => Some(Moment::On(on)),
            None => self.next(now).map(Moment::Next),
        }
    }

    /// The festival whose prices a bag line shows next to today's, and the moment they are
    /// measured at: its main day's start, or now once that has begun.
    pub fn festival_prices(&self, now: Timestamp) -> Option<(&Promotion, Timestamp)> {
        let promotion = self.current(now)?;
        Some((promotion, promotion.main_day()?.max(now)))
    }

    /// The phase on at `now` in which ordering pays off (final payment, the main day), the
    /// latest started: what the "time to order" prompt is about.
    pub fn time_to_order(&self, now: Timestamp) -> Option<Upcoming<'_>> {
        self.on_now(now)
            .into_iter()
            .filter(|u| u.phase.kind.is_time_to_order())
            .max_by_key(|u| u.phase.starts_at)
    }

    fn phases(&self) -> impl Iterator<Item = Upcoming<'_>> {
        self.promotions.iter().flat_map(|promotion| {
            promotion
                .phases
                .iter()
                .map(move |phase| Upcoming { promotion, phase })
        })
    }
}

/// A variant's price during one phase of one festival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPrice {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    pub promotion: String,
    pub phase: PhaseKind,
    pub price: Money,
}

/// A member coupon, as the member issue hands them in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coupon {
    pub code: String,
    pub title: Localized,
    pub discount: Money,
    pub min_spend: Money,
    pub valid_from: Timestamp,
    pub valid_until: Timestamp,
}

/// A bag line as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine<'a> {
    pub sku: &'a Sku,
    pub category: Category,
    pub list_price: Money,
    /// Event prices to look in: the line's own are those with its sku.
    pub event_prices: &'a [EventPrice],
    pub quantity: u32,
    /// Her deposit for this line was paid (the deposit's worth counts at final payment).
    pub deposit_paid: bool,
}

/// Where a saving comes from, for the breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavingKind {
    ItemPrice,
    Deposit,
    Threshold,
    Coupon,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saving {
    pub kind: SavingKind,
    /// The rule's title (a coupon's title; for item prices, the festival's name).
    pub title: Localized,
    pub amount: Money,
}

/// A line's price at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineQuote {
    pub unit: Money,
    pub total: Money,
}

/// The bag's price at one instant, with the savings broken down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// One per line, in the lines' order.
    pub lines: Vec<LineQuote>,
    /// At list prices.
    pub list_total: Money,
    /// Largest first; none below one fen.
    pub savings: Vec<Saving>,
    pub total: Money,
}

/// `price × (100 − percent) / 100`, to the nearest fen, halves up.
pub fn percent_off(price: Money, percent: u32) -> Money {
    let kept = i64::from(100 - percent.min(100));
    Money((price.0 * kept + 50).div_euclid(100))
}

/// The price of one unit of `line` at `now` under `promotion` (stacking step 1).
pub fn unit_price(promotion: Option<&Promotion>, line: &PricedLine, now: Timestamp) -> Money {
    let Some(promotion) = promotion else {
        return line.list_price;
    };
    let event = line
        .event_prices
        .iter()
        .filter(|e| e.sku == *line.sku && e.promotion == promotion.id)
        .filter(|e| promotion.is_on(e.phase, now))
        .map(|e| e.price);
    let percent = promotion
        .rules
        .iter()
        .filter(|r| promotion.is_on(r.phase, now))
        .filter_map(|r| match r.offer {
            Offer::PercentOff { category, percent }
                if category.is_none_or(|c| c == line.category) =>
            {
                Some(percent_off(line.list_price, percent))
            }
            _ => None,
        });
    event.chain(percent).fold(line.list_price, Money::min)
}

/// The lines "time to order" is about at `now`: those whose price the festival lowers now, or
/// every line while a store-wide threshold is on.
pub fn lowered_now<'a>(
    calendar: &Calendar,
    lines: &[PricedLine<'a>],
    now: Timestamp,
) -> Vec<&'a Sku> {
    let promotion = calendar.current(now);
    let threshold = promotion.is_some_and(|p| p.threshold_on(now));
    lines
        .iter()
        .filter(|l| threshold || unit_price(promotion, l, now) < l.list_price)
        .map(|l| l.sku)
        .collect()
}

/// The bag's price at `now` under the festival whose prices matter then (see the module's
/// stacking order), with her `coupons`.
pub fn quote(
    calendar: &Calendar,
    lines: &[PricedLine],
    coupons: &[Coupon],
    now: Timestamp,
) -> Quote {
    let promotion = calendar.current(now);
    let quoted: Vec<LineQuote> = lines
        .iter()
        .map(|line| {
            let unit = unit_price(promotion, line, now);
            LineQuote {
                unit,
                total: unit * line.quantity,
            }
        })
        .collect();
    let list_total: Money = lines.iter().map(|l| l.list_price * l.quantity).sum();
    let goods: Money = quoted.iter().map(|q| q.total).sum();
    let mut savings = Vec::new();
    let mut save = |kind, title: &Localized, amount: Money| {
        savings.push(Saving {
            kind,
            title: title.clone(),
            amount,
        });
        amount.0
    };
    let mut to_pay = goods.0;
    if let Some(promotion) = promotion {
        save(
            SavingKind::ItemPrice,
            &promotion.name,
            Money(list_total.0 - goods.0),
        );
        if promotion.is_on(PhaseKind::FinalPayment, now) {
            for rule in &promotion.rules {
                let bonus: Money = lines
                    .iter()
                    .filter(|l| l.deposit_paid)
                    .map(|line| deposit_bonus(rule, line))
                    .sum();
                to_pay -= save(SavingKind::Deposit, &rule.title, bonus);
            }
        }
        if let Some((rule, amount)) = best_threshold(promotion, goods, now) {
            to_pay -= save(SavingKind::Threshold, &rule.title, amount);
        }
    }
    let coupon = coupons
        .iter()
        .filter(|c| c.valid_from <= now && now.0 < c.valid_until.0 + SECOND_MS)
        .filter(|c| c.min_spend.0 <= to_pay)
        .max_by_key(|c| c.discount);
    if let Some(coupon) = coupon {
        to_pay -= save(SavingKind::Coupon, &coupon.title, coupon.discount);
    }
    savings.retain(|s| s.amount.0 > 0);
    savings.sort_by_key(|s| std::cmp::Reverse(s.amount));
    Quote {
        lines: quoted,
        list_total,
        savings,
        total: Money(to_pay.max(0)),
    }
}

/// What a paid deposit under `rule` takes off `line` at final payment beyond what was paid
/// (its worth less the deposit, per unit); nothing when the rule is not a deposit for its category.
fn deposit_bonus(rule: &PriceRule, line: &PricedLine) -> Money {
    match rule.offer {
        Offer::Deposit {
            category,
            deposit,
            worth,
        } if category.is_none_or(|c| c == line.category) => {
            Money(worth.0 - deposit.0) * line.quantity
        }
        _ => Money(0),
    }
}

fn best_threshold(
    promotion: &Promotion,
    goods: Money,
    now: Timestamp,
) -> Option<(&PriceRule, Money)> {
    promotion
        .rules
        .iter()
        .filter(|r| promotion.is_on(r.phase, now))
        .filter_map(|r| match r.offer {
            Offer::Threshold {
                threshold,
                discount,
                repeats,
            } if threshold.0 > 0 && goods >= threshold => {
                let steps = if repeats { goods.0 / threshold.0 } else { 1 };
                Some((r, Money(discount.0 * steps)))
            }
            _ => None,
        })
        .max_by_key(|(_, amount)| *amount)
}

#[cfg(test)]
mod tests;
