//! Money in fen (1/100 CNY): integers on the wire, formatted only at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in fen. Integer so that sums and discounts never round.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const fn fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    pub const fn as_fen(self) -> i64 {
        self.0
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Mul<u32> for Money {
    type Output = Money;
    fn mul(self, rhs: u32) -> Money {
        Money(self.0 * i64::from(rhs))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money(0), |a, b| a + b)
    }
}

/// `¥1,299.00`: yuan sign, thousands separators, always two decimals.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, digit) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}¥{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn formats_yuan_with_two_decimals() {
        assert_eq!(Money(0).to_string(), "¥0.00");
        assert_eq!(Money(5).to_string(), "¥0.05");
        assert_eq!(Money(129_900).to_string(), "¥1,299.00");
        assert_eq!(Money(99_999_950).to_string(), "¥999,999.50");
        assert_eq!(Money(-1_050).to_string(), "-¥10.50");
    }

    #[test]
    fn sums_and_multiplies_in_fen() {
        let total: Money = [Money::yuan(10), Money::fen(5)].into_iter().sum();
        assert_eq!(total, Money(1_005));
        assert_eq!(Money::fen(333) * 3, Money(999));
    }

    #[test]
    fn travels_as_a_plain_integer() {
        assert_eq!(serde_json::to_string(&Money(129_900)).unwrap(), "129900");
    }
}
