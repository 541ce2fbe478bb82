//! Where the shopper can get a bag line: the grouping of the bag page.

use crate::api::{StoreId, Variant};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Availability {
    /// Enough units on the shelf of the store she is in.
    TakeToday,
    /// Not here (or no store chosen): these stores have it, and maybe online too.
    Elsewhere {
        stores: Vec<StoreId>,
        online: bool,
    },
    /// No store has enough; online stock does.
    OnlineOnly,
    SoldOut,
}

impl Availability {
    pub fn of(variant: &Variant, quantity: u8, here: Option<&StoreId>) -> Availability {
        let enough = |units: u32| units >= u32::from(quantity);
        if here.is_some_and(|store| enough(variant.stock_in(store))) {
            return Availability::TakeToday;
        }
        let stores: Vec<StoreId> = variant
            .store_stock
            .iter()
            .filter(|s| Some(&s.store_id) != here && enough(s.quantity))
            .map(|s| s.store_id.clone())
            .collect();
        let online = enough(variant.online_stock);
        match (stores.is_empty(), online) {
            (false, _) => Availability::Elsewhere { stores, online },
            (true, true) => Availability::OnlineOnly,
            (true, false) => Availability::SoldOut,
        }
    }
}

/// The bag page's sections, in the order a shopper in a store cares about them (the order of
/// the variants is the order of the sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    TakeToday,
    Elsewhere,
    OnlineOnly,
    SoldOut,
    /// Product details not loaded yet (a line added on another device, while offline).
    Loading,
}

impl Group {
    /// The page's order.
    pub const ALL: [Group; 5] = [
        Group::TakeToday,
        Group::Elsewhere,
        Group::OnlineOnly,
        Group::SoldOut,
        Group::Loading,
    ];

    /// A line's section: by where she can get it, last while its product is not known.
    pub fn of(availability: Option<&Availability>) -> Group {
        match availability {
            Some(Availability::TakeToday) => Group::TakeToday,
            Some(Availability::Elsewhere { .. }) => Group::Elsewhere,
            Some(Availability::OnlineOnly) => Group::OnlineOnly,
            Some(Availability::SoldOut) => Group::SoldOut,
            None => Group::Loading,
        }
    }
}

/// Stores where every one of these (variant, quantity) pairs is on the shelf: where a pickup
/// order can be collected.
pub fn pickup_stores<'a>(
    wanted: impl IntoIterator<Item = (&'a Variant, u8)> + Clone,
    store_ids: impl IntoIterator<Item = &'a StoreId>,
) -> Vec<StoreId> {
    store_ids
        .into_iter()
        .filter(|store| {
            wanted
                .clone()
                .into_iter()
                .all(|(variant, quantity)| variant.stock_in(store) >= u32::from(quantity))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Money, StoreStock};

    fn variant(stores: &[(&str, u32)], online: u32) -> Variant {
        Variant {
            sku: "P0001-BLK-M".into(),
            colour: "BLK".into(),
            size: "M".into(),
            ean13: "6900000000000".into(),
            in_store_code: "2100000000000".into(),
            price: Money::yuan(199),
            online_stock: online,
            store_stock: stores
                .iter()
                .map(|(id, q)| StoreStock {
                    store_id: (*id).into(),
                    quantity: *q,
                })
                .collect(),
        }
    }

    #[test]
    fn on_the_shelf_here_means_take_it_today() {
        let v = variant(&[("here", 2), ("there", 5)], 9);
        assert_eq!(
            Availability::of(&v, 2, Some(&"here".into())),
            Availability::TakeToday
        );
    }

    #[test]
    fn sold_out_here_points_to_stores_that_have_enough() {
        let v = variant(&[("here", 1), ("there", 5), ("far", 1)], 0);
        assert_eq!(
            Availability::of(&v, 2, Some(&"here".into())),
            Availability::Elsewhere {
                stores: vec!["there".into()],
                online: false
            }
        );
    }

    #[test]
    fn without_a_store_chosen_every_store_with_stock_is_elsewhere() {
        let v = variant(&[("a", 1), ("b", 0)], 3);
        assert_eq!(
            Availability::of(&v, 1, None),
            Availability::Elsewhere {
                stores: vec!["a".into()],
                online: true
            }
        );
    }

    #[test]
    fn pickup_needs_every_line_in_the_same_store() {
        let coat = variant(&[("a", 1), ("b", 2)], 0);
        let shoes = variant(&[("a", 3), ("b", 0)], 0);
        let stores = [StoreId::from("a"), StoreId::from("b")];
        let wanted = [(&coat, 1), (&shoes, 1)];
        assert_eq!(pickup_stores(wanted, &stores), vec![StoreId::from("a")]);
        let two_coats = [(&coat, 2)];
        assert_eq!(pickup_stores(two_coats, &stores), vec![StoreId::from("b")]);
    }

    #[test]
    fn the_bag_page_shows_what_she_can_take_today_first_and_unknown_lines_last() {
        let elsewhere = Availability::Elsewhere {
            stores: vec!["there".into()],
            online: true,
        };
        let lines = [
            Some(Availability::SoldOut),
            None,
            Some(Availability::OnlineOnly),
            Some(elsewhere),
            Some(Availability::TakeToday),
        ];
        let mut groups: Vec<Group> = lines.iter().map(|a| Group::of(a.as_ref())).collect();
        groups.sort_by_key(|g| Group::ALL.iter().position(|all| all == g));
        assert_eq!(groups, Group::ALL);
        assert_eq!(Group::ALL.map(|g| g as usize), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn online_only_and_sold_out() {
        assert_eq!(
            Availability::of(&variant(&[("a", 0)], 4), 1, Some(&"a".into())),
            Availability::OnlineOnly
        );
        assert_eq!(
            Availability::of(&variant(&[("a", 0)], 0), 1, Some(&"a".into())),
            Availability::SoldOut
        );
    }
}
