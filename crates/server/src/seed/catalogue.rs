//! The catalogue: the product lines, their colours and sizes, the names and descriptions drawn
//! for each product, and the numbers printed on its tags.

use super::{insert_rows, Dice};
use shopbag_api::code::check_digit;
use shopbag_api::{Category, Colour, Localized, Money, Product, ProductId, Sku, StoreId, Variant};
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

struct Palette;

impl Palette {
    const COLOURS: [(&'static str, &'static str, &'static str, &'static str); 18] = [
        ("BLK", "黑色", "Black", "#1a1a1a"),
        ("WHT", "白色", "White", "#f7f7f2"),
        ("IVR", "米白", "Ivory", "#efe8d8"),
        ("OAT", "燕麦色", "Oatmeal", "#d8cbb0"),
        ("CML", "驼色", "Camel", "#b5895a"),
        ("BRN", "咖啡色", "Coffee", "#5c4033"),
        ("GRY", "麻灰", "Heather grey", "#9a9a9a"),
        ("CHC", "炭灰", "Charcoal", "#3c3c3c"),
        ("NAV", "藏青", "Navy", "#1f2a44"),
        ("BLU", "雾霾蓝", "Haze blue", "#7d93b2"),
        ("OLV", "橄榄绿", "Olive", "#6b6b3a"),
        ("GRN", "墨绿", "Forest green", "#1e4d2b"),
        ("BUR", "酒红", "Burgundy", "#6d1a2a"),
        ("RED", "中国红", "China red", "#c8102e"),
        ("PNK", "藕粉", "Dusty pink", "#d8a7a7"),
        ("KHA", "卡其", "Khaki", "#b9a57a"),
        ("SLV", "银色", "Silver", "#c0c0c0"),
        ("GLD", "金色", "Gold", "#c9a227"),
    ];

    fn colour(code: &str) -> Colour {
        let (code, zh, en, hex) = Self::COLOURS
            .iter()
            .find(|c| c.0 == code)
            .copied()
            .expect("palette colour");
        Colour {
            code: code.into(),
            name: Localized::new(zh, en),
            hex: hex.into(),
        }
    }
}

/// (material zh, material en, garment zh, garment en): the part of a name that must agree.
type Base = (&'static str, &'static str, &'static str, &'static str);
/// A cut or detail that goes between material and garment.
type Modifier = (&'static str, &'static str);

struct Line {
    category: Category,
    count: usize,
    bases: &'static [Base],
    modifiers: &'static [Modifier],
    colours: &'static [&'static str],
    /// Yuan; every price ends in 9 like a shop's.
    prices: &'static [i64],
    brands: &'static [&'static str],
}

const CLOTHING_SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const WOMENS_SHOES: [&str; 6] = ["35", "36", "37", "38", "39", "40"];
const MENS_SHOES: [&str; 6] = ["39", "40", "41", "42", "43", "44"];
const ONE_SIZE: [&str; 1] = ["F"];

/// Imported: their tags carry UPC-A numbers (EAN-13 with a leading 0).
const SNEAKER_IMPORT: &str = "Northfield";
const BAG_IMPORT: &str = "Harbor & Pine";
pub(super) const IMPORTED_SNEAKERS: usize = 6;
pub(super) const IMPORTED_BAGS: usize = 4;

