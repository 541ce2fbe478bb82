//! Stores, products, variants and stock as the API serves them.

use crate::{CodeKind, ColourCode, Money, ProductId, Sku, StoreId};
use serde::{Deserialize, Serialize};

/// The two languages the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

/// Text the catalogue carries in both app languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeoPoint {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Store {
    /// Stable slug, e.g. `sh-jingan`; also what a store's entrance QR names.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: StoreId,
    pub name: Localized,
    pub address: Localized,
    /// Local time (Asia/Shanghai), e.g. `10:00–22:00`.
    pub opening_hours: String,
    pub position: GeoPoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Tops,
    Knitwear,
    Outerwear,
    Trousers,
    Skirts,
    Dresses,
    Shoes,
    Bags,
    Accessories,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Tops,
        Category::Knitwear,
        Category::Outerwear,
        Category::Trousers,
        Category::Skirts,
        Category::Dresses,
        Category::Shoes,
        Category::Bags,
        Category::Accessories,
    ];

    /// The wire name, also used as the database value.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Tops => "tops",
            Category::Knitwear => "knitwear",
            Category::Outerwear => "outerwear",
            Category::Trousers => "trousers",
            Category::Skirts => "skirts",
            Category::Dresses => "dresses",
            Category::Shoes => "shoes",
            Category::Bags => "bags",
            Category::Accessories => "accessories",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Colour {
    /// Short code used in SKUs, e.g. `BLK`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: ColourCode,
    pub name: Localized,
    /// Swatch colour, `#rrggbb`.
    pub hex: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreStock {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub store_id: StoreId,
    pub quantity: u32,
}

/// One colour in one size: the thing a tag names and a bag line holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    /// `<product id>-<colour code>-<size>`, e.g. `P0001-BLK-M` (see [`product_id_of`]).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    /// A `Colour::code` of the product.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub colour: ColourCode,
    pub size: String,
    /// The GS1 EAN-13 printed on the tag.
    pub ean13: String,
    /// The store group's own EAN-13 (GS1 prefix 20–29) that maps to this variant.
    pub in_store_code: String,
    pub price: Money,
    pub online_stock: u32,
    /// Units on hand in each store (every store is listed, sold out as 0).
    pub store_stock: Vec<StoreStock>,
}

impl Variant {
    pub fn stock_in(&self, store_id: &StoreId) -> u32 {
        self.store_stock
            .iter()
            .find(|s| s.store_id == *store_id)
            .map_or(0, |s| s.quantity)
    }
}

/// The product a sku belongs to: skus start with their product id.
pub fn product_id_of(sku: &Sku) -> ProductId {
    let sku = sku.as_str();
    ProductId::from(sku.split('-').next().unwrap_or(sku))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    /// e.g. `P0001`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ProductId,
    pub name: Localized,
    pub brand: String,
    pub category: Category,
    pub description: Localized,
    pub colours: Vec<Colour>,
    /// In the order a size chart shows them.
    pub sizes: Vec<String>,
    /// The lowest variant price, for lists.
    pub price: Money,
    pub variants: Vec<Variant>,
}

/// Bumped when the server's drawings change: pictures get new addresses, so copies kept for a
/// year by browsers are not shown any more.
pub const PICTURE_STYLE: u32 = 1;
/// Every picture's size in CSS pixels (the drawing is 4:5), for `width`/`height` on `img`.
pub const PICTURE_WIDTH: u32 = 240;
pub const PICTURE_HEIGHT: u32 = 300;

/// The address of a product's picture in one colour, e.g.
/// `/api/v1/pictures/1/P0001-BLK-1b1b1b.svg`. The colour's hex is part of it: a colour that
/// changes gets a new address, so what one address shows never changes.
pub fn picture_path(product_id: &ProductId, colour: &Colour) -> String {
    let hex = colour.hex.trim_start_matches('#').to_ascii_lowercase();
    format!(
        "{}/pictures/{PICTURE_STYLE}/{product_id}-{}-{hex}.svg",
        crate::API_PREFIX,
        colour.code
    )
}

impl Product {
    /// Its picture in `colour` (a colour code); the first colour's for an unknown one.
    pub fn picture(&self, colour: &ColourCode) -> Option<String> {
        let colour = self.colour(colour).or(self.colours.first())?;
        Some(picture_path(&self.id, colour))
    }

    pub fn variant(&self, colour: &ColourCode, size: &str) -> Option<&Variant> {
        self.variants
            .iter()
            .find(|v| v.colour == *colour && v.size == size)
    }

    pub fn colour(&self, code: &ColourCode) -> Option<&Colour> {
        self.colours.iter().find(|c| c.code == *code)
    }
}

/// A product in a list (search results): no variants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductSummary {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ProductId,
    pub name: Localized,
    pub brand: String,
    pub category: Category,
    pub price: Money,
    pub colours: Vec<Colour>,
    /// A code that opens this product's page (the first variant's EAN-13).
    pub ean13: String,
}

/// What `GET /codes/{code}` answers: the variant a scanned code names, with its product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeMatch {
    /// The code as normalised (GTIN-14 digits).
    pub gtin: String,
    pub kind: CodeKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    pub product: Product,
}

impl CodeMatch {
    pub fn variant(&self) -> Option<&Variant> {
        self.product.variants.iter().find(|v| v.sku == self.sku)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// `POST /codes/resolve`: many codes at once (a kiosk scanner burst, a refresh of cached lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    /// At most [`ResolveRequest::MAX_CODES`].
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub codes: Vec<String>,
}

impl ResolveRequest {
    pub const MAX_CODES: usize = 100;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedCode {
    pub code: String,
    /// Set when the code names a variant.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sku: Option<Sku>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub product_id: Option<ProductId>,
    /// Set when it does not: the same body a single lookup would answer with.
    pub error: Option<crate::ErrorBody>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveResponse {
    pub results: Vec<ResolvedCode>,
}
