//! Deterministic demo data: a Shanghai store group before 11.11, the same on every machine.
//!
//! [`demo`] builds everything in memory from a fixed seed; [`seed_if_empty`] writes it in one
//! transaction on first start. Tests use [`demo`] to find codes of every kind.

pub mod festivals;

use crate::db::{Row, Statement};
pub use festivals::SeedEventPrice;
use shopbag_api::code::check_digit;
use shopbag_api::promotions::Promotion;
use shopbag_api::{
    Category, Colour, GeoPoint, Localized, Money, Product, Store, StoreStock, Variant,
};
use sqlx::{Any, AnyPool, Transaction};
use std::collections::HashSet;

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

/// A row of the `codes` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCode {
    /// 14 digits, as `Gtin::as_str` gives it.
    pub gtin: String,
    pub sku: String,
    /// As printed: `ean13`, `upc_a`, `ean8` or `in_store`.
    pub kind: &'static str,
    /// The digits on the tag (13 for EAN-13 and in-store, 12 for UPC-A, 8 for EAN-8).
    pub printed: String,
}

#[derive(Debug, Clone)]
pub struct Look {
    pub id: String,
    pub name: Localized,
    pub occasion: &'static str,
    /// Product ids, one per category.
    pub items: Vec<(String, Category)>,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub id: &'static str,
    pub phone_masked: &'static str,
    pub display_name: &'static str,
    pub tier: &'static str,
    pub points: i64,
    pub joined_on: &'static str,
}

impl Member {
    /// The number a demo member signs in with: her masked number, hidden digits 0000.
    pub fn demo_phone(&self) -> String {
        self.phone_masked.replace("****", "0000")
    }
}

#[derive(Debug, Clone)]
pub struct Coupon {
    pub code: String,
    pub member_id: &'static str,
    pub title: Localized,
    pub discount_fen: i64,
    pub min_spend_fen: i64,
    pub valid_from: &'static str,
    pub valid_until: &'static str,
}