const LINES: [Line; 9] = [
    Line {
        category: Category::Tops,
        count: 36,
        bases: &[
            ("纯棉", "cotton", "T恤", "T-shirt"),
            ("真丝", "silk", "衬衫", "shirt"),
            ("亚麻", "linen", "衬衫", "shirt"),
            ("牛津纺", "Oxford", "衬衫", "shirt"),
            ("针织", "knit", "Polo衫", "polo shirt"),
            ("纯棉", "cotton", "卫衣", "sweatshirt"),
            ("莫代尔", "modal", "背心", "tank top"),
            ("雪纺", "chiffon", "上衣", "blouse"),
        ],
        modifiers: &[
            ("圆领", "crew-neck"),
            ("宽松", "relaxed"),
            ("条纹", "striped"),
            ("法式", "French"),
            ("短款", "cropped"),
            ("印花", "printed"),
            ("重磅", "heavyweight"),
            ("立领", "band-collar"),
        ],
        colours: &["BLK", "WHT", "IVR", "NAV", "BLU", "PNK", "GRY", "KHA"],
        prices: &[99, 129, 149, 199, 249, 299, 349, 399, 499],
        brands: &["MOSSO", "Lin & Lane", "Qiu Studio"],
    },
    Line {
        category: Category::Knitwear,
        count: 28,
        bases: &[
            ("羊绒", "cashmere", "毛衣", "sweater"),
            ("美利奴羊毛", "merino", "开衫", "cardigan"),
            ("羊毛", "wool", "针织背心", "sweater vest"),
            ("马海毛", "mohair", "毛衣", "sweater"),
            ("棉线", "cotton", "针织衫", "knit top"),
            ("羊毛", "wool", "套头衫", "pullover"),
        ],
        modifiers: &[
            ("圆领", "crew-neck"),
            ("V领", "V-neck"),
            ("麻花", "cable-knit"),
            ("宽松", "relaxed"),
            ("短款", "cropped"),
            ("坑条", "ribbed"),
            ("提花", "jacquard"),
        ],
        colours: &["OAT", "CML", "GRY", "CHC", "NAV", "BUR", "IVR", "GRN"],
        prices: &[299, 399, 499, 599, 699, 899, 1099, 1299],
        brands: &["MOSSO", "Jade Atelier", "Qiu Studio"],
    },
    Line {
        category: Category::Outerwear,
        count: 30,
        bases: &[
            ("羊毛", "wool", "大衣", "coat"),
            ("羊绒", "cashmere", "大衣", "coat"),
            ("棉质", "cotton", "风衣", "trench coat"),
            ("", "", "羽绒服", "down jacket"),
            ("皮革", "leather", "夹克", "jacket"),
            ("牛仔", "denim", "夹克", "jacket"),
            ("羊毛混纺", "wool-blend", "西装外套", "blazer"),
            ("尼龙", "nylon", "工装夹克", "utility jacket"),
        ],
        modifiers: &[
            ("双排扣", "double-breasted"),
            ("单排扣", "single-breasted"),
            ("廓形", "oversized"),
            ("系带", "belted"),
            ("连帽", "hooded"),
            ("短款", "cropped"),
            ("长款", "longline"),
            ("立领", "stand-collar"),
        ],
        colours: &["BLK", "CML", "CHC", "NAV", "KHA", "OLV", "BRN", "OAT"],
        prices: &[699, 899, 1099, 1299, 1599, 1999, 2499, 2999],
        brands: &["Jade Atelier", "MOSSO", "Lin & Lane"],
    },
    Line {
        category: Category::Trousers,
        count: 30,
        bases: &[
            ("羊毛", "wool", "西裤", "trousers"),
            ("棉质", "cotton", "休闲裤", "chinos"),
            ("", "", "牛仔裤", "jeans"),
            ("亚麻", "linen", "长裤", "trousers"),
            ("灯芯绒", "corduroy", "长裤", "trousers"),
            ("针织", "knit", "运动裤", "joggers"),
            ("醋酸", "satin", "长裤", "trousers"),
        ],
        modifiers: &[
            ("阔腿", "wide-leg"),
            ("直筒", "straight-leg"),
            ("高腰", "high-waist"),
            ("锥形", "tapered"),
            ("九分", "cropped"),
            ("褶裥", "pleated"),
            ("微喇", "flared"),
        ],
        colours: &["BLK", "NAV", "KHA", "CHC", "OAT", "BLU", "OLV", "BRN"],
        prices: &[199, 259, 299, 359, 399, 499, 599, 699],
        brands: &["MOSSO", "Lin & Lane", "Qiu Studio"],
    },
    Line {
        category: Category::Skirts,
        count: 20,
        bases: &[
            ("羊毛", "wool", "半身裙", "skirt"),
            ("牛仔", "denim", "半身裙", "skirt"),
            ("缎面", "satin", "半身裙", "skirt"),
            ("灯芯绒", "corduroy", "半身裙", "skirt"),
            ("针织", "knit", "半身裙", "skirt"),
            ("皮革", "leather", "半身裙", "skirt"),
        ],
        modifiers: &[
            ("A字", "A-line"),
            ("百褶", "pleated"),
            ("包臀", "pencil"),
            ("高腰", "high-waist"),
            ("开衩", "slit"),
            ("中长", "midi"),
            ("迷你", "mini"),
        ],
        colours: &["BLK", "CML", "NAV", "BUR", "GRY", "BLU", "IVR"],
        prices: &[199, 259, 299, 359, 399, 499, 599],
        brands: &["Lin & Lane", "Qiu Studio", "Jade Atelier"],
    },
    Line {
        category: Category::Dresses,
        count: 26,
        bases: &[
            ("真丝", "silk", "连衣裙", "dress"),
            ("针织", "knit", "连衣裙", "dress"),
            ("棉质", "cotton", "衬衫裙", "shirt dress"),
            ("雪纺", "chiffon", "连衣裙", "dress"),
            ("羊毛", "wool", "背心裙", "pinafore dress"),
            ("缎面", "satin", "连衣裙", "dress"),
        ],
        modifiers: &[
            ("碎花", "floral"),
            ("收腰", "waisted"),
            ("吊带", "slip"),
            ("长袖", "long-sleeve"),
            ("中长", "midi"),
            ("V领", "V-neck"),
            ("荷叶边", "ruffled"),
        ],
        colours: &["BLK", "IVR", "NAV", "BUR", "RED", "PNK", "GRN", "BLU"],
        prices: &[299, 399, 499, 599, 699, 899, 1099, 1299],
        brands: &["Jade Atelier", "Lin & Lane", "Qiu Studio"],
    },
    Line {
        category: Category::Shoes,
        count: 30,
        // The first base is the imported sneaker line; see `IMPORTED_SNEAKERS`.
        bases: &[
            ("", "", "运动鞋", "sneakers"),
            ("真皮", "leather", "乐福鞋", "loafers"),
            ("麂皮", "suede", "短靴", "ankle boots"),
            ("帆布", "canvas", "板鞋", "plimsolls"),
            ("真皮", "leather", "切尔西靴", "Chelsea boots"),
            ("漆皮", "patent", "玛丽珍鞋", "Mary Janes"),
            ("", "", "德训鞋", "trainers"),
        ],
        modifiers: &[
            ("厚底", "chunky"),
            ("复古", "retro"),
            ("方头", "square-toe"),
            ("轻便", "lightweight"),
            ("低帮", "low-top"),
            ("经典", "classic"),
        ],
        colours: &["BLK", "WHT", "BRN", "OAT", "NAV", "BUR", "GRY"],
        prices: &[399, 499, 599, 699, 799, 899, 1099, 1299, 1499],
        brands: &["Seventh Mile", "MOSSO"],
    },
    Line {
        category: Category::Bags,
        count: 20,
        bases: &[
            ("真皮", "leather", "托特包", "tote"),
            ("帆布", "canvas", "托特包", "tote"),
            ("真皮", "leather", "斜挎包", "crossbody bag"),
            ("尼龙", "nylon", "双肩包", "backpack"),
            ("真皮", "leather", "手提包", "handbag"),
            ("编织", "woven", "水桶包", "bucket bag"),
            ("真皮", "leather", "腋下包", "shoulder bag"),
        ],
        modifiers: &[
            ("迷你", "mini"),
            ("大号", "large"),
            ("经典", "classic"),
            ("链条", "chain-strap"),
            ("通勤", "commuter"),
            ("简约", "minimal"),
        ],
        colours: &["BLK", "BRN", "CML", "OAT", "BUR", "OLV", "IVR"],
        prices: &[299, 499, 699, 899, 1299, 1599, 1999, 2499, 2999],
        brands: &["Jade Atelier", "Seventh Mile"],
    },
    Line {
        category: Category::Accessories,
        count: 20,
        // Bases marked small in `SMALL_ACCESSORIES` also carry an EAN-8.
        bases: &[
            ("羊绒", "cashmere", "围巾", "scarf"),
            ("真丝", "silk", "方巾", "square scarf"),
            ("真皮", "leather", "腰带", "belt"),
            ("羊毛", "wool", "贝雷帽", "beret"),
            ("棉质", "cotton", "棒球帽", "baseball cap"),
            ("纯棉", "cotton", "中筒袜", "crew socks"),
            ("925银", "sterling silver", "耳环", "earrings"),
        ],
        modifiers: &[
            ("格纹", "check"),
            ("纯色", "solid"),
            ("印花", "printed"),
            ("经典", "classic"),
            ("简约", "minimal"),
        ],
        colours: &["BLK", "CML", "GRY", "BUR", "NAV", "IVR", "SLV", "GLD"],
        prices: &[99, 129, 159, 199, 259, 299, 399, 499],
        brands: &["MOSSO", "Qiu Studio", "Jade Atelier"],
    },
];

