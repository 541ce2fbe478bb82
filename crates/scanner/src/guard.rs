//! The guard between the decoder and the bag: a code is only let through when it can be real.
//!
//! Two gates. [`check`] applies the GS1 rules to every result (length and check digit for
//! EAN/UPC, sane text for Code 128 and QR): a misread bar almost always breaks the check digit.
//! [`Agreement`] is for live camera frames: one blurred frame can still produce a plausible
//! wrong code, two frames agreeing within a second practically never do.

use crate::scanner::{Decoded, Format};
use shopbag_api::code::{upc_e_to_upc_a, Gtin, MAX_CODE_LEN};
use std::fmt;

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
            let sane = !text.is_empty()
                && text.len() <= MAX_CODE_LEN
                && !text.chars().any(char::is_control);
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
        assert_eq!(check(Format::Qr, &"9".repeat(600)), Err(Refusal::BadText));
        assert_eq!(check(Format::Code128, "SB-1042-M"), Ok(()));
        assert_eq!(check(Format::Code128, "6901234567892"), Ok(()));
        assert_eq!(
            check(Format::Code128, "6901234567891"),
            Err(Refusal::BadCheckDigit)
        );
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
