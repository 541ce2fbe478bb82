//! Time in the contract: an instant in ms since the Unix epoch, and the stores' clock
//! (Asia/Shanghai) it is shown on, whatever zone a device is set to.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The stores' offset from UTC: Asia/Shanghai, UTC+8 all year (no daylight saving since 1991).
pub const STORE_UTC_OFFSET_MS: i64 = 8 * HOUR_MS;
pub(crate) const SECOND_MS: i64 = 1_000;
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
        let local = self.0 + STORE_UTC_OFFSET_MS;
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

/// A span of time as a countdown shows it: whole days, hours, minutes and seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    pub days: i64,
    pub hours: i64,
    pub minutes: i64,
    pub seconds: i64,
}

impl Countdown {
    /// From `now` to `then`; nothing left (all zero) once `then` has passed. Seconds round up,
    /// so that "0 s" is never shown while the moment is still ahead.
    pub fn between(now: Timestamp, then: Timestamp) -> Countdown {
        let left = (then.0 - now.0).max(0);
        let seconds = (left + SECOND_MS - 1) / SECOND_MS;
        Countdown {
            days: seconds / 86_400,
            hours: seconds % 86_400 / 3_600,
            minutes: seconds % 3_600 / 60,
            seconds: seconds % 60,
        }
    }
}

/// "HH:MM" on the stores' clock, for a time in ms since the Unix epoch.
pub fn store_clock(ms: i64) -> String {
    let c = Timestamp(ms).in_store();
    format!("{:02}:{:02}", c.hour, c.minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_clock_is_shanghai_time() {
        // 2026-11-10T16:05:00Z is five past midnight on 11.11 in Shanghai.
        assert_eq!(store_clock(1_794_326_700_000), "00:05");
        assert_eq!(store_clock(1_794_326_700_000 - 6 * 60_000), "23:59");
        let c = Timestamp(-1).in_store();
        assert_eq!((c.year, c.month, c.day, c.hour), (1970, 1, 1, 7));
        let leap = Timestamp::parse("2024-02-29T23:59:59+08:00")
            .unwrap()
            .in_store();
        assert_eq!((leap.year, leap.month, leap.day), (2024, 2, 29));
    }

    #[test]
    fn a_countdown_never_shows_zero_before_the_moment() {
        let at = |ms| Timestamp(ms);
        let c = |now, then| {
            let c = Countdown::between(at(now), at(then));
            (c.days, c.hours, c.minutes, c.seconds)
        };
        assert_eq!(c(0, 1), (0, 0, 0, 1));
        assert_eq!(c(0, 1_000), (0, 0, 0, 1));
        assert_eq!(c(0, 1_001), (0, 0, 0, 2));
        assert_eq!(
            c(0, ((2 * 24 + 3) * 3_600 + 4 * 60 + 5) * 1_000),
            (2, 3, 4, 5)
        );
        assert_eq!(c(5_000, 1_000), (0, 0, 0, 0));
    }
}