/// Garments whose tags are too small for an EAN-13: they also carry an EAN-8.
const SMALL_ACCESSORIES: [&str; 3] = ["square scarf", "crew socks", "earrings"];

const FITS: [(&str, &str); 3] = [
    ("合身剪裁", "A true-to-size cut"),
    ("宽松廓形", "A relaxed, roomy cut"),
    ("利落修身", "A clean, slim cut"),
];
const CRAFTS: [(&str, &str); 3] = [
    ("做工考究", "Carefully finished"),
    ("轻巧耐用", "Light and hard-wearing"),
    ("细节精致", "Finished with fine details"),
];
const OCCASIONS: [(&str, &str); 4] = [
    (
        "通勤与周末皆宜",
        "that works for the office and the weekend",
    ),
    ("适合日常叠穿搭配", "made for everyday layering"),
    ("从容应对约会与聚会", "ready for dinners and parties"),
    ("出行旅途的可靠之选", "and a dependable travel companion"),
];

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A row of the `codes` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCode {
    /// 14 digits, as `Gtin::as_str` gives it.
    pub gtin: String,
    pub sku: Sku,
    /// As printed: `ean13`, `upc_a`, `ean8` or `in_store`.
    pub kind: &'static str,
    /// The digits on the tag (13 for EAN-13 and in-store, 12 for UPC-A, 8 for EAN-8).
    pub printed: String,
}

