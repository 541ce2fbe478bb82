//! The size she last chose in each category, remembered on this device: "complete the look"
//! adds in that size with one tap. One key per category (`shopbag.size.shoes` = `38`), so that
//! remembering one is a single write with no reading or parsing.

use crate::api::looks::{is_size, Sizes};
use crate::api::{Category, Product, Sku};
use crate::storage;

fn key(category: Category) -> String {
    format!("shopbag.size.{}", category.as_str())
}

/// What this device remembers; a value that is not a size is left out.
pub fn remembered() -> Sizes {
    let mut sizes = Sizes::new();
    for category in Category::ALL {
        if let Some(size) = storage::read_text(&key(category)).filter(|s| is_size(s)) {
            sizes.set(category, size);
        }
    }
    sizes
}

/// Remembers the size of `sku` for its product's category. Not kept (storage off or full):
/// the next look asks for her size again, nothing else is lost.
pub fn remember(product: &Product, sku: &Sku) {
    if let Some(variant) = product.variants.iter().find(|v| v.sku == *sku) {
        let _ = storage::write_text(&key(product.category), &variant.size);
    }
}
