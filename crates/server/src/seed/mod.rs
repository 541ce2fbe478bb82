//! Deterministic demo data: a Shanghai store group before 11.11, the same on every machine.
//!
//! [`demo`] builds everything in memory from a fixed seed; [`seed_if_empty`] writes it in one
//! transaction on first start. Tests use [`demo`] to find codes of every kind.
//!
//! One module per topic, each with its data and the writer of its tables: the catalogue (with
//! the codes on its tags), the stores (with their stock), looks, members (with their coupons)
//! and festivals.

mod catalogue;
pub mod festivals;
mod looks;
mod members;
mod stores;

use crate::db::{Row, Statement};
pub use catalogue::{upc_e, SeedCode};
pub use festivals::SeedEventPrice;
pub use looks::Look;
pub use members::{Coupon, Member};
use shopbag_api::promotions::Promotion;
use shopbag_api::{Product, Store, StoreId};
use sqlx::{Any, AnyPool, Transaction};

/// The fixed seed: change it and every demo code changes.
const SEED: u64 = 0x5348_4F50_1111_2026;

/// splitmix64: tiny, fast and good enough to vary demo data; no `rand` needed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, low: u32, high_inclusive: u32) -> u32 {
        low + (self.next() % u64::from(high_inclusive - low + 1)) as u32
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `n` distinct items in a random order.
    fn choose<T: Copy>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let mut chosen = Vec::with_capacity(n);
        for _ in 0..n.min(pool.len()) {
            chosen.push(pool.swap_remove(self.below(pool.len())));
        }
        chosen
    }
}

/// Everything the demo database holds.
#[derive(Debug, Clone)]
pub struct Demo {
    pub stores: Vec<Store>,
    pub products: Vec<Product>,
    /// Every code a tag can carry, including the EAN-8s of small accessories.
    pub codes: Vec<SeedCode>,
    pub looks: Vec<Look>,
    /// The shopping festivals, past and coming.
    pub promotions: Vec<Promotion>,
    pub event_prices: Vec<SeedEventPrice>,
    pub members: Vec<Member>,
    pub coupons: Vec<Coupon>,
}

/// The whole demo data set. Pure and deterministic: same output on every call.
pub fn demo() -> Demo {
    let mut dice = Dice(SEED);
    let stores = stores::stores();
    let store_ids: Vec<StoreId> = stores.iter().map(|s| s.id.clone()).collect();
    // The catalogue draws first, the looks after it: a draw moved changes every one after it.
    let (products, codes) = catalogue::products(&mut dice, &store_ids);
    let looks = looks::looks(&mut dice, &products);
    let event_prices = festivals::event_prices(&products);
    let members = members::members();
    let coupons = members::coupons(&members);
    Demo {
        stores,
        products,
        codes,
        looks,
        promotions: festivals::promotions(),
        event_prices,
        members,
        coupons,
    }
}

/// Rows per INSERT: few statements, far below SQLite's bound-parameter limit.
const CHUNK: usize = 400;