/// Appends the GS1 check digit.
pub(super) fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body))
}

/// The UPC-E a UPC-A compresses to, if it does (number system 0 or 1 only).
///
/// Tests use it to scan seeded products the way a small tag prints them.
pub fn upc_e(upc_a: &str) -> Option<String> {
    let d = upc_a.as_bytes();
    if d.len() != 12
        || !(d[0] == b'0' || d[0] == b'1')
        || !upc_a.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (ns, maker, item, check) = (&upc_a[0..1], &upc_a[1..6], &upc_a[6..11], &upc_a[11..12]);
    let six = if matches!(&maker[2..], "000" | "100" | "200") && item.starts_with("00") {
        format!("{}{}{}", &maker[..2], &item[2..], &maker[2..3])
    } else if &maker[3..] == "00" && item.starts_with("000") {
        format!("{}{}3", &maker[..3], &item[3..])
    } else if &maker[4..] == "0" && item.starts_with("0000") {
        format!("{}{}4", &maker[..4], &item[4..])
    } else if &maker[4..] != "0" && item.starts_with("0000") && item.as_bytes()[4] >= b'5' {
        format!("{maker}{}", &item[4..])
    } else {
        return None;
    };
    Some(format!("{ns}{six}{check}"))
}

/// Hands out tag numbers: GS1 China company prefixes for house brands, UPC-A for imports.
struct Numbering {
    next_item: HashMap<&'static str, u32>,
    next_in_store: u64,
    next_ean8: u32,
    /// Imported variants so far per brand; the first few get UPC-E-compressible numbers.
    imported: HashMap<&'static str, u32>,
}

impl Numbering {
    fn new() -> Self {
        Numbering {
            next_item: Default::default(),
            next_in_store: 1,
            next_ean8: 1,
            imported: Default::default(),
        }
    }

