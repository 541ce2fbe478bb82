//! Complete the look: which garments finish an outfit around what she holds, in her size.
//!
//! The store's stylists made the looks (the seed's `looks`); this module decides what a shopper
//! is shown of them. The rules, each tested below:
//! - **Complementary only.** A garment fills body slots (a top the upper body, a dress both upper
//!   and lower); a suggestion never fills a slot that what she holds already fills. So a coat never
//!   gets another coat — nor the same coat in another colour — and a bag that has the shoes gets
//!   no shoes.
//! - **Never what she has.** Products in her bag are not suggested.
//! - **In her size.** Where the app knows the size she last chose in a category, an item counts
//!   only if that size can be had (here, in another store, or online); without a known size, any
//!   size that can be had will do (the app then asks for her size). Sold out everywhere: left out.
//! - **Ranked from the stylists' looks.** A look that holds her product comes first; then a look
//!   that holds something of the same kind (the stylists' outfit around "a coat"); more of
//!   her products in a look, and more items to take home from this store, rank it higher.
//!   "The same kind" is the same part of the body: a knit's look suits a T-shirt.
//!   A product shows in one look only, the best.

use crate::{Category, ColourCode, Localized, Money, Product, ProductId, Sku, StoreId, Variant};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many looks per answer: a section a shopper scrolls past, not a catalogue.
pub const MAX_LOOKS: usize = 3;

/// What `GET /looks` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LooksResponse {
    pub looks: Vec<Look>,
}

/// One outfit to complete: the items she does not have yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Look {
    /// The stylists' look it comes from, e.g. `L007`.
    pub id: String,
    pub name: Localized,
    pub items: Vec<LookItem>,
}

/// A garment that completes the look, in the colour to show and where she can get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookItem {
    /// As `GET /products/{id}` answers it.
    pub product: Product,
    /// The `Colour::code` to show: the first one that can be had in her size.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub colour: ColourCode,
    /// Her size in this category, when known; then `sku` is the variant to add.
    pub size: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sku: Option<Sku>,
    pub price: Money,
    pub source: Source,
}

/// Where an item can be had in her size, the nearest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// In the store she stands in.
    Here,
    /// In these other stores.
    Stores {
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
        stores: Vec<StoreId>,
    },
    /// Delivered from the online stock.
    Online,
}

/// The part of the body a garment dresses: two garments of one slot never make an outfit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Upper,
    Lower,
    Over,
    Feet,
    Carried,
    Finishing,
}

fn slots(category: Category) -> &'static [Slot] {
    use Category::*;
    match category {
        Tops | Knitwear => &[Slot::Upper],
        Trousers | Skirts => &[Slot::Lower],
        Dresses => &[Slot::Upper, Slot::Lower],
        Outerwear => &[Slot::Over],
        Shoes => &[Slot::Feet],
        Bags => &[Slot::Carried],
        Accessories => &[Slot::Finishing],
    }
}

/// True when `b` can be worn with `a`: they dress no common part of the body.
pub fn complements(a: Category, b: Category) -> bool {
    slots(a).iter().all(|slot| !slots(b).contains(slot))
}

/// The size she last chose per category, as the app remembers it on her device.
///
/// On the wire (`?sizes=`) it is `category:size` pairs joined by commas, e.g. `shoes:38,tops:M`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sizes(BTreeMap<Category, String>);

impl Sizes {
    pub fn new() -> Self {
        Sizes::default()
    }

    pub fn get(&self, category: Category) -> Option<&str> {
        self.0.get(&category).map(String::as_str)
    }

    pub fn set(&mut self, category: Category, size: impl Into<String>) {
        self.0.insert(category, size.into());
    }

    /// Reads the wire form; a pair that is not `known-category:size` is an error naming it.
    pub fn parse(text: &str) -> Result<Sizes, String> {
        let mut sizes = Sizes::new();
        for pair in text.split(',').filter(|p| !p.is_empty()) {
            let (category, size) = pair
                .split_once(':')
                .ok_or_else(|| format!("`{pair}` is not `category:size`"))?;
            let category = Category::from_str_opt(category)
                .ok_or_else(|| format!("unknown category `{category}` in `{pair}`"))?;
            if !is_size(size) {
                return Err(format!("`{size}` is not a size"));
            }
            sizes.set(category, size);
        }
        Ok(sizes)
    }

