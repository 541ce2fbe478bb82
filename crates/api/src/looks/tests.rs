//! Table tests of the look rules, including the cases shops get wrong.

use super::*;
use crate::{Colour, StoreStock};

/// A product with one variant per (colour, size, stock here, stock in `sh-other`, online).
fn product(id: &str, category: Category, variants: &[(&str, &str, u32, u32, u32)]) -> Product {
    let mut colours: Vec<Colour> = Vec::new();
    for (colour, ..) in variants {
        if colours.iter().all(|c| c.code.as_str() != *colour) {
            colours.push(Colour {
                code: (*colour).into(),
                name: Localized::new(*colour, *colour),
                hex: "#222222".into(),
            });
        }
    }
    Product {
        id: id.into(),
        name: Localized::new(id, id),
        brand: "b".into(),
        category,
        description: Localized::new("", ""),
        colours,
        sizes: vec![],
        price: Money::yuan(100),
        variants: variants
            .iter()
            .map(|(colour, size, here, other, online)| Variant {
                sku: format!("{id}-{colour}-{size}").into(),
                colour: (*colour).into(),
                size: size.to_string(),
                ean13: String::new(),
                in_store_code: String::new(),
                price: Money::yuan(100),
                online_stock: *online,
                store_stock: vec![
                    StoreStock {
                        store_id: "sh-here".into(),
                        quantity: *here,
                    },
                    StoreStock {
                        store_id: "sh-other".into(),
                        quantity: *other,
                    },
                ],
            })
            .collect(),
    }
}

fn look(id: &str, items: &[(&str, Category)]) -> StyledLook {
    StyledLook {
        id: id.into(),
        name: Localized::new(id, id),
        items: items.iter().map(|(p, c)| ((*p).into(), *c)).collect(),
    }
}

use Category::*;

fn catalogue() -> Vec<Product> {
    vec![
        product(
            "COAT",
            Outerwear,
            &[("BLK", "M", 1, 1, 1), ("CAM", "M", 1, 1, 1)],
        ),
        product("COAT2", Outerwear, &[("GRY", "M", 1, 1, 1)]),
        product(
            "KNIT",
            Knitwear,
            &[("IVR", "M", 1, 0, 0), ("IVR", "S", 0, 0, 0)],
        ),
        product("TEE", Tops, &[("WHT", "M", 1, 0, 0)]),
        product(
            "PANTS",
            Trousers,
            &[("BLK", "M", 0, 2, 0), ("BLK", "L", 1, 0, 0)],
        ),
        product("SKIRT", Skirts, &[("RED", "S", 0, 0, 3)]),
        product("DRESS", Dresses, &[("GRN", "M", 1, 0, 0)]),
        product(
            "BOOTS",
            Shoes,
            &[("BLK", "38", 0, 0, 0), ("BRN", "38", 0, 0, 1)],
        ),
        product("FLATS", Shoes, &[("BLK", "38", 1, 0, 0)]),
        product("SOLD", Shoes, &[("BLK", "38", 0, 0, 0)]),
        product("TOTE", Bags, &[("BLK", "F", 1, 0, 0)]),
        product(
            "SCARF",
            Accessories,
            &[("RED", "F", 0, 0, 0), ("GRY", "F", 2, 0, 0)],
        ),
    ]
}

fn styled() -> Vec<StyledLook> {
    vec![
        look(
            "L1",
            &[
                ("COAT", Outerwear),
                ("KNIT", Knitwear),
                ("PANTS", Trousers),
                ("BOOTS", Shoes),
            ],
        ),
        look(
            "L2",
            &[("COAT2", Outerwear), ("DRESS", Dresses), ("TOTE", Bags)],
        ),
        look(
            "L3",
            &[
                ("TEE", Tops),
                ("SKIRT", Skirts),
                ("FLATS", Shoes),
                ("SCARF", Accessories),
            ],
        ),
        look(
            "L4",
            &[
                ("KNIT", Knitwear),
                ("PANTS", Trousers),
                ("SOLD", Shoes),
                ("SCARF", Accessories),
            ],
        ),
    ]
}

fn wearer(holds: &[(&str, Category)], owns: &[&str], sizes: &str) -> Wearer {
    Wearer {
        holds: holds.iter().map(|(p, c)| ((*p).into(), *c)).collect(),
        owns: owns.iter().map(|p| (*p).into()).collect(),
        sizes: Sizes::parse(sizes).unwrap(),
        here: Some("sh-here".into()),
    }
}

/// The looks as `look id: product id@colour/size@source …`, the way the table reads best.
fn shown(wearer: &Wearer) -> Vec<String> {
    let products = catalogue();
    let looks = styled();
    let candidates = candidates(&looks, wearer);
    complete(&candidates, wearer, |id| {
        products.iter().find(|p| p.id == *id)
    })
    .into_iter()
    .map(|look| {
        let items: Vec<String> = look
            .items
            .iter()
            .map(|i| {
                let source = match &i.source {
                    Source::Here => "here".to_string(),
                    Source::Stores { stores } => stores
                        .iter()
                        .map(StoreId::as_str)
                        .collect::<Vec<_>>()
                        .join("+"),
                    Source::Online => "online".to_string(),
                };
                let size = i.size.as_deref().unwrap_or("?");
                format!("{}@{}/{size}@{source}", i.product.id, i.colour)
            })
            .collect();
        format!("{}: {}", look.id, items.join(" "))
    })
    .collect()
}

