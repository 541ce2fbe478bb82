//! Linear codes — EAN/UPC and Code 128 — read row by row.
//!
//! rxing's one-D readers stop at the first row that decodes and accept a short code with a quiet
//! zone as wide as its guard bars: on real photos that lets blurred bars through as a wrong code
//! and finds EAN-8s in textures. So rxing decodes single rows only, and the rest is ours: which
//! rows; three binarisations (the row's own histogram, rxing's local-average matrix, and our
//! half-pixel local mean — light that falls off across a tag, modules two pixels wide); every
//! start guard in a row tried, not just the first; quiet zones of five modules, where the
//! picture's edge counts as quiet; and [`Votes`] to decide when the rows agree.

use crate::frame::Frame;
use crate::guard::{self, RowReading, Votes};
use crate::protocol::{Decoded, Format};
use crate::scanner::Binarised;
use rxing::common::BitArray;
use rxing::oned::{Code128Reader, EAN13Reader, EAN8Reader, OneDReader, UPCEANReader, UPCEReader};
use rxing::{DecodeHints, RXingResult};

/// Which rows of a picture to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// The middle half of the picture, 15 rows: a camera frame, where the viewfinder puts the
    /// tag in the middle and the next frame is the retry.
    Middle,
    /// Rows across the whole picture, about 256 of them: a photo, read once.
    All,
}

/// The start and end guards of EAN/UPC: bar, space, bar.
const GUARD: [u32; 3] = [1, 1, 1];

/// Reads the rows of `frame` chosen by `rows` and adds what each one shows to `votes`. Each row
/// is binarised up to three ways and each binarisation read both ways round (tags upside down).
pub fn read(frame: &Frame, bitmap: &Binarised<'_>, rows: Rows, votes: &mut Votes) {
    let (width, height) = (frame.width() as usize, frame.height() as usize);
    let pass = votes.pass(frame.height());
    let mut done = vec![false; height];
    let mut read_at = |y: usize, votes: &mut Votes| -> bool {
        if std::mem::replace(&mut done[y], true) {
            return false;
        }
        let luma = &frame.luma()[y * width..(y + 1) * width];
        let mut found = false;
        let mut readings = 0;
        // The two row binarisations first; the local-average matrix (a pass over the whole
        // picture, shared with the QR search) not for a camera frame's row they both read.
        for binarisation in 0..3 {
            let row = match binarisation {
                0 => bitmap.get_black_row(y).ok().map(|row| framed(&row)),
                1 => Some(framed(&fine(luma))),
                _ if readings >= 2 && rows == Rows::Middle => None,
                _ => Some(framed(&bitmap.get_black_matrix().getRow(y as u32))),
            };
            let Some(mut row) = row else { continue };
            for turn in 0..2 {
                if let Some(code) = read_row(&row, y as u32) {
                    let way = (binarisation * 2 + turn) as u8;
                    votes.add(
                        code,
                        RowReading {
                            pass,
                            y: y as u32,
                            way,
                        },
                    );
                    found = true;
                    readings += 1;
                }
                row.reverse();
            }
        }
        found
    };
    let (step, count) = match rows {
        Rows::Middle => ((height / 32).max(1), 15),
        Rows::All => ((height / 256).max(1), height),
    };
    let middle = height / 2;
    for i in 0..count {
        let offset = step * i.div_ceil(2);
        let y = if i % 2 == 0 {
            middle + offset
        } else {
            middle.wrapping_sub(offset)
        };
        if y >= height {
            break;
        }
        // A row that reads something has its neighbours read too, as zxing-cpp does: a real
        // code is taller than one row, so it shows again there.
        if read_at(y, votes) && step > 1 {
            for near in [y.wrapping_sub(1), y + 1, y.wrapping_sub(2), y + 2] {
                if near < height {
                    read_at(near, votes);
                }
            }
        }
        // A camera frame stops at the first agreement: the next frame is coming.
        if rows == Rows::Middle && votes.agreed().is_some() {
            break;
        }
    }
}

/// A row binarised at twice its resolution against its neighbourhood's mean: edges land on half
/// pixels, which matters when a module is two or three pixels wide, and light that falls off
/// along the tag moves the threshold with it.
fn fine(luma: &[u8]) -> BitArray {
    let n = luma.len();
    let mut histogram = [0usize; 256];
    for &l in luma {
        histogram[usize::from(l)] += 1;
    }
    let percentile = |share: usize| {
        let mut seen = 0;
        histogram
            .iter()
            .position(|&count| {
                seen += count;
                seen * 20 > n * share
            })
            .unwrap_or(255) as i32
    };
    let contrast = percentile(19) - percentile(1);
    let mut bits = BitArray::with_size(2 * n);
    if contrast < 24 {
        return bits;
    }
    let mut sums = Vec::with_capacity(n + 1);
    sums.push(0i32);
    for &l in luma {
        sums.push(sums.last().unwrap() + i32::from(l));
    }
    let half = (n / 16).max(4);
    let margin = contrast / 16;
    for x in 0..n {
        let (from, to) = (x.saturating_sub(half), (x + half + 1).min(n));
        let mean2 = 2 * (sums[to] - sums[from]) / (to - from) as i32;
        let here = i32::from(luma[x]);
        let next = i32::from(luma[(x + 1).min(n - 1)]);
        // The pixel itself and the point half way to the next one.
        for (i, value2) in [(2 * x, 2 * here), (2 * x + 1, here + next)] {
            if value2 < mean2 - 2 * margin {
                bits.set(i);
            }
        }
    }
    bits
}

