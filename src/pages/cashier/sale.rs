//! The sale at the till as plain rules: which customer is being served, her lines, and which
//! answers still count. Answers come back late and out of order (a slow network, a second scan
//! of her code): each is stamped with the customer it was asked for, and one for a customer who
//! is no longer at the till changes nothing.

use crate::api::member::{Purchase, TillLine, Verified};
use crate::api::{Money, Sku};

/// What the screen shows about the customer at the till.
#[derive(Debug, Clone, PartialEq)]
pub enum Customer {
    Waiting,
    Checking,
    Verified(Box<Verified>),
    Refused(String),
    Bought(Box<Purchase>),
}

/// A line being bought, with what the screen shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub sku: Sku,
    pub name: String,
    pub price: Money,
    pub quantity: u32,
}

/// Which customer an answer is for: the till's count of member codes taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn(u64);

#[derive(Debug, Clone, PartialEq)]
pub struct Sale {
    pub customer: Customer,
    pub lines: Vec<Line>,
    turn: Turn,
    /// A purchase is being confirmed: a second tap must not send it again.
    confirming: bool,
}

impl Default for Sale {
    fn default() -> Sale {
        Sale {
            customer: Customer::Waiting,
            lines: Vec::new(),
            turn: Turn(0),
            confirming: false,
        }
    }
}

impl Sale {
    /// A member code was read: a new customer, checked from scratch.
    pub fn check(&mut self) -> Turn {
        self.turn = Turn(self.turn.0 + 1);
        self.customer = Customer::Checking;
        self.lines.clear();
        self.confirming = false;
        self.turn
    }

    /// The answer to [`Sale::check`].
    pub fn checked(&mut self, turn: Turn, answer: Result<Verified, String>) {
        if turn == self.turn && self.customer == Customer::Checking {
            self.customer = match answer {
                Ok(verified) => Customer::Verified(Box::new(verified)),
                Err(why) => Customer::Refused(why),
            };
        }
    }

    /// Whose turn it is, while a product code read now is one of her lines.
    pub fn taking_lines(&self) -> Option<Turn> {
        matches!(self.customer, Customer::Verified(_)).then_some(self.turn)
    }

    /// A product looked up for `turn`'s customer: one more of it.
    pub fn add(&mut self, turn: Turn, line: Line) {
        if self.taking_lines() != Some(turn) || self.confirming {
            return;
        }
        match self.lines.iter_mut().find(|l| l.sku == line.sku) {
            Some(same) => same.quantity += 1,
            None => self.lines.push(line),
        }
    }

    /// The purchase to send, once: none while one is being confirmed or without lines.
    pub fn confirm(&mut self) -> Option<(Turn, String, Vec<TillLine>)> {
        let Customer::Verified(verified) = &self.customer else {
            return None;
        };
        if self.confirming || self.lines.is_empty() {
            return None;
        }
        self.confirming = true;
        let lines = self
            .lines
            .iter()
            .map(|l| TillLine {
                sku: l.sku.clone(),
                quantity: l.quantity,
            })
            .collect();
        Some((self.turn, verified.verification.clone(), lines))
    }

    pub fn is_confirming(&self) -> bool {
        self.confirming
    }

    /// The answer to [`Sale::confirm`].
    pub fn confirmed(&mut self, turn: Turn, answer: Result<Purchase, String>) {
        if turn != self.turn || !self.confirming {
            return;
        }
        self.confirming = false;
        self.customer = match answer {
            Ok(purchase) => Customer::Bought(Box::new(purchase)),
            Err(why) => Customer::Refused(why),
        };
    }

    /// "Next customer".
    pub fn next(&mut self) {
        *self = Sale {
            turn: self.turn,
            ..Sale::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::member::Tier;
    use crate::api::Timestamp;

    fn verified(name: &str) -> Verified {
        Verified {
            verification: format!("v-{name}"),
            display_name: name.into(),
            tier: Tier::Silver,
            points: 10,
            coupons: Vec::new(),
            list_total: None,
            total: None,
            expires_at: Timestamp(0),
        }
    }

    fn line(sku: &str) -> Line {
        Line {
            sku: sku.into(),
            name: sku.into(),
            price: Money(100),
            quantity: 1,
        }
    }

    #[test]
    fn a_late_answer_for_the_customer_before_changes_nothing() {
        let mut sale = Sale::default();
        let first = sale.check();
        let second = sale.check();
        sale.checked(second, Ok(verified("Bo")));
        sale.checked(first, Ok(verified("An")));
        assert_eq!(sale.customer, Customer::Verified(Box::new(verified("Bo"))));
        sale.checked(second, Err("late".into()));
        assert_eq!(sale.customer, Customer::Verified(Box::new(verified("Bo"))));
    }

    #[test]
    fn a_product_looked_up_for_her_is_not_added_to_the_next_customer() {
        let mut sale = Sale::default();
        let hers = sale.check();
        sale.checked(hers, Ok(verified("An")));
        let asked_for = sale.taking_lines().unwrap();
        sale.add(asked_for, line("A"));
        sale.add(asked_for, line("A"));
        assert_eq!(sale.lines.len(), 1);
        assert_eq!(sale.lines[0].quantity, 2);
        let next = sale.check();
        sale.add(asked_for, line("B"));
        assert!(sale.lines.is_empty());
        assert_eq!(sale.taking_lines(), None, "not before she is verified");
        sale.checked(next, Ok(verified("Bo")));
        sale.add(asked_for, line("B"));
        assert!(sale.lines.is_empty());
    }

    #[test]
    fn a_purchase_is_sent_once_however_often_confirm_is_tapped() {
        let mut sale = Sale::default();
        assert_eq!(sale.confirm(), None, "no customer");
        let turn = sale.check();
        sale.checked(turn, Ok(verified("An")));
        assert_eq!(sale.confirm(), None, "no lines");
        sale.add(turn, line("A"));
        let (sent_for, verification, lines) = sale.confirm().unwrap();
        assert_eq!(
            (sent_for, verification.as_str(), lines.len()),
            (turn, "v-An", 1)
        );
        assert_eq!(sale.confirm(), None);
        sale.add(turn, line("B"));
        assert_eq!(sale.lines.len(), 1, "no lines while confirming");
        sale.confirmed(turn, Err("offline".into()));
        assert_eq!(sale.customer, Customer::Refused("offline".into()));
        assert!(!sale.is_confirming());
    }

    #[test]
    fn next_customer_starts_empty_and_ignores_the_last_answers() {
        let mut sale = Sale::default();
        let turn = sale.check();
        sale.checked(turn, Ok(verified("An")));
        sale.add(turn, line("A"));
        sale.confirm().unwrap();
        sale.next();
        assert_eq!(sale.customer, Customer::Waiting);
        assert!(sale.lines.is_empty());
        sale.confirmed(turn, Err("late".into()));
        assert_eq!(sale.customer, Customer::Waiting);
    }
}