    /// GS1 company prefix (690–699 is GS1 China) of each house brand.
    fn company_prefix(brand: &str) -> &'static str {
        match brand {
            "MOSSO" => "6931234",
            "Lin & Lane" => "6945678",
            "Jade Atelier" => "6920537",
            "Qiu Studio" => "6971106",
            _ => "6958813", // Seventh Mile
        }
    }

    /// The 13 digits on the tag; imports start with 0 (their UPC-A).
    fn ean13(&mut self, brand: &'static str) -> String {
        match brand {
            SNEAKER_IMPORT | BAG_IMPORT => {
                let n = self.imported.entry(brand).or_insert(0);
                *n += 1;
                let upc_body = match (brand, *n) {
                    // UPC-E rule "last digit 5–9": maker 12345, item 0000d.
                    (SNEAKER_IMPORT, n @ 1..=5) => format!("012345{:05}", n + 4),
                    (SNEAKER_IMPORT, n) => format!("012345{:05}", 20_000 + n),
                    // UPC-E rule "0–2": maker 42100, item 00ppp.
                    (_, n @ 1..=3) => format!("042100{:05}", 500 + n),
                    (_, n) => format!("042100{:05}", 30_000 + n),
                };
                format!("0{}", with_check(&upc_body))
            }
            _ => {
                let item = self.next_item.entry(brand).or_insert(50_001);
                let body = format!("{}{:05}", Self::company_prefix(brand), *item);
                *item += 1;
                with_check(&body)
            }
        }
    }

    /// The store group's own number: GS1 prefixes 20–29, restricted to our tills.
    fn in_store(&mut self) -> String {
        let serial = self.next_in_store;
        self.next_in_store += 1;
        with_check(&format!("{}{serial:010}", 20 + serial % 10))
    }

    fn ean8(&mut self) -> String {
        let serial = self.next_ean8;
        self.next_ean8 += 1;
        with_check(&format!("690{serial:04}"))
    }
}

/// The catalogue and every code on its tags, drawn line by line in the order of `LINES`.
pub(super) fn products(dice: &mut Dice, store_ids: &[StoreId]) -> (Vec<Product>, Vec<SeedCode>) {
    let mut catalogue = Catalogue {
        dice,
        store_ids,
        numbering: Numbering::new(),
        names: HashSet::new(),
        products: Vec::new(),
        codes: Vec::new(),
    };
    for line in &LINES {
        for index in 0..line.count {
            catalogue.add(line, index);
        }
    }
    (catalogue.products, catalogue.codes)
}

/// The catalogue while it is drawn. Every draw goes through the one `dice`, in a fixed order:
/// move one and every product after it changes.
struct Catalogue<'a> {
    dice: &'a mut Dice,
    store_ids: &'a [StoreId],
    numbering: Numbering,
    /// The names drawn so far, so that none comes twice.
    names: HashSet<(Base, Modifier)>,
    products: Vec<Product>,
    codes: Vec<SeedCode>,
}

