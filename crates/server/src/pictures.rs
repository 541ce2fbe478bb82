//! Product pictures drawn by the server: the category's silhouette in the colour's own hex, with
//! a pattern and details that tell products of one category apart. Nothing is downloaded; a
//! picture is a pure function of its address (see `shopbag_api::picture_path`), so browsers and
//! proxies keep it for a year.

use shopbag_api::{Category, ProductId, PICTURE_HEIGHT, PICTURE_WIDTH};
use std::fmt::Write;

/// A colour as `rrggbb`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hex([u8; 3]);

impl Hex {
    /// Six hex digits, with or without `#`.
    pub fn parse(text: &str) -> Option<Hex> {
        let digits = text.strip_prefix('#').unwrap_or(text);
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
        Some(Hex([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// Perceived lightness, 0–255 (Rec. 601 weights).
    fn lightness(self) -> u32 {
        let [r, g, b] = self.0.map(u32::from);
        (299 * r + 587 * g + 114 * b) / 1000
    }

    /// The colour moved `by` (of 255) towards white or black, for seams and shadows that show on
    /// it whatever it is.
    fn shade(self, by: u8) -> Hex {
        let dark = self.lightness() > 110;
        Hex(self.0.map(|c| {
            if dark {
                c.saturating_sub(by)
            } else {
                c.saturating_add(by)
            }
        }))
    }
}

impl std::fmt::Display for Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

/// The outline of each category on a 120 × 150 canvas.
fn silhouette(category: Category) -> &'static str {
    match category {
        Category::Tops => "M40 22 L22 30 L8 56 L24 64 L32 50 L32 134 L88 134 L88 50 L96 64 L112 56 L98 30 L80 22 Q60 36 40 22 Z",
        Category::Knitwear => "M40 20 L20 28 L10 80 L8 120 L22 122 L28 82 L32 60 L30 132 L90 132 L88 60 L92 82 L98 122 L112 120 L110 80 L100 28 L80 20 Q60 32 40 20 Z",
        Category::Outerwear => "M42 12 L20 22 L12 70 L10 132 L24 134 L28 84 L30 144 L90 144 L92 84 L96 134 L110 132 L108 70 L100 22 L78 12 L60 40 Z",
        Category::Trousers => "M34 12 L86 12 L92 142 L68 142 L60 52 L52 142 L28 142 Z",
        Category::Skirts => "M38 24 L82 24 L100 126 Q60 136 20 126 Z",
        Category::Dresses => "M46 10 L40 14 L42 40 L36 64 L16 136 Q60 146 104 136 L84 64 L78 40 L80 14 L74 10 Q60 24 46 10 Z",
        Category::Shoes => "M14 70 L14 112 L106 112 Q110 94 92 88 L64 80 L52 62 L32 60 Q20 60 14 70 Z",
        Category::Bags => "M22 56 L98 56 L104 136 L16 136 Z",
        Category::Accessories => "M44 14 L76 14 L74 60 L84 136 L64 140 L58 76 L50 132 L32 128 L44 60 Z",
    }
}

/// Lines drawn over the silhouette: seams, buttons, handles, soles.
fn details(category: Category, variant: u32) -> String {
    let mut svg = String::new();
    match category {
        Category::Outerwear => {
            svg.push_str("<path d=\"M60 40 L60 144 M42 12 L52 52 M78 12 L68 52\"/>");
            for i in 0..(3 + variant % 3) {
                let y = 60 + i * 18;
                let _ = write!(svg, "<circle cx=\"66\" cy=\"{y}\" r=\"2.5\"/>");
            }
        }
        Category::Knitwear => svg.push_str(
            "<path d=\"M30 124 L90 124 M30 128 L90 128 M10 112 L22 114 M98 114 L110 112\"/>",
        ),
        Category::Tops if variant % 2 == 1 => svg.push_str("<path d=\"M60 30 L60 134\"/>"),
        Category::Trousers => svg.push_str("<path d=\"M34 24 L86 24 M60 24 L60 52\"/>"),
        Category::Dresses => svg.push_str("<path d=\"M42 40 Q60 48 78 40\"/>"),
        Category::Shoes => svg.push_str("<path d=\"M14 104 L108 104 M52 62 L40 84\"/>"),
        Category::Bags => {
            let lift = 10 + (variant % 3) * 8;
            let _ = write!(
                svg,
                "<path d=\"M40 56 Q40 {} 60 {} Q80 {} 80 56\" fill=\"none\"/>",
                56 - lift,
                56 - lift,
                56 - lift
            );
        }
        Category::Accessories => svg.push_str("<path d=\"M50 132 L50 138 M58 76 L62 140\"/>"),
        Category::Skirts | Category::Tops => {}
    }
    svg
}

/// The pattern woven into the fabric: plain, stripes, dots or checks, chosen by the product.
fn pattern(variant: u32, ink: Hex) -> Option<String> {
    let body = match variant % 4 {
        0 => return None,
        1 => format!("<path d=\"M0 4 L8 4\" stroke=\"{ink}\" stroke-width=\"2\"/>"),
        2 => format!("<circle cx=\"4\" cy=\"4\" r=\"1.2\" fill=\"{ink}\"/>"),
        _ => format!("<path d=\"M0 0 L8 0 L8 8 M0 0 L0 8\" stroke=\"{ink}\" stroke-width=\"1\" fill=\"none\"/>"),
    };
    Some(format!(
        "<pattern id=\"fabric\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">{body}</pattern>"
    ))
}

/// A small number from the product id, the same on every server: which pattern and details.
fn variant_of(product_id: &str) -> u32 {
    product_id
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
}

/// The SVG of `product_id` (of `category`) in `colour`.
pub fn draw(product_id: &ProductId, category: Category, colour: Hex) -> String {
    let variant = variant_of(product_id.as_str());
    let line = colour.shade(70);
    let pattern = pattern(variant / 3, colour.shade(45));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PICTURE_WIDTH}\" height=\"{PICTURE_HEIGHT}\" \
         viewBox=\"0 0 120 150\"><rect width=\"120\" height=\"150\" fill=\"#f3f0eb\"/>"
    );
    let shape = silhouette(category);
    let _ = write!(svg, "<path d=\"{shape}\" fill=\"{colour}\"/>");
    if let Some(pattern) = pattern {
        let _ = write!(
            svg,
            "<defs>{pattern}</defs><path d=\"{shape}\" fill=\"url(#fabric)\"/>"
        );
    }
    let _ = write!(
        svg,
        "<g fill=\"{line}\" stroke=\"{line}\" stroke-width=\"1.5\" stroke-linejoin=\"round\">\
         <path d=\"{shape}\" fill=\"none\"/>{}</g></svg>",
        details(category, variant)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(Hex::parse("#1a2B3c"), Some(Hex([0x1a, 0x2b, 0x3c])));
        assert_eq!(Hex::parse("1a2b3c").unwrap().to_string(), "#1a2b3c");
        for bad in ["", "#12345", "#1234567", "zz0000", "#12 345", "#１２３４５"] {
            assert_eq!(Hex::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn seams_show_on_black_and_on_white() {
        assert!(Hex::parse("#111111").unwrap().shade(70).lightness() > 60);
        assert!(Hex::parse("#ffffff").unwrap().shade(70).lightness() < 200);
    }

    #[test]
    fn a_picture_is_the_same_every_time_and_differs_by_product_and_colour() {
        let black = Hex::parse("#1b1b1b").unwrap();
        let camel = Hex::parse("#c19a6b").unwrap();
        let coat = draw(&"P0001".into(), Category::Outerwear, black);
        assert_eq!(coat, draw(&"P0001".into(), Category::Outerwear, black));
        assert!(coat
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"300\""));
        assert!(coat.contains("fill=\"#1b1b1b\""));
        assert_ne!(coat, draw(&"P0001".into(), Category::Outerwear, camel));
        let others: std::collections::HashSet<String> = (1..=12)
            .map(|i| draw(&format!("P{i:04}").into(), Category::Outerwear, black))
            .collect();
        assert!(others.len() >= 4, "{} kinds of coat", others.len());
        for category in Category::ALL {
            assert!(draw(&"P0002".into(), category, camel).ends_with("</svg>"));
        }
    }
}
