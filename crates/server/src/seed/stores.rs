//! The store group's four Shanghai stores and what each holds of every variant.

use super::{insert_rows, Dice};
use shopbag_api::{GeoPoint, Localized, Product, Store, StoreId, StoreStock};
use sqlx::{Any, Transaction};

pub(super) fn stores() -> Vec<Store> {
    let store =
        |id: &str, name: (&str, &str), address: (&str, &str), hours: &str, lat, lng| Store {
            id: id.into(),
            name: Localized::new(name.0, name.1),
            address: Localized::new(address.0, address.1),
            opening_hours: hours.into(),
            position: GeoPoint { lat, lng },
        };
    vec![
        store(
            "sh-jingan",
            ("静安嘉里中心店", "Jing'an Kerry Centre"),
            (
                "上海市静安区南京西路1515号嘉里中心商场L2",
                "L2, Kerry Centre, 1515 West Nanjing Road, Jing'an District, Shanghai",
            ),
            "10:00–22:00",
            31.2243,
            121.4464,
        ),
        store(
            "sh-xintiandi",
            ("新天地店", "Xintiandi"),
            (
                "上海市黄浦区马当路245号新天地时尚购物中心B1",
                "B1, Xintiandi Style, 245 Madang Road, Huangpu District, Shanghai",
            ),
            "10:00–22:00",
            31.2166,
            121.4737,
        ),
        store(
            "sh-lujiazui",
            ("陆家嘴国金中心店", "Lujiazui IFC"),
            (
                "上海市浦东新区世纪大道8号国金中心商场L3",
                "L3, IFC Mall, 8 Century Avenue, Pudong New Area, Shanghai",
            ),
            "10:00–22:00",
            31.2366,
            121.5019,
        ),
        store(
            "sh-xujiahui",
            ("徐家汇港汇店", "Xujiahui Grand Gateway"),
            (
                "上海市徐汇区虹桥路1号港汇恒隆广场L4",
                "L4, Grand Gateway 66, 1 Hongqiao Road, Xuhui District, Shanghai",
            ),
            "10:00–21:30",
            31.1945,
            121.4372,
        ),
    ]
}

/// Stock of one variant: mostly a few units, some sizes gone in some stores, a few gone everywhere.
pub(super) fn stock(dice: &mut Dice, store_ids: &[StoreId]) -> (u32, Vec<StoreStock>) {
    let gone_from_stores = dice.percent(4);
    let online = if dice.percent(7) {
        0
    } else {
        dice.range(1, 60)
    };
    let store_stock = store_ids
        .iter()
        .map(|store_id| StoreStock {
            store_id: store_id.clone(),
            quantity: if gone_from_stores || dice.percent(16) {
                0
            } else {
                dice.range(1, 8)
            },
        })
        .collect();
    // Sold out in every store but still online: the case "order it home" exists for.
    (
        if gone_from_stores {
            online.max(3)
        } else {
            online
        },
        store_stock,
    )
}

/// Writes the stores, then every variant's stock in each; the variants must be written first.
pub(super) async fn write(
    tx: &mut Transaction<'_, Any>,
    stores: &[Store],
    products: &[Product],
) -> Result<(), sqlx::Error> {
    let stores: Vec<(usize, &Store)> = stores.iter().enumerate().collect();
    insert_rows(
        tx,
        "INSERT INTO stores (id, name_zh, name_en, address_zh, address_en, opening_hours, lat, lng, position) ",
        &stores,
        |row, (position, s)| {
            row.bind(s.id.to_string())
                .bind(s.name.zh.clone())
                .bind(s.name.en.clone())
                .bind(s.address.zh.clone())
                .bind(s.address.en.clone())
                .bind(s.opening_hours.clone())
                .bind(s.position.lat)
                .bind(s.position.lng)
                .bind(*position as i64);
        },
    )
    .await?;
    let stock: Vec<(&str, &StoreStock)> = products
        .iter()
        .flat_map(|p| &p.variants)
        .flat_map(|v| v.store_stock.iter().map(|s| (v.sku.as_str(), s)))
        .collect();
    insert_rows(
        tx,
        "INSERT INTO stock (sku, store_id, quantity) ",
        &stock,
        |row, (sku, s)| {
            row.bind(sku.to_string())
                .bind(s.store_id.to_string())
                .bind(i64::from(s.quantity));
        },
    )
    .await
}
