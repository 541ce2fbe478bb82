//! What to look for in a picture and in which order: a camera frame once and quickly (its rows,
//! then a QR code), a photo thoroughly (QR codes framed and enlarged, every row, turned, at several
//! scales).

use crate::frame::Frame;
use crate::guard::{self, Votes};
use crate::linear::{self, Rows};
use crate::protocol::{Decoded, Format};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::qrcode::cpp_port::QrReader;
use rxing::qrcode::QRCodeReader;
use rxing::{BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, Reader};
use std::collections::HashSet;

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Camera frames, many a second: one quick pass; the next frame is the retry.
    Live,
    /// A photo, once: try harder, inverted, turned, at several scales.
    Thorough,
}

/// Photos are read at most this many pixels on the long side first, then at halves of it: fine
/// detail beyond this is sensor noise for a tag-sized code, and small levels find big codes.
const PYRAMID_TOP: u32 = 1600;
const PYRAMID_BOTTOM: u32 = 300;

/// Holds the two readers' settings: live frames look once, photos try harder.
pub struct Scanner {
    live: DecodeHints,
    thorough: DecodeHints,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    pub fn new() -> Scanner {
        let live = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            TryHarder: Some(false),
            ..DecodeHints::default()
        };
        let thorough = DecodeHints {
            TryHarder: Some(true),
            ..live.clone()
        };
        Scanner { live, thorough }
    }

    /// The code in `frame` that passes the guard, if any: a QR code (its error correction is its
    /// own evidence) or a linear code that enough rows agree on.
    pub fn scan(&mut self, frame: &Frame, mode: Mode) -> Option<Decoded> {
        let mut votes = Votes::default();
        match mode {
            // Rows first: they stop at the first agreement, and a frame with a linear code
            // then never pays for the QR finder-pattern search over the whole frame.
            Mode::Live => {
                let mut bitmap = binarise(frame)?;
                linear::read(frame, &bitmap, Rows::Middle, &mut votes);
                let linear = votes.agreed().cloned();
                linear.or_else(|| qr(frame, &mut bitmap, &self.live, Effort::Inverted))
            }
            Mode::Thorough => pyramid(frame).find_map(|level| {
                let mut bitmap = binarise(&level)?;
                self.qr_in_photo(&level, &mut bitmap).or_else(|| {
                    let mut rows = |picture: &Frame, bitmap: &Binarised<'_>| {
                        linear::read(picture, bitmap, Rows::All, &mut votes);
                        votes.agreed().cloned()
                    };
                    rows(&level, &bitmap).or_else(|| {
                        let turned = level.rotated();
                        rows(&turned, &binarise(&turned)?)
                    })
                })
            }),
        }
    }

    /// QR codes in one level of a photo: as it is, in a thin and a wide white frame (a code
    /// cropped to its edge has no quiet zone), and doubled when small (modules of two pixels).
    fn qr_in_photo(&self, level: &Frame, bitmap: &mut Binarised<'_>) -> Option<Decoded> {
        let long = level.width().max(level.height());
        let read = |picture: &Frame| {
            qr(
                picture,
                &mut binarise(picture)?,
                &self.thorough,
                Effort::Global,
            )
        };
        qr(level, bitmap, &self.thorough, Effort::Global)
            .or_else(|| read(&level.framed(long / 32 + 4)))
            .or_else(|| read(&level.framed(long / 8)))
            .or_else(|| {
                (long < 2 * PYRAMID_BOTTOM).then(|| read(&level.doubled().framed(long / 8)))?
            })
    }
}

/// A picture binarised once by rxing's hybrid binarizer, shared by the rows and the QR readers:
/// its rows are binarised by their own histogram, its matrix by local averages.
pub(crate) type Binarised<'a> = BinaryBitmap<HybridBinarizer<Luma8Source<'a>>>;

fn binarise(frame: &Frame) -> Option<Binarised<'_>> {
    let source = Luma8Source::new_with_slice(frame.luma(), frame.width(), frame.height()).ok()?;
    Some(BinaryBitmap::new(HybridBinarizer::new(source)))
}

/// How many ways [`qr`] looks at a picture.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effort {
    /// The local-average binarisation, dark on light and light on dark (a code on a phone
    /// screen in dark mode).
    Inverted,
    /// Also the global binarisation, which keeps the modules of a code on a smooth gradient.
    Global,
}

/// A QR code in `frame` (binarised as `bitmap`): rxing's port of zxing-cpp's detector first, then
/// its own.
fn qr(
    frame: &Frame,
    bitmap: &mut Binarised<'_>,
    hints: &DecodeHints,
    effort: Effort,
) -> Option<Decoded> {
    fn attempt<B: Binarizer>(bitmap: &mut BinaryBitmap<B>, hints: &DecodeHints) -> Option<String> {
        let once = |bitmap: &mut BinaryBitmap<B>| {
            QrReader
                .decode_with_hints(bitmap, hints)
                .or_else(|_| QRCodeReader.decode_with_hints(bitmap, hints))
                .ok()
                .map(|result| result.getText().to_string())
        };
        once(bitmap).or_else(|| {
            bitmap.invert();
            let found = once(bitmap);
            // Back to dark on light for whoever reads the bitmap next.
            bitmap.invert();
            found
        })
    }
    let text = attempt(bitmap, hints).or_else(|| {
        let source = Luma8Source::new_with_slice(frame.luma(), frame.width(), frame.height());
        let mut global = BinaryBitmap::new(GlobalHistogramBinarizer::new(source.ok()?));
        (effort == Effort::Global).then(|| attempt(&mut global, hints))?
    })?;
    guard::check(Format::Qr, &text).ok()?;
    Some(Decoded {
        format: Format::Qr,
        text,
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