/// The row with light margins added at both ends: the picture's edge counts as quiet zone, as
/// it does for a tag photographed edge to edge (the row agreement still has to hold).
fn framed(row: &BitArray) -> BitArray {
    let margin = row.get_size() / 8 + 8;
    let mut framed = BitArray::with_size(row.get_size() + 2 * margin);
    for x in 0..row.get_size() {
        if row.get(x) {
            framed.set(x + margin);
        }
    }
    framed
}

/// The first code one binarised row shows, if any.
fn read_row(row: &BitArray, y: u32) -> Option<Decoded> {
    upc_ean(row, y).or_else(|| code128(row, y))
}

fn code128(row: &BitArray, y: u32) -> Option<Decoded> {
    let result = Code128Reader
        .decode_row(y, row, &DecodeHints::default())
        .ok()?;
    accept(Format::Code128, result.getText().to_string())
}

/// EAN-13, UPC-A, EAN-8 or UPC-E: every start guard with a quiet zone before it is tried, so a
/// bar pattern left of the code cannot hide it.
fn upc_ean(row: &BitArray, y: u32) -> Option<Decoded> {
    let hints = DecodeHints::default();
    let mut from = 0;
    loop {
        let guard = EAN13Reader
            .findGuardPatternWithCounters(row, from, false, &GUARD, &mut [0; 3])
            .ok()?;
        from = guard[1];
        let quiet = guard[1] - guard[0];
        if guard[0] < quiet || !row.isRange(guard[0] - quiet, guard[0], false).ok()? {
            continue;
        }
        let found = try_reader(&EAN13Reader, row, y, &guard, &hints)
            .or_else(|| try_reader(&EAN8Reader, row, y, &guard, &hints))
            .or_else(|| try_reader(&UPCEReader, row, y, &guard, &hints));
        if found.is_some() {
            return found;
        }
    }
}

fn try_reader<R: UPCEANReader>(
    reader: &R,
    row: &BitArray,
    y: u32,
    guard: &[usize; 2],
    hints: &DecodeHints,
) -> Option<Decoded> {
    let result = reader.decodeRowWithGuardRange(y, row, guard, hints).ok()?;
    let text = result.getText();
    let (format, text) = match reader.getBarcodeFormat() {
        // An EAN-13 that starts with 0 is a UPC-A, and tags print it so.
        rxing::BarcodeFormat::EAN_13 if text.starts_with('0') => (Format::UpcA, &text[1..]),
        rxing::BarcodeFormat::EAN_13 => (Format::Ean13, text),
        rxing::BarcodeFormat::EAN_8 => (Format::Ean8, text),
        _ => (Format::UpcE, text),
    };
    if !quiet_zones(format, row, &result) {
        return None;
    }
    accept(format, text.to_string())
}

/// Light before and after an EAN/UPC symbol, in modules. The standard asks for 7 to 11; rxing
/// checks 3, which lets a run of bars inside a bigger code pass for an EAN-8 or a UPC-E.
const QUIET_MODULES: f32 = 5.0;

/// Whether the row is light for [`QUIET_MODULES`] on both sides of the symbol rxing found.
fn quiet_zones(format: Format, row: &BitArray, result: &RXingResult) -> bool {
    // Modules from the centre of the start guard to the centre of the end guard, and the end
    // guard's half width (rxing reports the guards' centres).
    let (span, end_half) = match format {
        Format::Ean13 | Format::UpcA => (92.0, 1.5),
        Format::Ean8 => (64.0, 1.5),
        Format::UpcE => (46.5, 3.0),
        Format::Code128 | Format::Qr => return true,
    };
    let points = result.getPoints();
    let (Some(left), Some(right)) = (points.first(), points.get(1)) else {
        return false;
    };
    let module = (right.x - left.x) / span;
    let start = left.x - 1.5 * module;
    let end = right.x + end_half * module;
    let margin = QUIET_MODULES * module;
    let (before, after) = (start - margin, end + margin);
    if before < 0.0 || after >= row.get_size() as f32 {
        return false;
    }
    let light = |from: f32, to: f32| {
        row.isRange(
            from.round() as usize,
            (to.round() as usize).max(from.round() as usize),
            false,
        )
        .unwrap_or(false)
    };
    // The pixels right next to the guards may be smeared by blur: leave one pixel.
    light(before, start - 1.0) && light(end + 1.0, after)
}

fn accept(format: Format, text: String) -> Option<Decoded> {
    guard::check(format, &text).ok()?;
    Some(Decoded { format, text })
}
