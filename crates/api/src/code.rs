//! GS1 codes as printed on hang tags: parse what a scanner or a shopper gives us into a checked GTIN.
//!
//! Accepted: EAN-13, EAN-8, UPC-A, UPC-E, in-store codes (EAN-13 with GS1 prefix 20–29) and the
//! URL a tag QR code carries (a GS1 Digital Link `…/01/<gtin>` or our own `…/p/<code>`).
//!
//! A code goes through three things, one type each: what the scanner read off a tag (its
//! symbology and text, `shopbag_scanner::Decoded`, which may also be a member code or a claim
//! link), the product code checked here ([`ScannedCode`]: kind and [`Gtin`]), and what the
//! catalogue says it names (`CodeMatch`: the variant and its product, `GET /codes/{code}`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longer input is refused before any work: no tag carries more.
pub const MAX_CODE_LEN: usize = 512;

/// A GTIN with a valid check digit, normalised to 14 digits (GS1's canonical form).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

impl Gtin {
    /// Accepts GTIN-8, -12, -13 or -14 digits and checks the GS1 check digit.
    pub fn parse(digits: &str) -> Result<Gtin, CodeError> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::NotDigits);
        }
        if ![8, 12, 13, 14].contains(&digits.len()) {
            return Err(CodeError::BadLength(digits.len()));
        }
        if !has_valid_check_digit(digits) {
            return Err(CodeError::BadCheckDigit);
        }
        Ok(Gtin(format!("{digits:0>14}")))
    }

    /// The 14-digit form, e.g. `06931234500016`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 13-digit EAN form, when the GTIN fits in one (it does for every EAN/UPC).
    pub fn ean13(&self) -> Option<&str> {
        self.0.strip_prefix('0')
    }

    /// GS1 prefixes 020–029 are for restricted circulation: codes a store prints itself.
    pub fn is_in_store(&self) -> bool {
        self.0.starts_with("02")
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ean13().unwrap_or(&self.0))
    }
}

/// Which symbology or carrier a code came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    Ean13,
    Ean8,
    UpcA,
    UpcE,
    /// A store's own EAN-13 in the GS1 20–29 range.
    InStore,
    /// A URL from a tag QR code.
    TagUrl,
}

/// A code from a scan or the keyboard, checked and ready to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedCode {
    pub kind: CodeKind,
    pub gtin: Gtin,
}

impl ScannedCode {
    /// Reads digits or a tag URL. Surrounding white space (scanners add CR/LF) is ignored.
    pub fn parse(input: &str) -> Result<ScannedCode, CodeError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(CodeError::Empty);
        }
        if input.len() > MAX_CODE_LEN {
            return Err(CodeError::TooLong);
        }
        if input.starts_with("http://") || input.starts_with("https://") {
            return parse_tag_url(input);
        }
        if !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::NotDigits);
        }
        match input.len() {
            13 => {
                let gtin = Gtin::parse(input)?;
                let kind = if gtin.is_in_store() {
                    CodeKind::InStore
                } else {
                    CodeKind::Ean13
                };
                Ok(ScannedCode { kind, gtin })
            }
            12 => Ok(ScannedCode {
                kind: CodeKind::UpcA,
                gtin: Gtin::parse(input)?,
            }),
            // Eight digits are EAN-8 unless only the UPC-E reading has a valid check digit.
            8 => match Gtin::parse(input) {
                Ok(gtin) => Ok(ScannedCode {
                    kind: CodeKind::Ean8,
                    gtin,
                }),
                Err(ean8_error) => match upc_e_to_upc_a(input) {
                    Some(upc_a) => Ok(ScannedCode {
                        kind: CodeKind::UpcE,
                        gtin: Gtin::parse(&upc_a)?,
                    }),
                    None => Err(ean8_error),
                },
            },
            n => Err(CodeError::BadLength(n)),
        }
    }

    /// All readings of an eight-digit code: EAN-8 and UPC-E can share the same digits.
    pub fn alternatives(input: &str) -> Vec<ScannedCode> {
        let input = input.trim();
        let mut found: Vec<ScannedCode> = ScannedCode::parse(input).into_iter().collect();
        if input.len() == 8 && input.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(gtin) = upc_e_to_upc_a(input).and_then(|a| Gtin::parse(&a).ok()) {
                if found.iter().all(|c| c.gtin != gtin) {
                    found.push(ScannedCode {
                        kind: CodeKind::UpcE,
                        gtin,
                    });
                }
            }
        }
        found
    }
}

