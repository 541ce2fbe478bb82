//! The order form as she fills it in, and the one rule for when it can be sent.

use super::{DeliveryAddress, Fulfilment, OrderRequest};
use crate::Sku;

/// How she gets her order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrderMethod {
    #[default]
    Pickup,
    Delivery,
}

/// What the form holds: the lines ticked (of those that can be ordered), how she gets them, the
/// pickup store chosen (empty when no store has every line) and her address as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderDraft {
    pub skus: Vec<Sku>,
    pub method: OrderMethod,
    pub store: String,
    pub address: DeliveryAddress,
}

/// Why the draft cannot be sent yet; the first that applies, in the order she would fix them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftProblem {
    /// The server orders from its copy of the bag: it must have every change first.
    NotSynced,
    NothingSelected,
    NoPickupStore,
    MissingAddress,
}

impl OrderDraft {
    /// The request this draft makes, `synced` saying whether the server has the bag as she sees
    /// it. Only the address is tidied (spaces around each field): the rest is chosen, not typed.
    pub fn build(&self, synced: bool) -> Result<OrderRequest, DraftProblem> {
        if !synced {
            return Err(DraftProblem::NotSynced);
        }
        if self.skus.is_empty() {
            return Err(DraftProblem::NothingSelected);
        }
        let fulfilment = match self.method {
            OrderMethod::Pickup if self.store.is_empty() => {
                return Err(DraftProblem::NoPickupStore)
            }
            OrderMethod::Pickup => Fulfilment::Pickup {
                store_id: self.store.clone().into(),
            },
            OrderMethod::Delivery => {
                let field = |text: &str| text.trim().to_string();
                let address = DeliveryAddress {
                    name: field(&self.address.name),
                    phone: field(&self.address.phone),
                    address: field(&self.address.address),
                };
                if [&address.name, &address.phone, &address.address]
                    .iter()
                    .any(|f| f.is_empty())
                {
                    return Err(DraftProblem::MissingAddress);
                }
                Fulfilment::Delivery { address }
            }
        };
        Ok(OrderRequest {
            skus: self.skus.clone(),
            fulfilment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(method: OrderMethod) -> OrderDraft {
        OrderDraft {
            skus: vec!["A-M".into(), "B-S".into()],
            method,
            store: "sh-jingan".into(),
            address: DeliveryAddress {
                name: " Li Na ".into(),
                phone: "13800000001\n".into(),
                address: "1 Nanjing Road".into(),
            },
        }
    }

    #[test]
    fn a_pickup_names_the_store_and_the_lines_ticked() {
        let request = draft(OrderMethod::Pickup).build(true).unwrap();
        assert_eq!(request.skus, [Sku::from("A-M"), Sku::from("B-S")]);
        assert_eq!(
            request.fulfilment,
            Fulfilment::Pickup {
                store_id: "sh-jingan".into()
            }
        );
    }

    #[test]
    fn a_delivery_takes_the_address_without_surrounding_spaces() {
        let request = draft(OrderMethod::Delivery).build(true).unwrap();
        let Fulfilment::Delivery { address } = request.fulfilment else {
            panic!("a delivery");
        };
        assert_eq!(
            (address.name.as_str(), address.phone.as_str()),
            ("Li Na", "13800000001")
        );
    }

    #[test]
    fn what_is_missing_is_said_in_the_order_she_would_fix_it() {
        let mut draft = draft(OrderMethod::Pickup);
        assert_eq!(draft.build(false), Err(DraftProblem::NotSynced));
        draft.store.clear();
        assert_eq!(draft.build(true), Err(DraftProblem::NoPickupStore));
        draft.skus.clear();
        assert_eq!(draft.build(true), Err(DraftProblem::NothingSelected));
        assert_eq!(draft.build(false), Err(DraftProblem::NotSynced));
    }

    #[test]
    fn a_delivery_needs_every_field_of_the_address() {
        for blank in 0..3 {
            let mut draft = draft(OrderMethod::Delivery);
            let fields = [
                &mut draft.address.name,
                &mut draft.address.phone,
                &mut draft.address.address,
            ];
            *fields.into_iter().nth(blank).unwrap() = "  ".into();
            assert_eq!(draft.build(true), Err(DraftProblem::MissingAddress));
        }
        // A store chosen earlier does not count for a delivery.
        let mut draft = draft(OrderMethod::Delivery);
        draft.store.clear();
        assert!(draft.build(true).is_ok());
    }
}
