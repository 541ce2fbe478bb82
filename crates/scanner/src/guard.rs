//! The guard between the decoder and the bag: a code is only let through when it can be real.
//!
//! Three gates. [`check`] applies the GS1 rules to every result (length and check digit for
//! EAN/UPC, sane text for Code 128 and QR): a misread bar usually breaks the check digit.
//! [`Votes`] is for linear codes within one picture: a blurred row or a texture can still give a
//! plausible wrong code, but on a row or two; a real code shows on many rows. [`Agreement`] is
//! for live camera frames: two frames agreeing within a second.

use crate::protocol::{Decoded, Format};
use shopbag_api::code::{upc_e_to_upc_a, Gtin};
use std::fmt;

/// The most characters a QR code holds (version 40, digits only): anything longer is not a code.
/// Whether a long text is one of our products is the app's question, answered with a message.
pub const MAX_TEXT_LEN: usize = 7089;

/// Why a decoded result was not let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// EAN/UPC with the wrong number of digits for its symbology.
    BadLength,
    BadCheckDigit,
    /// Empty, too long, or with control characters: nothing a tag carries.
    BadText,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::BadLength => "wrong number of digits for the symbology",
            Refusal::BadCheckDigit => "the check digit does not match",
            Refusal::BadText => "not text a tag carries",
        })
    }
}

/// The GS1 and sanity rules for one result.
pub fn check(format: Format, text: &str) -> Result<(), Refusal> {
    let digits = || text.bytes().all(|b| b.is_ascii_digit());
    let gtin = |length: usize| {
        if text.len() != length || !digits() {
            Err(Refusal::BadLength)
        } else {
            Gtin::parse(text)
                .map(drop)
                .map_err(|_| Refusal::BadCheckDigit)
        }
    };
    match format {
        Format::Ean13 => gtin(13),
        Format::Ean8 => gtin(8),
        Format::UpcA => gtin(12),
        Format::UpcE => {
            if text.len() != 8 || !digits() {
                return Err(Refusal::BadLength);
            }
            let upc_a = upc_e_to_upc_a(text).ok_or(Refusal::BadCheckDigit)?;
            Gtin::parse(&upc_a)
                .map(drop)
                .map_err(|_| Refusal::BadCheckDigit)
        }
        Format::Code128 | Format::Qr => {
            // Line breaks and tabs are text (a QR code may hold an address); other control
            // characters are binary data, not anything a tag says.
            let sane = !text.is_empty()
                && text.chars().count() <= MAX_TEXT_LEN
                && !text
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t'));
            if !sane {
                return Err(Refusal::BadText);
            }
            // A store's Code 128 often carries a bare GTIN: hold it to the same check digit.
            let gtin_length = [8, 12, 13, 14].contains(&text.len());
            if format == Format::Code128 && gtin_length && digits() {
                Gtin::parse(text)
                    .map(drop)
                    .map_err(|_| Refusal::BadCheckDigit)
            } else {
                Ok(())
            }
        }
    }
}

/// One row's reading: the pass (a scale or turn of the picture), the row in it, and the way it
/// was read — which binarisation, which way round — numbered by the caller (0 to 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowReading {
    pub pass: u32,
    pub y: u32,
    pub way: u8,
}

/// What the rows of one picture read, and whether they agree on a linear code.
///
/// A code counts once [`Votes::rows_needed`] distinct rows read it — one more when every reading
/// was made the same way, since rows binarised alike share their mistakes; every row, in a
/// picture with fewer rows than that — and more rows than any other code in the picture: a wrong
/// code from blurred bars shows beside the right one on fewer rows, and a tie is no answer.
#[derive(Debug, Default)]
pub struct Votes {
    tally: Vec<Tally>,
    passes: u32,
    tallest: u32,
}

#[derive(Debug)]
struct Tally {
    code: Decoded,
    rows: Vec<(u32, u32)>,
    /// A bit per way of reading.
    ways: u8,
}

impl Votes {
    /// Rows that must agree, read more than one way: EAN-8 and UPC-E are short and their check
    /// digits catch little, so they need more.
    pub fn rows_needed(format: Format) -> usize {
        match format {
            Format::Ean8 | Format::UpcE => 3,
            _ => 2,
        }
    }

