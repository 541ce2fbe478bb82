//! The member code as pictures: a QR code and a Code 128 barcode of the same 18 digits. The
//! symbols come from kept encoders (`qrcode`, `barcoders`); this only turns their modules into
//! SVG path data, one square or bar per dark module, and that into an SVG image.

use barcoders::sym::code128::Code128;
use leptos::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

/// A drawing: its size in modules and an SVG path of its dark modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    pub width: usize,
    pub height: usize,
    pub path: String,
}

impl Drawing {
    /// The drawing as an SVG image, black on white, labelled for screen readers.
    pub fn svg(self, class: &'static str, label: String) -> impl IntoView {
        let Drawing {
            width,
            height,
            path,
        } = self;
        view! {
            <svg
                class=class
                viewBox=format!("0 0 {width} {height}")
                role="img"
                aria-label=label
                shape-rendering="crispEdges"
            >
                <rect width=width height=height fill="#fff" />
                <path d=path fill="#000" />
            </svg>
        }
    }
}

/// Modules of light margin around each symbol (the quiet zone scanners need).
pub const QR_QUIET: usize = 4;
pub const BARS_QUIET: usize = 10;
/// A Code 128 drawing's height, in modules.
pub const BARS_HEIGHT: usize = 40;

/// The QR code of `text`, error correction M (a phone screen with a scratch or glare still reads).
pub fn qr(text: &str) -> Option<Drawing> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let size = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % size + QR_QUIET, i / size + QR_QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let side = size + 2 * QR_QUIET;
    Some(Drawing {
        width: side,
        height: side,
        path,
    })
}

/// The Code 128 barcode of `digits` (an even number of them, in code set C: two to a symbol).
pub fn bars(digits: &str) -> Option<Drawing> {
    let even = digits.len().is_multiple_of(2) && digits.bytes().all(|b| b.is_ascii_digit());
    if !even || digits.is_empty() {
        return None;
    }
    // `Ć` selects code set C.
    let modules = Code128::new(format!("Ć{digits}")).ok()?.encode();
    let mut path = String::new();
    let mut x = 0;
    while x < modules.len() {
        if modules[x] == 1 {
            let start = x;
            while x < modules.len() && modules[x] == 1 {
                x += 1;
            }
            let width = x - start;
            path.push_str(&format!(
                "M{} 0h{width}v{BARS_HEIGHT}h-{width}z",
                start + BARS_QUIET
            ));
        } else {
            x += 1;
        }
    }
    Some(Drawing {
        width: modules.len() + 2 * BARS_QUIET,
        height: BARS_HEIGHT,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "971234567894287082";

    #[test]
    fn an_eighteen_digit_code_is_a_small_qr_with_its_quiet_zone() {
        let drawing = qr(CODE).unwrap();
        // 18 digits in numeric mode at level M fit version 1: 21 modules a side.
        assert_eq!(drawing.width, 21 + 2 * QR_QUIET);
        assert_eq!(drawing.width, drawing.height);
        // The three finder patterns' corners are dark.
        for (x, y) in [(4, 4), (4 + 20, 4), (4, 4 + 20)] {
            assert!(
                drawing.path.contains(&format!("M{x} {y}h1v1h-1z")),
                "{x},{y}"
            );
        }
        assert_ne!(qr("971234567894287083"), Some(drawing));
    }

    #[test]
    fn code_set_c_packs_two_digits_to_a_symbol() {
        let drawing = bars(CODE).unwrap();
        // Start C, 9 symbols of two digits, checksum: 11 modules each; stop: 13.
        assert_eq!(drawing.width, 11 * 11 + 13 + 2 * BARS_QUIET);
        assert!(
            drawing.path.starts_with(&format!("M{BARS_QUIET} 0h2v")),
            "{}",
            drawing.path
        );
        assert_eq!(bars("97123"), None);
        assert_eq!(bars("97a2"), None);
    }
}