#[test]
fn complementary_categories_never_share_a_part_of_the_body() {
    let table = [
        (Tops, Trousers, true),
        (Tops, Knitwear, false),
        (Tops, Tops, false),
        (Dresses, Skirts, false),
        (Dresses, Tops, false),
        (Dresses, Outerwear, true),
        (Outerwear, Outerwear, false),
        (Shoes, Bags, true),
        (Accessories, Accessories, false),
    ];
    for (a, b, expected) in table {
        assert_eq!(complements(a, b), expected, "{a:?} with {b:?}");
        assert_eq!(complements(b, a), expected, "{b:?} with {a:?}");
    }
}

#[test]
fn a_coat_gets_its_own_look_first_never_another_coat_nor_itself_in_another_colour() {
    let got = shown(&wearer(
        &[("COAT", Outerwear)],
        &[],
        "knitwear:M,trousers:M,shoes:38",
    ));
    assert_eq!(
        got,
        [
            // Its own look: the knit here, the trousers in M only in the other store, the boots
            // sold out in black but online in brown.
            "L1: KNIT@IVR/M@here PANTS@BLK/M@sh-other BOOTS@BRN/38@online",
            // The stylists' look around another coat: that coat is left out, the dress stays.
            "L2: DRESS@GRN/?@here TOTE@BLK/?@here",
        ]
    );
}

#[test]
fn her_size_decides_what_can_be_had() {
    // In S the knit is sold out everywhere, in L the trousers are here.
    let got = shown(&wearer(
        &[("COAT", Outerwear)],
        &[],
        "knitwear:S,trousers:L,shoes:39",
    ));
    assert_eq!(got[0], "L1: PANTS@BLK/L@here");
}

#[test]
fn without_a_known_size_any_size_that_can_be_had_will_do() {
    let got = shown(&wearer(&[("COAT", Outerwear)], &[], ""));
    // The trousers: L is here, so that is where she can get them (the app asks for her size).
    assert_eq!(
        got[0],
        "L1: KNIT@IVR/?@here PANTS@BLK/?@here BOOTS@BRN/?@online"
    );
}

#[test]
fn sold_out_suggestions_are_left_out_and_a_look_of_nothing_is_not_shown() {
    let got = shown(&wearer(
        &[("TEE", Tops)],
        &["SKIRT", "FLATS", "SCARF"],
        "shoes:38",
    ));
    // L3 is hers entirely. L1 and L4 hold a knit, which dresses what her T-shirt dresses. L1
    // leaves its boots in the colour still to be had; L4 is left with nothing: its shoes are
    // sold out, its scarf is in her bag, its trousers already show in L1.
    assert_eq!(
        got,
        ["L1: COAT@BLK/?@here PANTS@BLK/?@here BOOTS@BRN/38@online"]
    );
}

#[test]
fn a_bag_that_already_has_the_shoes_gets_no_shoes() {
    let bag = [("KNIT", Knitwear), ("FLATS", Shoes)];
    let got = shown(&wearer(&bag, &["KNIT", "FLATS"], "outerwear:M,trousers:M"));
    for look in &got {
        assert!(!look.contains("BOOTS") && !look.contains("SOLD"), "{look}");
        assert!(!look.contains("KNIT") && !look.contains("TEE"), "{look}");
    }
    // L1 and L4 hold her knit; L3 holds her flats. L1 leaves the coat and the trousers.
    assert_eq!(got[0], "L1: COAT@BLK/M@here PANTS@BLK/M@sh-other");
}

#[test]
fn a_dress_takes_the_place_of_top_and_bottom() {
    let got = shown(&wearer(&[("DRESS", Dresses)], &[], ""));
    assert_eq!(got, ["L2: COAT2@GRY/?@here TOTE@BLK/?@here"]);
}

#[test]
fn a_product_shows_in_one_look_only() {
    let got = shown(&wearer(&[("PANTS", Trousers)], &[], ""));
    let all: Vec<&str> = got.iter().flat_map(|l| l.split(' ').skip(1)).collect();
    let unique: BTreeSet<&str> = all.iter().map(|i| i.split('@').next().unwrap()).collect();
    assert_eq!(all.len(), unique.len(), "{got:?}");
}

#[test]
fn a_product_no_look_knows_gets_no_suggestions() {
    assert!(shown(&wearer(&[("UNSEEN", Bags)], &[], "")).len() <= 1);
    let none = Wearer::default();
    assert!(shown(&none).is_empty());
}

#[test]
fn sizes_travel_as_category_size_pairs_and_bad_pairs_are_named() {
    let sizes = Sizes::parse("shoes:38,tops:M").unwrap();
    assert_eq!(sizes.get(Shoes), Some("38"));
    assert_eq!(sizes.get(Tops), Some("M"));
    assert_eq!(sizes.get(Bags), None);
    assert_eq!(sizes.to_wire(), "tops:M,shoes:38");
    assert_eq!(Sizes::parse("").unwrap(), Sizes::new());
    assert!(Sizes::parse("hats:M").unwrap_err().contains("hats"));
    assert!(Sizes::parse("tops").unwrap_err().contains("tops"));
    assert!(Sizes::parse("tops:").is_err());
}