    pub fn to_wire(&self) -> String {
        self.0
            .iter()
            .map(|(category, size)| format!("{}:{size}", category.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A size as a size chart prints it (`M`, `38`, `F`): short, and free of the wire's separators.
pub fn is_size(text: &str) -> bool {
    !text.is_empty() && text.len() <= 8 && !text.contains([',', ':'])
}

/// A look as the stylists made it: one product per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyledLook {
    pub id: String,
    pub name: Localized,
    pub items: Vec<(ProductId, Category)>,
}

/// What the suggestions are about: the product she looks at, or her bag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wearer {
    /// The products to dress around (the one on screen, or every product in the bag).
    pub holds: Vec<(ProductId, Category)>,
    /// Products in her bag: never suggested.
    pub owns: BTreeSet<ProductId>,
    pub sizes: Sizes,
    /// The store she stands in.
    pub here: Option<StoreId>,
}

impl Wearer {
    fn dressed(&self) -> BTreeSet<Slot> {
        self.holds
            .iter()
            .flat_map(|(_, category)| slots(*category).iter().copied())
            .collect()
    }
}

/// How well a stylists' look fits what she holds: compared as a tuple, larger first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Fit {
    /// Her products the look holds.
    holds: usize,
    /// Products of hers the look has another product in place of (same part of the body).
    alike: usize,
}

fn fit(look: &StyledLook, wearer: &Wearer) -> Fit {
    let holds = wearer
        .holds
        .iter()
        .filter(|(id, _)| look.items.iter().any(|(item, _)| item == id))
        .count();
    let alike = wearer
        .holds
        .iter()
        .filter(|(id, category)| {
            look.items
                .iter()
                .any(|(item, c)| slots(*c) == slots(*category) && item != id)
        })
        .count();
    Fit { holds, alike }
}

/// The stylists' looks that have something to do with what she holds, best first (ties in id
/// order). The server reads the products of the first few of these only.
pub fn candidates<'a>(looks: &'a [StyledLook], wearer: &Wearer) -> Vec<&'a StyledLook> {
    let mut fitting: Vec<(Fit, &StyledLook)> = looks
        .iter()
        .map(|look| (fit(look, wearer), look))
        .filter(|(fit, _)| fit.holds + fit.alike > 0)
        .collect();
    fitting.sort_by(|(a, la), (b, lb)| b.cmp(a).then_with(|| la.id.cmp(&lb.id)));
    fitting.into_iter().map(|(_, look)| look).collect()
}

/// Where `variant` can be had; `None` when nowhere.
fn source(variant: &Variant, here: Option<&StoreId>) -> Option<Source> {
    if here.is_some_and(|here| variant.stock_in(here) > 0) {
        return Some(Source::Here);
    }
    let stores: Vec<StoreId> = variant
        .store_stock
        .iter()
        .filter(|s| s.quantity > 0)
        .map(|s| s.store_id.clone())
        .collect();
    if !stores.is_empty() {
        Some(Source::Stores { stores })
    } else if variant.online_stock > 0 {
        Some(Source::Online)
    } else {
        None
    }
}

/// The item to show for `product`: in her size if known, the colour that is nearest to hand
/// (the product's colour order breaks ties); `None` when it cannot be had in her size.
fn item(product: &Product, wearer: &Wearer) -> Option<LookItem> {
    let size = wearer.sizes.get(product.category);
    let here = wearer.here.as_ref();
    let (variant, source) = product
        .variants
        .iter()
        .filter(|v| size.is_none_or(|size| v.size == size))
        .filter_map(|v| source(v, here).map(|s| (v, s)))
        .min_by(|(va, sa), (vb, sb)| {
            let colour = |v: &Variant| product.colours.iter().position(|c| c.code == v.colour);
            sa.cmp(sb).then_with(|| colour(va).cmp(&colour(vb)))
        })?;
    Some(LookItem {
        product: product.clone(),
        colour: variant.colour.clone(),
        size: size.map(str::to_string),
        sku: size.map(|_| variant.sku.clone()),
        price: variant.price,
        source,
    })
}

/// The looks to show her, at most [`MAX_LOOKS`], from `looks` (as [`candidates`] ordered them)
/// and the products they name (`product` answers `None` for one that is gone).
pub fn complete<'a>(
    looks: &[&StyledLook],
    wearer: &Wearer,
    product: impl Fn(&ProductId) -> Option<&'a Product>,
) -> Vec<Look> {
    let dressed = wearer.dressed();
    let mut shown: BTreeSet<ProductId> = BTreeSet::new();
    let mut ranked: Vec<(usize, usize, Look)> = Vec::new();
    for (rank, look) in looks.iter().enumerate() {
        let items: Vec<LookItem> = look
            .items
            .iter()
            .filter(|(_, category)| slots(*category).iter().all(|s| !dressed.contains(s)))
            .filter(|(id, _)| !wearer.owns.contains(id) && !shown.contains(id))
            .filter(|(id, _)| wearer.holds.iter().all(|(held, _)| held != id))
            .filter_map(|(id, _)| item(product(id)?, wearer))
            .collect();
        if items.is_empty() {
            continue;
        }
        shown.extend(items.iter().map(|i| i.product.id.clone()));
        let at_hand = items.iter().filter(|i| i.source == Source::Here).count();
        ranked.push((
            rank,
            at_hand,
            Look {
                id: look.id.clone(),
                name: look.name.clone(),
                items,
            },
        ));
        if ranked.len() == MAX_LOOKS {
            break;
        }
    }
    // Among looks that fit equally, the one she can take home from this store comes first.
    let fits: Vec<Fit> = looks.iter().map(|l| fit(l, wearer)).collect();
    ranked.sort_by(|(ra, ha, _), (rb, hb, _)| {
        fits[*rb].cmp(&fits[*ra]).then(hb.cmp(ha)).then(ra.cmp(rb))
    });
    ranked.into_iter().map(|(_, _, look)| look).collect()
}

#[cfg(test)]
mod tests;