/// Appends the GS1 check digit.
fn with_check(body: &str) -> String {
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
const IMPORTED_SNEAKERS: usize = 6;
const IMPORTED_BAGS: usize = 4;

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

fn stores() -> Vec<Store> {
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

/// Hands out tag numbers: GS1 China company prefixes for house brands, UPC-A for imports.
struct Numbering {
    next_item: std::collections::HashMap<&'static str, u32>,
    next_in_store: u64,
    next_ean8: u32,
    /// Imported variants so far per brand; the first few get UPC-E-compressible numbers.
    imported: std::collections::HashMap<&'static str, u32>,
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

fn products(
    dice: &mut Dice,
    store_ids: &[String],
    numbering: &mut Numbering,
) -> (Vec<Product>, Vec<SeedCode>) {
    let mut products = Vec::new();
    let mut codes = Vec::new();
    let mut names = HashSet::new();
    for line in &LINES {
        for index in 0..line.count {
            let imported_sneaker = line.category == Category::Shoes && index < IMPORTED_SNEAKERS;
            let imported_bag = line.category == Category::Bags && index < IMPORTED_BAGS;
            // Re-draw until the name is new: a catalogue does not list the same thing twice.
            let (base, modifier) = loop {
                let base = if imported_sneaker {
                    line.bases[0]
                } else {
                    *dice.pick(line.bases)
                };
                let modifier = *dice.pick(line.modifiers);
                if names.insert((base, modifier)) {
                    break (base, modifier);
                }
            };
            let id = format!("P{:04}", products.len() + 1);
            let name = Localized::new(
                format!("{}{}{}", base.0, modifier.0, base.2),
                capitalise(
                    &[base.1, modifier.1, base.3]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            );
            let brand: &'static str = if imported_sneaker {
                SNEAKER_IMPORT
            } else if imported_bag {
                BAG_IMPORT
            } else {
                dice.pick::<&'static str>(line.brands)
            };
            let clothing = !matches!(
                line.category,
                Category::Shoes | Category::Bags | Category::Accessories
            );
            let (first_zh, first_en) = if clothing {
                *dice.pick(&FITS)
            } else {
                *dice.pick(&CRAFTS)
            };
            let occasion = *dice.pick(&OCCASIONS);
            let description = Localized::new(
                format!("{}，{}，{}。", name.zh, first_zh, occasion.0),
                format!("{}. {} {}.", name.en, first_en, occasion.1),
            );
            let sizes: Vec<String> = match line.category {
                Category::Shoes if dice.percent(50) => WOMENS_SHOES.map(String::from).to_vec(),
                Category::Shoes => MENS_SHOES.map(String::from).to_vec(),
                Category::Bags | Category::Accessories => ONE_SIZE.map(String::from).to_vec(),
                _ => CLOTHING_SIZES.map(String::from).to_vec(),
            };
            let colour_count = dice.range(2, 4) as usize;
            let colours: Vec<Colour> = dice
                .choose(line.colours, colour_count)
                .into_iter()
                .map(Palette::colour)
                .collect();
            let price = Money::yuan(*dice.pick(line.prices));
            // One product in ten has a limited colour that costs ¥100 more.
            let premium_colour = dice
                .percent(10)
                .then(|| colours[colours.len() - 1].code.clone());
            let small = SMALL_ACCESSORIES.contains(&base.3);

            let mut variants = Vec::new();
            for colour in &colours {
                for size in &sizes {
                    let sku = format!("{id}-{}-{size}", colour.code);
                    let ean13 = numbering.ean13(brand);
                    let in_store_code = numbering.in_store();
                    // A leading 0 means the tag prints the 12-digit UPC-A.
                    let (kind, printed) = match ean13.strip_prefix('0') {
                        Some(upc_a) => ("upc_a", upc_a.to_string()),
                        None => ("ean13", ean13.clone()),
                    };
                    codes.push(SeedCode {
                        gtin: format!("0{ean13}"),
                        sku: sku.clone(),
                        kind,
                        printed,
                    });
                    codes.push(SeedCode {
                        gtin: format!("0{in_store_code}"),
                        sku: sku.clone(),
                        kind: "in_store",
                        printed: in_store_code.clone(),
                    });
                    if small {
                        let ean8 = numbering.ean8();
                        codes.push(SeedCode {
                            gtin: format!("000000{ean8}"),
                            sku: sku.clone(),
                            kind: "ean8",
                            printed: ean8,
                        });
                    }
                    let (online_stock, store_stock) = stock(dice, store_ids);
                    let price = if premium_colour.as_ref() == Some(&colour.code) {
                        price + Money::yuan(100)
                    } else {
                        price
                    };
                    variants.push(Variant {
                        sku,
                        colour: colour.code.clone(),
                        size: size.clone(),
                        ean13,
                        in_store_code,
                        price,
                        online_stock,
                        store_stock,
                    });
                }
            }
            products.push(Product {
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
    }
    (products, codes)
}

/// Stock of one variant: mostly a few units, some sizes gone in some stores, a few gone everywhere.
fn stock(dice: &mut Dice, store_ids: &[String]) -> (u32, Vec<StoreStock>) {
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

fn looks(dice: &mut Dice, products: &[Product]) -> Vec<Look> {
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

fn members() -> Vec<Member> {
    let member = |id, phone_masked, display_name, tier, points, joined_on| Member {
        id,
        phone_masked,
        display_name,
        tier,
        points,
        joined_on,
    };
    vec![
        member(
            "M0001",
            "138****2046",
            "林小雨",
            "gold",
            12_480,
            "2023-03-18",
        ),
        member(
            "M0002",
            "139****8812",
            "陈思远",
            "silver",
            2_310,
            "2025-09-02",
        ),
        member(
            "M0003",
            "186****5530",
            "王佳怡",
            "platinum",
            48_900,
            "2021-11-11",
        ),
        member(
            "M0004",
            "135****0917",
            "张一鸣",
            "silver",
            560,
            "2026-08-27",
        ),
        member("M0005", "158****3364", "刘晓", "gold", 9_120, "2024-05-20"),
        member(
            "M0006",
            "177****7281",
            "Sophie Zhou",
            "platinum",
            31_050,
            "2022-06-18",
        ),
    ]
}

fn coupons(members: &[Member]) -> Vec<Coupon> {
    // (suffix, zh, en, discount, min spend, from, until); which members get which is below.
    type Kind = (
        &'static str,
        &'static str,
        &'static str,
        i64,
        i64,
        &'static str,
        &'static str,
    );
    const WELCOME: Kind = (
        "W20",
        "新人礼：满199减20",
        "Welcome: ¥20 off ¥199",
        2_000,
        19_900,
        "2026-09-01T00:00:00+08:00",
        "2026-12-31T23:59:59+08:00",
    );
    const SINGLES_DAY: Kind = (
        "S60",
        "双11专享：满500减60",
        "11.11 exclusive: ¥60 off ¥500",
        6_000,
        50_000,
        "2026-10-20T20:00:00+08:00",
        "2026-11-11T23:59:59+08:00",
    );
    const MEMBER_DAY: Kind = (
        "D150",
        "会员日：满1000减150",
        "Member day: ¥150 off ¥1,000",
        15_000,
        100_000,
        "2026-11-01T00:00:00+08:00",
        "2026-11-11T23:59:59+08:00",
    );
    const BIRTHDAY: Kind = (
        "B50",
        "生日礼：50元无门槛",
        "Birthday gift: ¥50 off",
        5_000,
        0,
        "2026-10-01T00:00:00+08:00",
        "2026-12-31T23:59:59+08:00",
    );
    let grants: [&[Kind]; 6] = [
        &[SINGLES_DAY, BIRTHDAY],
        &[WELCOME, SINGLES_DAY],
        &[SINGLES_DAY, MEMBER_DAY, BIRTHDAY],
        &[WELCOME],
        &[SINGLES_DAY, MEMBER_DAY],
        &[MEMBER_DAY, SINGLES_DAY],
    ];
    members
        .iter()
        .zip(grants)
        .flat_map(|(member, kinds)| {
            kinds.iter().map(move |k| Coupon {
                code: format!("{}-{}", member.id, k.0),
                member_id: member.id,
                title: Localized::new(k.1, k.2),
                discount_fen: k.3,
                min_spend_fen: k.4,
                valid_from: k.5,
                valid_until: k.6,
            })
        })
        .collect()
}

/// The whole demo data set. Pure and deterministic: same output on every call.
pub fn demo() -> Demo {
    let mut dice = Dice(SEED);
    let stores = stores();
    let store_ids: Vec<String> = stores.iter().map(|s| s.id.clone()).collect();
    let mut numbering = Numbering::new();
    let (products, codes) = products(&mut dice, &store_ids, &mut numbering);
    let looks = looks(&mut dice, &products);
    let event_prices = festivals::event_prices(&products);
    let members = members();
    let coupons = coupons(&members);
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

async fn write(tx: &mut Transaction<'_, Any>, demo: &Demo) -> Result<(), sqlx::Error> {
    let stores: Vec<(usize, &Store)> = demo.stores.iter().enumerate().collect();
    insert_rows(
        tx,
        "INSERT INTO stores (id, name_zh, name_en, address_zh, address_en, opening_hours, lat, lng, position) ",
        &stores,
        |row, (position, s)| {
            row.bind(s.id.clone())
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

    insert_rows(
        tx,
        "INSERT INTO products (id, name_zh, name_en, brand, category, description_zh, description_en) ",
        &demo.products,
        |row, p| {
            row.bind(p.id.clone())
                .bind(p.name.zh.clone())
                .bind(p.name.en.clone())
                .bind(p.brand.clone())
                .bind(p.category.as_str())
                .bind(p.description.zh.clone())
                .bind(p.description.en.clone());
        },
    )
    .await?;

    let colours: Vec<(&str, usize, &Colour)> = demo
        .products
        .iter()
        .flat_map(|p| {
            p.colours
                .iter()
                .enumerate()
                .map(|(i, c)| (p.id.as_str(), i, c))
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO product_colours (product_id, code, name_zh, name_en, hex, position) ",
        &colours,
        |row, (product_id, position, c)| {
            row.bind(product_id.to_string())
                .bind(c.code.clone())
                .bind(c.name.zh.clone())
                .bind(c.name.en.clone())
                .bind(c.hex.clone())
                .bind(*position as i64);
        },
    )
    .await?;

    let sizes: Vec<(&str, usize, &str)> = demo
        .products
        .iter()
        .flat_map(|p| {
            p.sizes
                .iter()
                .enumerate()
                .map(|(i, s)| (p.id.as_str(), i, s.as_str()))
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO product_sizes (product_id, size, position) ",
        &sizes,
        |row, (product_id, position, size)| {
            row.bind(product_id.to_string())
                .bind(size.to_string())
                .bind(*position as i64);
        },
    )
    .await?;

    let variants: Vec<(&str, usize, &Variant)> = demo
        .products
        .iter()
        .flat_map(|p| {
            p.variants
                .iter()
                .enumerate()
                .map(|(i, v)| (p.id.as_str(), i, v))
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO variants (sku, product_id, colour, size, ean13, in_store_code, price, online_stock, position) ",
        &variants,
        |row, (product_id, position, v)| {
            row.bind(v.sku.clone())
                .bind(product_id.to_string())
                .bind(v.colour.clone())
                .bind(v.size.clone())
                .bind(v.ean13.clone())
                .bind(v.in_store_code.clone())
                .bind(v.price.as_fen())
                .bind(i64::from(v.online_stock))
                .bind(*position as i64);
        },
    )
    .await?;

    let stock: Vec<(&str, &StoreStock)> = variants
        .iter()
        .flat_map(|(_, _, v)| v.store_stock.iter().map(|s| (v.sku.as_str(), s)))
        .collect();
    insert_rows(
        tx,
        "INSERT INTO stock (sku, store_id, quantity) ",
        &stock,
        |row, (sku, s)| {
            row.bind(sku.to_string())
                .bind(s.store_id.clone())
                .bind(i64::from(s.quantity));
        },
    )
    .await?;

    insert_rows(
        tx,
        "INSERT INTO codes (gtin, sku, kind) ",
        &demo.codes,
        |row, c| {
            row.bind(c.gtin.clone()).bind(c.sku.clone()).bind(c.kind);
        },
    )
    .await?;

    insert_rows(
        tx,
        "INSERT INTO looks (id, name_zh, name_en, occasion) ",
        &demo.looks,
        |row, l| {
            row.bind(l.id.clone())
                .bind(l.name.zh.clone())
                .bind(l.name.en.clone())
                .bind(l.occasion);
        },
    )
    .await?;

    let look_items: Vec<(&str, usize, &(String, Category))> = demo
        .looks
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
        &look_items,
        |row, (look_id, position, (product_id, category))| {
            row.bind(look_id.to_string())
                .bind(product_id.clone())
                .bind(category.as_str())
                .bind(*position as i64);
        },
    )
    .await?;

    festivals::write_missing(tx, &demo.promotions, &demo.event_prices).await?;

    insert_rows(
        tx,
        "INSERT INTO members (id, phone_masked, phone, display_name, tier, points, joined_on) ",
        &demo.members,
        |row, m| {
            row.bind(m.id)
                .bind(m.phone_masked)
                .bind(m.demo_phone())
                .bind(m.display_name)
                .bind(m.tier)
                .bind(m.points)
                .bind(m.joined_on);
        },
    )
    .await?;
    insert_rows(
        tx,
        "INSERT INTO coupons (code, member_id, title_zh, title_en, discount_fen, min_spend_fen, \
         valid_from, valid_until) ",
        &demo.coupons,
        |row, c| {
            row.bind(c.code.clone())
                .bind(c.member_id)
                .bind(c.title.zh.clone())
                .bind(c.title.en.clone())
                .bind(c.discount_fen)
                .bind(c.min_spend_fen)
                .bind(c.valid_from)
                .bind(c.valid_until);
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopbag_api::{CodeKind, ScannedCode};
    use std::collections::HashMap;

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
                assert_eq!(v.sku, format!("{}-{}-{}", p.id, v.colour, v.size));
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