/// Why a code was refused; each maps to a 400 with a clear message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    Empty,
    TooLong,
    NotDigits,
    BadLength(usize),
    BadCheckDigit,
    UnsupportedUrl,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Empty => f.write_str("the code is empty"),
            CodeError::TooLong => write!(f, "the code is longer than {MAX_CODE_LEN} characters"),
            CodeError::NotDigits => f.write_str("a product code has digits only"),
            CodeError::BadLength(n) => {
                write!(f, "a product code has 8, 12 or 13 digits, not {n}")
            }
            CodeError::BadCheckDigit => f.write_str("the check digit does not match"),
            CodeError::UnsupportedUrl => f.write_str("this link is not a product tag"),
        }
    }
}

impl std::error::Error for CodeError {}

/// GS1 mod-10: weights 3,1,3,1… from the digit left of the check digit.
pub fn check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn has_valid_check_digit(digits: &str) -> bool {
    let (body, check) = digits.split_at(digits.len() - 1);
    check.as_bytes()[0] - b'0' == check_digit(body)
}

/// UPC-E (number system 0 or 1, six digits, check) written out as the UPC-A it stands for.
pub fn upc_e_to_upc_a(upc_e: &str) -> Option<String> {
    let d = upc_e.as_bytes();
    if d.len() != 8 || !(d[0] == b'0' || d[0] == b'1') {
        return None;
    }
    let s = |range: std::ops::Range<usize>| &upc_e[range];
    let middle = match d[6] {
        b'0'..=b'2' => format!("{}{}0000{}", s(1..3), s(6..7), s(3..6)),
        b'3' => format!("{}00000{}", s(1..4), s(4..6)),
        b'4' => format!("{}00000{}", s(1..5), s(5..6)),
        _ => format!("{}0000{}", s(1..6), s(6..7)),
    };
    Some(format!("{}{}{}", s(0..1), middle, s(7..8)))
}

/// Finds the GTIN in a tag URL: GS1 Digital Link (`/01/<gtin>`) or our app link (`/p/<code>`).
fn parse_tag_url(url: &str) -> Result<ScannedCode, CodeError> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split_once('/')
        .map_or("", |(_host, path)| path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let gtin = segments
        .windows(2)
        .find_map(|pair| match pair[0] {
            "01" => Some(Gtin::parse(pair[1])),
            "p" => Some(ScannedCode::parse(pair[1]).map(|code| code.gtin)),
            _ => None,
        })
        .ok_or(CodeError::UnsupportedUrl)??;
    Ok(ScannedCode {
        kind: CodeKind::TagUrl,
        gtin,
    })
}

