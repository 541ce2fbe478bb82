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
    const ALL: [Group; 5] = [
        Group::TakeToday,
        Group::Elsewhere,
        Group::OnlineOnly,
        Group::SoldOut,
        Group::Loading,
    ];

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

/// The bag's lines in the page's sections: in [`Group`]'s order, lines in the bag's order
/// within each, empty sections left out.
pub fn sections<'a, T: Clone>(
    lines: &'a [T],
    availability: impl Fn(&T) -> Option<&Availability> + 'a,
) -> impl Iterator<Item = (Group, Vec<T>)> + 'a {
    Group::ALL
        .into_iter()
        .map(move |group| {
            let members = lines
                .iter()
                .filter(|line| Group::of(availability(line)) == group);
            (group, members.cloned().collect::<Vec<T>>())
        })
        .filter(|(_, members)| !members.is_empty())
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
            online: false,
        };
        let lines = vec![
            ("scarf", Some(Availability::SoldOut)),
            ("coat", None),
            ("shirt", Some(Availability::TakeToday)),
            ("boots", Some(elsewhere)),
            ("belt", Some(Availability::SoldOut)),
            ("socks", Some(Availability::TakeToday)),
        ];
        let shown: Vec<(Group, Vec<&str>)> = sections(&lines, |(_, a)| a.as_ref())
            .map(|(group, lines)| (group, lines.into_iter().map(|(name, _)| name).collect()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (Group::TakeToday, vec!["shirt", "socks"]),
                (Group::Elsewhere, vec!["boots"]),
                (Group::SoldOut, vec!["scarf", "belt"]),
                (Group::Loading, vec!["coat"]),
            ]
        );
        assert_eq!(sections(&[], Option::as_ref).count(), 0);
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
