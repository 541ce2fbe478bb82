//! Scanned and typed codes: the parser the app and the server share, and the scanner's guard.
//! Any text: no panic, and every code let through is one the rest of the flow can use.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shopbag_api::code::{quoted, upc_e_to_upc_a, QUOTED_CHARS};
use shopbag_api::{CodeKind, Gtin, ScannedCode};
use shopbag_scanner::guard::check;
use shopbag_scanner::{Agreement, Decoded, Format, RowReading, Votes};

const FORMATS: [Format; 6] = [
    Format::Ean13,
    Format::Ean8,
    Format::UpcA,
    Format::UpcE,
    Format::Code128,
    Format::Qr,
];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    text: &'a str,
    /// Rows of one picture reading codes (the guard's votes), and live frames (its agreement).
    rows: Vec<(u8, u8, u8, u8)>,
    frames: Vec<(Option<u8>, u16)>,
}

fuzz_target!(|input: Input| {
    parsed(input.text);
    guarded(input.text);
    votes(input.text, &input.rows);
    agreement(input.text, &input.frames);
    let quote = quoted(input.text);
    assert!(quote.chars().count() <= QUOTED_CHARS + 1);
    assert!(!quote.contains('\n'));
});

/// A parsed code's GTIN reads back as itself, and as the same code when typed as digits.
fn parsed(text: &str) {
    let alternatives = ScannedCode::alternatives(text);
    let Ok(code) = ScannedCode::parse(text) else {
        assert!(alternatives.iter().all(|c| c.kind == CodeKind::UpcE));
        return;
    };
    assert_eq!(alternatives.first(), Some(&code));
    let digits = code.gtin.as_str();
    assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(Gtin::parse(digits).as_ref(), Ok(&code.gtin));
    if let Some(ean13) = code.gtin.ean13() {
        assert_eq!(
            ScannedCode::parse(ean13).map(|c| c.gtin),
            Ok(code.gtin.clone())
        );
    }
    for (i, a) in alternatives.iter().enumerate() {
        assert!(alternatives[..i].iter().all(|b| b.gtin != a.gtin));
    }
}

/// What the guard lets through for a symbology is a code the parser reads the same way.
fn guarded(text: &str) {
    for format in FORMATS {
        let Ok(()) = check(format, text) else {
            continue;
        };
        match format {
            Format::Ean13 | Format::Ean8 | Format::UpcA => {
                assert_eq!(ScannedCode::parse(text).map(|c| c.gtin), Gtin::parse(text))
            }
            Format::UpcE => {
                let upc_a = upc_e_to_upc_a(text).expect("the guard expanded it");
                let gtin = Gtin::parse(&upc_a).expect("the guard checked it");
                assert!(ScannedCode::alternatives(text)
                    .iter()
                    .any(|c| c.gtin == gtin));
            }
            Format::Code128 | Format::Qr => {
                assert!(!text.is_empty());
                assert!(!text
                    .chars()
                    .any(|c| c.is_control() && !"\r\n\t".contains(c)));
            }
        }
    }
}

/// The rows of a picture agree only on a code some row read, on more distinct rows than any
/// other code; a row read twice counts once.
fn votes(text: &str, rows: &[(u8, u8, u8, u8)]) {
    let mut votes = Votes::default();
    let height = votes.pass(256);
    let mut seen: Vec<(Decoded, Vec<(u32, u32)>)> = Vec::new();
    for &(format, text_len, y, way) in rows {
        let code = Decoded {
            format: FORMATS[usize::from(format) % FORMATS.len()],
            text: text.chars().take(usize::from(text_len % 4)).collect(),
        };
        let reading = RowReading {
            pass: height,
            y: u32::from(y),
            way: way % 8,
        };
        votes.add(code.clone(), reading);
        let row = (reading.pass, reading.y);
        match seen.iter_mut().find(|(c, _)| *c == code) {
            Some((_, rows)) if rows.contains(&row) => {}
            Some((_, rows)) => rows.push(row),
            None => seen.push((code, vec![row])),
        }
    }
    if let Some(agreed) = votes.agreed() {
        let rows_of = |code: &Decoded| {
            seen.iter()
                .find(|(c, _)| c == code)
                .map_or(0, |(_, r)| r.len())
        };
        let count = rows_of(agreed);
        assert!(count >= Votes::rows_needed(agreed.format));
        assert!(seen.iter().all(|(c, r)| c == agreed || r.len() < count));
    }
}

/// Live frames let a code through only when the frame before with a code read the same one,
/// at most a second earlier.
fn agreement(text: &str, frames: &[(Option<u8>, u16)]) {
    let mut agreement = Agreement::default();
    let mut last: Option<(Decoded, f64)> = None;
    let mut at = 0.0;
    for &(found, gap) in frames {
        at += f64::from(gap);
        let found = found.map(|n| Decoded {
            format: Format::Qr,
            text: text.chars().take(usize::from(n % 3)).collect(),
        });
        let passed = agreement.observe(found.clone(), at);
        if let Some(code) = passed {
            let (before, when) = last.take().expect("a frame before it read a code");
            assert_eq!(before, code);
            assert!(at - when <= Agreement::WINDOW_MS);
        } else if let Some(code) = found {
            last = Some((code, at));
        }
    }
}