impl Catalogue<'_> {
    /// Draws the `index`th product of `line`: name, brand, description, sizes, colours, price,
    /// then its variants.
    fn add(&mut self, line: &Line, index: usize) {
        let import = import(line, index);
        let (base, modifier) = self.new_name(line, import);
        let id = ProductId::from(format!("P{:04}", self.products.len() + 1));
        let name = name(base, modifier);
        let brand = import.unwrap_or_else(|| *self.dice.pick(line.brands));
        let description = description(self.dice, line.category, &name);
        let sizes = sizes(self.dice, line.category);
        let colours = colours(self.dice, line);
        let price = Money::yuan(*self.dice.pick(line.prices));
        // One product in ten has a limited colour that costs ¥100 more.
        let premium_colour = self
            .dice
            .percent(10)
            .then(|| colours[colours.len() - 1].code.clone());
        let small = SMALL_ACCESSORIES.contains(&base.3);

        let mut variants = Vec::new();
        for colour in &colours {
            for size in &sizes {
                let price = if premium_colour.as_ref() == Some(&colour.code) {
                    price + Money::yuan(100)
                } else {
                    price
                };
                variants.push(self.variant(&id, brand, colour, size, price, small));
            }
        }
        self.products.push(Product {
            id,
            name,
            brand: brand.into(),
            category: line.category,
            description,
            colours,
            sizes,
            price,
            variants,
        });
    }

    /// Re-draws until the name is new: a catalogue does not list the same thing twice.
    fn new_name(&mut self, line: &Line, import: Option<&str>) -> (Base, Modifier) {
        loop {
            let base = if import == Some(SNEAKER_IMPORT) {
                line.bases[0]
            } else {
                *self.dice.pick(line.bases)
            };
            let modifier = *self.dice.pick(line.modifiers);
            if self.names.insert((base, modifier)) {
                return (base, modifier);
            }
        }
    }

    /// One colour in one size: its tag's numbers, then its stock.
    fn variant(
        &mut self,
        product_id: &ProductId,
        brand: &'static str,
        colour: &Colour,
        size: &str,
        price: Money,
        small: bool,
    ) -> Variant {
        let sku = Sku::from(format!("{product_id}-{}-{size}", colour.code));
        let (ean13, in_store_code) = self.tag(&sku, brand, small);
        let (online_stock, store_stock) = super::stores::stock(self.dice, self.store_ids);
        Variant {
            sku,
            colour: colour.code.clone(),
            size: size.to_string(),
            ean13,
            in_store_code,
            price,
            online_stock,
            store_stock,
        }
    }

    /// Numbers one variant's tag and records every code on it: the EAN-13 (or the UPC-A of an
    /// import), the in-store code and, on a small accessory, an EAN-8. Returns the first two.
    fn tag(&mut self, sku: &Sku, brand: &'static str, small: bool) -> (String, String) {
        let ean13 = self.numbering.ean13(brand);
        let in_store_code = self.numbering.in_store();
        // A leading 0 means the tag prints the 12-digit UPC-A.
        let (kind, printed) = match ean13.strip_prefix('0') {
            Some(upc_a) => ("upc_a", upc_a.to_string()),
            None => ("ean13", ean13.clone()),
        };
        self.codes.push(SeedCode {
            gtin: format!("0{ean13}"),
            sku: sku.clone(),
            kind,
            printed,
        });
        self.codes.push(SeedCode {
            gtin: format!("0{in_store_code}"),
            sku: sku.clone(),
            kind: "in_store",
            printed: in_store_code.clone(),
        });
        if small {
            let ean8 = self.numbering.ean8();
            self.codes.push(SeedCode {
                gtin: format!("000000{ean8}"),
                sku: sku.clone(),
                kind: "ean8",
                printed: ean8,
            });
        }
        (ean13, in_store_code)
    }
}

/// The brand of an imported product: the first few of the shoe and bag lines are imports.
fn import(line: &Line, index: usize) -> Option<&'static str> {
    match line.category {
        Category::Shoes if index < IMPORTED_SNEAKERS => Some(SNEAKER_IMPORT),
        Category::Bags if index < IMPORTED_BAGS => Some(BAG_IMPORT),
        _ => None,
    }
}

/// Material, cut and garment; English leaves out what a base has no word for.
fn name(base: Base, modifier: Modifier) -> Localized {
    Localized::new(
        format!("{}{}{}", base.0, modifier.0, base.2),
        capitalise(
            &[base.1, modifier.1, base.3]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
        ),
    )
}

/// The name, then how clothes fit or how the rest is made, then what it is for.
fn description(dice: &mut Dice, category: Category, name: &Localized) -> Localized {
    let clothing = !matches!(
        category,
        Category::Shoes | Category::Bags | Category::Accessories
    );
    let (first_zh, first_en) = if clothing {
        *dice.pick(&FITS)
    } else {
        *dice.pick(&CRAFTS)
    };
    let occasion = *dice.pick(&OCCASIONS);
    Localized::new(
        format!("{}，{}，{}。", name.zh, first_zh, occasion.0),
        format!("{}. {} {}.", name.en, first_en, occasion.1),
    )
}

