//! The shopping festivals' calendar and the price engine: which phase is on, and what her bag
//! costs now and on the main day. Plain Rust shared by the app and the server.
//!
//! Time is an instant ([`Timestamp`], ms since the Unix epoch) and is shown in the stores' time,
//! Asia/Shanghai (UTC+8 all year: China keeps no daylight saving time), whatever zone the device
//! is set to. A phase runs from its start to the last millisecond of its end second.
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

use crate::{Category, Localized, Money};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The stores' offset from UTC: Asia/Shanghai, which has had no daylight saving since 1991.
pub const SHANGHAI_OFFSET_MS: i64 = 8 * HOUR_MS;
const SECOND_MS: i64 = 1_000;
const MINUTE_MS: i64 = 60 * SECOND_MS;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// An instant, in ms since the Unix epoch. On the wire: RFC 3339 in Shanghai time
/// (`2026-12-12T00:00:00+08:00`); any offset is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-12T00:00:00+08:00"))]
pub struct Timestamp(pub i64);

/// A date and time of day as the stores' clocks show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreClock {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Timestamp {
    /// Reads `YYYY-MM-DDTHH:MM:SS` with `Z` or `±HH:MM` (fractions of a second are not used by
    /// calendars and are refused, as is anything else).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
            return None;
        }
        if b[16] != b':' {
            return None;
        }
        let number = |from: usize, to: usize| -> Option<i64> {
            let digits = text.get(from..to)?;
            digits
                .bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| digits.parse().ok())?
        };
        let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
        let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
        let offset_minutes = match &text[19..] {
            "Z" => 0,
            zone if zone.len() == 6 && zone.as_bytes()[3] == b':' => {
                let sign = match zone.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                sign * (number(20, 22)? * 60 + number(23, 25)?)
            }
            _ => return None,
        };
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(year, month as u32, day as u32);
        let local = days * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS;
        Some(Timestamp(local - offset_minutes * MINUTE_MS))
    }

    /// The stores' date and time at this instant.
    pub fn in_store(self) -> StoreClock {
        let local = self.0 + SHANGHAI_OFFSET_MS;
        let (year, month, day) = civil_from_days(local.div_euclid(DAY_MS));
        let of_day = local.rem_euclid(DAY_MS);
        StoreClock {
            year,
            month,
            day,
            hour: (of_day / HOUR_MS) as u32,
            minute: (of_day % HOUR_MS / MINUTE_MS) as u32,
            second: (of_day % MINUTE_MS / SECOND_MS) as u32,
        }
    }
}

/// `2026-12-12T00:00:00+08:00`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.in_store();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an RFC 3339 time")))
    }
}

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

/// What a price rule offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
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
}

/// A phase boundary ahead: what the banner counts down to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming<'a> {
    pub promotion: &'a Promotion,
    pub phase: &'a Phase,
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
    pub sku: &'a str,
    pub category: Category,
    pub list_price: Money,
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
        .filter(|e| e.promotion == promotion.id && promotion.is_on(e.phase, now))
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
