//! rxing, set up twice: a quick live reader for camera frames and a thorough one for photos.

use crate::frame::Frame;
use crate::guard;
use rxing::common::HybridBinarizer;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, MultiFormatReader};
use std::collections::HashSet;

/// The symbologies found on hang tags and shelf labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Ean13,
    Ean8,
    UpcA,
    UpcE,
    Code128,
    Qr,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Ean13,
        Format::Ean8,
        Format::UpcA,
        Format::UpcE,
        Format::Code128,
        Format::Qr,
    ];

    /// The name zxing and rxing use, which the `decode` command prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ean13 => "EAN_13",
            Format::Ean8 => "EAN_8",
            Format::UpcA => "UPC_A",
            Format::UpcE => "UPC_E",
            Format::Code128 => "CODE_128",
            Format::Qr => "QR_CODE",
        }
    }

    fn rxing(self) -> BarcodeFormat {
        match self {
            Format::Ean13 => BarcodeFormat::EAN_13,
            Format::Ean8 => BarcodeFormat::EAN_8,
            Format::UpcA => BarcodeFormat::UPC_A,
            Format::UpcE => BarcodeFormat::UPC_E,
            Format::Code128 => BarcodeFormat::CODE_128,
            Format::Qr => BarcodeFormat::QR_CODE,
        }
    }

    fn from_rxing(format: &BarcodeFormat) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.rxing() == *format)
    }
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Camera frames, many a second: one quick pass; the next frame is the retry.
    Live,
    /// A photo, once: try harder, inverted, turned, at several scales.
    Thorough,
}

/// A code that passed [`guard::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub format: Format,
    pub text: String,
}

/// Photos are read at most this many pixels on the long side first, then at halves of it: fine
/// detail beyond this is sensor noise for a tag-sized code, and small levels find big codes.
const PYRAMID_TOP: u32 = 1600;
const PYRAMID_BOTTOM: u32 = 300;

/// Holds the two configured readers: setting hints once is what makes repeated frames cheap.
pub struct Scanner {
    live: MultiFormatReader,
    thorough: MultiFormatReader,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    pub fn new() -> Scanner {
        let formats: HashSet<BarcodeFormat> = Format::ALL.into_iter().map(Format::rxing).collect();
        let mut live = MultiFormatReader::default();
        live.set_hints(&DecodeHints {
            PossibleFormats: Some(formats.clone()),
            TryHarder: Some(false),
            ..DecodeHints::default()
        });
        let mut thorough = MultiFormatReader::default();
        thorough.set_hints(&DecodeHints {
            PossibleFormats: Some(formats),
            TryHarder: Some(true),
            AlsoInverted: Some(true),
            ..DecodeHints::default()
        });
        Scanner { live, thorough }
    }

    /// The first code in `frame` that passes the guard, if any.
    pub fn scan(&mut self, frame: &Frame, mode: Mode) -> Option<Decoded> {
        match mode {
            Mode::Live => read(&mut self.live, frame),
            Mode::Thorough => pyramid(frame).find_map(|level| {
                read(&mut self.thorough, &level)
                    .or_else(|| read(&mut self.thorough, &level.rotated()))
            }),
        }
    }
}

fn read(reader: &mut MultiFormatReader, frame: &Frame) -> Option<Decoded> {
    let source = Luma8Source::new_with_slice(frame.luma(), frame.width(), frame.height()).ok()?;
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let result = reader.decode_with_state(&mut bitmap).ok()?;
    let format = Format::from_rxing(result.getBarcodeFormat())?;
    let text = result.getText();
    guard::check(format, text).ok()?;
    Some(Decoded {
        format,
        text: text.to_string(),
    })
}

/// The photo at ≤ [`PYRAMID_TOP`] pixels, then halved while the long side stays ≥ [`PYRAMID_BOTTOM`].
fn pyramid(frame: &Frame) -> impl Iterator<Item = Frame> {
    let mut top = frame.clone();
    while top.width().max(top.height()) > PYRAMID_TOP {
        top = top.half();
    }
    std::iter::successors(Some(top), |level| {
        let next = level.half();
        (next.width().max(next.height()) >= PYRAMID_BOTTOM).then_some(next)
    })
}