/// Shoes come in women's or men's sizes (a draw); bags and accessories in one size.
fn sizes(dice: &mut Dice, category: Category) -> Vec<String> {
    match category {
        Category::Shoes if dice.percent(50) => WOMENS_SHOES.map(String::from).to_vec(),
        Category::Shoes => MENS_SHOES.map(String::from).to_vec(),
        Category::Bags | Category::Accessories => ONE_SIZE.map(String::from).to_vec(),
        _ => CLOTHING_SIZES.map(String::from).to_vec(),
    }
}

/// Two to four of the line's colours, in the order drawn.
fn colours(dice: &mut Dice, line: &Line) -> Vec<Colour> {
    let colour_count = dice.range(2, 4) as usize;
    dice.choose(line.colours, colour_count)
        .into_iter()
        .map(Palette::colour)
        .collect()
}

/// Writes the products with their colours, sizes and variants, then the codes on their tags.
pub(super) async fn write(
    tx: &mut Transaction<'_, Any>,
    products: &[Product],
    codes: &[SeedCode],
) -> Result<(), sqlx::Error> {
    write_products(tx, products).await?;
    write_colours(tx, products).await?;
    write_sizes(tx, products).await?;
    write_variants(tx, products).await?;
    insert_rows(
        tx,
        "INSERT INTO codes (gtin, sku, kind) ",
        codes,
        |row, c| {
            row.bind(c.gtin.clone())
                .bind(c.sku.to_string())
                .bind(c.kind);
        },
    )
    .await
}

/// Each product's `items`, with the product's id and the item's position, for the tables that
/// keep a product's colours, sizes and variants in their order.
fn positioned<'a, T>(
    products: &'a [Product],
    items: impl Fn(&'a Product) -> &'a [T],
) -> Vec<(&'a str, usize, &'a T)> {
    products
        .iter()
        .flat_map(|p| {
            items(p)
                .iter()
                .enumerate()
                .map(move |(i, item)| (p.id.as_str(), i, item))
        })
        .collect()
}

async fn write_products(
    tx: &mut Transaction<'_, Any>,
    products: &[Product],
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "INSERT INTO products (id, name_zh, name_en, brand, category, description_zh, description_en) ",
        products,
        |row, p| {
            row.bind(p.id.to_string())
                .bind(p.name.zh.clone())
                .bind(p.name.en.clone())
                .bind(p.brand.clone())
                .bind(p.category.as_str())
                .bind(p.description.zh.clone())
                .bind(p.description.en.clone());
        },
    )
    .await
}

async fn write_colours(
    tx: &mut Transaction<'_, Any>,
    products: &[Product],
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "INSERT INTO product_colours (product_id, code, name_zh, name_en, hex, position) ",
        &positioned(products, |p| &p.colours),
        |row, (product_id, position, c)| {
            row.bind(product_id.to_string())
                .bind(c.code.to_string())
                .bind(c.name.zh.clone())
                .bind(c.name.en.clone())
                .bind(c.hex.clone())
                .bind(*position as i64);
        },
    )
    .await
}

async fn write_sizes(
    tx: &mut Transaction<'_, Any>,
    products: &[Product],
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "INSERT INTO product_sizes (product_id, size, position) ",
        &positioned(products, |p| &p.sizes),
        |row, (product_id, position, size)| {
            row.bind(product_id.to_string())
                .bind(size.to_string())
                .bind(*position as i64);
        },
    )
    .await
}

async fn write_variants(
    tx: &mut Transaction<'_, Any>,
    products: &[Product],
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "INSERT INTO variants (sku, product_id, colour, size, ean13, in_store_code, price, online_stock, position) ",
        &positioned(products, |p| &p.variants),
        |row, (product_id, position, v)| {
            row.bind(v.sku.to_string())
                .bind(product_id.to_string())
                .bind(v.colour.to_string())
                .bind(v.size.clone())
                .bind(v.ean13.clone())
                .bind(v.in_store_code.clone())
                .bind(v.price.as_fen())
                .bind(i64::from(v.online_stock))
                .bind(*position as i64);
        },
    )
    .await
}