/// A code as a message quotes it: a QR code may hold a whole letter, the message shows its first
/// [`QUOTED_CHARS`] characters and an ellipsis, on one line.
pub fn quoted(code: &str) -> String {
    let one_line = code.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

pub const QUOTED_CHARS: usize = 40;

#[cfg(test)]
mod tests {
    #[test]
    fn long_and_multi_line_codes_are_quoted_short_on_one_line() {
        assert_eq!(quoted("6901234567892"), "6901234567892");
        assert_eq!(quoted("Shop\r\nhttp://x.cn"), "Shop http://x.cn");
        let letter = "字".repeat(100);
        assert_eq!(quoted(&letter), format!("{}…", "字".repeat(QUOTED_CHARS)));
    }

    use super::*;

    /// Builds a valid code by appending its check digit.
    fn with_check(body: &str) -> String {
        format!("{body}{}", check_digit(body))
    }

    #[test]
    fn check_digit_matches_published_examples() {
        // GS1's own worked example and a well-known book EAN.
        assert_eq!(check_digit("629104150021"), 3);
        assert_eq!(check_digit("978030640615"), 7);
        assert_eq!(check_digit("9638507"), 4); // EAN-8 96385074
    }

    #[test]
    fn reads_ean13_and_normalises_to_gtin14() {
        let code = ScannedCode::parse("9780306406157").unwrap();
        assert_eq!(code.kind, CodeKind::Ean13);
        assert_eq!(code.gtin.as_str(), "09780306406157");
        assert_eq!(code.gtin.ean13(), Some("9780306406157"));
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        assert_eq!(
            ScannedCode::parse("9780306406158"),
            Err(CodeError::BadCheckDigit)
        );
    }

    #[test]
    fn recognises_in_store_codes_by_prefix_20_to_29() {
        for prefix in 20..=29 {
            let code = with_check(&format!("{prefix}1234567890"));
            assert_eq!(
                ScannedCode::parse(&code).unwrap().kind,
                CodeKind::InStore,
                "{code}"
            );
        }
        let normal = with_check("690123456789");
        assert_eq!(ScannedCode::parse(&normal).unwrap().kind, CodeKind::Ean13);
    }

    #[test]
    fn reads_upc_a_as_the_same_gtin_as_its_ean13() {
        let upc = ScannedCode::parse("036000291452").unwrap();
        assert_eq!(upc.kind, CodeKind::UpcA);
        assert_eq!(upc.gtin, ScannedCode::parse("0036000291452").unwrap().gtin);
    }

    #[test]
    fn reads_ean8() {
        let code = ScannedCode::parse("96385074").unwrap();
        assert_eq!(code.kind, CodeKind::Ean8);
        assert_eq!(code.gtin.as_str(), "00000096385074");
    }

    #[test]
    fn expands_upc_e_by_its_last_digit_rules() {
        // (UPC-E, UPC-A) pairs for each expansion rule.
        let cases = [
            ("01234505", "012000003455"), // 0
            ("04252614", "042100005264"), // 1
            ("01234531", "012300000451"), // 3
            ("01234543", "012340000054"), // 4
        ];
        for (e, a) in cases {
            let expanded = upc_e_to_upc_a(e).unwrap();
            assert_eq!(&expanded[..11], &a[..11], "{e}");
        }
    }

    #[test]
    fn eight_digits_fall_back_to_upc_e_when_ean8_check_fails() {
        // As EAN-8, 0123450 would need check digit 3; as UPC-E it is UPC-A 012000003455.
        let code = ScannedCode::parse("01234505").unwrap();
        assert_eq!(code.kind, CodeKind::UpcE);
        assert_eq!(code.gtin, Gtin::parse("012000003455").unwrap());
    }

    #[test]
    fn offers_both_readings_when_ean8_and_upc_e_agree_on_the_check_digit() {
        // Rule 5–9 UPC-E codes always share their check digit with the EAN-8 reading.
        let upc_a = with_check("01234500007");
        let eight = format!("0123457{}", &upc_a[11..]);
        let readings = ScannedCode::alternatives(&eight);
        assert_eq!(readings.len(), 2);
        assert_eq!(readings[0].kind, CodeKind::Ean8);
        assert_eq!(readings[1].kind, CodeKind::UpcE);
        assert_eq!(readings[1].gtin, Gtin::parse(&upc_a).unwrap());
    }

    #[test]
    fn refuses_letters_lengths_and_floods() {
        assert_eq!(ScannedCode::parse("ABC123"), Err(CodeError::NotDigits));
        assert_eq!(ScannedCode::parse("12345"), Err(CodeError::BadLength(5)));
        assert_eq!(ScannedCode::parse(""), Err(CodeError::Empty));
        assert_eq!(
            ScannedCode::parse(&"1".repeat(10_000)),
            Err(CodeError::TooLong)
        );
    }

    #[test]
    fn trims_scanner_line_endings() {
        assert!(ScannedCode::parse(" 9780306406157\r\n").is_ok());
    }

    #[test]
    fn reads_gs1_digital_link_and_app_links() {
        let link =
            ScannedCode::parse("https://id.example.com/01/09780306406157/21/XYZ?lot=1").unwrap();
        assert_eq!(link.kind, CodeKind::TagUrl);
        assert_eq!(link.gtin.as_str(), "09780306406157");
        let ours = ScannedCode::parse("https://shop.example.cn/p/9780306406157").unwrap();
        assert_eq!(ours.gtin, link.gtin);
        assert_eq!(
            ScannedCode::parse("https://example.com/about"),
            Err(CodeError::UnsupportedUrl)
        );
        assert_eq!(
            ScannedCode::parse("https://example.com/01/09780306406158"),
            Err(CodeError::BadCheckDigit)
        );
    }
}