    /// Starts a pass over a picture `height` rows tall; its rows are told apart from other passes'.
    pub fn pass(&mut self, height: u32) -> u32 {
        self.passes += 1;
        self.tallest = self.tallest.max(height);
        self.passes
    }

    /// A row read `code`; a row counts once however many ways read it.
    pub fn add(&mut self, code: Decoded, reading: RowReading) {
        let row = (reading.pass, reading.y);
        let way = 1 << reading.way;
        match self.tally.iter_mut().find(|tally| tally.code == code) {
            Some(tally) => {
                tally.ways |= way;
                if !tally.rows.contains(&row) {
                    tally.rows.push(row);
                }
            }
            None => self.tally.push(Tally {
                code,
                rows: vec![row],
                ways: way,
            }),
        }
    }

    /// The code the rows agree on, if they do.
    pub fn agreed(&self) -> Option<&Decoded> {
        let mut ranked: Vec<&Tally> = self.tally.iter().collect();
        ranked.sort_by_key(|tally| std::cmp::Reverse(tally.rows.len()));
        let best = ranked.first()?;
        let one_way = usize::from(best.ways.count_ones() < 2);
        let needed = (Votes::rows_needed(best.code.format) + one_way).min(self.tallest as usize);
        let runner_up = ranked.get(1).map_or(0, |tally| tally.rows.len());
        (best.rows.len() >= needed && best.rows.len() > runner_up).then_some(&best.code)
    }
}

/// Live mode's second gate: the same code in two frames less than [`Agreement::WINDOW_MS`] apart.
#[derive(Debug, Default)]
pub struct Agreement {
    last: Option<(Decoded, f64)>,
}

impl Agreement {
    pub const WINDOW_MS: f64 = 1000.0;

