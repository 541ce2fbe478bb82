//! Looks: outfits of three or four products of different categories, for an occasion.

use super::{insert_rows, Dice};
use shopbag_api::{Category, Localized, Product, ProductId};
use sqlx::{Any, Transaction};

#[derive(Debug, Clone)]
pub struct Look {
    pub id: String,
    pub name: Localized,
    pub occasion: &'static str,
    /// Product ids, one per category.
    pub items: Vec<(ProductId, Category)>,
}

pub(super) fn looks(dice: &mut Dice, products: &[Product]) -> Vec<Look> {
    use Category::*;
    const TEMPLATES: [&[Category]; 8] = [
        &[Outerwear, Knitwear, Trousers, Shoes],
        &[Outerwear, Dresses, Bags],
        &[Tops, Skirts, Shoes, Accessories],
        &[Knitwear, Trousers, Bags, Accessories],
        &[Tops, Trousers, Shoes],
        &[Dresses, Shoes, Accessories],
        &[Outerwear, Tops, Skirts, Bags],
        &[Knitwear, Skirts, Shoes, Bags],
    ];
    const MOODS: [(&str, &str); 5] = [
        ("经典", "Classic"),
        ("轻松", "Easy"),
        ("利落", "Sharp"),
        ("温柔", "Soft"),
        ("摩登", "Modern"),
    ];
    const OCCASIONS: [(&str, &str, &str); 8] = [
        ("通勤", "commute", "work"),
        ("周末", "weekend", "weekend"),
        ("约会", "date night", "date"),
        ("城市漫步", "city walk", "weekend"),
        ("双十一派对", "11.11 party", "party"),
        ("雨天出行", "rainy day", "travel"),
        ("看展", "gallery visit", "weekend"),
        ("外滩晚餐", "Bund dinner", "date"),
    ];
    let mut looks = Vec::new();
    for (i, occasion) in OCCASIONS.iter().enumerate() {
        for (j, mood) in MOODS.iter().enumerate() {
            let template = TEMPLATES[(i + j) % TEMPLATES.len()];
            let items = template
                .iter()
                .map(|&category| {
                    let candidates: Vec<&Product> =
                        products.iter().filter(|p| p.category == category).collect();
                    (dice.pick(&candidates).id.clone(), category)
                })
                .collect();
            looks.push(Look {
                id: format!("L{:03}", looks.len() + 1),
                name: Localized::new(
                    format!("{}{}", mood.0, occasion.0),
                    format!("{} {}", mood.1, occasion.1),
                ),
                occasion: occasion.2,
                items,
            });
        }
    }
    looks
}

/// Writes the looks, then their items in order.
pub(super) async fn write(
    tx: &mut Transaction<'_, Any>,
    looks: &[Look],
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "INSERT INTO looks (id, name_zh, name_en, occasion) ",
        looks,
        |row, l| {
            row.bind(l.id.clone())
                .bind(l.name.zh.clone())
                .bind(l.name.en.clone())
                .bind(l.occasion);
        },
    )
    .await?;
    let items: Vec<(&str, usize, &(ProductId, Category))> = looks
        .iter()
        .flat_map(|l| {
            l.items
                .iter()
                .enumerate()
                .map(|(i, item)| (l.id.as_str(), i, item))
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO look_items (look_id, product_id, category, position) ",
        &items,
        |row, (look_id, position, (product_id, category))| {
            row.bind(look_id.to_string())
                .bind(product_id.to_string())
                .bind(category.as_str())
                .bind(*position as i64);
        },
    )
    .await
}
