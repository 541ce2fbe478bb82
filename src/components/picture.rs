//! A product's picture in one colour: drawn by the server, sized up front (no layout shift),
//! described for screen readers, fetched late when it is below the fold.
//!
//! A plain `img` with fixed attributes; a screen whose colour changes draws it again. (A
//! component with reactive attributes weighed several KB in the first load of every screen.)

use crate::api::{ColourCode, Lang, Product, PICTURE_HEIGHT, PICTURE_WIDTH};
use leptos::prelude::*;

/// When to fetch a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// The first thing on the screen: at once.
    AtOnce,
    /// Further down: when the shopper scrolls near it.
    WhenNear,
}

/// `product` in `colour` (a colour code; its first colour for an unknown one), described in
/// `lang`: "Wool coat, camel". `class` sizes it for the screen (`picture-small` in lists).
pub fn picture(
    product: &Product,
    colour: &ColourCode,
    lang: Lang,
    load: Load,
    class: &str,
) -> impl IntoView {
    let name = product.name.get(lang);
    let alt = match product.colour(colour).or(product.colours.first()) {
        Some(c) => format!("{name}, {}", c.name.get(lang)),
        None => name.to_string(),
    };
    let loading = match load {
        Load::AtOnce => "eager",
        Load::WhenNear => "lazy",
    };
    view! {
        <img
            class=format!("picture {class}")
            src=product.picture(colour)
            alt=alt
            width=PICTURE_WIDTH
            height=PICTURE_HEIGHT
            loading=loading
            decoding="async"
        />
    }
}