    /// Feeds the result of one frame taken at `at_ms`; answers the code once two frames agree.
    /// Frames where nothing was read do not reset the count: the tag may be briefly out of
    /// focus between two good frames.
    pub fn observe(&mut self, found: Option<Decoded>, at_ms: f64) -> Option<Decoded> {
        let found = found?;
        match self.last.take() {
            Some((seen, seen_at)) if seen == found && at_ms - seen_at <= Self::WINDOW_MS => {
                Some(found)
            }
            _ => {
                self.last = Some((found, at_ms));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(format: Format, text: &str) -> Decoded {
        Decoded {
            format,
            text: text.into(),
        }
    }

    #[test]
    fn ean_and_upc_need_their_length_and_check_digit() {
        assert_eq!(check(Format::Ean13, "6901234567892"), Ok(()));
        assert_eq!(
            check(Format::Ean13, "6901234567891"),
            Err(Refusal::BadCheckDigit)
        );
        assert_eq!(
            check(Format::Ean13, "690123456789"),
            Err(Refusal::BadLength)
        );
        assert_eq!(check(Format::Ean8, "96385074"), Ok(()));
        assert_eq!(check(Format::Ean8, "96385075"), Err(Refusal::BadCheckDigit));
        assert_eq!(check(Format::UpcA, "036000291452"), Ok(()));
        assert_eq!(
            check(Format::UpcA, "0360002914521"),
            Err(Refusal::BadLength)
        );
        // UPC-E 01234565 stands for UPC-A 012345000065.
        assert_eq!(check(Format::UpcE, "01234565"), Ok(()));
        assert_eq!(check(Format::UpcE, "01234566"), Err(Refusal::BadCheckDigit));
        assert_eq!(check(Format::UpcE, "21234565"), Err(Refusal::BadCheckDigit));
    }

    #[test]
    fn text_codes_must_be_sane_and_bare_gtins_checked() {
        assert_eq!(
            check(Format::Qr, "https://shop.example.cn/p/6901234567892"),
            Ok(())
        );
        assert_eq!(check(Format::Qr, ""), Err(Refusal::BadText));
        assert_eq!(check(Format::Qr, "a\u{0}b"), Err(Refusal::BadText));
        assert_eq!(check(Format::Qr, "Shop\r\nhttp://shop.example.cn"), Ok(()));
        assert_eq!(check(Format::Qr, &"9".repeat(600)), Ok(()));
        assert_eq!(check(Format::Qr, &"9".repeat(7090)), Err(Refusal::BadText));
        assert_eq!(check(Format::Code128, "SB-1042-M"), Ok(()));
        assert_eq!(check(Format::Code128, "6901234567892"), Ok(()));
        assert_eq!(
            check(Format::Code128, "6901234567891"),
            Err(Refusal::BadCheckDigit)
        );
    }

    /// One pass over a picture `height` rows tall in which each `(code, y, way)` was read.
    fn voted(height: u32, readings: &[(&Decoded, u32, u8)]) -> Votes {
        let mut votes = Votes::default();
        let pass = votes.pass(height);
        for &(code, y, way) in readings {
            votes.add(code.clone(), RowReading { pass, y, way });
        }
        votes
    }

    #[test]
    fn rows_must_agree_and_short_codes_need_more_of_them() {
        let ean13 = &code(Format::Ean13, "6901234567892");
        // Two binarisations of one row are still one row.
        let one_row = [(ean13, 50, 0), (ean13, 50, 1)];
        assert_eq!(voted(100, &one_row).agreed(), None);
        let two_rows = [(ean13, 50, 0), (ean13, 50, 1), (ean13, 52, 0)];
        assert_eq!(voted(100, &two_rows).agreed(), Some(ean13));

        let ean8 = &code(Format::Ean8, "96385074");
        let two_rows = [(ean8, 10, 0), (ean8, 11, 1)];
        assert_eq!(voted(100, &two_rows).agreed(), None);
        let three_rows = [(ean8, 10, 0), (ean8, 11, 1), (ean8, 12, 0)];
        assert_eq!(voted(100, &three_rows).agreed(), Some(ean8));
    }

    #[test]
    fn rows_read_only_one_way_need_one_more() {
        let upc = &code(Format::UpcA, "036000291452");
        assert_eq!(voted(90, &[(upc, 48, 0), (upc, 50, 0)]).agreed(), None);
        let three = [(upc, 48, 0), (upc, 50, 0), (upc, 20, 0)];
        assert_eq!(voted(90, &three).agreed(), Some(upc));
    }

    #[test]
    fn the_code_most_rows_read_wins_and_a_tie_is_no_answer() {
        let right = &code(Format::UpcE, "01234565");
        let wrong = &code(Format::UpcE, "03004410");
        let mut readings: Vec<_> = (0..4)
            .flat_map(|y| [(wrong, y, (y % 2) as u8), (right, 40 + y, (y % 2) as u8)])
            .collect();
        assert_eq!(voted(80, &readings).agreed(), None);
        readings.push((right, 50, 1));
        assert_eq!(voted(80, &readings).agreed(), Some(right));
    }

    #[test]
    fn a_picture_one_row_tall_has_only_that_row_to_give() {
        let ean8 = &code(Format::Ean8, "96385074");
        assert_eq!(voted(1, &[(ean8, 0, 0)]).agreed(), Some(ean8));
    }

    #[test]
    fn two_frames_within_a_second_must_agree() {
        let mut agreement = Agreement::default();
        let a = code(Format::Ean13, "6901234567892");
        assert_eq!(agreement.observe(Some(a.clone()), 0.0), None);
        assert_eq!(agreement.observe(None, 100.0), None);
        assert_eq!(agreement.observe(Some(a.clone()), 200.0), Some(a.clone()));
        // Accepted codes start over: the next acceptance needs two new frames.
        assert_eq!(agreement.observe(Some(a.clone()), 300.0), None);
    }

    #[test]
    fn a_different_or_late_second_frame_does_not_count() {
        let mut agreement = Agreement::default();
        let a = code(Format::Ean13, "6901234567892");
        let b = code(Format::Ean13, "4006381333931");
        assert_eq!(agreement.observe(Some(a.clone()), 0.0), None);
        assert_eq!(agreement.observe(Some(b.clone()), 50.0), None);
        assert_eq!(agreement.observe(Some(a.clone()), 100.0), None);
        assert_eq!(agreement.observe(Some(a.clone()), 1200.0), None);
        assert_eq!(agreement.observe(Some(a.clone()), 1300.0), Some(a));
    }
}