/// Inserts `rows` into `table` in multi-row statements.
async fn insert_rows<T>(
    tx: &mut Transaction<'_, Any>,
    head: &str,
    rows: &[T],
    bind: impl Fn(&mut Row<'_, '_>, &T),
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(CHUNK) {
        let mut insert = Statement::new(head);
        insert.values(chunk, &bind);
        insert.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes the demo data when the database holds no stores yet. Returns whether it did.
pub async fn seed_if_empty(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    // The write turn, taken up front, keeps two servers starting at once from both seeding.
    let mut tx = crate::db::begin_writing(pool).await?;
    let (stores,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stores")
        .fetch_one(&mut *tx)
        .await?;
    if stores > 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    write(&mut tx, &demo()).await?;
    tx.commit().await?;
    Ok(true)
}

/// Writes every table, each topic after those its rows refer to.
async fn write(tx: &mut Transaction<'_, Any>, demo: &Demo) -> Result<(), sqlx::Error> {
    catalogue::write(tx, &demo.products, &demo.codes).await?;
    stores::write(tx, &demo.stores, &demo.products).await?;
    looks::write(tx, &demo.looks).await?;
    festivals::write_missing(tx, &demo.promotions, &demo.event_prices).await?;
    members::write(tx, &demo.members, &demo.coupons).await
}

#[cfg(test)]
mod tests {
    use super::catalogue::{with_check, IMPORTED_BAGS, IMPORTED_SNEAKERS};
    use super::*;
    use shopbag_api::{Category, CodeKind, Money, ScannedCode, Variant};
    use std::collections::{HashMap, HashSet};

    #[test]
    fn is_the_same_every_time() {
        let (a, b) = (demo(), demo());
        assert_eq!(a.products, b.products);
        assert_eq!(a.codes, b.codes);
    }

    #[test]
    fn has_a_store_group_and_a_full_catalogue() {
        let demo = demo();
        assert_eq!(demo.stores.len(), 4);
        assert!(demo.products.len() >= 200, "{}", demo.products.len());
        for category in Category::ALL {
            assert!(
                demo.products.iter().any(|p| p.category == category),
                "{category:?}"
            );
        }
        for p in &demo.products {
            assert!((2..=4).contains(&p.colours.len()), "{}", p.id);
            assert_eq!(
                p.variants.len(),
                p.colours.len() * p.sizes.len(),
                "{}",
                p.id
            );
            assert_eq!(p.price, p.variants.iter().map(|v| v.price).min().unwrap());
            assert!(
                p.price >= Money::yuan(99) && p.price <= Money::yuan(3_099),
                "{}",
                p.id
            );
            for v in &p.variants {
                assert_eq!(v.sku.as_str(), format!("{}-{}-{}", p.id, v.colour, v.size));
                assert_eq!(v.store_stock.len(), demo.stores.len());
            }
        }
        assert!(demo.members.len() >= 5);
        assert!(demo
            .coupons
            .iter()
            .all(|c| demo.members.iter().any(|m| m.id == c.member_id)));
    }

    #[test]
    fn every_code_is_valid_and_maps_back_to_its_variant() {
        let demo = demo();
        let by_gtin: HashMap<&str, &SeedCode> =
            demo.codes.iter().map(|c| (c.gtin.as_str(), c)).collect();
        assert_eq!(by_gtin.len(), demo.codes.len(), "codes are unique");
        for p in &demo.products {
            for v in &p.variants {
                let ean = ScannedCode::parse(&v.ean13).expect("valid EAN-13");
                assert_eq!(by_gtin[ean.gtin.as_str()].sku, v.sku);
                let own = ScannedCode::parse(&v.in_store_code).expect("valid in-store code");
                assert_eq!(own.kind, CodeKind::InStore);
                assert!(
                    ("20".."30").contains(&&v.in_store_code[..2]),
                    "{}",
                    v.in_store_code
                );
                assert_eq!(by_gtin[own.gtin.as_str()].sku, v.sku);
            }
        }
        for code in &demo.codes {
            let parsed = ScannedCode::alternatives(&code.printed);
            assert!(
                parsed.iter().any(|c| c.gtin.as_str() == code.gtin),
                "{code:?}"
            );
        }
    }

    #[test]
    fn most_codes_are_chinese_some_are_imported_upc() {
        let demo = demo();
        let eans: Vec<&str> = demo
            .products
            .iter()
            .flat_map(|p| p.variants.iter().map(|v| v.ean13.as_str()))
            .collect();
        let chinese = eans
            .iter()
            .filter(|e| ("690".."700").contains(&&e[..3]))
            .count();
        let upc = eans.iter().filter(|e| e.starts_with('0')).count();
        assert!(chinese > eans.len() * 9 / 10);
        let imported: HashSet<&str> = demo
            .products
            .iter()
            .filter(|p| p.variants.iter().all(|v| v.ean13.starts_with('0')))
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(imported.len(), IMPORTED_SNEAKERS + IMPORTED_BAGS);
        assert!(upc > 0);
        // Both UPC-E expansion rule families are represented, and they read back as UPC-E.
        let compressible: Vec<String> = demo
            .codes
            .iter()
            .filter_map(|c| upc_e(&c.printed))
            .collect();
        assert!(compressible.len() >= 8, "{compressible:?}");
        assert!(compressible.iter().any(|e| e.as_bytes()[6] >= b'5'));
        assert!(compressible.iter().any(|e| e.as_bytes()[6] <= b'2'));
        for e in &compressible {
            let readings = ScannedCode::alternatives(e);
            assert!(readings.iter().any(|r| r.kind == CodeKind::UpcE), "{e}");
        }
        assert!(demo.codes.iter().filter(|c| c.kind == "ean8").count() >= 5);
    }

    #[test]
    fn compresses_upc_a_by_the_published_rules() {
        // (UPC-A without check digit, UPC-E without check digit), one per rule.
        let cases = [
            ("01200000345", "0123450"),
            ("04210000526", "0425261"),
            ("01230000045", "0123453"),
            ("01234000005", "0123454"),
            ("01234500007", "0123457"),
        ];
        for (a, e) in cases {
            let upc_a = with_check(a);
            let compressed = upc_e(&upc_a).unwrap();
            assert_eq!(&compressed[..7], e, "{a}");
            assert_eq!(
                compressed[7..],
                upc_a[11..],
                "UPC-E keeps the UPC-A check digit"
            );
            let readings = ScannedCode::alternatives(&compressed);
            let expanded = readings.iter().find(|r| r.kind == CodeKind::UpcE).unwrap();
            assert_eq!(
                expanded.gtin,
                ScannedCode::parse(&upc_a).unwrap().gtin,
                "{a}"
            );
        }
        assert_eq!(upc_e("036000291452"), None);
        assert_eq!(upc_e("212345000058"), None);
    }

    #[test]
    fn some_sizes_are_sold_out() {
        let demo = demo();
        let variants: Vec<&Variant> = demo.products.iter().flat_map(|p| &p.variants).collect();
        let slots = variants.len() * demo.stores.len();
        let empty = variants
            .iter()
            .flat_map(|v| &v.store_stock)
            .filter(|s| s.quantity == 0)
            .count();
        let share = empty * 100 / slots;
        assert!((15..=25).contains(&share), "{share}% sold out in stores");
        let online_only = variants
            .iter()
            .filter(|v| v.online_stock > 0 && v.store_stock.iter().all(|s| s.quantity == 0))
            .count();
        assert!(online_only > 0);
        assert!(variants.iter().any(|v| v.online_stock == 0));
    }

    #[test]
    fn looks_never_repeat_a_category() {
        let demo = demo();
        assert!(demo.looks.len() >= 40);
        for look in &demo.looks {
            assert!((3..=4).contains(&look.items.len()), "{}", look.id);
            let categories: HashSet<Category> = look.items.iter().map(|i| i.1).collect();
            assert_eq!(categories.len(), look.items.len(), "{}", look.id);
            for (product_id, category) in &look.items {
                let product = demo.products.iter().find(|p| &p.id == product_id).unwrap();
                assert_eq!(product.category, *category);
            }
        }
    }
}
